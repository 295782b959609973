"""Forms of the campaigns screens."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from survey.models import (
    Campaign,
    FrameworkVersion,
    UnitType,
)


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year assessed"), min_value=2015)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    opens_on = forms.DateField(label=gettext_lazy("Opens on"))
    deadline = forms.DateField(label=gettext_lazy("Deadline"))
    non_submission = forms.ChoiceField(
        label=gettext_lazy("Units that never submit"),
        choices=Campaign.NonSubmission.choices,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for unit_type, label in UnitType.choices:
            self.fields[f"version_{unit_type}"] = forms.ModelChoiceField(
                label=label,
                queryset=FrameworkVersion.objects.filter(unit_type=unit_type)
                .select_related("framework")
                .order_by("-year", "-number"),
                required=False,
                empty_label=_("Does not take part"),
            )

    def versions(self) -> dict[str, FrameworkVersion]:
        return {
            unit_type: self.cleaned_data[f"version_{unit_type}"]
            for unit_type, _label in UnitType.choices
            if self.cleaned_data.get(f"version_{unit_type}")
        }


class SettingsForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    deadline = forms.DateField(label=gettext_lazy("Deadline"))
    non_submission = forms.ChoiceField(
        label=gettext_lazy("Units that never submit"),
        choices=Campaign.NonSubmission.choices,
    )


class ParticipationForm(forms.Form):
    ranking_group = forms.CharField(
        label=gettext_lazy("Ranking group"), max_length=80, required=False
    )
    ranked = forms.BooleanField(label=gettext_lazy("Ranked"), required=False)
    provides_procedures = forms.BooleanField(
        label=gettext_lazy("Provides administrative procedures"), required=False
    )
    extended_until = forms.DateField(
        label=gettext_lazy("Deadline extended until"), required=False
    )


class ChangeForm(forms.Form):
    action = forms.CharField()
    reason = forms.CharField(required=False, max_length=2000)
    decision_number = forms.CharField(required=False, max_length=80)
    decision_date = forms.DateField(required=False)
