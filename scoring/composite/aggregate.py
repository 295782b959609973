"""Weighted means that combine the children of one aggregate.

``X`` has shape (n_units, n_children) (a 1-D array is one unit) and
``weights`` shape (n_children,) or (n_units, n_children), every weight >= 0.
A missing child (NaN) is left out and the weights are renormalised over the
children present, which for the arithmetic mean equals imputing the unit's
weighted mean of the others. The minimum-data rule makes the aggregate missing
unless at least ``min_count`` children and a share of at least ``min_share``
of them are present (COINr's ``dat_thresh`` is ``min_share``); it is also
missing when the present children all weigh zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

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
            raise ValueError(f"unknown aggregation method {self.method!r}")

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
    arr = np.asarray(X, dtype=float)
    was_1d = arr.ndim == 1
    arr = arr[None, :] if was_1d else arr
    w = np.broadcast_to(np.asarray(weights, dtype=float), arr.shape)
    if not np.all(np.isfinite(w) & (w >= 0)):
        raise ValueError("weights must be finite and >= 0")
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


def _require(condition: np.ndarray, message: str) -> None:
    if not np.all(condition):
        raise ValueError(message)


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
    otherwise ValueError.
    """
    arr, w, total, ok, was_1d = _prepare(X, weights, min_count, min_share)
    _require(arr > 0, "geometric mean needs values > 0")
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.exp((w * np.log(arr)).sum(axis=1) / total)
    return _finish(values, ok, was_1d)


def weighted_harmonic_mean(
    X: ArrayLike, weights: ArrayLike, *, min_count: int = 1, min_share: float = 0.0
) -> np.ndarray:
    """Weighted harmonic mean over the children present (COINr ``a_hmean``).

    .. math:: y = \\frac{\\sum_i w_i}{\\sum_i w_i / x_i}

    Every present ``x_i`` must be > 0; otherwise ValueError.
    """
    arr, w, total, ok, was_1d = _prepare(X, weights, min_count, min_share)
    _require(arr > 0, "harmonic mean needs values > 0")
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
    is taken as the limit, the geometric mean. Present ``x_i`` must be >= 0,
    and > 0 when ``p <= 0``; otherwise ValueError.
    """
    if power == 0:
        return weighted_geometric_mean(
            X, weights, min_count=min_count, min_share=min_share
        )
    arr, w, total, ok, was_1d = _prepare(X, weights, min_count, min_share)
    _require(arr > 0 if power < 0 else arr >= 0, f"power mean p={power} domain")
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        values = ((w * arr**power).sum(axis=1) / total) ** (1.0 / power)
    return _finish(values, ok, was_1d)


_METHODS = {
    "arithmetic": weighted_arithmetic_mean,
    "geometric": weighted_geometric_mean,
    "harmonic": weighted_harmonic_mean,
}
