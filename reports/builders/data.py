"""What the file builders read: plain dataclasses and numpy arrays, no Django.

The Django side (:mod:`reports.services`) fills these from the database, turning
``Decimal`` into ``float`` (NaN for "no value"); the builders in ``workbook``,
``charts`` and ``docx`` only format them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import numpy as np

from common.figures import percent, percent_of_value


@dataclass(frozen=True)
class LevelInfo:
    code: str
    name: str
    min_value: float


@dataclass(frozen=True)
class NodeInfo:
    """A pillar or an indicator; ``pillar`` is the code of an indicator's pillar."""

    code: str
    name: str
    max_points: float | None = None
    pillar: str = ""


class YearChange:
    """Percentage and change since last year of a row that has ``points``,
    ``maximum``, ``value``, ``rank`` and last year's ``previous_value`` and
    ``previous_rank`` (a unit of the workbook, a unit's scorecard)."""

    @property
    def percent(self) -> Decimal | None:
        """Final points ÷ applicable maximum, rounded once (:mod:`common.figures`)."""
        return percent(self.points, self.maximum)

    @property
    def value_change(self) -> float | None:
        if self.value is None or self.previous_value is None:
            return None
        return round(self.value - self.previous_value, 6)

    @property
    def percent_change(self) -> Decimal | None:
        return percent_of_value(self.value_change)

    @property
    def rank_change(self) -> int | None:
        """Positive: climbed since last year."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass
class UnitRow(YearChange):
    """One assessed unit in a campaign, with its stored total."""

    code: str
    name: str
    group: str
    ranked: bool = True
    submitted: bool = True
    state: str = ""
    submitted_at: datetime | None = None
    answered: int = 0
    applicable: int = 0
    points: float | None = None
    maximum: float | None = None
    value: float | None = None
    level: str = ""
    rank: int | None = None
    self_level: str = ""
    self_rank: int | None = None
    self_points: float | None = None
    verified_points: float | None = None
    previous_value: float | None = None
    previous_rank: int | None = None
    assessment_id: int = 0


@dataclass
class Section:
    """The units scored on one framework version, with their matrices.

    Arrays are ``(n_units, n_pillars)`` or ``(n_units, n_indicators)`` in the
    order of ``units``, ``pillars`` and ``indicators``; NaN means no value.
    ``pillar_max`` holds the applicable maxima behind ``pillar_points``.
    ``history`` is ``(n_units, len(Report.years))`` of total values following
    unit lineage; ``rank_intervals`` ``(n_units, 3)``: median, 5 % and 95 % rank.
    """

    key: str
    title: str
    version: str
    legal_basis: str
    levels: list[LevelInfo]
    pillars: list[NodeInfo]
    indicators: list[NodeInfo]
    units: list[UnitRow]
    pillar_values: np.ndarray
    pillar_points: np.ndarray
    pillar_max: np.ndarray | None = None
    self_points: np.ndarray | None = None
    verified_points: np.ndarray | None = None
    final_points: np.ndarray | None = None
    history: np.ndarray | None = None
    history_ranks: np.ndarray | None = None
    rank_intervals: np.ndarray | None = None
    level_edges: str = "upper_inclusive"
    precision: int = 2

    def pillar_percent(self, i: int, j: int) -> Decimal | None:
        """Unit ``i``'s % of pillar ``j``, from its points and applicable maximum."""
        if self.pillar_max is None:
            return percent_of_value(_finite(self.pillar_values[i, j]))
        points, maximum = self.pillar_points[i, j], self.pillar_max[i, j]
        return percent(_finite(points), _finite(maximum))

    def level_name(self, code: str) -> str:
        for level in self.levels:
            if level.code == code:
                return level.name
        return code

    def groups(self) -> list[str]:
        """Ranking groups in the order their units come."""
        return list(dict.fromkeys(unit.group for unit in self.units))

    def group_rows(self, group: str) -> list[int]:
        """Indices of ``group``'s units: ranked by rank, then the others by name."""
        rows = [i for i, unit in enumerate(self.units) if unit.group == group]
        return sorted(rows, key=lambda i: _rank_key(self.units[i]))


def _finite(x) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def _rank_key(unit: UnitRow) -> tuple:
    ranked = unit.ranked and unit.rank is not None
    return (0 if ranked else 1, unit.rank or 0, unit.name)


@dataclass(frozen=True)
class Comment:
    """Free text: a unit's comment or a reviewer's explanation on one answer."""

    unit_code: str
    unit_name: str
    indicator_code: str
    comment: str = ""
    explanation: str = ""


@dataclass
class Report:
    campaign: str
    year: int
    state: str
    generated_at: datetime
    generated_by: str = ""
    province: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    sections: list[Section] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    rules: list[tuple[str, str]] = field(default_factory=list)
    committee: bool = False
    lang: str = "vi"
    published: bool = False  # final results; before publication they are provisional

    def without_free_text(self) -> Report:
        """The committee version: no comment, no explanation anywhere."""
        from dataclasses import replace

        return replace(self, comments=[], committee=True)


def data_digest(report: Report) -> str:
    """SHA-256 of the numbers behind the report (not of its labels or its time)."""
    digest = hashlib.sha256()
    digest.update(json.dumps([report.campaign, report.year, report.years]).encode())
    for section in report.sections:
        digest.update(section.key.encode())
        units = [
            [u.code, u.group, u.ranked, u.points, u.maximum, u.value, u.level, u.rank]
            for u in section.units
        ]
        digest.update(json.dumps(units, default=str).encode())
        for array in _arrays(section):
            digest.update(np.ascontiguousarray(array, dtype=float).tobytes())
    return digest.hexdigest()


def _arrays(section: Section) -> list[np.ndarray]:
    names = ("pillar_values", "self_points", "verified_points", "final_points")
    return [getattr(section, n) for n in names if getattr(section, n) is not None]
