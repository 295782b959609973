"""Normalisation: bring indicators measured in different units to one scale.

``X`` is an array of shape (n_units, n_indicators); a 1-D array is one
indicator. NaN marks a missing value: fitted statistics ignore it and every
output keeps it. Steps that learn from the population of units are classes
shaped like scikit-learn estimators; the others are plain functions.

The learning steps assume higher is better: orient a lower-is-better
indicator first by multiplying it by -1 (as COINr does).

An infinite value is no usable value: every step treats it as missing (NaN),
without a RuntimeWarning. A column that cannot discriminate (every observed
value the same, or a single one) is NaN under every normalisation on the
sample: min-max, z-score, rank and percentile rank alike. These functions take
no unit ids and report nothing; `composite_normalise` reports these cases as
diagnostics (``infinite_value``, ``constant_column``, ``values_clipped``).
They refuse bad input with a `CompositeError`: ``bad_data_shape``,
``not_numeric``, ``bad_feature_range``, ``bad_goalposts`` and
``target_equals_worst`` (with the offending ``column`` in ``detail``).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.typing import ArrayLike

from .data import float_array
from .diagnostics import CompositeError, CompositeErrorCode

E = CompositeErrorCode

__all__ = [
    "MinMaxScaler",
    "ZScoreScaler",
    "normalise_goalposts",
    "normalise_min_max",
    "normalise_percentile_rank",
    "normalise_rank",
    "normalise_target",
    "normalise_z_score",
]

Range = tuple[float, float]


def _as_2d(X: ArrayLike) -> tuple[np.ndarray, bool]:
    arr = float_array(X)
    infinite = np.isinf(arr)
    if infinite.any():  # an infinite value is no usable value: missing
        arr = np.where(infinite, np.nan, arr)
    return (arr[:, None], True) if arr.ndim == 1 else (arr, False)


def _restore(arr: np.ndarray, was_1d: bool) -> np.ndarray:
    return arr[:, 0] if was_1d else arr


def check_feature_range(feature_range: Range) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in feature_range)
    except (TypeError, ValueError):
        raise CompositeError(
            E.BAD_FEATURE_RANGE, detail={"feature_range": repr(feature_range)}
        ) from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise CompositeError(E.BAD_FEATURE_RANGE, detail={"feature_range": [low, high]})
    return low, high


def _rescale(share: np.ndarray, feature_range: Range) -> np.ndarray:
    low, high = check_feature_range(feature_range)
    return low + (high - low) * share


def _nan_stat(func, arr: np.ndarray, **kwargs) -> np.ndarray:
    # an all-missing column is a legitimate input: its statistic is NaN
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return func(arr, axis=0, **kwargs)


def _fill_constant(out: np.ndarray, arr: np.ndarray, mask: np.ndarray, value: float):
    observed = ~np.isnan(arr[:, mask])
    out[:, mask] = np.where(observed, value, np.nan)
    return out


class _Scaler:
    def fit_transform(self, X: ArrayLike) -> np.ndarray:
        """Fit on ``X`` and return ``X`` transformed."""
        return self.fit(X).transform(X)

    def _check_fitted(self, arr: np.ndarray) -> None:
        if not hasattr(self, "constant_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted yet")
        if arr.shape[1] != self.constant_.shape[0]:
            raise CompositeError(
                E.BAD_DATA_SHAPE,
                detail={"fitted": self.constant_.shape[0], "columns": arr.shape[1]},
            )


class MinMaxScaler(_Scaler):
    """Min-max normalisation on the sample (COINr ``n_minmax``).

    .. math:: y = l + (u - l) \\frac{x - \\min x}{\\max x - \\min x}

    The best observed unit gets ``u`` and the worst ``l``.

    Parameters
    ----------
    feature_range : (l, u), default (0, 100)
        Output range, ``l < u``.
    constant_value : float, default NaN
        Output for every observed value of a column with ``max == min`` (or
        no data at all), where the formula would divide by zero. The default
        marks the whole column missing, as COINr does.

    Attributes
    ----------
    bounds_ : ndarray of shape (2, n_indicators)
        Minimum (row 0) and maximum (row 1) of each column over the observed
        values.
    constant_ : ndarray of bool, shape (n_indicators,)
        Columns with ``max == min`` or no observed value.
    """

    def __init__(
        self, feature_range: Range = (0.0, 100.0), constant_value: float = np.nan
    ) -> None:
        self.feature_range = feature_range
        self.constant_value = constant_value

    def fit(self, X: ArrayLike) -> MinMaxScaler:
        """Learn ``bounds_`` from ``X``, ignoring NaN. Returns self."""
        check_feature_range(self.feature_range)
        arr, _ = _as_2d(X)
        low, high = _nan_stat(np.nanmin, arr), _nan_stat(np.nanmax, arr)
        self.bounds_ = np.vstack([low, high])
        self.constant_ = ~(high > low)
        return self

    def transform(self, X: ArrayLike) -> np.ndarray:
        """Rescale ``X`` with the fitted bounds; values beyond them exceed the range."""
        arr, was_1d = _as_2d(X)
        self._check_fitted(arr)
        low, high = self.bounds_
        span = np.where(self.constant_, 1.0, high - low)
        out = _rescale((arr - low) / span, self.feature_range)
        out = _fill_constant(out, arr, self.constant_, self.constant_value)
        return _restore(out, was_1d)


class ZScoreScaler(_Scaler):
    """Standardisation (COINr ``n_zscore``).

    .. math:: y = m + s \\frac{x - \\bar{x}}{\\mathrm{sd}(x)}

    Parameters
    ----------
    mean, sd : float, default 0 and 1
        Mean ``m`` and standard deviation ``s`` of the output.
    ddof : int, default 1
        Delta degrees of freedom of ``sd(x)``; 1 is the sample standard
        deviation (R's ``sd``).
    constant_value : float, default NaN
        Output for every observed value of a column whose standard deviation
        is zero or undefined (fewer than ``ddof + 1`` observed values).

    Attributes
    ----------
    mean_, scale_ : ndarray of shape (n_indicators,)
        Mean and standard deviation of each column over the observed values.
    constant_ : ndarray of bool, shape (n_indicators,)
        Columns whose standard deviation is zero or undefined.
    """

    def __init__(
        self,
        mean: float = 0.0,
        sd: float = 1.0,
        ddof: int = 1,
        constant_value: float = np.nan,
    ) -> None:
        self.mean = mean
        self.sd = sd
        self.ddof = ddof
        self.constant_value = constant_value

    def fit(self, X: ArrayLike) -> ZScoreScaler:
        """Learn ``mean_`` and ``scale_`` from ``X``, ignoring NaN. Returns self."""
        arr, _ = _as_2d(X)
        self.mean_ = _nan_stat(np.nanmean, arr)
        self.scale_ = _nan_stat(np.nanstd, arr, ddof=self.ddof)
        self.constant_ = ~(self.scale_ > 0)
        return self

    def transform(self, X: ArrayLike) -> np.ndarray:
        """Standardise ``X`` with the fitted mean and standard deviation."""
        arr, was_1d = _as_2d(X)
        self._check_fitted(arr)
        scale = np.where(self.constant_, 1.0, self.scale_)
        out = self.mean + self.sd * ((arr - self.mean_) / scale)
        out = _fill_constant(out, arr, self.constant_, self.constant_value)
        return _restore(out, was_1d)


def normalise_min_max(
    X: ArrayLike, feature_range: Range = (0.0, 100.0), constant_value=np.nan
) -> np.ndarray:
    """Min-max on the sample in one call; see `MinMaxScaler` for the formula."""
    return MinMaxScaler(feature_range, constant_value).fit_transform(X)


def normalise_z_score(
    X: ArrayLike, mean: float = 0.0, sd: float = 1.0, ddof: int = 1
) -> np.ndarray:
    """Z-scores in one call; see `ZScoreScaler` for the formula."""
    return ZScoreScaler(mean, sd, ddof).fit_transform(X)


def normalise_goalposts(
    X: ArrayLike,
    low: ArrayLike,
    high: ArrayLike,
    *,
    direction: ArrayLike = 1,
    truncate: bool = True,
    feature_range: Range = (0.0, 100.0),
) -> np.ndarray:
    """Normalise on fixed goalposts (COINr ``n_goalposts``, DESI).

    .. math::
        p = \\frac{x - \\mathrm{low}}{\\mathrm{high} - \\mathrm{low}}
        \\ (\\text{direction } 1), \\qquad
        p = \\frac{\\mathrm{high} - x}{\\mathrm{high} - \\mathrm{low}}
        \\ (\\text{direction } -1), \\qquad
        y = l + (u - l)\\,p

    ``low``, ``high`` and ``direction`` are scalars or one value per column,
    with ``low < high`` whatever the direction. With ``truncate`` the share
    ``p`` is clipped to [0, 1]; without it, values beyond the goalposts fall
    outside ``[l, u]`` (DESI's fixed bounds, reused across years).
    """
    arr, was_1d = _as_2d(X)
    out, _ = goalpost_shares(arr, low, high, direction, truncate, feature_range)
    return _restore(out, was_1d)


def goalpost_shares(arr, low, high, direction, truncate, feature_range):
    """Goalpost normalisation of a 2-D ``arr``, and where values were clipped."""
    check_feature_range(feature_range)
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    bad = np.broadcast_to(~(low < high), (arr.shape[1],))
    if bad.any():
        raise CompositeError(E.BAD_GOALPOSTS, detail={"column": int(bad.argmax())})
    direction = np.asarray(direction, dtype=float)
    share = (arr - low) / (high - low)
    share = np.where(direction < 0, 1.0 - share, share)
    clipped = np.zeros(arr.shape, dtype=bool)
    if truncate:
        clipped = (share < 0.0) | (share > 1.0)
        share = np.clip(share, 0.0, 1.0)
    return _rescale(share, feature_range), clipped


def normalise_target(
    X: ArrayLike,
    target: ArrayLike,
    *,
    worst: ArrayLike = 0.0,
    cap: bool = True,
    feature_range: Range = (0.0, 100.0),
) -> np.ndarray:
    """Distance to a target (COINr ``n_dist2targ``; DTI's ``actual / target``).

    .. math::
        p = \\frac{x - \\mathrm{worst}}{\\mathrm{target} - \\mathrm{worst}},
        \\qquad y = l + (u - l) \\min(p, 1) \\ (\\text{with } cap)

    ``worst`` scores ``l`` and ``target`` scores ``u``; a target below
    ``worst`` means lower is better. The default ``worst = 0`` gives
    ``x / target``; ``worst`` equal to the sample minimum (the maximum when
    lower is better) reproduces COINr. ``cap`` counts anything beyond the
    target as reached.
    """
    arr, was_1d = _as_2d(X)
    out, _ = target_shares(arr, target, worst, cap, feature_range)
    return _restore(out, was_1d)


def target_shares(arr, target, worst, cap, feature_range):
    """Distance to target of a 2-D ``arr``, and where values were capped."""
    check_feature_range(feature_range)
    target, worst = np.asarray(target, dtype=float), np.asarray(worst, dtype=float)
    same = np.broadcast_to(target == worst, (arr.shape[1],))
    if same.any():
        raise CompositeError(
            E.TARGET_EQUALS_WORST, detail={"column": int(same.argmax())}
        )
    with np.errstate(invalid="ignore"):  # a missing worst: the column is missing
        share = (arr - worst) / (target - worst)
    capped = np.zeros(arr.shape, dtype=bool)
    if cap:
        capped = share > 1.0
        share = np.minimum(share, 1.0)
    return _rescale(share, feature_range), capped


def _min_ranks(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranks as in `normalise_rank`, NaN for a constant column, and the counts of
    observed values."""
    ranks = np.full(arr.shape, np.nan)
    counts = np.zeros(arr.shape[1])
    for j in range(arr.shape[1]):
        column = arr[:, j]
        observed = ~np.isnan(column)
        ordered = np.sort(column[observed])
        counts[j] = ordered.size
        if ordered.size and ordered[-1] > ordered[0]:
            ranks[observed, j] = np.searchsorted(ordered, column[observed], "left") + 1
    return ranks, counts


def normalise_rank(X: ArrayLike) -> np.ndarray:
    """Ascending rank within each column, ties sharing the lowest rank.

    .. math:: y_i = 1 + \\#\\{j : x_j < x_i\\}

    The highest value gets the highest rank (COINr ``n_rank``, R's
    ``ties.method = "min"``); rank ``-x`` for a 1-2-2-4 competition ranking
    where the best is first. Missing values stay missing. A constant column
    (every observed value the same, or a single one) cannot be ranked: its
    output is NaN, as min-max gives (COINr would rank every unit 1).
    """
    arr, was_1d = _as_2d(X)
    return _restore(_min_ranks(arr)[0], was_1d)


def normalise_percentile_rank(
    X: ArrayLike, feature_range: Range = (0.0, 100.0)
) -> np.ndarray:
    """Percentile rank (COINr ``n_prank``).

    .. math:: y = l + (u - l) \\frac{\\mathrm{rank}(x) - 1}{n - 1}

    with ``rank`` as in `normalise_rank` and ``n`` the number of observed
    values in the column. A constant column (every observed value the same,
    or fewer than two) has no percentile: its output is NaN, as with min-max
    (COINr would give every unit ``l``).
    """
    check_feature_range(feature_range)
    arr, was_1d = _as_2d(X)
    ranks, counts = _min_ranks(arr)
    share = (ranks - 1) / np.maximum(counts - 1, 1)
    return _restore(_rescale(share, feature_range), was_1d)
