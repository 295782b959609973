"""What the engine's rules accept, for checking a framework before it is stored."""

from typing import Any

import scoring


def rule_answer_types(*, rule: str) -> frozenset[str] | None:
    """The answer types ``rule`` scores, or None for a rule the engine does not know
    (reported by :func:`rule_params_errors`)."""
    return scoring.RULE_ANSWER_TYPES.get(rule)


def rule_params_errors(
    *, rule: str, params: Any, max_points: float | None
) -> list[str]:
    """Codes of what is wrong with ``rule``'s parameters (empty when they fit)."""
    return scoring.rule_params_errors(rule, params, max_points)
