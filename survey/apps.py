from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "survey"
    verbose_name = _("Digital transformation assessment")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from survey import signals  # noqa: F401
