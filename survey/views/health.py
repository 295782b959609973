"""``/healthz``: for the monitoring, no login; each check's name and outcome only."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from survey.services.health import health_report


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    response = JsonResponse(report.public(), status=200 if report.ok else 503)
    # The failing checks are logged as warnings with their reasons; Django's own
    # error record of the 503 would mail the admins at every poll of the monitoring.
    response._has_been_logged = True
    return response
