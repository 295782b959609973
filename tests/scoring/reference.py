"""A slow, unit-by-unit pure-Python reference of points mode.

Used only to check the vectorised engine (tests, ``bench/engine.py``): it
shares no arithmetic with :mod:`scoring.kernels` or :mod:`scoring.rollup`.
Rounding goes through ``Decimal`` of 15 significant digits with ROUND_HALF_UP,
as Excel's ROUND.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from scoring.types import OUTSIDE_MAX_KINDS, Answer, FrameworkSpec, NodeSpec


def ref_round(x: float, digits: int) -> float:
    q = Decimal(1).scaleb(-digits)
    # 15 significant digits first, as Excel: 5 × 41.9 / 100 = 2.0949999… → 2.095
    exact = Decimal(format(float(x), ".15g"))
    return float(exact.quantize(q, rounding=ROUND_HALF_UP))


def _quantity_error(v: float | None, percent: bool) -> str | None:
    if v is None or not math.isfinite(v):
        return "value_not_finite"
    if v < 0:
        return "negative_value"
    return "percentage_above_100" if percent and v > 100 else None


def _number(a: Answer) -> float | None:
    if a.value is not None:
        return a.value
    if a.points is not None:
        return a.points
    return None if a.yes is None else float(a.yes)


def _ratio(node: NodeSpec, a: Answer) -> tuple[str | None, Any]:
    v, pct = _number(a), node.answer_type == "percentage"
    d = 100.0 if pct else a.denominator
    if v is None or not math.isfinite(v):
        return "error", "value_not_finite"
    if d is None:
        return "error", "denominator_missing"
    if v < 0 or d < 0:
        return "error", "negative_value"
    if pct and v > 100:
        return "error", "percentage_above_100"
    if d == 0 and v == 0:
        mode = node.params.get("zero_denominator", "error")
        if mode == "error":
            return "error", "zero_denominator"
        return ("na", None) if mode == "na" else ("scored", node.max_points)
    if v > d:
        return "error", "numerator_above_denominator"
    return "scored", node.max_points * min(v / d, 1.0)


def _quantity_rule(node: NodeSpec, a: Answer, best: float | None):
    v, mx = _number(a), node.max_points
    pct = node.answer_type == "percentage" and node.rule in ("target", "relative_best")
    err = _quantity_error(v, pct)
    if err:
        return "error", err
    if node.rule == "tiers":
        reached = [p for t, p in node.params["tiers"] if v >= t]
        return "scored", max(reached) if reached else 0.0
    if node.rule == "target":
        return "scored", mx * min(v / node.params["target"], 1.0)
    if node.rule == "relative_best":
        if best is None:
            return "needs_population", None
        return "scored", 0.0 if best <= 0 else mx * min(v / best, 1.0)
    cap = node.params.get("max", mx)
    raw = min(v * node.params.get("per_item", 1.0), cap)
    return "scored", -raw if node.rule == "penalty" else raw


def _other_rule(node: NodeSpec, a: Answer):
    mx, v = node.max_points, _number(a)
    if node.rule == "level":
        levels = {lv["code"]: lv["factor"] for lv in node.params["levels"]}
        if a.choice not in levels:
            return "error", "unknown_level"
        return "scored", mx * levels[a.choice]
    if node.rule == "checks":
        checks = {c["code"]: c["points"] for c in node.params["checks"]}
        if any(c not in checks for c in a.checks or ()):
            return "error", "unknown_check"
        return "scored", min(sum(checks[c] for c in a.checks or ()), mx)
    if v is None or not math.isfinite(v):
        return "error", "value_not_finite"
    if node.rule == "yes_no":
        return "scored", mx if v != 0 else 0.0
    if v < 0:
        return "error", "negative_value"
    return ("error", "points_above_max") if v > mx else ("scored", v)


def ref_leaf(
    node: NodeSpec,
    a: Answer | None,
    applicable: bool,
    precision: int,
    best: float | None = None,
) -> tuple[str, str | None, float | None]:
    """(status, error, points) of one answer."""
    if not applicable:
        return "not_applicable", None, None
    if node.rule == "none":
        return "unscored", None, None
    if a is not None and a.na:
        return (
            ("na", None, None) if node.na_allowed else ("error", "na_not_allowed", None)
        )
    if a is None or not a.answered:
        return "missing", None, 0.0
    if node.rule == "ratio":
        status, x = _ratio(node, a)
    elif node.rule in ("tiers", "target", "relative_best", "bonus", "penalty"):
        status, x = _quantity_rule(node, a, best)
    else:
        status, x = _other_rule(node, a)
    if status == "error":
        return "error", x, None
    if status != "scored":
        return status, None, None
    return "scored", None, ref_round(x, precision)


def _rollup(spec: FrameworkSpec, k: int, leaf: dict[int, tuple], memo: dict) -> tuple:
    """(points, max, has, broken) of node k for one unit."""
    if k not in memo:
        memo[k] = _rollup_node(spec, k, leaf, memo)
    return memo[k]


def _rollup_node(spec: FrameworkSpec, k: int, leaf: dict[int, tuple], memo: dict):
    node = spec.nodes[k]
    if node.is_leaf:
        status, _, pts = leaf[k]
        live = status in ("scored", "missing", "error", "needs_population")
        mx = (
            node.params.get("max", node.max_points)
            if node.rule in ("bonus", "penalty")
            else (0.0 if node.rule == "none" else node.max_points)
        )
        return (
            pts or 0.0,
            mx if live else 0.0,
            live,
            status in ("error", "needs_population"),
        )
    regular = extra = amax = 0.0
    has = broken = False
    for c in spec.children[k]:
        p, m, h, b = _rollup(spec, c, leaf, memo)
        child = spec.nodes[c]
        has, broken = has or h, broken or b
        if child.kind in OUTSIDE_MAX_KINDS:
            extra += p
            continue
        regular += p
        counts = not child.is_leaf or child.rule not in ("bonus", "penalty", "none")
        if counts or node.kind in OUTSIDE_MAX_KINDS:
            amax += m
    if node.capped:
        cap = node.max_points
        regular = (
            max(regular, -cap) if node.kind == "penalty_group" else min(regular, cap)
        )
        amax = min(amax, cap)
    points = ref_round(ref_round(regular, spec.precision) + extra, spec.precision)
    return points, ref_round(amax, spec.precision), has, broken


def ref_level(spec: FrameworkSpec, value: float | None) -> int:
    if value is None:
        return -1
    v = ref_round(value, spec.value_precision)
    bounds = [lv.min_value for lv in spec.levels[1:]]
    if spec.level_edges == "upper_inclusive":
        return sum(v > b for b in bounds)
    return sum(v >= b for b in bounds)


def ref_unit(
    spec: FrameworkSpec,
    answers: dict[str, Answer],
    applicable: dict[str, bool],
    best: dict[str, float] | None = None,
) -> dict[str, dict[str, Any]]:
    """Every node of one unit: points, max, value, level (None for n/a)."""
    leaf = {
        int(k): ref_leaf(
            spec.nodes[k],
            answers.get(spec.nodes[k].code),
            applicable.get(spec.nodes[k].code, True),
            spec.precision,
            (best or {}).get(spec.nodes[k].code),
        )
        for k in spec.leaves
    }
    out, memo = {}, {}
    for k, node in enumerate(spec.nodes):
        p, m, has, broken = _rollup(spec, k, leaf, memo)
        value = p / m if m > 0 and not broken else None
        out[node.code] = {
            "points": p if has and not broken else None,
            "max": m,
            "value": value,
            "level": ref_level(spec, value),
        }
    return out


def ref_ranks(
    keys: list[float | None], groups: list[Any], ranked: list[bool]
) -> list[int]:
    """Competition ranks within groups (1 + number of larger keys); 0 for
    unranked units or missing keys."""
    by_group: dict[Any, list[float]] = {}
    for key, group, r in zip(keys, groups, ranked, strict=True):
        if r and key is not None:
            by_group.setdefault(group, []).append(key)
    ordered = {g: sorted(ks) for g, ks in by_group.items()}
    out = []
    for key, group, r in zip(keys, groups, ranked, strict=True):
        if not r or key is None:
            out.append(0)
            continue
        peers = ordered[group]
        out.append(1 + len(peers) - bisect_right(peers, key))
    return out


def _valid_for_best(node: NodeSpec, a: Answer | None, applicable: bool) -> float | None:
    if a is None or not applicable or a.na or not a.answered:
        return None
    v = _number(a)
    pct = node.answer_type == "percentage"
    return None if _quantity_error(v, pct) else v


def ref_best(spec: FrameworkSpec, units: list[dict], answers: dict, applicable: dict):
    """``{(group, code): best valid value}`` for ``relative_best`` leaves."""
    best: dict[tuple[Any, str], float] = {}
    for k in spec.leaves:
        node = spec.nodes[k]
        if node.rule != "relative_best":
            continue
        for unit in units:
            a = answers.get((unit["id"], node.code))
            v = _valid_for_best(node, a, applicable.get((unit["id"], node.code), True))
            key = (unit.get("group", ""), node.code)
            if v is not None and v >= best.get(key, -math.inf):
                best[key] = v
    return best


def ref_score(spec: FrameworkSpec, units: list[dict], answers: dict, applicable: dict):
    """Unit by unit: ``{unit: {code: {points, max, value, level, rank}}}``.

    ``answers``: ``{(unit, code): Answer}`` (already final); ``applicable``:
    ``{(unit, code): bool}``. Ranks: competition, on values rounded to
    ``spec.value_precision``, within ``group``, ranked units only.
    """
    best = ref_best(spec, units, answers, applicable)
    codes = [spec.nodes[k].code for k in spec.leaves]
    out = {}
    for unit in units:
        uid, group = unit["id"], unit.get("group", "")
        own = {c: answers[uid, c] for c in codes if (uid, c) in answers}
        appl = {c: applicable.get((uid, c), True) for c in codes}
        unit_best = {c: best[group, c] for c in codes if (group, c) in best}
        out[uid] = ref_unit(spec, own, appl, unit_best)
    for node in spec.nodes:
        keys = [out[u["id"]][node.code]["value"] for u in units]
        keys = [None if k is None else ref_round(k, spec.value_precision) for k in keys]
        ranks = ref_ranks(
            keys,
            [u.get("group", "") for u in units],
            [u.get("ranked", True) for u in units],
        )
        for u, rank in zip(units, ranks, strict=True):
            out[u["id"]][node.code]["rank"] = rank
    return out
