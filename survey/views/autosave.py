"""The questionnaire's JSON endpoints: autosave of answers and a fresh CSRF token."""

import json
import math
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from survey.forms.questionnaire import AnswerForm, display_value, input_value
from survey.models import Answer, Node
from survey.numbers import format_number, number_format_named, page_number_format
from survey.selectors.scope import assessments_for
from survey.services.answer_access import AnswerLocked
from survey.services.answer_checks import AnswerInvalid, answer_warnings
from survey.services.answers import AnswerStale, answer_save
from survey.text import UNSTORABLE, all_storable
from survey.wizard import answer_conflict_message

MAX_ANSWERS_PER_SAVE = 200


STATUS_OF = {"conflict": 409, "locked": 403, "invalid": 400}


def json_login_required(view):
    """401 with JSON (never a redirect to the login page) when the session is gone;
    403 with ``X-Queue-Refused`` when the page sends changes typed by another
    account than the one signed in now (``X-Queue-User``: a page left open after its
    person's session ended, on a browser someone else has signed in on since)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse(
                {
                    "error": _(
                        "Your session has expired. Log in again (in a new tab): "
                        "your changes are kept and will be sent."
                    ),
                    "login_url": resolve_url(settings.LOGIN_URL),
                },
                status=401,
            )
        author = request.headers.get("X-Queue-User")
        if author is not None and author != str(request.user.pk):
            response = JsonResponse({"error": str(OTHER_ACCOUNT)}, status=403)
            response["X-Queue-Refused"] = "1"
            return response
        return view(request, *args, **kwargs)

    return wrapper


OTHER_ACCOUNT = gettext_lazy(
    "These changes were typed by another account than the one signed in now. "
    "They are kept in this browser: sign in as that person to send them."
)


@never_cache
@require_GET
def csrf_token(request: HttpRequest) -> JsonResponse:
    """A fresh CSRF token, e.g. after logging in again in another tab."""
    return JsonResponse({"token": get_token(request)})


@never_cache
@require_POST
@json_login_required
def answers_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """Save one or several answers: ``{"answers": [{"node", "version", "values"}]}``.

    Each answer gets its own result (ok, invalid, conflict or locked); one refused
    answer never keeps the others from being saved.
    """
    mine = assessments_for(user=request.user, action="open_questionnaire")
    assessment = mine.filter(pk=pk).first()
    if assessment is None:
        return JsonResponse({"error": _("Assessment not found.")}, status=404)
    try:
        items = _read_answers(request)
    except BodyTooLarge:
        return JsonResponse({"error": _too_large_message()}, status=413)
    except BadRequestBody:
        return JsonResponse({"error": _("The request could not be read.")}, status=400)
    node_ids = [item["node"] for item in items]
    nodes = assessment.version.nodes.filter(pk__in=node_ids).in_bulk()
    answers = {
        a.node_id: a
        for a in Answer.objects.filter(assessment=assessment, node_id__in=node_ids)
    }
    results = [
        _autosave_one(request, assessment, nodes.get(node_id), answers, item)
        for node_id, item in zip(node_ids, items, strict=True)
    ]
    statuses = {result["status"] for result in results}
    status = next((STATUS_OF[s] for s in STATUS_OF if s in statuses), 200)
    saved_at = formats.time_format(timezone.localtime(), "H:i:s")
    return JsonResponse({"results": results, "saved_at": saved_at}, status=status)


class BadRequestBody(Exception):
    """The autosave body is not what the questionnaire's script sends."""


class BodyTooLarge(BadRequestBody):
    """Larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``: refused before it is read."""


def _too_large_message() -> str:
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return _(
        "These changes are too large to be saved at once (more than %(size)s MB): "
        "shorten the longest texts. They are kept in this browser until saved."
    ) % {"size": formats.number_format(megabytes, decimal_pos=0)}


MAX_NODE_ID = 2**63  # ids are 64-bit: anything larger names no indicator


def _refuse_constant(name: str):
    raise BadRequestBody(name)  # NaN, Infinity, -Infinity: not JSON


def _read_answers(request: HttpRequest) -> list[dict]:
    """The ``answers`` of an autosave body, checked: each an object whose ``node``
    is an integer id, whose ``version`` (if any) is a whole number and whose
    ``values`` (if any) map names to JSON scalars or lists of scalars.

    Anything else (not JSON, NaN or Infinity, numbers too large, nesting too
    deep) raises :class:`BadRequestBody`, never a server error; a body over
    Django's size limit raises :class:`BodyTooLarge` (Django's own answer would be
    an HTML page, which the questionnaire's script cannot show).
    """
    try:
        body = request.body
    except RequestDataTooBig as error:
        raise BodyTooLarge from error
    try:
        data = json.loads(body, parse_constant=_refuse_constant)
    except (ValueError, OverflowError, RecursionError) as error:
        raise BadRequestBody from error
    items = data.get("answers") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise BadRequestBody
    items = items[:MAX_ANSWERS_PER_SAVE]
    for item in items:
        if not isinstance(item, dict) or not _is_id(item.get("node")):
            raise BadRequestBody
        version = item.get("version")
        if version is not None and not (
            _is_int(version) and 0 <= version < MAX_NODE_ID
        ):
            raise BadRequestBody
        values = item.get("values", {})
        if not isinstance(values, dict) or not all(
            isinstance(name, str) and _is_value(value) for name, value in values.items()
        ):
            raise BadRequestBody
        _read_format(item, data.get("format"))
    return items


