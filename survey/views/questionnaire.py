"""The questionnaire's small endpoints: autosave (JSON), CSRF token, review, actions.

The step pages themselves are :class:`survey.wizard.QuestionnaireWizard`.
"""

import json
import math
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from survey import states
from survey.answer_types import format_number, number_format_named, page_number_format
from survey.consequences import unit_action_consequence
from survey.errors import PermissionRefused, SurveyError
from survey.models import Answer, Assessment, Node
from survey.questionnaire_forms import AnswerForm, display_value, input_value
from survey.selectors.questionnaire import assessment_review, review_totals
from survey.selectors.scope import assessment_list_for_unit_staff, user_roles
from survey.services.answers import (
    AnswerInvalid,
    AnswerLocked,
    AnswerStale,
    answer_save,
    answer_warnings,
)
from survey.services.submission import (
    assessment_completeness,
    assessment_gaps,
    assessment_submission_check,
)
from survey.services.transitions import assessment_transition
from survey.text import UNSTORABLE, all_storable
from survey.views.confirm import confirmation_page, is_confirmed
from survey.wizard import answer_conflict_message

MAX_ANSWERS_PER_SAVE = 200
UNIT_ACTIONS = ("mark_ready", "back_to_draft", "submit", "resubmit")
UNIT_ACTION_LABELS = {
    "submit": gettext_lazy("Submit to the province"),
    "resubmit": gettext_lazy("Submit the corrections"),
}
STATUS_OF = {"conflict": 409, "locked": 403, "invalid": 400}


def json_login_required(view):
    """401 with JSON (never a redirect to the login page) when the session is gone."""

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
        return view(request, *args, **kwargs)

    return wrapper


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
    assessment = assessment_list_for_unit_staff(user=request.user).filter(pk=pk).first()
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
    saved_at = formats.time_format(timezone.localtime(), "H:i")
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


def _visible_assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(assessment_list_for_unit_staff(user=request.user), pk=pk)


@never_cache  # Back never shows counts and points older than the answers
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Completeness, missing answers and points per step, and the unit's actions."""
    assessment = _visible_assessment(request, pk)
    roles = user_roles(user=request.user, unit=assessment.unit)
    actions = [
        t
        for t in states.actions_from(
            machine=states.ASSESSMENT, source=assessment.state, roles=roles
        )
        if t.action in UNIT_ACTIONS
    ]
    totals = review_totals(assessment=assessment)
    steps = assessment_review(assessment=assessment, totals=totals)
    completeness = assessment_completeness(assessment=assessment, steps=steps)
    context = {
        "assessment": assessment,
        "steps": steps,
        "gaps": assessment_gaps(completeness=completeness, steps=steps),
        "actions": actions,
        "action_rows": [
            (t, unit_action_consequence(assessment=assessment, action=t.action))
            for t in actions
        ],
        "completeness": completeness,
        "missing": completeness.missing,
        "totals": totals,
    }
    return render(request, "survey/questionnaire/review.html", context)


@login_required
@require_POST
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark ready, submit…: through ``assessment_transition``; 403 when the role
    may never take this action (an editor submitting). Submitting asks first (see
    :mod:`survey.views.confirm`)."""
    assessment = _visible_assessment(request, pk)
    name = request.POST.get("action", "")
    roles = user_roles(user=request.user, unit=assessment.unit)
    allowed = any(
        t.machine == states.ASSESSMENT and t.action == name and t.roles & roles
        for t in states.TRANSITIONS
    )
    if name not in UNIT_ACTIONS or not allowed:
        raise PermissionDenied
    try:
        warning = assessment_submission_check(assessment=assessment, action=name)
        if _needs_confirmation(request, assessment, name):
            return confirmation_page(
                request,
                message=unit_action_consequence(assessment=assessment, action=name),
                button=str(UNIT_ACTION_LABELS[name]),
                cancel_url=resolve_url("survey:assessment_review", pk=assessment.pk),
            )
        assessment_transition(assessment=assessment, action=name, user=request.user)
    except PermissionRefused as refused:
        raise PermissionDenied from refused
    except SurveyError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The assessment is now: %(state)s.")
            % {"state": assessment.get_state_display()},
        )
        if warning:
            messages.warning(request, warning)
    return redirect("survey:assessment_review", pk=assessment.pk)


def _needs_confirmation(request: HttpRequest, assessment: Assessment, name: str):
    # Asked only when the move is possible now; otherwise the transition refuses.
    possible = states.find_transition(
        machine=states.ASSESSMENT, action=name, source=assessment.state
    )
    return name in UNIT_ACTION_LABELS and possible and not is_confirmed(request)
