"""The engine's analyses that reports show, as plain data: rank intervals under
perturbed assumptions, last year's values and ranks on this year's units, and one
unit's weakest indicators and path to the next level.

Each engine pass scores the campaign's units as they are stored, units that never
submitted included (:func:`survey.results.inputs.blank_assessments`); the passes
are made when the results are stored and kept with them
(:mod:`survey.results.arrays`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

import scoring
from survey.models import Assessment, Campaign
from survey.results.arrays import MONTE_CARLO_RUNS as MONTE_CARLO_RUNS
from survey.results.arrays import scored_load


@dataclass(frozen=True)
class RankInterval:
    """A unit's median rank and its 5 % and 95 % quantiles (NaN when unranked)."""

    median: float
    q05: float
    q95: float


@dataclass(frozen=True)
class PreviousYear:
    """Per unit, in the order given: last year's comparable value (its own, or the
    mean of its predecessors') and that value's rank among this year's units (NaN
    and 0: nothing to compare)."""

    values: np.ndarray
    ranks: np.ndarray


@dataclass(frozen=True)
class LostPoints:
    """One indicator's points against its maximum; ``below_group_mean``: the
    ranking group's mean points there minus the unit's."""

    code: str
    points: float
    max_points: float
    points_lost: float
    below_group_mean: float


@dataclass(frozen=True)
class NextLevel:
    """``status``: ``reachable``, ``not_reachable``, ``top_level`` or ``n/a``; when
    reachable or not, the ``target_level`` code, its lower ``bound``, the value the
    unit would reach and the ``indicators`` raised to full points to get there."""

    status: str
    target_level: str = ""
    bound: float | None = None
    new_value: float | None = None
    indicators: list[LostPoints] = field(default_factory=list)


@dataclass(frozen=True)
class UnitWeakPoints:
    """The indicators where the unit lost most points (none lost: left out) and
    its path to the next level."""

    weakest: list[LostPoints]
    path: NextLevel


def rank_intervals(*, campaign: Campaign, version) -> dict[int, RankInterval]:
    """Each assessment's rank interval (keyed by id) when pillar maxima vary by
    ±10 % and level bounds by ±2 points of %, over ``MONTE_CARLO_RUNS`` draws
    seeded by the campaign's year: kept with the stored results
    (:mod:`survey.results.arrays`), no engine pass here."""
    _results, intervals = scored_load(campaign=campaign, version=version)
    return {
        int(unit_id): RankInterval(*(np.nan if x is None else x for x in interval))
        for unit_id, interval in intervals.items()
    }


def year_over_year(
    *,
    unit_codes: Sequence[str],
    values: np.ndarray,
    ranks: np.ndarray,
    groups: np.ndarray,
    ranked: np.ndarray,
    previous: Mapping[str, float | None],
    lineage: Mapping[str, Sequence[str]],
) -> PreviousYear:
    """Last year's values (``previous``, by unit code) followed through the unit
    ``lineage`` (successor code: predecessor codes), ranked again among this
    year's units and groups."""
    change = scoring.year_over_year(
        unit_ids=unit_codes,
        values=values,
        ranks=ranks,
        groups=groups,
        ranked=ranked,
        previous=previous,
        lineage=lineage,
    )
    return PreviousYear(values=change.previous_value, ranks=change.previous_rank)


def unit_weak_points(
    *, assessment: Assessment, weakest: int = 5
) -> UnitWeakPoints | None:
    """The ``weakest`` indicators of ``assessment`` by points lost and its path to
    the next level among the units of its campaign and framework version
    (None when the unit is not scored there), read on the results kept with
    the stored ones: no scoring pass."""
    results, _intervals = scored_load(
        campaign=assessment.campaign, version=assessment.version
    )
    unit_id = str(assessment.pk)
    if unit_id not in results.unit_index:
        return None
    rows = scoring.strengths_weaknesses(results, unit_id, k=weakest)["weaknesses"]
    path = scoring.path_to_next_level(results, unit_id)
    return UnitWeakPoints(
        weakest=[_lost(row) for row in rows if row["points_lost"] > 0],
        path=_next_level(path),
    )


def _next_level(path: dict) -> NextLevel:
    if path["status"] not in ("reachable", "not_reachable"):
        return NextLevel(status=path["status"])
    return NextLevel(
        status=path["status"],
        target_level=path["target_level"],
        bound=path["bound"],
        new_value=path["new_value"],
        indicators=[_lost(row) for row in path.get("indicators", [])],
    )


def _lost(row: dict) -> LostPoints:
    return LostPoints(
        code=row["code"],
        points=row["points"],
        max_points=row["max"],
        points_lost=row["points_lost"],
        below_group_mean=row["below_group_mean"],
    )