def _read_format(item: dict, page_format) -> None:
    """The number format the answer was typed in: its own ``format``, else the
    body's (the page's); ``null`` or absent: not stated. Unknown names are refused."""
    code = item.get("format", page_format)
    if code is not None and number_format_named(code) is None:
        raise BadRequestBody
    item["format"] = code


def _unstorable_errors(item: dict) -> dict[str, list[str]]:
    """Per field, text the database cannot store (a NUL character, or a lone
    surrogate that JSON can carry as ``"\\ud800"``): refused at that field."""
    values = item.get("values", {})
    return {
        name: [str(UNSTORABLE)]
        for name, value in values.items()
        if not all_storable([value])
    }


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value) -> bool:
    return _is_int(value) and 0 < value < MAX_NODE_ID


def _is_scalar(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | int | bool)


def _is_value(value) -> bool:
    if isinstance(value, list):
        return all(_is_scalar(v) for v in value)
    return _is_scalar(value)


def _autosave_one(request, assessment, node: Node | None, answers, item) -> dict:
    if node is None or not node.is_indicator:
        return _result(item, "invalid", errors={"__all__": [_("Unknown indicator.")]})
    if unstorable := _unstorable_errors(item):
        return _result(item, "invalid", errors=unstorable)
    form = AnswerForm(
        _form_data(node, item),
        node=node,
        answer=answers.get(node.pk),
        number_format=number_format_named(item["format"]),
    )
    if not form.is_valid():
        return _result(item, "invalid", errors=_strings(form.errors))
    try:
        saved = answer_save(
            assessment=assessment,
            node=node,
            values=form.values(),
            expected_version=form.expected_version(),
            user=request.user,
        )
    except AnswerStale as stale:
        return _conflict(item, node, stale, user=request.user)
    except AnswerInvalid as invalid:
        errors = {k: [m for _c, m in v] for k, v in invalid.errors.items()}
        return _result(item, "invalid", errors=_strings(errors))
    except AnswerLocked as locked:
        return _result(item, "locked", message=str(locked.message))
    answer = saved.answer
    return _result(
        item,
        "ok",
        version=answer.version,
        points=_points(answer.self_points, item),
        warnings={
            k: [str(m) for m in v] for k, v in answer_warnings(answer, node).items()
        },
    )


def _strings(errors) -> dict[str, list[str]]:
    return {name: [str(m) for m in items] for name, items in errors.items()}


def _form_data(node: Node, item: dict) -> dict:
    prefix = f"n{node.pk}-"
    values = item.get("values") if isinstance(item.get("values"), dict) else {}
    data = {prefix + "version": str(item.get("version", 0))}
    for name, value in values.items():
        data[prefix + str(name)] = value
    return _QueryLike(data)


class _QueryLike(dict):
    """What form widgets read from ``request.POST``; lists for multiple choices."""

    def getlist(self, key, default=None):
        value = self.get(key, default)
        if value is None:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]


def _conflict(item: dict, node: Node, stale: AnswerStale, *, user) -> dict:
    """Both values, and who saved the server's: ``mine`` when it was the person
    (another tab, or a page shown before that save), so the message says so."""
    server = AnswerForm(
        node=node,
        answer=stale.answer,
        number_format=number_format_named(item["format"]) or page_number_format(),
    )
    answer = stale.answer
    updated_at = timezone.localtime(answer.updated_at) if answer.updated_at else None
    theirs_display = [
        [str(server[name].label), display_value(server, name)]
        for name in server.value_names
    ]
    return _result(
        item,
        "conflict",
        message=answer_conflict_message(
            answer=answer, user=user, theirs=theirs_display
        ),
        mine=answer.updated_by_id is not None and answer.updated_by_id == user.pk,
        version=stale.version,
        yours=item.get("values", {}),
        theirs={name: input_value(server, name) for name in server.value_names},
        theirs_display=theirs_display,
        updated_by=str(answer.updated_by or ""),
        updated_at=formats.date_format(updated_at, "SHORT_DATETIME_FORMAT")
        if updated_at
        else "",
    )


def _result(item: dict, status: str, **fields) -> dict:
    return {"node": item.get("node"), "status": status, **fields}


def _points(points, item: dict) -> str | None:
    """Points in the number format of the page that saved."""
    if points is None:
        return None
    return format_number(points, number_format_named(item["format"]))
