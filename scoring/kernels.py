"""Vectorised rule kernels: arrays ``(n_units, k)`` of the k leaves of one rule.

Each kernel returns ``(raw_points, error, na)``: unrounded points, an error
index (:data:`scoring.codes.ANSWER_ERRORS`, 0 = none) and a mask of answers that
the rule itself turns into N/A (``zero_denominator: na``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from scoring.codes import (
    ANSWER_ERRORS,
    STATUSES,
    AnswerError,
    LeafStatus,
    error_index,
    status_index,
)
from scoring.rounding import round_half_away
from scoring.types import Answers, FrameworkSpec, LeafOutcome, NodeSpec

E = {e: error_index(e) for e in AnswerError}
S = {s: status_index(s) for s in LeafStatus}
Sub = dict[str, np.ndarray]
Params = dict[str, np.ndarray]


def _pad(rows: Sequence[Sequence[float]], fill: float) -> np.ndarray:
    width = max((len(r) for r in rows), default=0)
    out = np.full((len(rows), max(width, 1)), fill, dtype=float)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


def stack_params(rule: str, nodes: Sequence[NodeSpec]) -> Params:
    """Parameter arrays of ``nodes`` (all with ``rule``), one row per leaf."""
    out: Params = {
        "max": np.array([n.max_points or 0.0 for n in nodes], dtype=float),
        "percent": np.array([n.answer_type == "percentage" for n in nodes]),
    }
    if rule in _RULE_PARAMS:
        out.update(_RULE_PARAMS[rule](nodes))
    return out


def _ratio_params(nodes: Sequence[NodeSpec]) -> Params:
    modes = [
        ("error", "na", "full").index(n.params.get("zero_denominator", "error"))
        for n in nodes
    ]
    return {"zero_mode": np.array(modes)}


def _tiers_params(nodes: Sequence[NodeSpec]) -> Params:
    tiers = [sorted(n.params["tiers"]) for n in nodes]
    return {
        "thr": _pad([[t for t, _ in ts] for ts in tiers], np.inf),
        "tpts": _pad([[v for _, v in ts] for ts in tiers], 0.0),
    }


def _level_params(nodes: Sequence[NodeSpec]) -> Params:
    factors = [[lv["factor"] for lv in n.params["levels"]] for n in nodes]
    return {"factors": _pad(factors, 0.0)}


def _target_params(nodes: Sequence[NodeSpec]) -> Params:
    return {"target": np.array([n.params["target"] for n in nodes], dtype=float)}


def _checks_params(nodes: Sequence[NodeSpec]) -> Params:
    points = [[c["points"] for c in n.params["checks"]] for n in nodes]
    return {"cpts": _pad(points, 0.0)}


def _item_params(nodes: Sequence[NodeSpec]) -> Params:
    """Bonus and penalty: points per item and the cap (the maximum by default)."""
    per_item = [n.params.get("per_item", 1.0) for n in nodes]
    return {
        "per_item": np.array(per_item, dtype=float),
        "cap": np.array([n.params.get("max", n.max_points) for n in nodes]),
    }


_RULE_PARAMS: dict[str, Callable[[Sequence[NodeSpec]], Params]] = {
    "ratio": _ratio_params,
    "tiers": _tiers_params,
    "level": _level_params,
    "target": _target_params,
    "checks": _checks_params,
    "bonus": _item_params,
    "penalty": _item_params,
}


def _errors(*pairs: tuple[np.ndarray, AnswerError]) -> np.ndarray:
    """First error whose condition holds (earlier pairs win), else 0."""
    return np.select([c for c, _ in pairs], [E[e] for _, e in pairs], 0).astype(np.int8)


def _quantity_errors(v: np.ndarray, percent: np.ndarray) -> np.ndarray:
    return _errors(
        (~np.isfinite(v), AnswerError.VALUE_NOT_FINITE),
        (v < 0, AnswerError.NEGATIVE_VALUE),
        (percent & (v > 100), AnswerError.PERCENTAGE_ABOVE_100),
    )


def _yes_no(a: Sub, p: Params, best: np.ndarray):
    v = a["value"]
    err = _errors((~np.isfinite(v), AnswerError.VALUE_NOT_FINITE))
    return np.where(v != 0, p["max"], 0.0), err, None


def _ratio(a: Sub, p: Params, best: np.ndarray):
    v, pct = a["value"], p["percent"]
    d = np.where(pct, 100.0, a["denominator"])
    zero = (d == 0) & (v == 0)
    err = _errors(
        (~np.isfinite(v), AnswerError.VALUE_NOT_FINITE),
        (~pct & np.isnan(d), AnswerError.DENOMINATOR_MISSING),
        (~np.isfinite(d), AnswerError.VALUE_NOT_FINITE),
        ((v < 0) | (d < 0), AnswerError.NEGATIVE_VALUE),
        (pct & (v > 100), AnswerError.PERCENTAGE_ABOVE_100),
        (zero & (p["zero_mode"] == 0), AnswerError.ZERO_DENOMINATOR),
        (v > d, AnswerError.NUMERATOR_ABOVE_DENOMINATOR),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(zero, 1.0, np.minimum(v / d, 1.0))
    return p["max"] * share, err, zero & (p["zero_mode"] == 1)


def _tiers(a: Sub, p: Params, best: np.ndarray):
    v = a["value"]
    reached = (v[..., None] >= p["thr"]).sum(axis=-1)
    tpts = np.concatenate([np.zeros((len(p["thr"]), 1)), p["tpts"]], axis=1)
    raw = tpts[np.arange(tpts.shape[0]), reached]
    return raw, _quantity_errors(v, np.zeros_like(p["percent"])), None


def _level(a: Sub, p: Params, best: np.ndarray):
    c = a["choice"]
    factors = p["factors"][np.arange(c.shape[1]), np.clip(c, 0, None)]
    err = _errors((c < 0, AnswerError.UNKNOWN_LEVEL))
    return p["max"] * factors, err, None


def _target(a: Sub, p: Params, best: np.ndarray):
    v = a["value"]
    raw = p["max"] * np.minimum(v / p["target"], 1.0)
    return raw, _quantity_errors(v, p["percent"]), None


def _relative_best(a: Sub, p: Params, best: np.ndarray):
    v = a["value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(best > 0, np.minimum(v / best, 1.0), 0.0)
    raw = np.where(np.isnan(best), np.nan, p["max"] * share)
    return raw, _quantity_errors(v, p["percent"]), None


def _checks(a: Sub, p: Params, best: np.ndarray):
    bits = (a["checks"][..., None] >> np.arange(p["cpts"].shape[1])) & 1
    raw = np.minimum((bits * p["cpts"]).sum(axis=-1), p["max"])
    return raw, _errors((a["checks"] < 0, AnswerError.UNKNOWN_CHECK)), None


def _bonus(a: Sub, p: Params, best: np.ndarray):
    v = a["value"]
    raw = np.minimum(v * p["per_item"], p["cap"])
    return raw, _quantity_errors(v, np.zeros_like(p["percent"])), None


def _penalty(a: Sub, p: Params, best: np.ndarray):
    raw, err, na = _bonus(a, p, best)
    return -raw, err, na


def _direct(a: Sub, p: Params, best: np.ndarray):
    v = a["value"]
    err = _errors(
        (~np.isfinite(v), AnswerError.VALUE_NOT_FINITE),
        (v < 0, AnswerError.NEGATIVE_VALUE),
        (v > p["max"], AnswerError.POINTS_ABOVE_MAX),
    )
    return v, err, None


def _none(a: Sub, p: Params, best: np.ndarray):
    return np.full(a["value"].shape, np.nan), np.zeros(a["value"].shape, np.int8), None


KERNELS: dict[str, Callable] = {
    "yes_no": _yes_no,
    "ratio": _ratio,
    "tiers": _tiers,
    "level": _level,
    "target": _target,
    "relative_best": _relative_best,
    "checks": _checks,
    "bonus": _bonus,
    "penalty": _penalty,
    "direct": _direct,
    "none": _none,
}


def _raw(spec: FrameworkSpec, answers: Answers, best: np.ndarray):
    shape = answers.value.shape
    raw, err, kna = (
        np.full(shape, np.nan),
        np.zeros(shape, np.int8),
        np.zeros(shape, bool),
    )
    names = ("value", "denominator", "choice", "checks")
    with np.errstate(invalid="ignore", divide="ignore"):
        for rule, (cols, params) in spec.compiled.by_rule.items():
            sub = {n: getattr(answers, n)[:, cols] for n in names}
            r, e, na = KERNELS[rule](sub, params, best[:, cols])
            raw[:, cols], err[:, cols] = r, e
            if na is not None:
                kna[:, cols] = na
    return _overridden(spec, answers, raw, err, kna)


def override_bounds(spec: FrameworkSpec) -> tuple[np.ndarray, np.ndarray]:
    """Per leaf, the bounds of points set without a value: ``[0, max]``, or
    ``[-max, 0]`` for a penalty (``max`` the item's cap)."""
    item_max = spec.compiled.item_max
    penalty = np.array([spec.nodes[k].rule == "penalty" for k in spec.leaves])
    return np.where(penalty, -item_max, 0.0), np.where(penalty, 0.0, item_max)


def clipped_overrides(spec: FrameworkSpec, answers: Answers) -> np.ndarray:
    """``(n_units, n_leaves)``: True where an override lies outside its bounds
    (:func:`override_bounds`) and is brought back to them."""
    low, high = override_bounds(spec)
    with np.errstate(invalid="ignore"):
        return (answers.override < low) | (answers.override > high)


def _overridden(spec: FrameworkSpec, answers: Answers, raw, err, kna):
    """Points set without a value replace the rule's result, within the item's
    bounds (:func:`override_bounds`); :func:`clipped_overrides` tells where
    they were brought back to them."""
    given = ~np.isnan(answers.override)
    if not given.any():
        return raw, err, kna
    low, high = override_bounds(spec)
    bounded = np.clip(answers.override, low, high)
    return (
        np.where(given, bounded, raw),
        np.where(given, 0, err).astype(np.int8),
        np.where(given, False, kna),
    )


def score_leaves(
    spec: FrameworkSpec, answers: Answers, applicable: np.ndarray, best: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points, status and error of every unit × leaf.

    Precedence: not applicable, unscored (rule ``none``), N/A (an error when
    the indicator does not allow it), missing (0 points), answer error, N/A by
    rule, needs population, scored. Points are rounded to ``spec.precision``
    and NaN unless scored or missing.
    """
    compiled = spec.compiled
    raw, err, kna = _raw(spec, answers, best)
    unscored = np.zeros(raw.shape[1], bool)
    if "none" in compiled.by_rule:
        unscored[compiled.by_rule["none"][0]] = True
    bad_na = answers.na & ~compiled.na_allowed
    status = np.select(
        [
            ~applicable,
            unscored & np.ones_like(applicable),
            bad_na,
            answers.na,
            ~answers.answered,
            err > 0,
            kna,
            np.isnan(raw),
        ],
        [
            S[LeafStatus.NOT_APPLICABLE],
            S[LeafStatus.UNSCORED],
            S[LeafStatus.ERROR],
            S[LeafStatus.NA],
            S[LeafStatus.MISSING],
            S[LeafStatus.ERROR],
            S[LeafStatus.NA],
            S[LeafStatus.NEEDS_POPULATION],
        ],
        S[LeafStatus.SCORED],
    ).astype(np.int8)
    is_error = status == S[LeafStatus.ERROR]
    error = np.where(is_error, np.where(bad_na, E[AnswerError.NA_NOT_ALLOWED], err), 0)
    points = round_half_away(raw, spec.precision)
    points = np.where(status == S[LeafStatus.SCORED], points, np.nan)
    points[status == S[LeafStatus.MISSING]] = 0.0
    return points, status, error.astype(np.int8)


def _best_candidates(
    spec: FrameworkSpec, answers: Answers, applicable: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The ``relative_best`` columns and their values, -inf where not valid."""
    cols, params = spec.compiled.by_rule["relative_best"]
    v = answers.value[:, cols]
    ok = applicable[:, cols] & answers.answered[:, cols] & ~answers.na[:, cols]
    ok &= np.isfinite(v) & (v >= 0) & ~(params["percent"] & (v > 100))
    return cols, np.where(ok, v, -np.inf)


def best_alone(
    spec: FrameworkSpec, answers: Answers, applicable: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The ``relative_best`` leaf columns and ``(n_units, len(cols))``: True for
    a unit holding the only valid value of its ranking group (its own best)."""
    if "relative_best" not in spec.compiled.by_rule:
        return np.zeros(0, dtype=int), np.zeros((len(groups), 0), dtype=bool)
    cols, v = _best_candidates(spec, answers, applicable)
    valid = np.isfinite(v)
    labels, group_of = np.unique(groups, return_inverse=True)
    members = group_of == np.arange(len(labels))[:, None]
    counts = members.astype(np.int32) @ valid.astype(np.int32)
    return cols, valid & (counts[group_of] == 1)


def group_best_holders(
    spec: FrameworkSpec, answers: Answers, applicable: np.ndarray, groups: np.ndarray
) -> np.ndarray:
    """Indices of units holding a best value of :func:`group_best` (one per group
    and ``relative_best`` leaf): the best of any set of units that includes them
    and lies within these groups is the best of the whole groups."""
    if "relative_best" not in spec.compiled.by_rule:
        return np.zeros(0, dtype=int)
    _cols, v = _best_candidates(spec, answers, applicable)
    held: set[int] = set()
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        block = v[rows]
        top = block.argmax(axis=0)
        found = np.isfinite(block[top, np.arange(block.shape[1])])
        held.update(rows[top[found]].tolist())
    return np.array(sorted(held), dtype=int)


def group_best(
    spec: FrameworkSpec, answers: Answers, applicable: np.ndarray, groups: np.ndarray
) -> np.ndarray:
    """Best (largest) valid value per ranking group for ``relative_best`` leaves,
    broadcast to ``(n_units, n_leaves)``; NaN elsewhere and in a group without
    any valid value."""
    best = np.full(answers.value.shape, np.nan)
    if "relative_best" not in spec.compiled.by_rule:
        return best
    cols, v = _best_candidates(spec, answers, applicable)
    for g in np.unique(groups):
        rows = groups == g
        top = v[rows].max(axis=0)
        best[np.ix_(rows, cols)] = np.where(np.isfinite(top), top, np.nan)
    return best


def outcome(spec: FrameworkSpec, points: float, status: int, error: int) -> LeafOutcome:
    """A :class:`LeafOutcome` of one cell; points only when scored."""
    code = STATUSES[status]
    return LeafOutcome(
        points=float(points) if code == LeafStatus.SCORED else None,
        error_code=ANSWER_ERRORS[error] or None,
        status=code,
        max_points=float(spec.compiled.item_max[0]),
    )
