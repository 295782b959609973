"""Composite mode end to end: normalise every indicator, then aggregate up the tree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .aggregate import Aggregation, weighted_arithmetic_mean
from .diagnostics import CompositeError, DiagnosticsCollector
from .normalise import (
    MinMaxScaler,
    ZScoreScaler,
    normalise_goalposts,
    normalise_percentile_rank,
    normalise_rank,
    normalise_target,
)
from .results import CompositeResults, Reporting
from .spec import CompositeSpec

__all__ = [
    "Normalisation",
    "composite_aggregate",
    "composite_normalise",
    "composite_scores",
    "minmax_group_means",
]

_METHODS = ("minmax", "goalposts", "zscore", "rank", "percentile_rank", "target")


@dataclass(frozen=True)
class Normalisation:
    """How every indicator is normalised, after orienting it so higher is better.

    ``method``:

    * ``"minmax"``: `MinMaxScaler` on the sample, to ``feature_range``;
    * ``"goalposts"``: each indicator's fixed ``goalposts``, clipped with
      ``truncate``;
    * ``"zscore"``: `ZScoreScaler` with output mean ``z_mean`` and sd ``z_sd``;
    * ``"rank"``, ``"percentile_rank"``: ranks, percentile ranks to
      ``feature_range``;
    * ``"target"``: distance from the worst value (the worse goalpost when
      every indicator has goalposts, else the sample's worst value, as in
      COINr) to each indicator's ``target``, capped with ``cap``;
    * ``"none"``: the data are already normalised and used as given.
    """

    method: str = "minmax"
    feature_range: tuple[float, float] = (0.0, 100.0)
    truncate: bool = False
    cap: bool = True
    z_mean: float = 0.0
    z_sd: float = 1.0

    def __post_init__(self) -> None:
        if self.method not in (*_METHODS, "none"):
            raise ValueError(f"unknown normalisation method {self.method!r}")


def _data_matrix(spec: CompositeSpec, data) -> np.ndarray:
    if isinstance(data, Mapping):
        columns = [np.asarray(data[code], dtype=float) for code in spec.codes]
        return np.column_stack(columns)
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != len(spec.codes):
        raise ValueError(f"data must have shape (n_units, {len(spec.codes)})")
    return arr


def _indicator_params(spec: CompositeSpec, attr: str) -> np.ndarray:
    values = [getattr(i, attr) for i in spec.indicators]
    missing = [
        i.code for i, v in zip(spec.indicators, values, strict=True) if v is None
    ]
    if missing:
        raise ValueError(f"indicators without {attr}: {missing}")
    return np.asarray(values, dtype=float)


def composite_normalise(
    spec: CompositeSpec, data, normalisation: Normalisation | str = "minmax"
) -> np.ndarray:
    """Normalise raw indicator values; see `Normalisation` for the methods.

    ``data`` is an array (n_units, n_indicators) with columns in
    ``spec.codes`` order, or a mapping of indicator code to column. Each column
    is first multiplied by its ``direction`` (COINr's convention), so that for
    every method a higher output is better.
    """
    norm = (
        Normalisation(normalisation)
        if isinstance(normalisation, str)
        else normalisation
    )
    raw = _data_matrix(spec, data)
    if norm.method == "none":
        return raw.copy()
    direction = np.array([i.direction for i in spec.indicators], dtype=float)
    oriented = raw * direction
    return _NORMALISERS[norm.method](spec, oriented, direction, norm)


def _oriented_goalposts(spec: CompositeSpec, direction: np.ndarray):
    posts = _indicator_params(spec, "goalposts") * direction[:, None]
    return posts.min(axis=1), posts.max(axis=1)


def _by_goalposts(spec, oriented, direction, norm) -> np.ndarray:
    low, high = _oriented_goalposts(spec, direction)
    return normalise_goalposts(
        oriented, low, high, truncate=norm.truncate, feature_range=norm.feature_range
    )


def _by_target(spec, oriented, direction, norm) -> np.ndarray:
    target = _indicator_params(spec, "target") * direction
    if all(i.goalposts is not None for i in spec.indicators):
        worst = _oriented_goalposts(spec, direction)[0]
    else:
        worst = MinMaxScaler().fit(oriented).bounds_[0]
    return normalise_target(
        oriented, target, worst=worst, cap=norm.cap, feature_range=norm.feature_range
    )


_NORMALISERS = {
    "minmax": lambda s, x, d, n: MinMaxScaler(n.feature_range).fit_transform(x),
    "zscore": lambda s, x, d, n: ZScoreScaler(n.z_mean, n.z_sd).fit_transform(x),
    "rank": lambda s, x, d, n: normalise_rank(x),
    "percentile_rank": lambda s, x, d, n: normalise_percentile_rank(x, n.feature_range),
    "goalposts": _by_goalposts,
    "target": _by_target,
}


def _level_aggregation(aggregation, level: int) -> Aggregation:
    if isinstance(aggregation, Mapping):
        aggregation = aggregation.get(level, "arithmetic")
    if isinstance(aggregation, str):
        return Aggregation(aggregation)
    return aggregation


def composite_aggregate(
    spec: CompositeSpec,
    normalised: ArrayLike,
    aggregation: Aggregation | str | Mapping[int, Aggregation | str] = "arithmetic",
    *,
    units: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    reporting: Reporting | None = None,
    strict: bool = False,
) -> CompositeResults:
    """Aggregate normalised indicators level by level up the tree.

    For each group ``g`` with children ``c``:

    .. math:: y_g = M_{\\mathrm{level}(g)}(\\{y_c\\}, \\{w_c\\})

    where ``M`` is the level's `Aggregation` (a mapping gives one per level,
    keyed by the level of the group, 2 = the groups just above the
    indicators; levels not listed use the arithmetic mean), applied with the
    group's own minimum-data rule when it has one.
    """
    values = np.asarray(normalised, dtype=float)
    codes = (*spec.codes, *spec.group_order)
    position = {code: i for i, code in enumerate(codes)}
    scores = np.full((values.shape[0], len(codes)), np.nan)
    scores[:, : values.shape[1]] = values
    for code in spec.group_order:
        group, level = spec.nodes[code], spec.levels[code]
        kids = [position[c] for c in spec.children[code]]
        weights = [spec.nodes[c].weight for c in spec.children[code]]
        mean = _level_aggregation(aggregation, level)
        scores[:, position[code]] = mean(
            scores[:, kids],
            weights,
            min_count=group.min_count,
            min_share=group.min_share,
        )
    levels = tuple(spec.levels[c] for c in codes)
    weights = _unit_effective_weights(spec, codes, scores)
    n = values.shape[0]
    unit_ids = tuple(str(u) for u in units) if units is not None else _numbered(n)
    return CompositeResults(
        unit_ids=unit_ids,
        groups=tuple(str(g) for g in groups) if groups is not None else ("",) * n,
        codes=codes,
        levels=levels,
        scores=scores,
        unit_weights=weights,
        diagnostics=DiagnosticsCollector(strict, CompositeError).result(),
        reporting=reporting or Reporting(),
    )


def _numbered(n: int) -> tuple[str, ...]:
    return tuple(str(i + 1) for i in range(n))


def _unit_effective_weights(spec, codes, scores: np.ndarray) -> np.ndarray:
    position = {code: i for i, code in enumerate(codes)}
    present = ~np.isnan(scores)
    eff = np.zeros_like(scores)
    roots = [g.code for g in spec.groups if g.parent is None]
    families = [(None, roots)] + [
        (code, spec.children[code]) for code in reversed(spec.group_order)
    ]
    for parent, family in families:
        idx = [position[c] for c in family]
        w = np.array([spec.nodes[c].weight for c in family], float) * present[:, idx]
        total = w.sum(axis=1, keepdims=True)
        share = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
        above = 1.0 if parent is None else eff[:, [position[parent]]]
        eff[:, idx] = share * above
    return eff


def composite_scores(
    spec: CompositeSpec,
    data,
    normalisation: Normalisation | str = "minmax",
    aggregation: Aggregation | str | Mapping[int, Aggregation | str] = "arithmetic",
    *,
    units: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    reporting: Reporting | None = None,
    strict: bool = False,
) -> CompositeResults:
    """Normalise raw ``data`` and aggregate it up the tree of ``spec``.

    Equivalent to ``composite_aggregate(spec, composite_normalise(spec, data,
    normalisation), aggregation, ...)``; see those two functions. ``units``
    names the rows (unit ids, unique), ``groups`` gives each unit's ranking
    group, ``reporting`` the rounding, ranking and bands of the results, and
    ``strict`` turns every diagnostic into a `CompositeError`.
    """
    normalised = composite_normalise(spec, data, normalisation)
    return composite_aggregate(
        spec,
        normalised,
        aggregation,
        units=units,
        groups=groups,
        reporting=reporting,
        strict=strict,
    )


def minmax_group_means(
    X: ArrayLike,
    group_index: ArrayLike,
    weights: ArrayLike,
    *,
    group_weights: ArrayLike | None = None,
    feature_range: tuple[float, float] = (0.0, 100.0),
) -> tuple[np.ndarray, np.ndarray]:
    """Min-max on the sample, then weighted arithmetic means per group, vectorised.

    .. math::
        z_{ui} = l + (u - l) \\frac{x_{ui} - \\min_v x_{vi}}{\\max_v x_{vi} -
        \\min_v x_{vi}}, \\qquad
        G_{ug} = \\frac{\\sum_{i \\in g} w_i z_{ui}}{\\sum_{i \\in g} w_i}, \\qquad
        I_u = \\frac{\\sum_g v_g G_{ug}}{\\sum_g v_g}

    A two-level shortcut for a flat framework (indicators -> pillars ->
    index) with every indicator higher-is-better; the same numbers as
    `composite_scores` with min-max and arithmetic means. ``group_index``
    gives each indicator's pillar as 0..n_groups-1; ``group_weights`` (``v``)
    default to equal. Returns ``(G, I)`` of shapes (n_units, n_groups) and
    (n_units,). Missing values and constant columns are skipped as in
    `MinMaxScaler` and `weighted_arithmetic_mean`.
    """
    Z = MinMaxScaler(feature_range).fit_transform(X)
    group_index = np.asarray(group_index, dtype=int)
    n_groups = int(group_index.max()) + 1
    W = np.zeros((Z.shape[1], n_groups))
    W[np.arange(Z.shape[1]), group_index] = np.asarray(weights, dtype=float)
    present = ~np.isnan(Z)
    total = present @ W
    with np.errstate(invalid="ignore", divide="ignore"):
        G = np.where(present, Z, 0.0) @ W / total
    G[total == 0] = np.nan
    v = np.ones(n_groups) if group_weights is None else group_weights
    return G, weighted_arithmetic_mean(G, v)
