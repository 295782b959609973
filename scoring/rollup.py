"""Roll leaf points up the tree, assign levels, and score a population.

For a group G with children c::

    regular(G) = Σ points(c) over children that are not bonus/penalty groups
    regular(G) = min(regular(G), max_points(G))       if G is capped
                 (a capped penalty group: max(regular, −max_points))
    points(G)  = regular(G) + Σ points of its bonus/penalty group children
    max(G)     = Σ applicable max(c) over children that count in the maximum
                 (min(…, max_points(G)) when capped)
    value(G)   = points(G) / max(G)                    n/a when max(G) = 0

A leaf counts in the maximum unless N/A, not applicable, or a bonus, penalty
or unscored item. Sums are rounded to ``spec.precision`` again, which is
exact for sums of rounded numbers and removes binary noise.

:func:`score` also reports what it noticed (``Results.diagnostics``, codes in
:class:`scoring.codes.PointsDiagnostic`): ``override_clipped``, points set
without a value brought back to ``[0, max]`` (``[-max, 0]`` for a penalty), and
``relative_best_alone``, a ``relative_best`` indicator scored for a unit whose
value is the only valid one of its ranking group (full marks, compared with
nobody). With ``strict=True`` the first is raised as a
:class:`scoring.codes.PointsError` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from scoring.codes import LeafStatus, PointsDiagnostic, PointsError
from scoring.diagnostics import DiagnosticsCollector
from scoring.kernels import (
    S,
    best_alone,
    clipped_overrides,
    group_best,
    group_best_holders,
    override_bounds,
    score_leaves,
)
from scoring.ranking import rank_within_groups
from scoring.rounding import round_half_away
from scoring.types import OUTSIDE_MAX_KINDS, FrameworkSpec, Population, Results

_LIVE = [
    S[LeafStatus.SCORED],
    S[LeafStatus.MISSING],
    S[LeafStatus.ERROR],
    S[LeafStatus.NEEDS_POPULATION],
]
_BROKEN = [S[LeafStatus.ERROR], S[LeafStatus.NEEDS_POPULATION]]


@dataclass(frozen=True, eq=False)
class NodeArrays:
    """Raw roll-up, ``(n_rows, n_nodes)``: points (0 where nothing), applicable
    maximum, ``has`` (something applicable below), ``broken`` (an error below)."""

    points: np.ndarray
    max: np.ndarray
    has: np.ndarray
    broken: np.ndarray

    def exposed_points(self) -> np.ndarray:
        return np.where(self.has & ~self.broken, self.points, np.nan)

    def value(self) -> np.ndarray:
        ok = (self.max > 0) & ~self.broken
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(ok, self.points / np.where(ok, self.max, 1.0), np.nan)


@lru_cache(maxsize=64)
def _group_structure(spec: FrameworkSpec):
    """Per group (children first): index, regular kids, extra kids, max kids."""
    out = []
    counts = spec.compiled.counts
    leaf_col = {int(n): j for j, n in enumerate(spec.leaves)}
    for g in reversed(range(len(spec.nodes))):
        node, kids = spec.nodes[g], spec.children[g]
        if node.is_leaf:
            continue
        outside = node.kind in OUTSIDE_MAX_KINDS
        extra = [c for c in kids if spec.nodes[c].kind in OUTSIDE_MAX_KINDS]
        regular = [c for c in kids if c not in extra]
        counting = [
            c
            for c in regular
            if outside or (counts[leaf_col[c]] if c in leaf_col else True)
        ]
        out.append(
            (g, np.array(regular, int), np.array(extra, int), np.array(counting, int))
        )
    return out


def _cap(node, regular: np.ndarray, maximum: np.ndarray):
    if not node.capped:
        return regular, maximum
    cap = float(node.max_points)
    if node.kind == "penalty_group":
        return np.maximum(regular, -cap), np.minimum(maximum, cap)
    return np.minimum(regular, cap), np.minimum(maximum, cap)


def rollup(
    spec: FrameworkSpec, leaf_points: np.ndarray, leaf_status: np.ndarray
) -> NodeArrays:
    """Points, applicable maximum and flags of every node from leaf results."""
    n, digits = leaf_points.shape[0], spec.precision
    shape = (n, len(spec.nodes))
    pts, amax = np.zeros(shape), np.zeros(shape)
    has, broken = np.zeros(shape, bool), np.zeros(shape, bool)
    live = np.isin(leaf_status, _LIVE)
    pts[:, spec.leaves] = np.nan_to_num(leaf_points)
    amax[:, spec.leaves] = np.where(live, spec.compiled.item_max, 0.0)
    has[:, spec.leaves] = live
    broken[:, spec.leaves] = np.isin(leaf_status, _BROKEN)
    for g, regular, extra, counting in _group_structure(spec):
        reg, mx = _cap(
            spec.nodes[g], pts[:, regular].sum(axis=1), amax[:, counting].sum(axis=1)
        )
        pts[:, g] = round_half_away(
            round_half_away(reg, digits) + pts[:, extra].sum(axis=1), digits
        )
        amax[:, g] = round_half_away(mx, digits)
        kids = np.concatenate([regular, extra])
        has[:, g] = has[:, kids].any(axis=1)
        broken[:, g] = broken[:, kids].any(axis=1)
    return NodeArrays(pts, amax, has, broken)


def any_below(spec: FrameworkSpec, leaf_flags: np.ndarray) -> np.ndarray:
    """``(n_rows, n_nodes)``: True where a leaf at or below the node is flagged."""
    out = np.zeros((leaf_flags.shape[0], len(spec.nodes)), bool)
    out[:, spec.leaves] = leaf_flags
    for g, regular, extra, _ in _group_structure(spec):
        out[:, g] = out[:, np.concatenate([regular, extra])].any(axis=1)
    return out


def assign_levels(spec: FrameworkSpec, value: np.ndarray) -> np.ndarray:
    """Level index of each value rounded to ``spec.value_precision`` (-1 if n/a).

    ``upper_inclusive``: level k when bound_k < v ≤ bound_{k+1} (0.25 stays in
    the lower level); ``lower_inclusive``: bound_k ≤ v < bound_{k+1}.
    """
    rounded = round_half_away(value, spec.value_precision)
    side = "left" if spec.level_edges == "upper_inclusive" else "right"
    level = np.searchsorted(spec.level_bounds, np.nan_to_num(rounded), side=side)
    return np.where(np.isnan(rounded), -1, level).astype(np.int8)


def rank_keys(spec: FrameworkSpec, points: np.ndarray, value: np.ndarray, by: str):
    """The numbers ranks are judged on: rounded values or rounded points."""
    if by == "points":
        return round_half_away(points, spec.precision)
    return round_half_away(value, spec.value_precision)


def best_holders(spec: FrameworkSpec, population: Population) -> list[str]:
    """Ids of the units whose final answers are the best of their ranking group
    for a ``relative_best`` indicator (one per group and indicator). Scoring any
    units of these groups together with these gives them the points that scoring
    the whole groups gives."""
    rows = group_best_holders(
        spec, population.final, population.applicable, population.groups
    )
    return [population.unit_ids[i] for i in rows]


def _clipped(spec: FrameworkSpec, pop: Population, final, f_status, s_status, out):
    """``override_clipped`` per indicator: the units whose final override (or
    own one, where a reviewer's answer replaced it) was brought back to its
    bounds; ``detail["given"]`` their overrides, in the order of ``units``."""
    own_answers, scored = pop.self_answers, S[LeafStatus.SCORED]
    if np.isnan(own_answers.override).all() and np.isnan(final.override).all():
        return
    by_final = clipped_overrides(spec, final) & (f_status == scored)
    own = clipped_overrides(spec, own_answers) & (s_status == scored)
    own &= pop.verified_mask & ~by_final
    flagged = by_final | own
    if not flagged.any():
        return
    given = np.where(by_final, final.override, own_answers.override)
    low, high = override_bounds(spec)
    for j in np.flatnonzero(flagged.any(axis=0)):
        rows = np.flatnonzero(flagged[:, j])
        out.add(
            PointsDiagnostic.OVERRIDE_CLIPPED,
            indicator=spec.leaf_codes[j],
            units=tuple(pop.unit_ids[i] for i in rows),
            detail={
                "given": given[rows, j].tolist(),
                "low": float(low[j]),
                "high": float(high[j]),
            },
        )


def _alone(spec: FrameworkSpec, pop: Population, final, f_status, out) -> None:
    """``relative_best_alone`` per indicator and ranking group: the unit whose
    final value is the group's only valid one, scored by the rule (not by an
    override)."""
    cols, alone = best_alone(spec, final, pop.applicable, pop.groups)
    by_rule = (f_status[:, cols] == S[LeafStatus.SCORED]) & np.isnan(
        final.override[:, cols]
    )
    alone &= by_rule
    for c in np.flatnonzero(alone.any(axis=0)):
        for i in np.flatnonzero(alone[:, c]):
            out.add(
                PointsDiagnostic.RELATIVE_BEST_ALONE,
                indicator=spec.leaf_codes[cols[c]],
                group=pop.group_labels[pop.groups[i]],
                units=(pop.unit_ids[i],),
            )


def score(
    spec: FrameworkSpec,
    population: Population,
    *,
    strict: bool = False,
    rank_method: str = "competition",
    rank_by: str = "value",
) -> Results:
    """Score every unit × node of ``population`` in one vectorised pass.

    ``rank_method``: ``competition`` (1, 2, 2, 4) or ``dense`` (1, 2, 2, 3);
    ``rank_by``: ``value`` (points ÷ applicable maximum, rounded to
    ``spec.value_precision``) or ``points`` (rounded to ``spec.precision``).
    ``relative_best`` uses the group's best final value (verified where
    verified) in both the self and the final scoring.

    ``Results.diagnostics`` lists ``override_clipped`` and
    ``relative_best_alone`` (see the module); with ``strict=True`` the first
    one found is raised as :class:`scoring.codes.PointsError` instead.
    """
    pop, final = population, population.final
    best = group_best(spec, final, pop.applicable, pop.groups)
    f_pts, f_status, f_err = score_leaves(spec, final, pop.applicable, best)
    fin = rollup(spec, f_pts, f_status)
    points, value = fin.exposed_points(), fin.value()
    level = assign_levels(spec, value)
    keys = rank_keys(spec, points, value, rank_by)
    rank = rank_within_groups(keys, pop.groups, pop.ranked, rank_method)
    if pop.verified_mask.any():
        s_pts, s_status, s_err = score_leaves(
            spec, pop.self_answers, pop.applicable, best
        )
        own = rollup(spec, s_pts, s_status)
        own_points, own_value = own.exposed_points(), own.value()
        own_keys = rank_keys(spec, own_points, own_value, rank_by)
        own_level = assign_levels(spec, own_value)
        own_rank = rank_within_groups(own_keys, pop.groups, pop.ranked, rank_method)
    else:  # nothing verified: the unit's own answers are the final ones
        s_status, s_err, own = f_status, f_err, fin
        own_points, own_value, own_level, own_rank = points, value, level, rank
    verified = np.where(any_below(spec, pop.verified_mask), points, np.nan)
    notes = DiagnosticsCollector(strict, PointsError)
    _clipped(spec, pop, final, f_status, s_status, notes)
    _alone(spec, pop, final, f_status, notes)
    return Results(
        spec=spec,
        unit_ids=pop.unit_ids,
        groups=pop.groups,
        ranked=pop.ranked,
        points=points,
        max=fin.max,
        value=value,
        level=level,
        rank=rank,
        self_points=own_points,
        self_max=own.max,
        self_value=own_value,
        verified_points=verified,
        gap=own_points - verified,
        status=f_status,
        error=f_err,
        self_status=s_status,
        self_error=s_err,
        self_level=own_level,
        self_rank=own_rank,
        rank_method=rank_method,
        rank_by=rank_by,
        diagnostics=notes.result(),
    )
