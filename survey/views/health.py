"""``/healthz``: for the monitoring, no login; each check's name and outcome only."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from survey.services.health import health_report


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report.public(), status=200 if report.ok else 503)
