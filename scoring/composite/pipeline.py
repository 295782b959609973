"""Composite mode end to end: normalise every indicator, then aggregate up the tree.

Each step checks what it is given and reports what it notices into one
`DiagnosticsCollector`, which travels from `composite_scores` through
`composite_normalise` to `composite_aggregate` and ends in
`CompositeResults.diagnostics`:

* the data (`composite_normalise`): ``missing_share`` of every indicator
  (NaN or infinite, raw data), ``infinite_value`` (treated as missing),
  ``all_missing``, ``single_unit`` and ``constant_column`` (normalisations on
  the sample: the column becomes NaN), ``values_clipped`` (goalposts with
  ``truncate``, target with ``cap``), ``target_reached_by_all`` (a target
  below the sample's worst value, with ``cap``: every unit gets the full score);
* the aggregates (`composite_aggregate`): ``too_little_data`` (missing under
  the minimum-data rule) and ``weights_renormalised`` (computed over the
  children present only), each naming the group and the units.

With ``strict=True`` the first diagnostic is raised as a `CompositeError` of
the same code. What cannot be computed at all raises a `CompositeError` naming
the culprit: the data and unit ids (see :mod:`.data`), the options
(``unknown_normalisation``, ``unknown_aggregation``, ``bad_feature_range``),
the spec for the method (``missing_goalposts``, ``missing_target``,
``target_equals_worst``, ``target_below_worst``), values too large to compute
with (``value_too_large``: above 1e100 in magnitude; ``overflow``: an infinite
normalised value or aggregate) and values a mean cannot take
(``zero_from_normalisation`` before aggregating, then
``not_positive_for_mean``, ``negative_for_mean``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .aggregate import Aggregation, weighted_arithmetic_mean
from .data import checked_unit_groups, checked_unit_ids, data_matrix
from .diagnostics import (
    CompositeError,
    CompositeErrorCode,
    DiagnosticCode,
    DiagnosticsCollector,
)
from .normalise import (
    MinMaxScaler,
    ZScoreScaler,
    check_feature_range,
    goalpost_shares,
    normalise_percentile_rank,
    normalise_rank,
    target_shares,
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

E = CompositeErrorCode
D = DiagnosticCode
_METHODS = (
    "minmax",
    "goalposts",
    "zscore",
    "rank",
    "percentile_rank",
    "target",
    "identity",
)
_ON_SAMPLE = ("minmax", "zscore", "rank", "percentile_rank")
_RANGED = ("minmax", "goalposts", "percentile_rank", "target")


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
    * ``"identity"``: the data are already normalised and used as given
      (``"none"`` is accepted as another name for it, and stored as
      ``"identity"``).

    An unknown method raises `CompositeError` ``unknown_normalisation``, a
    feature range that is not two finite numbers ``l < u`` ``bad_feature_range``.
    """

    method: str = "minmax"
    feature_range: tuple[float, float] = (0.0, 100.0)
    truncate: bool = False
    cap: bool = True
    z_mean: float = 0.0
    z_sd: float = 1.0

    def __post_init__(self) -> None:
        if self.method == "none":
            object.__setattr__(self, "method", "identity")
        if self.method not in _METHODS:
            raise CompositeError(
                E.UNKNOWN_NORMALISATION, detail={"method": self.method}
            )
        low, high = check_feature_range(self.feature_range)
        object.__setattr__(self, "feature_range", (low, high))


def _as_normalisation(normalisation: Normalisation | str) -> Normalisation:
    if isinstance(normalisation, str):
        return Normalisation(normalisation)
    return normalisation


def _indicator_params(spec: CompositeSpec, attr: str, code: str) -> np.ndarray:
    values = [getattr(i, attr) for i in spec.indicators]
    missing = [
        i.code for i, v in zip(spec.indicators, values, strict=True) if v is None
    ]
    if missing:
        raise CompositeError(code, indicator=missing[0], detail={"indicators": missing})
    return np.asarray(values, dtype=float)


