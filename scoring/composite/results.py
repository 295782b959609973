"""Composite results as data: scores, rounded scores, ranks and bands per unit and node.

Published indices are rounded, ranked and banded at a stated precision: DESI
ranks its scores as printed, and a ranking on unrounded means orders units whose
published scores tie (the means of (.1, .2, .3) and (.3, .2, .1) differ in the
last binary digit). Everything here is computed once, when the results are made,
from the rounded scores: rounding to ``precision`` then ranking equals ranking
the rounded values, and a tie at the printed precision is a tie in the ranks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from scoring.ranking import RANK_METHODS, rank_within_groups
from scoring.rounding import round_half_away

from .diagnostics import CompositeError, CompositeErrorCode, Diagnostics

__all__ = ["BAND_EDGES", "Bands", "CompositeResults", "Reporting"]

E = CompositeErrorCode
BAND_EDGES = ("upper_inclusive", "lower_inclusive")


@dataclass(frozen=True)
class Bands:
    """Bands (maturity levels, quintiles…) from increasing thresholds.

    ``n`` thresholds make ``n + 1`` bands, numbered from 0 (lowest). With
    ``upper_inclusive`` a value equal to a threshold falls in the band below it
    (band k when t_k < v <= t_(k+1)); with ``lower_inclusive`` in the band above
    (t_k <= v < t_(k+1)). ``labels``, when given, names every band.
    """

    thresholds: tuple[float, ...]
    labels: tuple[str, ...] | None = None
    edges: str = "upper_inclusive"

    def __post_init__(self) -> None:
        object.__setattr__(self, "thresholds", tuple(float(t) for t in self.thresholds))
        if self.labels is not None:
            object.__setattr__(self, "labels", tuple(str(x) for x in self.labels))
        t = self.thresholds
        if not t or not all(math.isfinite(x) for x in t):
            raise CompositeError(E.BAD_BANDS, detail={"thresholds": list(t)})
        if any(b <= a for a, b in zip(t, t[1:], strict=False)):
            raise CompositeError(E.BAD_BANDS, detail={"thresholds": list(t)})
        if self.labels is not None and len(self.labels) != len(t) + 1:
            raise CompositeError(
                E.BAD_BANDS,
                detail={"thresholds": len(t), "labels": len(self.labels)},
            )
        if self.edges not in BAND_EDGES:
            raise CompositeError(E.UNKNOWN_BAND_EDGES, detail={"edges": self.edges})

    def assign(self, values: np.ndarray) -> np.ndarray:
        """Band index of every value (-1 where the value is missing)."""
        values = np.asarray(values, dtype=float)
        side = "left" if self.edges == "upper_inclusive" else "right"
        band = np.searchsorted(self.thresholds, np.nan_to_num(values), side=side)
        return np.where(np.isnan(values), -1, band).astype(np.int16)


@dataclass(frozen=True)
class Reporting:
    """How results are rounded, ranked and banded.

    ``precision``: decimals kept (half away from zero, as Excel's ROUND), or
    None to rank on the full values. ``rank_method``: ``competition``
    (1, 2, 2, 4) or ``dense`` (1, 2, 2, 3). ``bands``: optional `Bands`,
    applied to the rounded scores of every node.
    """

    precision: int | None = 2
    rank_method: str = "competition"
    bands: Bands | None = None

    def __post_init__(self) -> None:
        p = self.precision
        if p is not None and (isinstance(p, bool) or not isinstance(p, int)):
            raise CompositeError(E.BAD_PRECISION, detail={"precision": p})
        if p is not None and not 0 <= p <= 12:
            raise CompositeError(E.BAD_PRECISION, detail={"precision": p})
        if self.rank_method not in RANK_METHODS:
            raise CompositeError(
                E.UNKNOWN_RANK_METHOD, detail={"method": self.rank_method}
            )


@dataclass(frozen=True, eq=False)
class CompositeResults:
    """Scores of every node for every unit, with their rounding, ranks and bands.

    Per-unit facts are arrays of shape (n_units, n_codes), one column per
    ``codes``; facts about the spec (relative and effective weights) are
    mappings keyed by code, returned by the functions of :mod:`.spec`.

    Attributes
    ----------
    unit_ids : tuple of str
        The units, in the rows' order (``"1"``, ``"2"``… when none were given).
    groups : tuple of str
        Ranking group of every unit (all ``""`` when ranked together).
    codes : tuple of str
        Indicator codes (spec order), then group codes, children before parents.
    levels : tuple of int
        Level of each code: 1 for indicators.
    scores : ndarray of float
        Normalised indicator values and aggregate scores; NaN when missing.
    unit_weights : ndarray of float
        Each node's effective weight in its top-level score for each unit,
        after renormalising over the children present: the product down the
        tree of ``w_c / sum(w_s for present siblings s)``; 0 for a missing
        node. With arithmetic means a root's score is the sum over indicators
        of this weight times the normalised value.
    rounded : ndarray of float
        ``scores`` rounded to ``reporting.precision``.
    rank : ndarray of int
        Rank of every unit within its group on ``rounded`` (1 = best, higher
        scores are better); 0 where the score is missing.
    band : ndarray of int
        Band index of ``rounded`` under ``reporting.bands``; -1 where missing
        or when no bands were asked for.
    diagnostics : Diagnostics
        What the engine noticed while computing (see :mod:`.diagnostics`).
    reporting : Reporting
        The rounding, ranking and banding applied.
    """

    unit_ids: tuple[str, ...]
    groups: tuple[str, ...]
    codes: tuple[str, ...]
    levels: tuple[int, ...]
    scores: np.ndarray
    unit_weights: np.ndarray
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    reporting: Reporting = field(default_factory=Reporting)
    rounded: np.ndarray = field(init=False)
    rank: np.ndarray = field(init=False)
    band: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.scores.shape[0]
        if len(self.unit_ids) != n or len(self.groups) != n:
            raise CompositeError(E.BAD_UNIT_IDS, detail={"rows": n})
        rounded = self._round(self.scores, self.reporting.precision)
        object.__setattr__(self, "rounded", rounded)
        object.__setattr__(self, "rank", self.ranks())
        bands = self.reporting.bands
        band = (
            bands.assign(rounded)
            if bands is not None
            else np.full(rounded.shape, -1, dtype=np.int16)
        )
        object.__setattr__(self, "band", band)

    @staticmethod
    def _round(values: np.ndarray, precision: int | None) -> np.ndarray:
        if precision is None:
            return values.copy()
        return round_half_away(values, precision)

    def index(self, code: str) -> int:
        """Column of node ``code`` in the arrays."""
        try:
            return self.codes.index(code)
        except ValueError:
            raise CompositeError(E.UNKNOWN_INDICATOR, indicator=code) from None

    def __getitem__(self, code: str) -> np.ndarray:
        """Scores of node ``code`` for every unit."""
        return self.scores[:, self.index(code)]

    def level(self, level: int) -> tuple[tuple[str, ...], np.ndarray]:
        """Codes and scores (n_units, n_codes_at_level) of one level."""
        idx = [i for i, lev in enumerate(self.levels) if lev == level]
        return tuple(self.codes[i] for i in idx), self.scores[:, idx]

    def ranks(
        self,
        method: str | None = None,
        precision: int | None | type[Ellipsis] = ...,
    ) -> np.ndarray:
        """Ranks (n_units, n_codes) within the groups, recomputed with another
        ``method`` or ``precision`` (the reporting's by default)."""
        method = self.reporting.rank_method if method is None else method
        if method not in RANK_METHODS:
            raise CompositeError(E.UNKNOWN_RANK_METHOD, detail={"method": method})
        if precision is ...:
            keys = self.rounded
        else:
            Reporting(precision=precision)  # validates
            keys = self._round(self.scores, precision)
        groups = np.asarray(self.groups, dtype=object)
        ranked = np.ones(len(self.unit_ids), dtype=bool)
        return rank_within_groups(keys, groups, ranked, method)

    def band_labels(self, code: str) -> list[str]:
        """Label of every unit's band at node ``code`` ("" where missing)."""
        bands = self.reporting.bands
        column = self.band[:, self.index(code)]
        if bands is None:
            return [""] * len(column)
        labels = bands.labels or tuple(
            str(k + 1) for k in range(len(bands.thresholds) + 1)
        )
        return [labels[b] if b >= 0 else "" for b in column]

    def rows(self, codes: Sequence[str] | None = None) -> list[dict]:
        """One dict per unit and node: the table a report or a file is made of.

        Keys: ``unit``, ``group``, ``code``, ``level``, ``score``, ``rounded``,
        ``rank``, ``band``, ``weight``; missing numbers are None.
        """
        wanted = self.codes if codes is None else tuple(codes)
        out = []
        for code in wanted:
            j = self.index(code)
            labels = self.band_labels(code)
            for i, unit in enumerate(self.unit_ids):
                score = self.scores[i, j]
                present = not np.isnan(score)
                out.append(
                    {
                        "unit": unit,
                        "group": self.groups[i],
                        "code": code,
                        "level": self.levels[j],
                        "score": float(score) if present else None,
                        "rounded": float(self.rounded[i, j]) if present else None,
                        "rank": int(self.rank[i, j]) or None,
                        "band": labels[i] or None,
                        "weight": float(self.unit_weights[i, j]),
                    }
                )
        return out
