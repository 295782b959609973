"""Saving one answer: typed checks, the engine's points, optimistic locking, audit.

Audit: every save that changes the answer appends one event (who, when, the values
before and after) in the transaction that stores the answer, so every value a person
was told is saved (the reply carries the new version) can be read back from the
trail, in order. Nothing is merged: the audit table is append-only (the database
refuses UPDATE and DELETE), and a merged event could only keep its first value. A
resent save that changes nothing writes nothing. The volume stays small because the
questionnaire sends a save about 2 s after the last keystroke
(``static/js/questionnaire.js``), not per keystroke. See ``docs/audit.md``.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from scoring.codes import AnswerError
from survey import states
from survey.answer_types import ANSWER_TYPES, answer_type
from survey.errors import PermissionRefused, StaleVersion, SurveyError
from survey.models import Answer, Assessment, AuditEvent, Campaign, Membership, Node
from survey.numbers import number_value
from survey.numbers import plain_decimal as plain_decimal
from survey.selectors.scope import user_roles
from survey.services.audit import audit_record
from survey.services.points import answer_points

AT = Node.AnswerType
MAX_TEXT_LENGTH = 5000
MAX_COMMENT_LENGTH = 5000
MAX_NUMBER = Decimal(10) ** 15
EDITING_ROLES = frozenset({Membership.Role.EDITOR, Membership.Role.APPROVER})
VALUE_FIELDS = ("yes", "number", "denominator", "choice", "checks", "date", "text")
ALL_FIELDS = (*VALUE_FIELDS, "is_na", "comment")
TYPE_FIELDS = {code: kind.fields for code, kind in ANSWER_TYPES.items()}
E = AnswerError
MESSAGES = {
    E.VALUE_NOT_FINITE: _("Enter a finite number."),
    E.NEGATIVE_VALUE: _("Enter a number that is not negative."),
    E.NUMERATOR_ABOVE_DENOMINATOR: _(
        "The numerator cannot be larger than the denominator."
    ),
    E.PERCENTAGE_ABOVE_100: _("A percentage cannot be above 100."),
    E.ZERO_DENOMINATOR: _("The denominator cannot be 0 for this indicator."),
    E.DENOMINATOR_MISSING: _(
        "Enter the denominator too; the indicator earns no points until then."
    ),
    E.UNKNOWN_LEVEL: _("Choose one of the levels listed."),
    E.UNKNOWN_CHECK: _("Tick only the criteria listed."),
    E.POINTS_ABOVE_MAX: _("More points than the indicator's maximum."),
    E.NA_NOT_ALLOWED: _("This indicator cannot be marked not applicable."),
    "not_a_number": _("Enter a number."),
    "not_a_date": _("Enter a date as dd/mm/yyyy."),
    "not_whole": _("Enter a whole number."),
    "too_large": _("This number is too large."),
    "too_long": _("This text is too long: at most %(limit)s characters."),
    "date_refused": _("The date must be between %(start)s and %(end)s."),
    "date_warning": _(
        "The date is outside the expected period (%(start)s – %(end)s); check it."
    ),
}
ERROR_FIELDS = {
    E.ZERO_DENOMINATOR: "denominator",
    E.DENOMINATOR_MISSING: "denominator",
    E.UNKNOWN_LEVEL: "choice",
    E.UNKNOWN_CHECK: "checks",
    E.NA_NOT_ALLOWED: "is_na",
}
# Engine codes that mean an incomplete answer, not a wrong one: saved, with a warning.
INCOMPLETE = frozenset({E.DENOMINATOR_MISSING})


class AnswerInvalid(SurveyError):
    """Typed values refused; ``errors`` maps a field to ``[(code, message)]``."""

    default_message = _("Some values could not be saved; see the fields marked.")

    def __init__(self, errors: dict[str, list[tuple[str, Any]]]) -> None:
        super().__init__(code="invalid")
        self.errors = errors


class AnswerStale(StaleVersion):
    """Someone saved this answer since ``expected_version``; carries the server's
    current values so that the person can choose."""

    def __init__(self, *, answer: Answer) -> None:
        super().__init__(code="stale")
        self.answer = answer
        self.version = answer.version
        self.current = answer_values(answer)


class AnswerLocked(PermissionRefused):
    """The assessment (or this answer) cannot be edited now by this person."""


@dataclass(frozen=True)
class SavedAnswer:
    answer: Answer
    changed: bool
    warnings: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)


def answer_fields(node: Node) -> tuple[str, ...]:
    """The Answer fields a person fills for ``node``, value fields first."""
    fields = list(TYPE_FIELDS.get(node.answer_type, ()))
    if (node.date_from or node.date_to) and "date" not in fields:
        fields.append("date")
    if node.na_allowed:
        fields.append("is_na")
    return (*fields, "comment")


def answer_values(answer: Answer | None) -> dict[str, Any]:
    """Every value field of ``answer`` as JSON-safe data (audit, conflicts)."""
    if answer is None:
        return {
            **dict.fromkeys(VALUE_FIELDS),
            "choice": "",
            "checks": [],
            "text": "",
            "is_na": False,
            "comment": "",
        }
    return {
        "yes": answer.yes,
        "number": plain_decimal(answer.number),
        "denominator": plain_decimal(answer.denominator),
        "choice": answer.choice,
        "checks": list(answer.checks or []),
        "date": answer.date.isoformat() if answer.date else None,
        "text": answer.text,
        "is_na": answer.is_na,
        "comment": answer.comment,
    }


def answer_is_given(answer: Answer | None, node: Node) -> bool:
    """Whether ``answer`` answers ``node`` (N/A counts as an answer)."""
    if answer is None:
        return False
    if answer.is_na:
        return True
    given = {
        "yes": answer.yes is not None,
        "number": answer.number is not None,
        "denominator": answer.denominator is not None,
        "choice": bool(answer.choice),
        "checks": bool(answer.checks) or answer.version > 0,
        "date": answer.date is not None,
        "text": bool(answer.text.strip()),
    }
    fields = TYPE_FIELDS.get(node.answer_type, ())
    return bool(fields) and all(given[f] for f in fields)


def assessment_edit_refusal(
    *, assessment: Assessment, roles: set[str], today: date | None = None
) -> AnswerLocked | None:
    """Why ``roles`` cannot edit ``assessment`` now, or None when they can.

    In ``returned`` only returned answers may change (see :func:`answer_save`), until
    the campaign is published.
    Draft and ready assessments are editable while the campaign is open and the
    deadline has not passed, or until the unit's extension ends.
    """
    today = today or timezone.localdate()
    if not roles & EDITING_ROLES:
        return AnswerLocked(code="role")
    if assessment.state not in states.EDITABLE_ASSESSMENT_STATES:
        return AnswerLocked(
            _("This assessment has been submitted and can no longer be changed."),
            code="state",
        )
    campaign = assessment.campaign
    if assessment.state == Assessment.State.RETURNED:
        if campaign.state == Campaign.State.PUBLISHED:
            return AnswerLocked(
                _("The campaign's results are published; nothing can change now."),
                code="published",
            )
        return None
    extension = assessment.extended_until
    extendable = (Campaign.State.OPEN, Campaign.State.CLOSED)
    if extension and today <= extension and campaign.state in extendable:
        return None
    if campaign.state not in states.FILLING_CAMPAIGN_STATES:
        return AnswerLocked(
            _("The campaign is not open for answers."), code="campaign_closed"
        )
    if today > campaign.deadline:
        return AnswerLocked(
            _("The deadline has passed; only units with an extension can edit."),
            code="deadline",
        )
    return None


@transaction.atomic
def answer_save(
    *,
    assessment: Assessment,
    node: Node,
    values: dict[str, Any],
    expected_version: int,
    user,
) -> SavedAnswer:
    """Check and store the typed ``values`` of ``node``, compute its own points and
    bump the answer's version.

    ``values`` is keyed like Answer's fields; keys left out keep their value.
    Raises :class:`AnswerLocked`, :class:`AnswerInvalid` (nothing stored) or
    :class:`AnswerStale` when ``expected_version`` is not the stored version, unless
    the stored values already equal the ones sent (a resent save succeeds).
    """
    answer_edit_check(assessment=assessment, node=node, user=user)
    cleaned, out = _parse(node, values)
    answer = _locked_answer(assessment, node)
    answer_returned_check(assessment=assessment, answer=answer)
    before = answer_values(answer)
    for name, value in cleaned.items():
        setattr(answer, name, value)
    _check_combined(node, answer, assessment.version.precision, out)
    if out.errors:
        raise AnswerInvalid(out.errors)
    warnings = out.warnings
    after = answer_values(answer)
    if after == before:
        # Nothing changes: a resent save is confirmed with the stored version.
        return SavedAnswer(answer=answer, changed=False, warnings=warnings)
    if answer.version != expected_version:
        _restore(answer)
        raise AnswerStale(answer=answer)
    _store(answer, node, user, assessment.version.precision)
    _audit(answer, user, before, after)
    return SavedAnswer(answer=answer, changed=True, warnings=warnings)


def answer_edit_check(*, assessment: Assessment, node: Node, user) -> None:
    """Raise unless ``user`` may change ``node``'s answer (or its evidence) in
    ``assessment`` now: :class:`AnswerInvalid` when the indicator is not part of it,
    :class:`AnswerLocked` when the person's roles, the state or the deadline
    refuse. In ``returned``, also call :func:`answer_returned_check`."""
    if not _belongs(node, assessment):
        message = _("This indicator is not part of this assessment.")
        raise AnswerInvalid({"__all__": [("node", message)]})
    refusal = assessment_edit_refusal(
        assessment=assessment, roles=user_roles(user=user, unit=assessment.unit)
    )
    if refusal is not None:
        raise refusal


def answer_editable(
    *, assessment: Assessment, answer: Answer | None, refusal: AnswerLocked | None
) -> bool:
    """Whether an answer (None: not stored yet) can change, given the
    assessment's ``refusal`` for the person (see :func:`assessment_edit_refusal`)."""
    if refusal is not None:
        return False
    if assessment.state == Assessment.State.RETURNED:
        returned = Answer.ReviewStatus.RETURNED
        return answer is not None and answer.review_status == returned
    return True