def _per_column(collector, code, mask, spec, unit_ids, **kwargs) -> None:
    for j in np.flatnonzero(mask.any(axis=0)):
        collector.add_where(
            code, mask[:, j], unit_ids, indicator=spec.codes[j], **kwargs
        )


def composite_normalise(
    spec: CompositeSpec,
    data,
    normalisation: Normalisation | str = "minmax",
    *,
    units: Sequence[str] | None = None,
    diagnostics: DiagnosticsCollector | None = None,
) -> np.ndarray:
    """Normalise raw indicator values; see `Normalisation` for the methods.

    ``data`` is an array (n_units, n_indicators) with columns in
    ``spec.codes`` order, or a mapping of indicator code to column. Each column
    is first multiplied by its ``direction`` (COINr's convention), so that for
    every method a higher output is better. Infinite values are missing.

    ``diagnostics``, when given, receives the ``missing_share`` of every
    indicator (NaN or infinite, in the raw data) and the diagnostics
    ``infinite_value``, ``all_missing``, ``single_unit`` and
    ``constant_column`` (normalisations on the sample) and ``values_clipped``
    (goalposts with ``truncate``, target with ``cap``), naming the rows by
    ``units`` (1, 2, ... by default); in strict mode it raises the first.

    Raises `CompositeError`: ``bad_data_shape``, ``not_numeric``,
    ``unknown_indicator``, ``missing_indicator`` (the data);
    ``bad_unit_ids``, ``duplicate_unit`` (``units``); ``missing_goalposts``,
    ``missing_target``, ``target_equals_worst`` (the spec for this method).
    """
    norm = _as_normalisation(normalisation)
    raw = data_matrix(spec, data)
    ids = checked_unit_ids(raw.shape[0], units)
    collector = diagnostics if diagnostics is not None else DiagnosticsCollector()
    return _normalise(spec, raw, norm, ids, collector)


def _normalise(spec, raw, norm: Normalisation, ids, collector) -> np.ndarray:
    if norm.method == "goalposts":  # refused before any diagnostic
        _indicator_params(spec, "goalposts", E.MISSING_GOALPOSTS)
    if norm.method == "target":
        _indicator_params(spec, "target", E.MISSING_TARGET)
    raw = _usable(spec, raw, norm, ids, collector)
    if norm.method == "identity":
        return raw.copy()
    direction = np.array([i.direction for i in spec.indicators], dtype=float)
    oriented = raw * direction
    constant = np.zeros(raw.shape[1], dtype=bool)
    if _on_sample(spec, norm):
        # fmin and fmax skip NaN, and give NaN for an all-missing column
        low, high = np.fmin.reduce(oriented), np.fmax.reduce(oriented)
        constant = ~np.isnan(low) & ~(high > low)
        for j in np.flatnonzero(constant):
            collector.add(
                D.CONSTANT_COLUMN,
                indicator=spec.codes[j],
                detail={"method": norm.method},
            )
    out, clipped = _NORMALISERS[norm.method](spec, oriented, direction, norm)
    for j in np.flatnonzero(np.isinf(out).any(axis=0)):
        _refuse_infinite(out[:, j], ids, indicator=spec.codes[j])
    if norm.method == "target":
        for j in np.flatnonzero(_reached_by_all(spec, oriented, direction, norm)):
            collector.add(D.TARGET_REACHED_BY_ALL, indicator=spec.codes[j])
            clipped[:, j] = False  # reported once, as reached
    if norm.method == "target" and constant.any():
        # the sample's worst value is every unit's own: nothing to measure from
        out[:, constant] = np.nan
    if clipped is not None:
        detail = {"method": norm.method}
        _per_column(collector, D.VALUES_CLIPPED, clipped, spec, ids, detail=detail)
    return out


LARGEST = 1e100
"""Values above this magnitude are refused: squares and sums of them would overflow."""


