"""An answer's own points, computed by the engine as the answer is saved,
imported or supplied: one engine call per answer (or per indicator for a batch)."""

from decimal import Decimal
from typing import Any

import scoring
from survey.models import Node
from survey.results.inputs import engine_answer_fields


def _engine_answer(
    *, node: Node, values: dict[str, Any], is_na: bool
) -> scoring.Answer:
    """The engine's view of a typed answer (``values`` keyed like Answer's fields)."""
    fields = engine_answer_fields(
        answer_type=node.answer_type, rule=node.rule, values={**values, "is_na": is_na}
    )
    return scoring.Answer(**fields)


def answer_points(
    *, node: Node, values: dict[str, Any], is_na: bool, precision: int = 2
) -> tuple[Decimal | None, str]:
    """``(points, error code)``: points None with an empty code means not scored yet."""
    if not node.is_scored:
        return None, ""
    answer = _engine_answer(node=node, values=values, is_na=is_na)
    if not answer.answered and not is_na:
        return None, ""
    outcome = scoring.leaf_points(
        node.rule,
        node.rule_params,
        float(node.max_points) if node.max_points is not None else None,
        answer,
        answer_type=node.answer_type,
        na_allowed=node.na_allowed,
        precision=precision,
    )
    return _stored(outcome, precision)


def answers_points(
    *, node: Node, rows: list[tuple[dict[str, Any], bool]], precision: int = 2
) -> list[tuple[Decimal | None, str]]:
    """:func:`answer_points` of many ``(values, is_na)`` rows of one indicator,
    scored by the engine in one pass (for bulk loads)."""
    if not node.is_scored:
        return [(None, "")] * len(rows)
    answers = [
        _engine_answer(node=node, values=values, is_na=is_na) for values, is_na in rows
    ]
    scored = [
        i
        for i, (answer, (_values, is_na)) in enumerate(zip(answers, rows, strict=True))
        if answer.answered or is_na
    ]
    outcomes = scoring.leaves_points(
        node.rule,
        node.rule_params,
        float(node.max_points) if node.max_points is not None else None,
        [answers[i] for i in scored],
        answer_type=node.answer_type,
        na_allowed=node.na_allowed,
        precision=precision,
    )
    out: list[tuple[Decimal | None, str]] = [(None, "")] * len(rows)
    for i, outcome in zip(scored, outcomes, strict=True):
        out[i] = _stored(outcome, precision)
    return out


def _stored(outcome: scoring.LeafOutcome, precision: int) -> tuple[Decimal | None, str]:
    if outcome.points is None:
        return None, outcome.error_code or ""
    return Decimal(str(round(outcome.points, precision))), ""
