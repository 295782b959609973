"""Ranks within ranking groups, and year-over-year change through lineage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scoring.rounding import round_half_away

RANK_METHODS = ("competition", "dense")


def rank_columns(
    keys: np.ndarray, method: str = "competition", precision: int | None = None
) -> np.ndarray:
    """Rank each column of ``keys`` (higher is better) along axis 0.

    Competition: ``rank = 1 + #{units with a larger key}`` (1, 2, 2, 4);
    dense: ``1 + #{distinct larger keys}`` (1, 2, 2, 3). NaN keys get 0 and do
    not take a place. With ``precision`` the keys are first rounded to that
    many decimals (half away from zero), so that values equal as printed tie
    instead of being ordered by binary noise; None ranks the keys as given.
    """
    if method not in RANK_METHODS:
        raise ValueError(f"unknown rank method {method!r}")
    keys = np.asarray(keys, dtype=float)
    if precision is not None:
        keys = round_half_away(keys, precision)
    keys = np.where(np.isnan(keys), -np.inf, keys)
    order = np.argsort(-keys, axis=0, kind="stable")
    ordered = np.take_along_axis(keys, order, axis=0)
    start = np.ones(ordered.shape, bool)
    start[1:] = ordered[1:] != ordered[:-1]
    if method == "dense":
        sorted_rank = np.cumsum(start, axis=0)
    else:
        pos = np.arange(ordered.shape[0]).reshape((-1,) + (1,) * (keys.ndim - 1))
        sorted_rank = np.maximum.accumulate(np.where(start, pos, 0), axis=0) + 1
    ranks = np.empty(keys.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, sorted_rank.astype(np.int32), axis=0)
    return np.where(np.isneginf(keys), 0, ranks)


def rank_within_groups(
    keys: np.ndarray,
    groups: np.ndarray,
    ranked: np.ndarray,
    method: str = "competition",
    precision: int | None = None,
) -> np.ndarray:
    """Ranks of ``keys`` (``(n_units,)`` or ``(n_units, n_cols)``) within each
    ranking group, among ranked units only; 0 = no rank (not ranked or n/a).
    ``precision`` as in :func:`rank_columns`."""
    keys = np.asarray(keys, dtype=float)
    groups = np.asarray(groups)
    out = np.zeros(keys.shape, dtype=np.int32)
    for g in np.unique(groups):
        rows = (groups == g) & ranked
        if rows.any():
            out[rows] = rank_columns(keys[rows], method, precision)
    return out


@dataclass(frozen=True, eq=False)
class YearOverYear:
    """Per current unit: last year's comparable value (its own, or the mean of
    its predecessors'), that value's rank recomputed among this year's units,
    ``value_change = value − previous_value`` and ``rank_change =
    previous_rank − rank`` (positive = climbed). NaN (rank 0) = nothing to
    compare."""

    previous_value: np.ndarray
    previous_rank: np.ndarray
    value_change: np.ndarray
    rank_change: np.ndarray


def comparable_previous(
    unit_ids: Sequence[str],
    previous: Mapping[str, float | None],
    lineage: Mapping[str, Sequence[str]] | None = None,
) -> np.ndarray:
    """Last year's value per current unit: ``mean(previous[p] for p in preds)``
    with ``preds = lineage.get(unit, [unit])``; a merged unit lists all its
    predecessors, each unit split from one lists that one. NaN if none known."""
    lineage = lineage or {}
    out = np.full(len(unit_ids), np.nan)
    for i, unit in enumerate(unit_ids):
        known = [previous.get(p) for p in lineage.get(unit, [unit])]
        known = [float(v) for v in known if v is not None and np.isfinite(v)]
        if known:
            out[i] = sum(known) / len(known)
    return out


def year_over_year(
    *,
    unit_ids: Sequence[str],
    values: np.ndarray,
    ranks: np.ndarray,
    groups: np.ndarray,
    ranked: np.ndarray,
    previous: Mapping[str, float | None],
    lineage: Mapping[str, Sequence[str]] | None = None,
    value_precision: int = 4,
    rank_method: str = "competition",
) -> YearOverYear:
    """Change of value and rank since last year, through unit lineage.

    Last year's ranks are recomputed on this year's set of units and ranking
    groups, each unit carrying its comparable previous value
    (:func:`comparable_previous`), rounded to ``value_precision``.
    """
    prev = comparable_previous(unit_ids, previous, lineage)
    prev_rank = rank_within_groups(
        round_half_away(prev, value_precision), groups, ranked, rank_method
    )
    both = (prev_rank > 0) & (ranks > 0)
    return YearOverYear(
        previous_value=prev,
        previous_rank=prev_rank,
        value_change=np.asarray(values, float) - prev,
        rank_change=np.where(both, prev_rank - ranks, np.nan),
    )
