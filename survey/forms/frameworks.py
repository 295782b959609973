from django import forms
from django.utils.translation import gettext_lazy as _

from survey.models import UnitType


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Framework file (.xlsx or .csv)"),
        help_text=_("Layout: see the documentation of the framework file."),
    )
    framework_code = forms.CharField(label=_("Framework code"), required=False)
    framework_name_vi = forms.CharField(label=_("Framework name"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000)
    unit_type = forms.ChoiceField(
        label=_("Unit type"),
        choices=[("", "—"), *UnitType.choices],
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class FrameworkCopyForm(forms.Form):
    code = forms.CharField(
        label=_("Code of your province's framework"),
        max_length=40,
        help_text=_("Unique in the whole installation; without spaces."),
    )
