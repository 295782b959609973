"""Middleware of the survey app."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from survey.services.audit import audit_ip, request_ip


class AuditRequestMiddleware:
    """Every audit event a request causes records the request's address
    (:func:`survey.services.audit.request_ip`), whichever service writes it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_ip(request_ip(request)):
            return self.get_response(request)
