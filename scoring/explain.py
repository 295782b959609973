"""Explanations as data: the inputs, the rule and the arithmetic behind a number.

Every explanation is a dict of codes and numbers, never sentences, e.g. for a
ratio leaf::

    {"kind": "indicator", "code": "2.1", "rule": "ratio", "status": "scored",
     "inputs": {"numerator": 394.0, "denominator": 508.0},
     "steps": [{"op": "divide", "args": [394.0, 508.0], "result": 0.7756},
               {"op": "min", "args": [0.7756, 1.0], "result": 0.7756},
               {"op": "multiply", "args": [0.7756, 10.0], "result": 7.756},
               {"op": "round", "args": [7.756, 2], "result": 7.76}],
     "points": 7.76, "max": 10.0, ...}
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from scoring.codes import ANSWER_ERRORS, STATUSES
from scoring.kernels import group_best
from scoring.rounding import round_half_away
from scoring.types import (
    OUTSIDE_MAX_KINDS,
    ROOT_CODE,
    Answers,
    NodeSpec,
    Population,
    Results,
    scalar_or_none,
)


def result_rows(results: Results) -> Iterator[dict[str, Any]]:
    """One dict per unit × node (keys of :class:`NodeResult` plus ``unit``),
    NaN as None, ready to store."""
    for unit in results.unit_ids:
        for node in results.spec.nodes:
            row = results.node(unit, node.code).__dict__
            yield {"unit": unit, **row}


def _step(op: str, args: list[Any], result: float) -> dict[str, Any]:
    return {"op": op, "args": args, "result": result}


def _ratio_steps(node: NodeSpec, a: dict[str, Any], best: float) -> list[dict]:
    den = 100.0 if node.answer_type == "percentage" else a["denominator"]
    if den == 0:
        mode = node.params.get("zero_denominator", "error")
        return [_step("zero_denominator", [mode], float(node.max_points))]
    value = a["percentage"] if "percentage" in a else a["numerator"]
    share = value / den
    capped = min(share, 1.0)
    return [
        _step("divide", [value, den], share),
        _step("min", [share, 1.0], capped),
        _step("multiply", [capped, node.max_points], capped * node.max_points),
    ]


def _share_steps(node: NodeSpec, value: float, reference: float, op: str) -> list[dict]:
    if reference <= 0:
        return [_step(op, [reference], 0.0)]
    share = value / reference
    capped = min(share, 1.0)
    return [
        _step("divide", [value, reference], share),
        _step("min", [share, 1.0], capped),
        _step("multiply", [capped, node.max_points], capped * node.max_points),
    ]


def _tier_steps(node: NodeSpec, a: dict[str, Any]) -> list[dict]:
    reached = [t for t in sorted(node.params["tiers"]) if a["value"] >= t[0]]
    tier = reached[-1] if reached else None
    return [_step("tier", [a["value"], tier], float(tier[1]) if tier else 0.0)]


def _item_steps(node: NodeSpec, a: dict[str, Any]) -> list[dict]:
    per_item = float(node.params.get("per_item", 1.0))
    cap = float(node.params.get("max", node.max_points))
    raw = a["value"] * per_item
    sign = -1.0 if node.rule == "penalty" else 1.0
    steps = [_step("multiply", [a["value"], per_item], raw)]
    steps.append(_step("min", [raw, cap], min(raw, cap)))
    return steps + [_step("sign", [sign], sign * min(raw, cap))]


def _rule_steps(node: NodeSpec, a: dict[str, Any], best: float) -> list[dict]:
    rule, mx = node.rule, node.max_points
    if rule == "yes_no":
        return [_step("yes_no", [a["yes"], mx], mx if a["yes"] else 0.0)]
    if rule == "ratio":
        return _ratio_steps(node, a, best)
    if rule == "tiers":
        return _tier_steps(node, a)
    if rule == "level":
        factor = next(
            lv["factor"] for lv in node.params["levels"] if lv["code"] == a["choice"]
        )
        return [_step("multiply", [float(factor), mx], factor * mx)]
    if rule == "target":
        return _share_steps(node, a["value"], float(node.params["target"]), "target")
    if rule == "relative_best":
        return _share_steps(node, a["value"], best, "best")
    if rule == "checks":
        total = sum(
            c["points"] for c in node.params["checks"] if c["code"] in a["checks"]
        )
        return [
            _step("sum", [a["checks"]], float(total)),
            _step("min", [total, mx], min(total, mx)),
        ]
    if rule in ("bonus", "penalty"):
        return _item_steps(node, a)
    return [_step("points", [a["value"]], a["value"])]


def _inputs(node: NodeSpec, ans: Answers, i: int, j: int) -> dict[str, Any]:
    value, den = scalar_or_none(ans.value[i, j]), scalar_or_none(ans.denominator[i, j])
    rule = node.rule
    if rule == "yes_no":
        return {"yes": None if value is None else value != 0}
    if rule == "ratio":
        if node.answer_type == "percentage":
            return {"percentage": value}
        return {"numerator": value, "denominator": den}
    if rule == "level":
        c = int(ans.choice[i, j])
        return {"choice": node.params["levels"][c]["code"] if c >= 0 else None}
    if rule == "checks":
        mask = int(ans.checks[i, j])
        codes = [
            c["code"] for b, c in enumerate(node.params["checks"]) if mask >> b & 1
        ]
        return {"checks": codes if mask >= 0 else None}
    return {"value": value}


def _best(results: Results, ans: Answers, pop: Population, i: int, j: int) -> float:
    best = group_best(results.spec, ans, pop.applicable, pop.groups)
    return float(best[i, j])


def _leaf(
    results: Results, pop: Population, i: int, k: int, final: bool
) -> dict[str, Any]:
    spec, node = results.spec, results.spec.nodes[k]
    j = int(np.searchsorted(spec.leaves, k))
    ans = pop.final if final else pop.self_answers
    status = (results.status if final else results.self_status)[i, j]
    inputs = {"na": bool(ans.na[i, j]), **_inputs(node, ans, i, j)}
    out = {
        "rule": node.rule,
        "params": dict(node.params),
        "inputs": inputs,
        "status": STATUSES[status],
        "verified": bool(pop.verified_mask[i, j]),
        "error": ANSWER_ERRORS[(results.error if final else results.self_error)[i, j]]
        or None,
    }
    if out["status"] == "scored":
        best = (
            _best(results, pop.final, pop, i, j)
            if node.rule == "relative_best"
            else 0.0
        )
        steps = _rule_steps(node, inputs, best)
        rounded = float(round_half_away(steps[-1]["result"], spec.precision))
        out["steps"] = steps + [
            _step("round", [steps[-1]["result"], spec.precision], rounded)
        ]
    else:
        out["steps"] = []
    return out


def _group(results: Results, i: int, k: int, final: bool) -> dict[str, Any]:
    spec, node = results.spec, results.spec.nodes[k]
    pts = results.points if final else results.self_points
    mx = results.max if final else results.self_max
    children = [
        {
            "code": spec.nodes[c].code,
            "kind": spec.nodes[c].kind,
            "points": scalar_or_none(pts[i, c]),
            "max": float(mx[i, c]),
            "outside_max": spec.nodes[c].kind in OUTSIDE_MAX_KINDS,
        }
        for c in spec.children[k]
    ]
    regular = sum(c["points"] or 0.0 for c in children if not c["outside_max"])
    extra = sum(c["points"] or 0.0 for c in children if c["outside_max"])
    cap = float(node.max_points) if node.capped else None
    return {"children": children, "sum": regular, "cap": cap, "outside_max_sum": extra}


def explain(
    results: Results,
    population: Population,
    unit_id: str,
    code: str = ROOT_CODE,
    *,
    scenario: str = "final",
) -> dict[str, Any]:
    """Explain one unit's node: the leaf rule and its arithmetic, or a group's
    children, sum, cap, points, applicable maximum, value, level and rank.

    ``scenario``: ``final`` (verified where verified) or ``self``.
    """
    i, k = results.unit_index[unit_id], results.spec.index[code]
    node, final = results.spec.nodes[k], scenario == "final"
    scalars = results.node(unit_id, code)
    out: dict[str, Any] = {
        "unit": unit_id,
        "code": code,
        "kind": node.kind,
        "scenario": scenario,
    }
    if node.is_leaf:
        out.update(_leaf(results, population, i, k, final))
    else:
        out.update(_group(results, i, k, final))
    pts = results.points if final else results.self_points
    mx = results.max if final else results.self_max
    value = results.value if final else results.self_value
    out.update(
        points=scalar_or_none(pts[i, k]),
        max=float(mx[i, k]),
        value=scalar_or_none(value[i, k]),
        level=scalars.level,
        rank=scalars.rank,
        self_points=scalars.self_points,
        verified_points=scalars.verified_points,
        gap=scalars.gap,
    )
    return out