def answer_returned_check(*, assessment: Assessment, answer: Answer) -> None:
    """In a returned assessment only the answers returned for correction change."""
    if (
        assessment.state == Assessment.State.RETURNED
        and answer.review_status != Answer.ReviewStatus.RETURNED
    ):
        raise AnswerLocked(
            _("Only the items returned for correction can be changed."),
            code="not_returned",
        )


def _belongs(node: Node, assessment: Assessment) -> bool:
    return (
        node.version_id == assessment.version_id
        and node.is_indicator
        and node.applies_to_unit(
            unit_type=assessment.unit.unit_type,
            provides_procedures=assessment.provides_procedures,
        )
    )


def answer_warnings(answer: Answer | None, node: Node) -> dict[str, list[str]]:
    """Warnings about a stored answer (incomplete ratio, date outside its window)."""
    warnings: dict[str, list[str]] = {}
    if answer is None:
        return warnings
    if answer.points_error in INCOMPLETE:
        field = ERROR_FIELDS.get(answer.points_error, "number")
        warnings[field] = [MESSAGES[answer.points_error]]
    if answer.date and node.date_window != Node.DateWindow.REFUSE:
        message = _date_window_message(node, answer.date, "date_warning")
        if message:
            warnings["date"] = [message]
    return warnings


