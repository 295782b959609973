"""The scorecard's planner: hypothetical answers checked as the questionnaire
checks them and scored without saving (what-if), and the unit's plan for next
year, saved with a version so that two people never overwrite each other."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from survey.errors import SurveyError
from survey.models import Answer, Assessment, ImprovementPlan, Node
from survey.numbers import plain_decimal
from survey.results.planner import FIXED_RULES, WhatIf, what_if
from survey.services.answer_checks import (
    INCOMPLETE,
    VALUE_FIELDS,
    check_values,
    parse_values,
)

NO_TARGET = _(
    "Enter a target answer for this indicator, or clear who is responsible and "
    "the due date."
)


class PlanStale(SurveyError):
    default_message = _(
        "Someone saved this plan in the meantime. Your items are still on the "
        "page: check them against the saved plan and save again."
    )


class PlanInvalid(SurveyError):
    default_message = _("The plan was not saved; see the indicators marked.")

    def __init__(self, errors: dict[str, list[str]]) -> None:
        page = errors.get("", [])
        message = (
            _("The plan was not saved: %(reason)s") % {"reason": " ".join(page)}
            if page
            else None
        )
        super().__init__(message, code="invalid")
        self.errors = errors


@dataclass(frozen=True)
class WhatIfRun:
    """The figures (None: the unit has no result yet) and, per indicator code,
    the messages of values that were refused (left out of the figures)."""

    result: WhatIf | None
    errors: dict[str, list[str]] = field(default_factory=dict)


def planner_nodes(*, assessment: Assessment) -> list[Node]:
    """The indicators a plan or a what-if may change: scored on the unit's own."""
    return [
        node
        for node in assessment.version.nodes.filter(kind=Node.Kind.INDICATOR)
        .exclude(rule__in=FIXED_RULES)
        .order_by("order", "id")
    ]


def final_values(answer: Answer) -> dict[str, Any]:
    """The answer that counts (Answer field values and ``is_na``): the reviewer's
    value when they gave one, else the unit's own, as the engine reads them
    (:mod:`survey.results.inputs`)."""
    if answer.review_status == Answer.ReviewStatus.DISAGREED and answer.verified_value:
        values = {f: None for f in VALUE_FIELDS}
        values.update(
            {k: v for k, v in answer.verified_value.items() if k in VALUE_FIELDS}
        )
    else:
        values = {f: getattr(answer, f) for f in VALUE_FIELDS}
    for name in ("number", "denominator"):
        if values.get(name) not in (None, ""):
            values[name] = Decimal(str(values[name]))
    values["is_na"] = bool(answer.is_na)
    return values


def current_answers(*, assessment: Assessment, nodes: list[Node]) -> dict[str, dict]:
    """Indicator code: the unit's current final answer (:func:`final_values`)."""
    answers = Answer.objects.filter(
        assessment=assessment, node__in=nodes
    ).select_related("node")
    return {a.node.code: final_values(a) for a in answers}


def _overlaid(current: dict | None, typed: dict) -> dict:
    """The typed fields laid over the current answer: a field left blank keeps
    the current value; N/A ticked replaces the answer, a value typed ends N/A."""
    if typed.get("is_na"):
        return {"is_na": True}
    out = {k: v for k, v in (current or {}).items() if k != "is_na"}
    out.update({k: v for k, v in typed.items() if k != "is_na"})
    return out


def _checked(node: Node, values: dict, precision: int) -> tuple[dict, list[str]]:
    parsed, out = parse_values(node, values)
    if not parsed.get("is_na"):
        answer = Answer(node=node, **{f: parsed.get(f) for f in VALUE_FIELDS})
        check_values(node, answer, precision, out)
    # an incomplete answer (a ratio without its denominator) cannot be scored
    # either: it is named beside its fields, the others are scored
    messages = [str(m) for items in out.errors.values() for _c, m in items]
    messages += [
        str(m)
        for items in out.warnings.values()
        for code, m in items
        if code in INCOMPLETE
    ]
    return parsed, messages


def hypothetical_answers(
    *, assessment: Assessment, typed: dict[str, dict]
) -> tuple[dict[str, tuple[dict, bool]], dict[str, list[str]]]:
    """``typed`` (code: the fields given in the form) laid over the unit's current
    final answers and checked as a save would check them: the valid ones as
    (values, N/A), and messages per code."""
    nodes = {n.code: n for n in planner_nodes(assessment=assessment)}
    precision = assessment.version.precision
    current = current_answers(
        assessment=assessment, nodes=[nodes[c] for c in typed if c in nodes]
    )
    answers, errors = {}, {}
    for code, values in typed.items():
        if code not in nodes:
            continue
        merged = _overlaid(current.get(code), values)
        parsed, messages = _checked(nodes[code], merged, precision)
        if messages:
            errors[code] = messages
        else:
            answers[code] = (parsed, bool(parsed.get("is_na")))
    return answers, errors


def what_if_run(
    *,
    assessment: Assessment,
    typed: dict[str, dict],
    form_errors: dict[str, list[str]] | None = None,
) -> WhatIfRun:
    """Score the unit with ``typed`` answers in place of its own; nothing saved."""
    answers, errors = hypothetical_answers(assessment=assessment, typed=typed)
    for code, messages in (form_errors or {}).items():
        errors.setdefault(code, []).extend(messages)
    return WhatIfRun(what_if(assessment=assessment, answers=answers), errors)


def _stored_target(values: dict) -> dict:
    out: dict[str, Any] = {}
    for name, value in values.items():
        if value in (None, "", []):
            continue
        if name in ("number", "denominator"):
            value = plain_decimal(value)
        elif isinstance(value, date):
            value = value.isoformat()
        out[name] = value
    return out


@transaction.atomic
def improvement_plan_save(
    *,
    assessment: Assessment,
    actor,
    typed: dict[str, dict],
    plan_fields: dict[str, tuple[str, date | None]],
    expected_version: int,
    form_errors: dict[str, list[str]] | None = None,
) -> ImprovementPlan:
    """Replace the unit's plan by the indicators with a target answer (``typed``)
    and their responsible and due date (``plan_fields``). Refuses, saving
    nothing, values that a save would refuse (:class:`PlanInvalid`) and a plan
    saved since ``expected_version`` was shown (:class:`PlanStale`)."""
    answers, errors = hypothetical_answers(assessment=assessment, typed=typed)
    for code, messages in (form_errors or {}).items():
        errors.setdefault(code, []).extend(messages)
    for code in plan_fields.keys() - typed.keys():
        errors.setdefault(code, []).append(str(NO_TARGET))
    if errors:
        raise PlanInvalid(errors)
    plan, _created = ImprovementPlan.objects.select_for_update().get_or_create(
        assessment=assessment
    )
    if plan.version != expected_version:
        raise PlanStale(code="stale")
    plan.items = [
        {
            "code": code,
            "target": _stored_target(values),
            "responsible": plan_fields.get(code, ("", None))[0],
            "due": _iso(plan_fields.get(code, ("", None))[1]),
        }
        for code, (values, _na) in answers.items()
    ]
    plan.version += 1
    plan.updated_by = actor
    plan.save()
    return plan


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
