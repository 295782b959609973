"""Checks of one answer's typed values: the fields each indicator uses, the
messages of what is refused or only warned about, and the engine's verdict on the
values as they would be stored. Saving (survey.services.answers) and the values
the province supplies (survey.services.supply) go through these checks.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from scoring.codes import AnswerError
from survey.answer_types import ANSWER_TYPES, answer_type
from survey.errors import SurveyError
from survey.models import Answer, Node
from survey.numbers import number_value
from survey.results.points import answer_points

AT = Node.AnswerType
MAX_TEXT_LENGTH = 5000
MAX_COMMENT_LENGTH = 5000
MAX_NUMBER = Decimal(10) ** 15
VALUE_FIELDS = ("yes", "number", "denominator", "choice", "checks", "date", "text")
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


def answer_fields(node: Node) -> tuple[str, ...]:
    """The Answer fields a person fills for ``node``, value fields first."""
    fields = list(TYPE_FIELDS.get(node.answer_type, ()))
    if (node.date_from or node.date_to) and "date" not in fields:
        fields.append("date")
    if node.na_allowed:
        fields.append("is_na")
    return (*fields, "comment")


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


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[tuple[str, Any]]] = {}
        self.warnings: dict[str, list[tuple[str, Any]]] = {}

    def add(self, name: str, code: str, message=None, *, warn: bool = False) -> None:
        target = self.warnings if warn else self.errors
        target.setdefault(name, []).append((code, message or MESSAGES[code]))


def parse_values(node: Node, values: dict) -> tuple[dict, _Errors]:
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


def check_values(
    node: Node, answer: Answer, precision: int, out: _Errors
) -> tuple[Decimal | None, str] | None:
    """Refuse what the engine calls an error (numerator above denominator, an
    unknown level…) on the values as they would be stored; an incomplete ratio is
    saved with a warning.

    Returns the engine's ``(points, error code)`` for the values as typed (not
    N/A), or None when a check refused them before the engine was asked.
    """
    if out.errors:
        return None
    values = {f: getattr(answer, f) for f in VALUE_FIELDS}
    if node.answer_type == AT.RATIO:
        a, b = values["number"], values["denominator"]
        if a is not None and b is not None and b > 0 and a > b:
            out.add("number", E.NUMERATOR_ABOVE_DENOMINATOR)
            return None
    params = node.rule_params or {}
    if node.answer_type == AT.LEVEL and values["choice"]:
        codes = {level.get("code") for level in params.get("levels", [])}
        if codes and values["choice"] not in codes:
            out.add("choice", E.UNKNOWN_LEVEL)
            return None
    if node.answer_type == AT.CHECKLIST and values["checks"]:
        codes = {check.get("code") for check in params.get("checks", [])}
        if codes and not set(values["checks"]) <= codes:
            out.add("checks", E.UNKNOWN_CHECK)
            return None
    points, code = answer_points(
        node=node, values=values, is_na=False, precision=precision
    )
    if code:
        name = ERROR_FIELDS.get(code, "number")
        out.add(name, code, warn=code in INCOMPLETE)
    return points, code
