"""Middleware of the survey app."""

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from survey import province_scope
from survey.selectors.provinces import scope_for
from survey.selectors.security import two_factor_enabled, two_factor_required
from survey.services.audit import audit_ip, request_ip


class AuditRequestMiddleware:
    """Every audit event a request causes records the request's address
    (:func:`survey.services.audit.request_ip`), whichever service writes it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_ip(request_ip(request)):
            return self.get_response(request)


class TwoFactorMiddleware:
    """Keeps a signed-in person who has not given their second factor on the code
    page: with a confirmed device, every page but a few (the code page, logging
    out, the language, static files, the health check) sends them there; without
    one, when their role requires it, to the setup page. After
    ``django_otp.middleware.OTPMiddleware``, which tells whether the session is
    verified."""

    OPEN_PREFIXES = (
        "/logout/",
        "/i18n/",
        "/healthz",
        "/static/",
        "/favicon",
        "/apple-touch-icon",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path_info.startswith(self.OPEN_PREFIXES)
        ):
            target = self._target(user)
            # The menu leads nowhere until the code is given (or a device set up).
            request.two_factor_pending = bool(target)
            if target and request.path != reverse(target):
                return redirect_to_login(
                    request.get_full_path(), reverse(target), "next"
                )
        return self.get_response(request)

    @staticmethod
    def _target(user) -> str | None:
        if two_factor_enabled(user=user):
            return "survey:two_factor_verify"
        if two_factor_required(user=user):
            return "survey:two_factor_setup"
        return None


class ProvinceMiddleware:
    """Serves each request in the signed-in person's province
    (:mod:`survey.province_scope`): the models that belong to a province show
    only its rows for the whole request, whatever the view asks. After the
    authentication middleware. The administration site is the installation
    administrator's: a superuser works there on every province, even one who
    also holds a province's role."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or (
            user.is_superuser and request.path_info.startswith(reverse("admin:index"))
        ):
            scope = province_scope.UNSCOPED
        else:
            scope = scope_for(user)
        with province_scope.province_scope(scope):
            return self.get_response(request)
