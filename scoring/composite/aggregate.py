"""Weighted means that combine the children of one aggregate.

``X`` has shape (n_units, n_children) (a 1-D array is one unit) and
``weights`` shape (n_children,) or (n_units, n_children), every weight >= 0.
A missing child (NaN) is left out and the weights are renormalised over the
children present, which for the arithmetic mean equals imputing the unit's
weighted mean of the others. The minimum-data rule makes the aggregate missing
unless at least ``min_count`` children and a share of at least ``min_share``
of them are present (COINr's ``dat_thresh`` is ``min_share``); it is also
missing when the present children all weigh zero.

These functions take no unit ids and report nothing; `composite_aggregate`
reports the aggregates left missing (``too_little_data``) and those computed
over the children present only (``weights_renormalised``). They refuse, with a
`CompositeError`, weights that are negative, not finite or of the wrong shape
(``bad_mean_weights``) and values outside a mean's domain: <= 0 for the
geometric, harmonic and power (p <= 0) means (``not_positive_for_mean``), < 0
for a power mean with p > 0 (``negative_for_mean``); ``detail`` gives the
value, its ``row`` and ``column`` and the method.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .data import float_array
from .diagnostics import CompositeError, CompositeErrorCode

E = CompositeErrorCode

__all__ = [
    "Aggregation",
    "weighted_arithmetic_mean",
    "weighted_geometric_mean",
    "weighted_harmonic_mean",
    "weighted_power_mean",
]


@dataclass(frozen=True)
class Aggregation:
    """How one level of the tree aggregates its children.

    ``method`` is ``"arithmetic"``, ``"geometric"``, ``"harmonic"`` or
    ``"power"`` (generalised mean with exponent ``power``); ``min_count`` and
    ``min_share`` are the default minimum-data rule of the level's groups.
    """

    method: str = "arithmetic"
    power: float = 1.0
    min_count: int = 1
    min_share: float = 0.0

    def __post_init__(self) -> None:
        if self.method not in ("arithmetic", "geometric", "harmonic", "power"):
            raise CompositeError(E.UNKNOWN_AGGREGATION, detail={"method": self.method})
        if not math.isfinite(self.power):
            raise CompositeError(
                E.UNKNOWN_AGGREGATION,
                detail={"method": self.method, "power": self.power},
            )
        if self.min_count < 0 or not 0 <= self.min_share <= 1:
            raise CompositeError(
                E.BAD_MIN_DATA,
                detail={"min_count": self.min_count, "min_share": self.min_share},
            )

    @property
    def needs_positive(self) -> bool:
        """Whether every value aggregated must be > 0 (geometric, harmonic and
        power means with p <= 0)."""
        return self.method in ("geometric", "harmonic") or (
            self.method == "power" and self.power <= 0
        )

    def out_of_domain(self, X: ArrayLike) -> tuple[str, int, int, float] | None:
        """The first value of 2-D ``X`` this mean cannot take, or None.

        Returns ``(code, row, column, value)`` with code ``not_positive_for_mean``
        or ``negative_for_mean``; missing values are never out of domain.
        """
        arr = np.asarray(X, dtype=float)
        if self.method == "arithmetic" or (self.method == "power" and self.power == 1):
            return None
        if self.needs_positive:
            code, bad = E.NOT_POSITIVE_FOR_MEAN, arr <= 0
        else:
            code, bad = E.NEGATIVE_FOR_MEAN, arr < 0
        if not bad.any():
            return None
        row, column = np.unravel_index(int(bad.argmax()), bad.shape)
        return code, int(row), int(column), float(arr[row, column])

    def describe(self) -> dict:
        """The method (and power) as facts for an error's ``detail``."""
        if self.method == "power":
            return {"method": self.method, "power": self.power}
        return {"method": self.method}

    def __call__(
        self,
        X: ArrayLike,
        weights: ArrayLike,
        *,
        min_count: int | None = None,
        min_share: float | None = None,
    ) -> np.ndarray:
        """Aggregate ``X`` with this method; None falls back to the defaults."""
        rule = {
            "min_count": self.min_count if min_count is None else min_count,
            "min_share": self.min_share if min_share is None else min_share,
        }
        if self.method == "power":
            return weighted_power_mean(X, weights, self.power, **rule)
        func = _METHODS[self.method]
        return func(X, weights, **rule)