def _refuse_too_large(codes, values: np.ndarray, ids) -> None:
    with np.errstate(invalid="ignore"):
        large = np.isfinite(values) & (np.abs(values) > LARGEST)
    if large.any():
        i, j = (int(k[0]) for k in np.nonzero(large))
        raise CompositeError(
            E.VALUE_TOO_LARGE,
            indicator=codes[j],
            unit=ids[i],
            detail={"value": float(values[i, j]), "largest": LARGEST},
        )


def _refuse_infinite(values: np.ndarray, ids, **named) -> None:
    """An infinite result (arguments finite) is an overflow: refused, named."""
    infinite = np.isinf(values)
    if infinite.any():
        i = int(np.flatnonzero(infinite)[0])
        raise CompositeError(E.OVERFLOW, unit=ids[i], **named)


def _on_sample(spec: CompositeSpec, norm: Normalisation) -> bool:
    """Whether the normalisation learns from the units (a distance to target
    does when its worst value is the sample's, not the goalposts')."""
    if norm.method == "target":
        return not all(i.goalposts is not None for i in spec.indicators)
    return norm.method in _ON_SAMPLE


def _usable(spec, raw, norm: Normalisation, ids, collector) -> np.ndarray:
    """``raw`` with infinite values missing; reports the missing shares, a single
    unit, infinite values and all-missing indicators."""
    n = raw.shape[0]
    usable = np.count_nonzero(np.isfinite(raw), axis=0)
    shares = (1.0 - usable / n).tolist()
    collector.missing_share.update(zip(spec.codes, shares, strict=True))
    if _on_sample(spec, norm) and n == 1:
        collector.add(D.SINGLE_UNIT, detail={"method": norm.method})
    _refuse_too_large(spec.codes, raw, ids)
    infinite = np.isinf(raw)
    _per_column(collector, D.INFINITE_VALUE, infinite, spec, ids)
    for j in np.flatnonzero(usable == 0):
        collector.add(D.ALL_MISSING, indicator=spec.codes[j])
    return np.where(infinite, np.nan, raw) if infinite.any() else raw


def _oriented_goalposts(spec: CompositeSpec, direction: np.ndarray):
    posts = _indicator_params(spec, "goalposts", E.MISSING_GOALPOSTS)
    posts = posts * direction[:, None]
    return posts.min(axis=1), posts.max(axis=1)


def _by_goalposts(spec, oriented, direction, norm):
    low, high = _oriented_goalposts(spec, direction)
    return goalpost_shares(oriented, low, high, 1, norm.truncate, norm.feature_range)


def _target_and_worst(spec, oriented, direction):
    """Oriented targets and worst values: the worse goalposts when every
    indicator has goalposts, else the sample's worst values (as COINr)."""
    target = _indicator_params(spec, "target", E.MISSING_TARGET) * direction
    if all(i.goalposts is not None for i in spec.indicators):
        return target, _oriented_goalposts(spec, direction)[0], False
    return target, MinMaxScaler().fit(oriented).bounds_[0], True


def _by_target(spec, oriented, direction, norm):
    target, worst, from_sample = _target_and_worst(spec, oriented, direction)
    same = target == worst
    if same.any():
        j = int(same.argmax())
        raise CompositeError(
            E.TARGET_EQUALS_WORST,
            indicator=spec.codes[j],
            detail={"target": spec.indicators[j].target},
        )
    # a target below the worst value would score the better units lower;
    # below the sample's worst with a cap, every unit has reached it
    below = target < worst
    reached = below & from_sample & norm.cap
    if (below & ~reached).any():
        j = int((below & ~reached).argmax())
        raise CompositeError(
            E.TARGET_BELOW_WORST,
            indicator=spec.codes[j],
            detail={"target": spec.indicators[j].target, "cap": norm.cap},
        )
    out, clipped = target_shares(
        oriented,
        target,
        np.where(reached, target - 1.0, worst),
        norm.cap,
        norm.feature_range,
    )
    return out, clipped


