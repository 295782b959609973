"""An answer's own points, computed by the engine as the answer is saved,
imported or supplied: one engine call per answer."""

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
    if outcome.points is None:
        return None, outcome.error_code or ""
    return Decimal(str(round(outcome.points, precision))), ""
