"""Forms of the accounts screens."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from survey.models import Campaign, Node, Unit, User
from survey.selectors.accounts import province_reviewers


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=gettext_lazy("Reviewer"), queryset=User.objects.none()
    )
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    every_filtered = forms.BooleanField(
        label=gettext_lazy("Every unit the filter finds"), required=False
    )
    indicators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Indicators (none: every indicator)"),
        queryset=Node.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(
        self, *args, campaign: Campaign, filtered: QuerySet[Unit], **kwargs
    ) -> None:
        """``filtered``: the campaign's units the page's filter finds, which
        ``every_filtered`` assigns at once (the page shows one page of them)."""
        super().__init__(*args, **kwargs)
        self.filtered = filtered
        self.fields["reviewer"].queryset = province_reviewers().order_by("username")
        self.fields["units"].queryset = Unit.objects.filter(
            assessments__campaign=campaign
        ).order_by("name_vi")
        self.fields["indicators"].queryset = Node.objects.filter(
            version__campaign_uses__campaign=campaign, kind=Node.Kind.INDICATOR
        ).order_by("version", "order", "id")
        self.fields["indicators"].label_from_instance = lambda n: (
            f"{n.code} {n.name_vi[:80]}"
        )

    def clean(self):
        data = super().clean()
        if data.get("every_filtered"):
            data["units"] = self.filtered
        elif not data.get("units") and "units" not in self.errors:
            self.add_error("units", self.fields["units"].error_messages["required"])
        return data