def _reached_by_all(spec, oriented, direction, norm) -> np.ndarray:
    """Columns whose target lies below the sample's worst value (with a cap)."""
    target, worst, from_sample = _target_and_worst(spec, oriented, direction)
    return (target < worst) & from_sample & norm.cap


_NORMALISERS = {
    "minmax": lambda s, x, d, n: (
        MinMaxScaler(n.feature_range).fit_transform(x),
        None,
    ),
    "zscore": lambda s, x, d, n: (
        ZScoreScaler(n.z_mean, n.z_sd).fit_transform(x),
        None,
    ),
    "rank": lambda s, x, d, n: (normalise_rank(x), None),
    "percentile_rank": lambda s, x, d, n: (
        normalise_percentile_rank(x, n.feature_range),
        None,
    ),
    "goalposts": _by_goalposts,
    "target": _by_target,
}


def _level_aggregations(spec: CompositeSpec, aggregation) -> dict[int, Aggregation]:
    """The `Aggregation` of every level of groups (unknown methods refused)."""
    result = {}
    for level in sorted({spec.levels[code] for code in spec.group_order}):
        mean = aggregation
        if isinstance(mean, Mapping):
            mean = mean.get(level, "arithmetic")
        result[level] = Aggregation(mean) if isinstance(mean, str) else mean
    return result


def composite_aggregate(
    spec: CompositeSpec,
    normalised: ArrayLike,
    aggregation: Aggregation | str | Mapping[int, Aggregation | str] = "arithmetic",
    *,
    units: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    reporting: Reporting | None = None,
    strict: bool = False,
    diagnostics: DiagnosticsCollector | None = None,
) -> CompositeResults:
    """Aggregate normalised indicators level by level up the tree.

    For each group ``g`` with children ``c``:

    .. math:: y_g = M_{\\mathrm{level}(g)}(\\{y_c\\}, \\{w_c\\})

    where ``M`` is the level's `Aggregation` (a mapping gives one per level,
    keyed by the level of the group, 2 = the groups just above the
    indicators; levels not listed use the arithmetic mean), applied with the
    group's own minimum-data rule when it has one.

    Diagnostics: ``too_little_data`` (an aggregate missing under the
    minimum-data rule) and ``weights_renormalised`` (an aggregate computed
    over the children present only), each naming the group and the units.
    They go to ``diagnostics`` when given (whose own strictness then applies),
    else to a new collector, strict with ``strict``; the results hold them all.
    When the collector has no ``missing_share`` yet, it gets the shares of
    missing values in ``normalised``.

    Raises `CompositeError`: ``bad_data_shape`` (``normalised``),
    ``bad_unit_ids``, ``duplicate_unit``, ``bad_groups``; a value the level's
    mean cannot take raises ``not_positive_for_mean`` or ``negative_for_mean``
    naming the group, the child (as ``indicator``) and the first unit.
    """
    means = _level_aggregations(spec, aggregation)
    values = np.asarray(normalised, dtype=float)
    if values.ndim != 2 or values.shape[1] != len(spec.codes) or not values.size:
        raise CompositeError(
            E.BAD_DATA_SHAPE,
            detail={"shape": list(values.shape), "columns": len(spec.codes)},
        )
    n = values.shape[0]
    ids, unit_groups = checked_unit_ids(n, units), checked_unit_groups(n, groups)
    collector = diagnostics
    if collector is None:
        collector = DiagnosticsCollector(strict, CompositeError)
    if not collector.missing_share:
        missing = 1.0 - np.count_nonzero(np.isfinite(values), axis=0) / n
        collector.missing_share.update(zip(spec.codes, missing.tolist(), strict=True))
    _refuse_too_large(spec.codes, values, ids)
    infinite = np.isinf(values)
    if infinite.any():
        values = np.where(infinite, np.nan, values)
    return _aggregate(spec, values, means, ids, unit_groups, reporting, collector)


