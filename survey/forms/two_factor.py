"""Forms of two-factor sign-in."""

from django import forms
from django.utils.translation import gettext_lazy


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "size": 10}
        ),
    )


class RequirementForm(forms.Form):
    required = forms.BooleanField(
        label=gettext_lazy(
            "Coordinators and reviewers must sign in with a second factor"
        ),
        required=False,
    )