def _locked_answer(assessment: Assessment, node: Node) -> Answer:
    """The stored answer, locked until the end of the transaction, or a new one."""
    answer = (
        Answer.objects.select_for_update()
        .filter(assessment=assessment, node=node)
        .first()
    )
    return answer or Answer(assessment=assessment, node=node)


def _restore(answer: Answer) -> None:
    if answer.pk:
        answer.refresh_from_db(fields=ALL_FIELDS)
    else:
        for name, value in answer_values(None).items():
            setattr(answer, name, value)


def _store(answer: Answer, node: Node, user, precision: int) -> None:
    engine_values = {f: getattr(answer, f) for f in VALUE_FIELDS}
    points, error = answer_points(
        node=node, values=engine_values, is_na=answer.is_na, precision=precision
    )
    answer.self_points = points
    answer.points_error = error
    answer.version += 1
    answer.updated_by = user if user.is_authenticated else None
    if answer.pk:
        answer.save()
        return
    try:
        with transaction.atomic():
            answer.save(force_insert=True)
    except IntegrityError:  # created meanwhile by another request
        stored = Answer.objects.get(assessment_id=answer.assessment_id, node=node)
        raise AnswerStale(answer=stored) from None


def _audit(answer: Answer, user, before: dict, after: dict) -> None:
    """One event per acknowledged save (see the module docstring)."""
    audit_record(
        actor=user,
        action=AuditEvent.Action.ANSWER_CHANGE,
        obj=answer,
        assessment_id=answer.assessment_id,
        before=before,
        after=after,
    )


# Checks of the typed values -------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[tuple[str, Any]]] = {}
        self.warnings: dict[str, list[tuple[str, Any]]] = {}

    def add(self, name: str, code: str, message=None, *, warn: bool = False) -> None:
        target = self.warnings if warn else self.errors
        target.setdefault(name, []).append((code, message or MESSAGES[code]))


