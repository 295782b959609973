from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from survey.results.stored import results_stored

        results_stored.connect(_prepare_later, dispatch_uid="reports_prepare_later")


def _prepare_later(sender, **kwargs) -> None:
    # Imported when results are stored, not when the site starts (matplotlib).
    from reports.services.dashboard import dashboard_prepare_later

    dashboard_prepare_later(
        campaign=kwargs["campaign"], results_version=kwargs["results_version"]
    )
