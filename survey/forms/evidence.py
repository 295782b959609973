"""Forms of the evidence screens."""

from django import forms
from django.utils.translation import gettext_lazy

from survey.models import Evidence


class EvidenceForm(forms.Form):
    """What the person typed; the rules are the service's."""

    kind = forms.ChoiceField(choices=Evidence.Kind.choices)
    doc_number = forms.CharField(required=False, strip=True)
    doc_date = forms.DateField(
        label=gettext_lazy("Date (dd/mm/yyyy)"), required=False, localize=True
    )
    summary = forms.CharField(required=False, strip=True)
    url = forms.CharField(required=False, strip=True)
    link_summary = forms.CharField(required=False, strip=True)
    file = forms.FileField(required=False, allow_empty_file=True)
