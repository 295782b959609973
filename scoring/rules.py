"""Leaf rules: parameter checks, and points for every unit × indicator at once.

Each rule turns an answer into points (``max`` = the indicator's maximum):

=============== =========================================================
``yes_no``      ``max`` if yes, else 0
``ratio``       ``max × min(a / b, 1)``; a percentage p gives ``a / b = p / 100``
``tiers``       points of the highest threshold ``t ≤ value``, else 0
``level``       ``max × factor(choice)``
``target``      ``max × min(value / target, 1)``
``relative_best`` ``max × min(value / best, 1)``, best = largest value in the
                ranking group; ``best = 0`` gives 0
``checks``      ``min(Σ points of ticked checks, max)``
``bonus``       ``+min(value × per_item, cap)`` outside the maximum
``penalty``     ``−min(value × per_item, cap)`` outside the maximum
``direct``      the points entered, ``0 ≤ points ≤ max``
``none``        not scored
=============== =========================================================

Points are rounded half away from zero to the version's precision
(:func:`scoring.rounding.round_half_away`) before anything is summed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from scoring import kernels
from scoring.codes import ParamError
from scoring.population import encode_answers
from scoring.types import (
    ROOT_CODE,
    Answer,
    CompiledRules,
    FrameworkSpec,
    LeafOutcome,
    NodeSpec,
)

ANSWER_TYPES = frozenset(
    {"yes_no", "count", "number", "percentage", "ratio", "level", "date", "money"}
    | {"text", "points", "checklist"}
)
_QUANTITIES = frozenset({"count", "number", "money", "percentage"})
RULE_ANSWER_TYPES: dict[str, frozenset[str]] = {
    "yes_no": frozenset({"yes_no"}),
    "ratio": frozenset({"ratio", "percentage"}),
    "tiers": frozenset({"count", "number"}),
    "level": frozenset({"level"}),
    "target": _QUANTITIES,
    "relative_best": _QUANTITIES,
    "checks": frozenset({"checklist"}),
    "bonus": frozenset({"count", "points"}),
    "penalty": frozenset({"count", "points"}),
    "direct": frozenset({"points"}),
    "none": ANSWER_TYPES,
}
"""Answer types each rule accepts (the importer checks the pair)."""

RULES = tuple(RULE_ANSWER_TYPES)
OUTSIDE_MAX_RULES = frozenset({"bonus", "penalty", "none"})
PARAM_KEYS: dict[str, frozenset[str]] = {
    "ratio": frozenset({"zero_denominator"}),
    "tiers": frozenset({"tiers"}),
    "level": frozenset({"levels"}),
    "target": frozenset({"target"}),
    "checks": frozenset({"checks"}),
    "bonus": frozenset({"per_item", "max"}),
    "penalty": frozenset({"per_item", "max"}),
}
ZERO_DENOMINATOR_MODES = ("error", "na", "full")
MAX_CHECKS = 62


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and np.isfinite(x)


def _tier_errors(params: Mapping[str, Any], max_points: float | None) -> list[str]:
    tiers = params.get("tiers")
    if not isinstance(tiers, list) or not tiers:
        return [ParamError.TIERS_MISSING]
    if not all(isinstance(t, list | tuple) and len(t) == 2 for t in tiers):
        return [ParamError.TIER_NOT_PAIR]
    if not all(_is_number(a) and _is_number(b) for a, b in tiers):
        return [ParamError.PARAM_NOT_NUMBER]
    pairs = sorted(tiers)
    errors = []
    thresholds, points = [a for a, _ in pairs], [b for _, b in pairs]
    steps = zip(pairs, pairs[1:], strict=False)
    if any(a1 >= a2 or b1 > b2 for (a1, b1), (a2, b2) in steps):
        errors.append(ParamError.TIERS_NOT_INCREASING)
    if min(points) < 0 or min(thresholds) < 0:
        errors.append(ParamError.TIER_POINTS_NEGATIVE)
    if max_points is not None and max(points) > max_points:
        errors.append(ParamError.TIER_POINTS_ABOVE_MAX)
    return errors


def _coded_errors(items: Any, key: str, value_key: str) -> list[str]:
    """Shared checks of ``levels`` and ``checks`` lists of {code, …} objects."""
    missing = (
        ParamError.LEVELS_MISSING if key == "levels" else ParamError.CHECKS_MISSING
    )
    if not isinstance(items, list) or not items:
        return [missing]
    if not all(isinstance(i, Mapping) for i in items):
        return [missing]
    errors = []
    codes = [i.get("code") for i in items]
    if any(not isinstance(c, str) or not c for c in codes):
        errors.append(
            ParamError.LEVEL_CODE_MISSING
            if key == "levels"
            else ParamError.CHECK_CODE_MISSING
        )
    if len(set(codes)) != len(codes):
        errors.append(
            ParamError.LEVEL_CODE_DUPLICATE
            if key == "levels"
            else ParamError.CHECK_CODE_DUPLICATE
        )
    if not all(_is_number(i.get(value_key)) for i in items):
        errors.append(ParamError.PARAM_NOT_NUMBER)
    return errors


def _level_errors(params: Mapping[str, Any], max_points: float | None) -> list[str]:
    levels = params.get("levels")
    errors = _coded_errors(levels, "levels", "factor")
    if not errors and not all(0 <= lv["factor"] <= 1 for lv in levels):
        errors.append(ParamError.LEVEL_FACTOR_OUT_OF_RANGE)
    return errors


def _check_errors(params: Mapping[str, Any], max_points: float | None) -> list[str]:
    checks = params.get("checks")
    errors = _coded_errors(checks, "checks", "points")
    if not errors and len(checks) > MAX_CHECKS:
        errors.append(ParamError.CHECKS_TOO_MANY)
    if not errors and any(c["points"] < 0 for c in checks):
        errors.append(ParamError.CHECK_POINTS_NEGATIVE)
    return errors


def _target_errors(params: Mapping[str, Any], max_points: float | None) -> list[str]:
    if "target" not in params:
        return [ParamError.TARGET_MISSING]
    if not _is_number(params["target"]):
        return [ParamError.PARAM_NOT_NUMBER]
    return [] if params["target"] > 0 else [ParamError.TARGET_NOT_POSITIVE]


def _ratio_errors(params: Mapping[str, Any], max_points: float | None) -> list[str]:
    mode = params.get("zero_denominator", "error")
    return (
        [] if mode in ZERO_DENOMINATOR_MODES else [ParamError.ZERO_DENOMINATOR_INVALID]
    )


def _item_errors(params: Mapping[str, Any], max_points: float | None) -> list[str]:
    errors = []
    for key in ("per_item", "max"):
        if key in params and not _is_number(params[key]):
            return [ParamError.PARAM_NOT_NUMBER]
    if "per_item" in params and params["per_item"] <= 0:
        errors.append(ParamError.PER_ITEM_NOT_POSITIVE)
    cap = params.get("max", max_points)
    if cap is None:
        errors.append(ParamError.ITEM_MAX_MISSING)
    elif cap <= 0:
        errors.append(ParamError.ITEM_MAX_NOT_POSITIVE)
    return errors


_PARAM_CHECKS = {
    "ratio": _ratio_errors,
    "tiers": _tier_errors,
    "level": _level_errors,
    "target": _target_errors,
    "checks": _check_errors,
    "bonus": _item_errors,
    "penalty": _item_errors,
}


def rule_params_errors(rule: str, params: Any, max_points: float | None) -> list[str]:
    """Error codes (:class:`scoring.codes.ParamError`) of ``rule`` with ``params``.

    ``params`` is the decoded ``rule_params`` JSON (None or {} when empty);
    ``max_points`` the indicator's maximum. An empty list means valid.
    """
    if rule not in RULE_ANSWER_TYPES:
        return [ParamError.UNKNOWN_RULE.value]
    params = {} if params is None else params
    if not isinstance(params, Mapping):
        return [ParamError.PARAMS_NOT_OBJECT.value]
    errors: list[str] = []
    if set(params) - PARAM_KEYS.get(rule, frozenset()):
        errors.append(ParamError.PARAMS_UNEXPECTED_KEY)
    if rule not in OUTSIDE_MAX_RULES:
        if max_points is None:
            errors.append(ParamError.MAX_POINTS_MISSING)
        elif max_points <= 0:
            errors.append(ParamError.MAX_POINTS_NOT_POSITIVE)
    if rule in _PARAM_CHECKS:
        errors.extend(_PARAM_CHECKS[rule](params, max_points))
    return [str(e) for e in errors]


def _item_max(node: NodeSpec) -> float:
    if node.rule in ("bonus", "penalty"):
        return float(node.params.get("max", node.max_points or 0.0))
    return 0.0 if node.rule == "none" else float(node.max_points or 0.0)


def compile_rules(nodes: Sequence[NodeSpec]) -> CompiledRules:
    """Group the leaves of ``nodes`` (in node order) by rule and stack their
    parameters into arrays."""
    leaves = [node for node in nodes if node.is_leaf]
    columns: dict[str, list[int]] = {}
    for col, node in enumerate(leaves):
        columns.setdefault(node.rule, []).append(col)
    by_rule = {
        rule: (np.array(cols), kernels.stack_params(rule, [leaves[c] for c in cols]))
        for rule, cols in columns.items()
    }
    return CompiledRules(
        item_max=np.array([_item_max(n) for n in leaves], dtype=float),
        counts=np.array([n.rule not in OUTSIDE_MAX_RULES for n in leaves], dtype=bool),
        na_allowed=np.array([n.na_allowed for n in leaves], dtype=bool),
        by_rule=by_rule,
    )


def leaf_points(
    rule: str,
    params: Mapping[str, Any] | None,
    max_points: float | None,
    answer: Answer,
    *,
    answer_type: str = "",
    na_allowed: bool = True,
    precision: int = 2,
    group_best: float | None = None,
) -> LeafOutcome:
    """Points of one answer, as saved (same arithmetic as :func:`scoring.score`).

    ``relative_best`` needs ``group_best`` (the best value of the ranking
    group); without it the outcome is ``needs_population`` with no points.
    Penalty points are negative.
    """
    (outcome,) = leaves_points(
        rule,
        params,
        max_points,
        [answer],
        answer_type=answer_type,
        na_allowed=na_allowed,
        precision=precision,
        group_best=group_best,
    )
    return outcome


def leaves_points(
    rule: str,
    params: Mapping[str, Any] | None,
    max_points: float | None,
    answers: Sequence[Answer],
    *,
    answer_type: str = "",
    na_allowed: bool = True,
    precision: int = 2,
    group_best: float | None = None,
) -> list[LeafOutcome]:
    """:func:`leaf_points` of many answers to one indicator, in one pass."""
    if not answers:
        return []
    node = NodeSpec(
        "leaf",
        1,
        "indicator",
        max_points,
        False,
        rule,
        dict(params or {}),
        answer_type,
        na_allowed,
    )
    parent = (
        "penalty_group"
        if rule == "penalty"
        else "bonus_group"
        if rule == "bonus"
        else "pillar"
    )
    nodes = (NodeSpec(ROOT_CODE, -1, "root"), NodeSpec("p", 0, parent), node)
    spec = FrameworkSpec(
        nodes=nodes, precision=precision, compiled=compile_rules(nodes)
    )
    n = len(answers)
    encoded = encode_answers(spec, [[answer] for answer in answers])
    best = np.full((n, 1), np.nan if group_best is None else group_best)
    points, status, error = kernels.score_leaves(
        spec, encoded, np.ones((n, 1), bool), best
    )
    return [
        kernels.outcome(spec, points[i, 0], int(status[i, 0]), int(error[i, 0]))
        for i in range(n)
    ]