def _aggregate(spec, values, means, ids, unit_groups, reporting, collector):
    """`composite_aggregate` on checked arguments."""
    codes = (*spec.codes, *spec.group_order)
    scores = np.full((values.shape[0], len(codes)), np.nan)
    scores[:, : values.shape[1]] = values
    position = {code: i for i, code in enumerate(codes)}
    for code in spec.group_order:
        column = _aggregate_group(spec, code, scores, position, means, ids, collector)
        _refuse_infinite(column, ids, group=code)
        scores[:, position[code]] = column
    return CompositeResults(
        unit_ids=ids,
        groups=unit_groups,
        codes=codes,
        levels=tuple(spec.levels[c] for c in codes),
        scores=scores,
        unit_weights=_unit_effective_weights(spec, codes, scores),
        diagnostics=collector.result(),
        reporting=reporting or Reporting(),
    )


def _aggregate_group(spec, code, scores, position, means, ids, collector):
    """Scores of group ``code`` from its children's columns of ``scores``."""
    group, children = spec.nodes[code], spec.children[code]
    block = scores[:, [position[c] for c in children]]
    weights = np.array([spec.nodes[c].weight for c in children], dtype=float)
    mean = means[spec.levels[code]]
    bad = mean.out_of_domain(block)
    if bad is not None:
        error, row, column, value = bad
        raise CompositeError(
            error,
            group=code,
            indicator=children[column],
            unit=ids[row],
            detail={"value": value, **mean.describe()},
        )
    result = mean(block, weights, min_count=group.min_count, min_share=group.min_share)
    computed = ~np.isnan(result)
    collector.add_where(D.TOO_LITTLE_DATA, ~computed, ids, group=code)
    dropped = (np.isnan(block) & (weights > 0)).any(axis=1)
    collector.add_where(D.WEIGHTS_RENORMALISED, computed & dropped, ids, group=code)
    return result


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


def _check_positive_inputs(spec, normalised, norm: Normalisation, means, ids):
    """Refuse values <= 0 that the normalisation gives (its lower bound is <= 0)
    to indicators whose aggregate needs values above 0."""
    low, high = norm.feature_range
    if norm.method not in _RANGED or low > 0:
        return
    for j, ind in enumerate(spec.indicators):
        mean = means[spec.levels[ind.parent]]
        if not mean.needs_positive:
            continue
        bad = normalised[:, j] <= 0
        if bad.any():
            row = int(bad.argmax())
            raise CompositeError(
                E.ZERO_FROM_NORMALISATION,
                indicator=ind.code,
                group=ind.parent,
                unit=ids[row],
                detail={
                    "value": float(normalised[row, j]),
                    "normalisation": norm.method,
                    "feature_range": [low, high],
                    "suggested_feature_range": [1.0, max(high, 100.0)],
                    **mean.describe(),
                },
            )


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
    normalisation), aggregation, ...)``; see those two functions, whose
    diagnostics and errors it reports. ``units`` names the rows (unit ids,
    unique), ``groups`` gives each unit's ranking group, ``reporting`` the
    rounding, ranking and bands of the results, and ``strict`` turns every
    diagnostic into a `CompositeError` of the same code.

    Before aggregating it also raises ``zero_from_normalisation`` when the
    normalisation (lower bound <= 0) gives a value <= 0 to an indicator whose
    aggregate is a geometric, harmonic or power (p <= 0) mean.
    """
    norm = _as_normalisation(normalisation)
    means = _level_aggregations(spec, aggregation)
    raw = data_matrix(spec, data)
    n = raw.shape[0]
    ids, unit_groups = checked_unit_ids(n, units), checked_unit_groups(n, groups)
    collector = DiagnosticsCollector(strict, CompositeError)
    normalised = _normalise(spec, raw, norm, ids, collector)
    _check_positive_inputs(spec, normalised, norm, means, ids)
    return _aggregate(spec, normalised, means, ids, unit_groups, reporting, collector)


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
