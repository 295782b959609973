"""The form that makes an API token."""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy

DEFAULT_DAYS = 90


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the document system."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        min_value=1,
        initial=DEFAULT_DAYS,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        longest = settings.DTI_API_TOKEN_MAX_DAYS
        field = self.fields["days"]
        field.max_value = longest
        field.validators.append(MaxValueValidator(longest))
        field.widget.attrs.update({"min": 1, "max": longest})
