"""The API's error replies: ``{"detail": "…"}`` in the request's language, and
for a bad parameter or body the problems found under ``errors``."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError


def errors_translated(api: NinjaAPI) -> None:
    def reply(request, status: int, body: dict, **headers):
        response = api.create_response(request, body, status=status)
        for name, value in headers.items():
            response[name] = value
        return response

    def unauthenticated(request, exc):
        detail = _("Send a valid API token: Authorization: Bearer dti_…")
        return reply(request, 401, {"detail": detail}, **{"WWW-Authenticate": "Bearer"})

    def forbidden(request, exc):
        return reply(
            request, 403, {"detail": _("You do not have permission to do this.")}
        )

    def not_found(request, exc):
        return reply(request, 404, {"detail": str(exc) or _("Not found.")})

    def invalid(request, exc: ValidationError):
        problems = [
            {
                "loc": [str(part) for part in problem.get("loc", ())],
                "msg": str(problem.get("msg", "")),
                "type": str(problem.get("type", "")),
            }
            for problem in exc.errors
        ]
        detail = _("The request is not valid; see errors.")
        return reply(request, 422, {"detail": detail, "errors": problems})

    def http_error(request, exc: HttpError):
        return reply(request, exc.status_code, {"detail": str(exc)})

    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(HttpError, http_error)