def _parse(node: Node, values: dict) -> tuple[dict, _Errors]:
    """Values of the fields ``node`` uses, typed; field-level errors collected."""
    out = _Errors()
    if values.get("is_na") and not node.na_allowed:
        out.add("is_na", E.NA_NOT_ALLOWED)
    allowed = answer_fields(node)
    cleaned = {k: v for k, v in values.items() if k in allowed}
    for name in ("number", "denominator"):
        if name in cleaned:
            cleaned[name] = _number(cleaned[name], name, node, out)
    if "date" in cleaned:
        cleaned["date"] = _date(cleaned["date"], node, out)
    _strings(cleaned, out)
    if "checks" in cleaned:
        cleaned["checks"] = [str(c) for c in cleaned["checks"] or []]
    return cleaned, out


def _number(raw, name: str, node: Node, out: _Errors) -> Decimal | None:
    """A number already read from what was typed (forms and importers read typed
    text in the page's or the file's format, survey.numbers); text here is
    a program's plain ``12.5``."""
    try:
        value = number_value(raw)
    except ValueError:
        out.add(name, "not_a_number")
        return None
    if value is None:
        return None
    if not value.is_finite():
        out.add(name, E.VALUE_NOT_FINITE)
        return None
    if abs(value) >= MAX_NUMBER:
        out.add(name, "too_large")
        return None
    for code in answer_type(node).number_problems(value):
        out.add(name, code)
    return value.quantize(Decimal("0.0001"))


def _date(raw, node: Node, out: _Errors) -> date | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, date):
        try:
            raw = date.fromisoformat(str(raw))
        except ValueError:
            out.add("date", "not_a_date")
            return None
    refuse = node.date_window == Node.DateWindow.REFUSE
    code = "date_refused" if refuse else "date_warning"
    message = _date_window_message(node, raw, code)
    if message:
        out.add("date", code, message, warn=not refuse)
    return raw


def _date_window_message(node: Node, value: date, code: str) -> str | None:
    start, end = node.date_from, node.date_to
    if not ((start and value < start) or (end and value > end)):
        return None
    bounds = {
        "start": date_format(start, "SHORT_DATE_FORMAT") if start else "…",
        "end": date_format(end, "SHORT_DATE_FORMAT") if end else "…",
    }
    return MESSAGES[code] % bounds


def _strings(cleaned: dict, out: _Errors) -> None:
    limits = {"text": MAX_TEXT_LENGTH, "comment": MAX_COMMENT_LENGTH, "choice": 40}
    for name, limit in limits.items():
        if name not in cleaned:
            continue
        value = "" if cleaned[name] is None else str(cleaned[name])
        if name != "choice":
            value = value.replace("\r\n", "\n")
        cleaned[name] = value
        if len(value) > limit:
            out.add(name, "too_long", MESSAGES["too_long"] % {"limit": limit})
    if "yes" in cleaned and cleaned["yes"] not in (True, False, None):
        cleaned["yes"] = None
    if "is_na" in cleaned:
        cleaned["is_na"] = bool(cleaned["is_na"])


def _check_combined(node: Node, answer: Answer, precision: int, out: _Errors) -> None:
    """Refuse what the engine calls an error (numerator above denominator, an
    unknown level…) on the values as they would be stored; an incomplete ratio is
    saved with a warning."""
    if out.errors:
        return
    values = {f: getattr(answer, f) for f in VALUE_FIELDS}
    if node.answer_type == AT.RATIO:
        a, b = values["number"], values["denominator"]
        if a is not None and b is not None and b > 0 and a > b:
            out.add("number", E.NUMERATOR_ABOVE_DENOMINATOR)
            return
    params = node.rule_params or {}
    if node.answer_type == AT.LEVEL and values["choice"]:
        codes = {level.get("code") for level in params.get("levels", [])}
        if codes and values["choice"] not in codes:
            out.add("choice", E.UNKNOWN_LEVEL)
            return
    if node.answer_type == AT.CHECKLIST and values["checks"]:
        codes = {check.get("code") for check in params.get("checks", [])}
        if codes and not set(values["checks"]) <= codes:
            out.add("checks", E.UNKNOWN_CHECK)
            return
    _, code = answer_points(node=node, values=values, is_na=False, precision=precision)
    if code:
        name = ERROR_FIELDS.get(code, "number")
        out.add(name, code, warn=code in INCOMPLETE)

