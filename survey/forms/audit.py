"""Forms of the audit screens."""

from django import forms
from django.utils.translation import gettext_lazy

from survey.forms.lists import FilterForm
from survey.models import AuditEvent
from survey.selectors.audit import unit_code_exists, username_exists


class AuditFilter(FilterForm):
    """The search of the audit trail: a filter that cannot be read (a date that is
    not one, a unit or a user name that does not exist) is left out and said at
    its field, the others apply."""

    actor = forms.CharField(
        label=gettext_lazy("User name"), required=False, max_length=150
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("All")), *AuditEvent.Action.choices],
    )
    unit = forms.CharField(
        label=gettext_lazy("Unit code"), required=False, max_length=40
    )
    date_from = forms.DateField(label=gettext_lazy("From (dd/mm/yyyy)"), required=False)
    date_to = forms.DateField(label=gettext_lazy("Until (dd/mm/yyyy)"), required=False)

    def clean_actor(self) -> str:
        actor = self.cleaned_data["actor"].strip()
        if actor and not self.unstorable and not username_exists(actor):
            raise forms.ValidationError(
                gettext_lazy("No account has this user name: not applied.")
            )
        return actor

    def clean_unit(self) -> str:
        unit = self.cleaned_data["unit"].strip()
        if unit and not self.unstorable and not unit_code_exists(unit):
            raise forms.ValidationError(
                gettext_lazy("No unit has this code: not applied.")
            )
        return unit

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to",
                gettext_lazy("This date is before the first one: not applied."),
            )
        return data
