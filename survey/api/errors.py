"""The API's error replies: ``{"detail": "…"}`` in the request's language, and
for a bad parameter or body the problems found under ``errors``, each with a
translated ``msg`` beside pydantic's ``type`` and ``loc``.

Besides the replies of the table in docs/api.md: a body that is not JSON (or not
UTF-8) is answered 422, a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` 413, and a
path or query value the database could not store (a NUL character, a lone
surrogate) 404 or 422 before any endpoint looks it up.
"""

import functools

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from survey.text import UNSTORABLE, storable


class BodyUnreadable(ValueError):
    """The request's body is not JSON in UTF-8."""


class JsonParser(Parser):
    """Ninja's parser, whose failures the error handlers can tell apart from
    other replies of status 400."""

    def parse_body(self, request):
        try:
            return super().parse_body(request)
        except Exception as error:
            raise BodyUnreadable(str(error)) from error


# Pydantic's English messages, by error type; ``%(…)s`` take the error's context.
MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_type": gettext_lazy("Enter text."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_type": gettext_lazy("Enter a number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "bool_type": gettext_lazy("Enter true or false."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "literal_error": gettext_lazy("Enter one of: %(expected)s."),
    "string_too_long": gettext_lazy("Enter at most %(max_length)s characters."),
    "string_too_short": gettext_lazy("Enter at least %(min_length)s characters."),
    "too_long": gettext_lazy("Send at most %(max_length)s items."),
    "too_short": gettext_lazy("Send at least %(min_length)s items."),
    "list_type": gettext_lazy("Send a list."),
    "dict_type": gettext_lazy("Send an object."),
    "model_type": gettext_lazy("Send an object."),
    "model_attributes_type": gettext_lazy("Send an object."),
    "greater_than_equal": gettext_lazy("Enter a value of at least %(ge)s."),
    "greater_than": gettext_lazy("Enter a value greater than %(gt)s."),
    "less_than_equal": gettext_lazy("Enter a value of at most %(le)s."),
    "less_than": gettext_lazy("Enter a value less than %(lt)s."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "json_invalid": gettext_lazy("The body is not valid JSON."),
    "unstorable": UNSTORABLE,
}
INVALID_VALUE = gettext_lazy("This value is not valid.")


def problem_message(problem: dict) -> str:
    """A translated sentence for one of pydantic's problems; a generic one for
    types without their own."""
    message = MESSAGES.get(str(problem.get("type", "")))
    if message is None:
        return str(INVALID_VALUE)
    context = {key: str(value) for key, value in (problem.get("ctx") or {}).items()}
    try:
        return str(message) % context if "%(" in str(message) else str(message)
    except (KeyError, ValueError, TypeError):
        return str(INVALID_VALUE)


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
                "msg": problem_message(problem),
                "type": str(problem.get("type", "")),
            }
            for problem in exc.errors
        ]
        detail = _("The request is not valid; see errors.")
        return reply(request, 422, {"detail": detail, "errors": problems})

    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, BodyUnreadable):
            detail = _("The request body is not valid JSON in UTF-8.")
            problem = {"loc": ["body"], "msg": detail, "type": "json_invalid"}
            return reply(request, 422, {"detail": detail, "errors": [problem]})
        return reply(request, exc.status_code, {"detail": str(exc)})

    def too_big(request, exc):
        detail = _("The request body is too large.")
        return reply(request, 413, {"detail": detail})

    api.parser = JsonParser()
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(RequestDataTooBig, too_big)
    api.add_decorator(params_storable, mode="operation")


def params_storable(operation):
    """Refuse, before the endpoint runs, a path value (404: nothing can be called
    so) or a query value (422) holding text the database cannot store."""

    @functools.wraps(operation)
    def checked(request, *args, **kwargs):
        match = request.resolver_match
        path = match.kwargs.values() if match else ()
        if not all(storable(str(value)) for value in path):
            raise Http404(_("Not found."))
        bad = [
            name
            for name, values in request.GET.lists()
            if not all(storable(value) for value in [name, *values])
        ]
        if bad:
            raise ValidationError(
                [{"loc": ["query", name], "type": "unstorable"} for name in bad]
            )
        return operation(request, *args, **kwargs)

    return checked
