"""Forms of the audit screens."""

from django import forms
from django.utils.translation import gettext_lazy

from survey.models import AuditEvent


class AuditFilter(forms.Form):
    actor = forms.CharField(label=gettext_lazy("User name"), required=False)
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("All")), *AuditEvent.Action.choices],
    )
    unit = forms.CharField(label=gettext_lazy("Unit code"), required=False)
    date_from = forms.DateField(label=gettext_lazy("From (dd/mm/yyyy)"), required=False)
    date_to = forms.DateField(label=gettext_lazy("Until (dd/mm/yyyy)"), required=False)