def _prepare(X: ArrayLike, weights: ArrayLike, min_count: int, min_share: float):
    arr = float_array(X)
    was_1d = arr.ndim == 1
    arr = arr[None, :] if was_1d else arr
    try:
        w = np.broadcast_to(np.asarray(weights, dtype=float), arr.shape)
    except (TypeError, ValueError):
        raise CompositeError(
            E.BAD_MEAN_WEIGHTS, detail={"shape": list(np.shape(weights))}
        ) from None
    bad = ~(np.isfinite(w) & (w >= 0))
    if bad.any():
        column = int(np.unravel_index(int(bad.argmax()), bad.shape)[1])
        raise CompositeError(
            E.BAD_MEAN_WEIGHTS,
            detail={"column": column, "weight": float(w.flat[int(bad.argmax())])},
        )
    present = ~np.isnan(arr)
    w = np.where(present, w, 0.0)
    total = w.sum(axis=1)
    count = present.sum(axis=1)
    share = count / max(arr.shape[1], 1)
    ok = (count >= max(min_count, 1)) & (share >= min_share) & (total > 0)
    return np.where(present, arr, 1.0), w, total, ok, was_1d


def _finish(values: np.ndarray, ok: np.ndarray, was_1d: bool) -> np.ndarray:
    out = np.where(ok, values, np.nan)
    return out[0] if was_1d else out


def _require_domain(arr: np.ndarray, method: str, power: float = 1.0) -> None:
    found = Aggregation(method, power).out_of_domain(arr)
    if found is not None:
        code, row, column, value = found
        detail = {"value": value, "row": row, "column": column}
        detail.update(Aggregation(method, power).describe())
        raise CompositeError(code, detail=detail)


def weighted_arithmetic_mean(
    X: ArrayLike, weights: ArrayLike, *, min_count: int = 1, min_share: float = 0.0
) -> np.ndarray:
    """Weighted arithmetic mean over the children present.

    .. math:: y = \\frac{\\sum_i w_i x_i}{\\sum_i w_i}

    Sums run over the present children (``x_i`` not NaN).
    """
    arr, w, total, ok, was_1d = _prepare(X, weights, min_count, min_share)
    with np.errstate(invalid="ignore", divide="ignore"):
        values = (w * arr).sum(axis=1) / total
    return _finish(values, ok, was_1d)


def weighted_geometric_mean(
    X: ArrayLike, weights: ArrayLike, *, min_count: int = 1, min_share: float = 0.0
) -> np.ndarray:
    """Weighted geometric mean over the children present (COINr ``a_gmean``).

    .. math:: y = \\exp\\left(\\frac{\\sum_i w_i \\ln x_i}{\\sum_i w_i}\\right)

    Every present ``x_i`` must be > 0 (normalise to e.g. [1, 100] first);
    otherwise `CompositeError` ``not_positive_for_mean``.
    """
    arr, w, total, ok, was_1d = _prepare(X, weights, min_count, min_share)
    _require_domain(arr, "geometric")
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.exp((w * np.log(arr)).sum(axis=1) / total)
    return _finish(values, ok, was_1d)


def weighted_harmonic_mean(
    X: ArrayLike, weights: ArrayLike, *, min_count: int = 1, min_share: float = 0.0
) -> np.ndarray:
    """Weighted harmonic mean over the children present (COINr ``a_hmean``).

    .. math:: y = \\frac{\\sum_i w_i}{\\sum_i w_i / x_i}

    Every present ``x_i`` must be > 0; otherwise `CompositeError`
    ``not_positive_for_mean``.
    """
    arr, w, total, ok, was_1d = _prepare(X, weights, min_count, min_share)
    _require_domain(arr, "harmonic")
    with np.errstate(invalid="ignore", divide="ignore"):
        values = total / (w / arr).sum(axis=1)
    return _finish(values, ok, was_1d)


def weighted_power_mean(
    X: ArrayLike,
    weights: ArrayLike,
    power: float,
    *,
    min_count: int = 1,
    min_share: float = 0.0,
) -> np.ndarray:
    """Weighted generalised (power) mean over the children present (``a_genmean``).

    .. math:: y = \\left(\\frac{\\sum_i w_i x_i^p}{\\sum_i w_i}\\right)^{1/p}

    ``p = 1`` is the arithmetic, ``p = -1`` the harmonic mean and ``p = 0``
    is taken as the limit, the geometric mean. Present ``x_i`` must be >= 0
    (else ``negative_for_mean``), and > 0 when ``p <= 0`` (else
    ``not_positive_for_mean``).
    """
    if power == 0:
        return weighted_geometric_mean(
            X, weights, min_count=min_count, min_share=min_share
        )
    arr, w, total, ok, was_1d = _prepare(X, weights, min_count, min_share)
    _require_domain(arr, "power", power)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        values = ((w * arr**power).sum(axis=1) / total) ** (1.0 / power)
    return _finish(values, ok, was_1d)


_METHODS = {
    "arithmetic": weighted_arithmetic_mean,
    "geometric": weighted_geometric_mean,
    "harmonic": weighted_harmonic_mean,
}
