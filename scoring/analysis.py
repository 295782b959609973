"""Analysis of points-mode results: Monte Carlo rank intervals and level
probabilities, contributions, strengths and weaknesses, path to the next level.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from scoring.codes import LeafStatus
from scoring.kernels import S
from scoring.ranking import rank_within_groups
from scoring.rollup import assign_levels, rollup
from scoring.rounding import round_half_away
from scoring.types import OUTSIDE_MAX_KINDS, ROOT_CODE, Results


@dataclass(frozen=True, eq=False)
class MonteCarlo:
    """Per unit: nominal, median, 5 % and 95 % rank (NaN if unranked), and
    ``level_probability`` ``(n_units, n_levels)``; ``ranks`` ``(n_units, n)``
    and ``levels`` of every replication."""

    nominal_rank: np.ndarray
    median_rank: np.ndarray
    q05_rank: np.ndarray
    q95_rank: np.ndarray
    level_probability: np.ndarray
    ranks: np.ndarray
    levels: np.ndarray


def _draws(results: Results, n: int, spread: float, shift: float, seed: int):
    spec = results.spec
    kinds = [spec.nodes[c].kind for c in spec.children[0]]
    outside = np.array([k in OUTSIDE_MAX_KINDS for k in kinds])
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1 - spread, 1 + spread, size=(n, len(kinds)))
    factors[:, outside] = 1.0
    bounds = spec.level_bounds + rng.uniform(
        -shift, shift, size=(n, len(spec.level_bounds))
    )
    return factors, np.sort(bounds, axis=1), outside


def _replicate(results: Results, factors: np.ndarray, outside: np.ndarray):
    """Keys ``(n_units, n)``: value with pillar maxima (and points) scaled."""
    spec, cols = results.spec, list(results.spec.children[0])
    pts = np.nan_to_num(results.points[:, cols])
    mx = np.where(outside, 0.0, results.max[:, cols])
    total = round_half_away(pts @ factors.T, spec.precision)
    maximum = round_half_away(mx @ factors.T, spec.precision)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(maximum > 0, total / maximum, np.nan)
    value[np.isnan(results.value[:, 0])] = np.nan
    if results.rank_by == "points":
        return np.where(np.isnan(value), np.nan, total)
    return round_half_away(value, spec.value_precision)


def _levels(keys: np.ndarray, bounds: np.ndarray, edges: str) -> np.ndarray:
    above = (
        keys[:, :, None] > bounds[None]
        if edges == "upper_inclusive"
        else (keys[:, :, None] >= bounds[None])
    )
    return np.where(np.isnan(keys), -1, above.sum(axis=2))


def monte_carlo(
    results: Results,
    *,
    n: int = 1000,
    weight_spread: float = 0.1,
    threshold_shift: float = 0.02,
    seed: int = 0,
    chunk: int = 250,
) -> MonteCarlo:
    """Rank intervals and level probabilities under perturbed assumptions.

    Each replication scales every pillar's maximum and points by
    ``f ~ U(1 − weight_spread, 1 + weight_spread)`` (the implicit weight;
    bonus/penalty groups unscaled), so ``value = Σ f·points / Σ f·max``, and
    shifts each level bound by ``U(−threshold_shift, threshold_shift)`` (value
    units: 0.02 = 2 points of %). Ranks are recomputed within ranking groups
    (same method and rounding as the nominal ranks). The same ``seed`` gives
    identical results; zero perturbation gives the nominal rank and level
    with probability 1.
    """
    factors, bounds, outside = _draws(results, n, weight_spread, threshold_shift, seed)
    ranks = np.zeros((len(results.unit_ids), n), dtype=np.int32)
    levels = np.zeros((len(results.unit_ids), n), dtype=np.int8)
    for start in range(0, n, chunk):
        part = slice(start, min(start + chunk, n))
        keys = _replicate(results, factors[part], outside)
        ranks[:, part] = rank_within_groups(
            keys, results.groups, results.ranked, results.rank_method
        )
        levels[:, part] = _levels(keys, bounds[part], results.spec.level_edges)
    return _summary(results, ranks, levels)


def _summary(results: Results, ranks: np.ndarray, levels: np.ndarray) -> MonteCarlo:
    valid = np.where(ranks > 0, ranks, np.nan).astype(float)
    q = np.full((3, len(results.unit_ids)), np.nan)
    rows = ~np.isnan(valid).any(axis=1)
    if rows.any():
        q[:, rows] = np.quantile(valid[rows], [0.5, 0.05, 0.95], axis=1)
    n_levels = len(results.spec.levels)
    prob = np.stack([(levels == k).mean(axis=1) for k in range(n_levels)], axis=1)
    prob[levels.min(axis=1) < 0] = np.nan
    nominal = np.where(results.rank[:, 0] > 0, results.rank[:, 0], np.nan)
    return MonteCarlo(nominal, q[0], q[1], q[2], prob, ranks, levels)


@dataclass(frozen=True, eq=False)
class Contributions:
    """``value`` ``(n_units, n_nodes)``: each node's share of the total value;
    the root's children add up to the total, and so do the leaves.
    ``points``: the same in points (``value × total applicable max``)."""

    value: np.ndarray
    points: np.ndarray


def contributions(results: Results) -> Contributions:
    """``contribution(node) = points(node) · s(node) / max(TOTAL)``, where
    ``s`` is the product, over the node's capped ancestors, of the factor
    ``capped sum / uncapped sum`` (1 for bonus/penalty groups, which are
    added after the cap). So the contributions of any cut through the tree
    (pillars, or leaves) add up to the total value."""
    spec = results.spec
    pts = np.nan_to_num(results.points)
    scale = np.ones(pts.shape)
    for g, node in enumerate(spec.nodes):
        kids = spec.children[g]
        regular = [c for c in kids if spec.nodes[c].kind not in OUTSIDE_MAX_KINDS]
        factor = np.ones(len(pts))
        if node.capped and regular:
            uncapped = pts[:, regular].sum(axis=1)
            capped = pts[:, g] - _extra(spec, pts, g)
            safe = np.where(uncapped != 0, uncapped, 1.0)
            factor = np.where(uncapped != 0, capped / safe, 1.0)
        for c in kids:
            scale[:, c] = scale[:, g] * (factor if c in regular else 1.0)
    points = pts * scale
    with np.errstate(divide="ignore", invalid="ignore"):
        value = points / results.max[:, :1]
    value[np.isnan(results.value[:, 0])] = np.nan
    return Contributions(value=value, points=points)


def _extra(spec, pts: np.ndarray, g: int) -> np.ndarray:
    kids = [c for c in spec.children[g] if spec.nodes[c].kind in OUTSIDE_MAX_KINDS]
    return pts[:, kids].sum(axis=1) if kids else np.zeros(len(pts))


def _under(results: Results, code: str) -> np.ndarray:
    """Leaf columns at or below ``code`` that count in the maximum."""
    spec, k = results.spec, results.spec.index[code]
    cols = []
    for j, node_index in enumerate(spec.leaves):
        i = int(node_index)
        while i > k:
            i = spec.nodes[i].parent
        if i == k and spec.compiled.counts[j]:
            cols.append(j)
    return np.array(cols, dtype=int)


def points_lost(
    results: Results, unit_id: str, code: str = ROOT_CODE
) -> list[dict[str, Any]]:
    """Scored leaves under ``code`` as ``{code, points, max, points_lost,
    below_group_mean}``, most points lost first; ties: furthest below the mean
    of the unit's ranking group first. ``points_lost = max − final points``;
    ``below_group_mean = group mean − points`` (over units where it applies)."""
    spec, i = results.spec, results.unit_index[unit_id]
    cols = _under(results, code)
    leaf_pts = results.points[:, spec.leaves[cols]]
    live = np.isin(
        results.status[:, cols], [S[LeafStatus.SCORED], S[LeafStatus.MISSING]]
    )
    peers = results.groups == results.groups[i]
    with warnings.catch_warnings():  # an indicator no peer scored: its mean is NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(np.where(live[peers], leaf_pts[peers], np.nan), axis=0)
    rows = []
    for n, j in enumerate(cols):
        if live[i, n]:
            pts, mx = float(leaf_pts[i, n]), float(spec.compiled.item_max[j])
            rows.append(
                {
                    "code": spec.leaf_codes[j],
                    "points": pts,
                    "max": mx,
                    "points_lost": float(round_half_away(mx - pts, spec.precision)),
                    "below_group_mean": float(mean[n] - pts),
                }
            )
    rows.sort(key=lambda r: (-r["points_lost"], -r["below_group_mean"], r["code"]))
    return rows


def strengths_weaknesses(
    results: Results, unit_id: str, k: int = 5, code: str = ROOT_CODE
) -> dict[str, list[dict[str, Any]]]:
    """``weaknesses``: the ``k`` leaves with most points lost (ties: furthest
    below the group mean); ``strengths``: the ``k`` with fewest points lost
    (ties: furthest above the group mean)."""
    rows = points_lost(results, unit_id, code)
    strengths = sorted(
        rows, key=lambda r: (r["points_lost"], r["below_group_mean"], r["code"])
    )
    return {"weaknesses": rows[:k], "strengths": strengths[:k]}


def path_to_next_level(
    results: Results, unit_id: str, code: str = ROOT_CODE
) -> dict[str, Any]:
    """The fewest indicators that, raised to full points, lift the node's value
    past the next level bound, taking those with most points lost first.

    Returns ``{"status": "reachable" | "not_reachable" | "top_level" | "n/a",
    "level", "target_level", "bound", "value", "indicators", "new_value"}``;
    the candidate trees are rolled up together (caps and bonuses apply).
    """
    spec, i, k = results.spec, results.unit_index[unit_id], results.spec.index[code]
    level, value = int(results.level[i, k]), float(results.value[i, k])
    out: dict[str, Any] = {
        "code": code,
        "value": None if level < 0 else value,
        "level": spec.levels[level].code if level >= 0 else None,
    }
    if level < 0:
        return {**out, "status": "n/a"}
    if level == len(spec.levels) - 1:
        return {**out, "status": "top_level"}
    lost = [r for r in points_lost(results, unit_id, code) if r["points_lost"] > 0]
    new_values = _raised_values(results, i, k, [r["code"] for r in lost])
    reached = np.nonzero(assign_levels(spec, new_values) > level)[0]
    out.update(
        target_level=spec.levels[level + 1].code, bound=spec.levels[level + 1].min_value
    )
    if not len(reached):
        return {
            **out,
            "status": "not_reachable",
            "indicators": [],
            "new_value": float(new_values[-1]),
        }
    m = int(reached[0])
    return {
        **out,
        "status": "reachable",
        "indicators": lost[:m],
        "new_value": float(new_values[m]),
    }


def _raised_values(results: Results, i: int, k: int, codes: list[str]) -> np.ndarray:
    """Node value with the first m of ``codes`` at full points, m = 0 … len."""
    spec = results.spec
    cols = [spec.leaf_codes.index(c) for c in codes]
    m = len(cols) + 1
    pts = np.tile(results.points[i, spec.leaves], (m, 1))
    status = np.tile(results.status[i], (m, 1))
    for r in range(1, m):
        pts[r:, cols[r - 1]] = spec.compiled.item_max[cols[r - 1]]
        status[r:, cols[r - 1]] = S[LeafStatus.SCORED]
    return rollup(spec, pts, status).value()[:, k]
