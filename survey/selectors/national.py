"""The provinces' published figures side by side, for the national coordinator.

Only published campaigns are read, of every province (through the ``unscoped``
managers: the comparison crosses provinces on purpose), and of them only the
final figures of the ranked units' stored results: final points, applicable
maximum and level. Self-assessed points, verdicts, answers, evidence, comments
and campaigns that are not published are never read.

A unit's percentage is its final total over its applicable maximum. Per province
and unit type: the number of units scored, the mean and the median of their
percentages, and the share of units at each maturity level, matched by the
level's order in its framework (first, second, …), since provinces name their
levels differently. Provinces are ranked per unit type by the mean as shown
(two decimals); equal means share a rank (1, 1, 3). Pillars are matched by
their code within a unit type: a province whose framework is the national one,
or its own copy of it, keeps the codes.

The reads cost a fixed number of queries whatever the number of units and
provinces.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import Avg, F, FloatField
from django.db.models.functions import Cast

from common.figures import exact, percent_of_value, round_half_up
from survey.models import Campaign, FrameworkVersion, Node, Province, UnitResult
from survey.models.units import UnitType

PUBLISHED = Campaign.State.PUBLISHED
TYPE_ORDER = [choice.value for choice in UnitType]


@dataclass(frozen=True)
class NationalProvince:
    id: int
    code: str
    name_vi: str
    name_en: str

    def name(self, lang: str) -> str:
        return (self.name_en if lang == "en" else "") or self.name_vi


@dataclass(frozen=True)
class NationalSource:
    """A published campaign a figure comes from, with the decision behind it."""

    province: NationalProvince
    name: str
    decision_number: str
    decision_date: date | None


@dataclass(frozen=True)
class ProvinceFigures:
    """One province's figures for one unit type; ``level_shares`` and
    ``level_counts`` by level order (first level first)."""

    province: NationalProvince
    units: int
    mean: Decimal | None
    median: Decimal | None
    rank: int | None
    level_counts: tuple[int, ...]
    level_shares: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class NationalPillar:
    """A pillar matched by code; ``means`` per province id (absent: the
    province's framework has no such pillar)."""

    code: str
    name_vi: str
    name_en: str
    means: dict[int, Decimal | None]

    def name(self, lang: str) -> str:
        return (self.name_en if lang == "en" else "") or self.name_vi


@dataclass(frozen=True)
class UnitTypeComparison:
    unit_type: str
    levels: tuple[tuple[str, str], ...]  # (name_vi, name_en) per level order
    provinces: tuple[ProvinceFigures, ...]  # by rank
    pillars: tuple[NationalPillar, ...]
    trends: dict[int, dict[int, Decimal | None]]  # province id -> year -> mean


@dataclass(frozen=True)
class NationalComparison:
    year: int | None
    years: tuple[int, ...]  # every year with a published campaign, latest first
    provinces: tuple[NationalProvince, ...]  # every province with figures
    sources: tuple[NationalSource, ...]  # the year's published campaigns
    unit_types: tuple[UnitTypeComparison, ...] = field(default=())


def national_years() -> list[int]:
    """The years with a published campaign in some province, latest first."""
    return list(
        Campaign.unscoped.filter(state=PUBLISHED)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def national_fingerprint() -> str:
    """What the comparison depends on besides the stored results, in twelve
    characters (one query): every published campaign's identity, results
    version and decision, and its province's names. A republication raises the
    results version, so a page kept under it is built anew."""
    rows = (
        Campaign.unscoped.filter(state=PUBLISHED)
        .order_by("pk")
        .values_list(
            "pk",
            "year",
            "name",
            "results_version",
            "decision_number",
            "decision_date",
            "province_id",
            "province__name_vi",
            "province__name_en",
        )
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()[:12]


def national_comparison(*, year: int | None = None) -> NationalComparison:
    """The provinces' published figures of ``year`` (default: the latest year
    with a published campaign) and their yearly means (six queries)."""
    campaigns = list(
        Campaign.unscoped.filter(state=PUBLISHED)
        .select_related("province")
        .order_by("province__name_vi", "year", "id")
    )
    years = tuple(sorted({c.year for c in campaigns}, reverse=True))
    if year is None and years:
        year = years[0]
    chosen = [c for c in campaigns if c.year == year]
    sources = tuple(
        NationalSource(
            _province(c.province), c.name, c.decision_number, c.decision_date
        )
        for c in chosen
    )
    totals = _totals([c.pk for c in chosen])
    versions = {row[2] for row in totals}
    levels = _levels(versions)
    pillars = _pillars(versions, [c.pk for c in chosen])
    trends = _trends([c.pk for c in campaigns])
    provinces = {c.province_id: _province(c.province) for c in campaigns}
    kinds = {row[1] for row in totals} | {key[1] for key in trends}
    return NationalComparison(
        year=year,
        years=years,
        provinces=tuple(provinces.values()),
        sources=sources,
        unit_types=tuple(
            _unit_type(kind, year, totals, levels, pillars, trends, provinces)
            for kind in sorted(kinds, key=_type_order)
        ),
    )


def _type_order(kind: str) -> tuple:
    return (TYPE_ORDER.index(kind) if kind in TYPE_ORDER else len(TYPE_ORDER), kind)


def _province(province: Province) -> NationalProvince:
    return NationalProvince(
        province.pk, province.code, province.name_vi, province.name_en
    )


def _ranked_totals(campaign_ids: list[int]):
    return UnitResult.objects.filter(
        node__isnull=True,
        assessment__ranked=True,
        assessment__campaign_id__in=campaign_ids,
        final_points__isnull=False,
        applicable_max__gt=0,
    )


def _totals(campaign_ids: list[int]) -> list[tuple]:
    """(province id, unit type, version id, final points, applicable maximum,
    level) of each ranked unit with a final total (one query)."""
    return list(
        _ranked_totals(campaign_ids).values_list(
            "assessment__campaign__province_id",
            "assessment__unit__unit_type",
            "assessment__version_id",
            "final_points",
            "applicable_max",
            "level",
        )
    )


def _levels(version_ids: set[int]) -> dict[int, list[dict]]:
    """Each version's maturity levels, lowest first (one query)."""
    rows = FrameworkVersion.unscoped.filter(pk__in=version_ids).values_list(
        "pk", "levels"
    )
    return {pk: list(levels or []) for pk, levels in rows}


def _pillars(version_ids: set[int], campaign_ids: list[int]) -> dict:
    """``{unit type: {code: (name_vi, name_en, {province id: mean})}}`` of the
    top-level pillars in their frameworks' order (two queries: the pillars,
    their means in SQL)."""
    nodes = (
        Node.objects.filter(version_id__in=version_ids, parent__isnull=True)
        .filter(kind=Node.Kind.PILLAR)
        .order_by("version_id", "order", "id")
        .values_list("id", "code", "name_vi", "name_en", "order")
    )
    names = {}
    places: dict[str, int] = {}
    ids = []
    for node_id, code, name_vi, name_en, order in nodes:
        ids.append(node_id)
        names.setdefault(code, (name_vi, name_en))
        places[code] = min(order, places.get(code, order))
    rows = (
        UnitResult.objects.filter(
            node_id__in=ids,
            assessment__ranked=True,
            assessment__campaign_id__in=campaign_ids,
            final_points__isnull=False,
            applicable_max__gt=0,
        )
        .values("assessment__campaign__province_id", "assessment__unit__unit_type")
        .annotate(code=F("node__code"), mean=_mean_share())
        .values_list(
            "assessment__unit__unit_type",
            "code",
            "assessment__campaign__province_id",
            "mean",
        )
    )
    out: dict[str, dict[str, dict[int, Decimal | None]]] = defaultdict(dict)
    for kind, code, province_id, mean in rows:
        out[kind].setdefault(code, {})[province_id] = percent_of_value(mean)
    return {
        kind: {
            code: (*names.get(code, (code, "")), means)
            for code, means in sorted(
                found.items(), key=lambda i: (places.get(i[0], 0), _code_key(i[0]))
            )
        }
        for kind, found in out.items()
    }


def _code_key(code: str) -> tuple:
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in code.split(".")
    )


def _mean_share():
    points = Cast("final_points", FloatField())
    maximum = Cast("applicable_max", FloatField())
    return Avg(points / maximum)


def _trends(campaign_ids: list[int]) -> dict[tuple, dict[int, Decimal | None]]:
    """``{(province id, unit type): {year: mean}}`` of every published year,
    averaged in SQL (one query)."""
    rows = (
        _ranked_totals(campaign_ids)
        .values(
            "assessment__campaign__province_id",
            "assessment__unit__unit_type",
            "assessment__campaign__year",
        )
        .annotate(mean=_mean_share())
        .values_list(
            "assessment__campaign__province_id",
            "assessment__unit__unit_type",
            "assessment__campaign__year",
            "mean",
        )
    )
    out: dict[tuple, dict[int, Decimal | None]] = defaultdict(dict)
    for province_id, kind, year, mean in rows:
        out[(province_id, kind)][year] = percent_of_value(mean)
    return out


def _unit_type(
    kind, year, totals, levels, pillars, trends, provinces
) -> UnitTypeComparison:
    shares: dict[int, list[Fraction]] = defaultdict(list)
    positions: dict[int, list[int | None]] = defaultdict(list)
    names: dict[int, list[tuple[str, str]]] = defaultdict(list)
    width = 0
    for province_id, unit_type, version_id, points, maximum, level in totals:
        if unit_type != kind:
            continue
        shares[province_id].append(exact(points) / exact(maximum))
        order = levels.get(version_id, [])
        codes = [lv.get("code") for lv in order]
        positions[province_id].append(codes.index(level) if level in codes else None)
        width = max(width, len(order))
        for k, lv in enumerate(order):
            names[k].append((lv.get("name_vi", ""), lv.get("name_en") or ""))
    figures = [
        _figures(provinces[pid], values, positions[pid], width)
        for pid, values in shares.items()
    ]
    figures = _ranked(figures)
    by_province = {
        pid: dict(by_year) for (pid, k), by_year in trends.items() if k == kind
    }
    for found in figures:
        # The year's mean as the ranking shows it (exact, not averaged in floats).
        by_province.setdefault(found.province.id, {})[year] = found.mean
    type_pillars = pillars.get(kind, {})
    return UnitTypeComparison(
        unit_type=kind,
        levels=tuple(_level_name(names[k]) for k in range(width)),
        provinces=tuple(figures),
        pillars=tuple(
            NationalPillar(code, name_vi, name_en, means)
            for code, (name_vi, name_en, means) in type_pillars.items()
        ),
        trends=by_province,
    )


def _level_name(found: list[tuple[str, str]]) -> tuple[str, str]:
    """The names frameworks give a level order, the distinct ones joined."""
    vi = list(dict.fromkeys(name for name, _en in found if name))
    en = list(dict.fromkeys(name for _vi, name in found if name))
    return " / ".join(vi), " / ".join(en)


def _figures(province, values, positions, width) -> ProvinceFigures:
    n = len(values)
    ordered = sorted(values)
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    counts = [0] * width
    for position in positions:
        if position is not None:
            counts[position] += 1
    return ProvinceFigures(
        province=province,
        units=n,
        mean=round_half_up(sum(values) / n * 100),
        median=round_half_up(median * 100),
        rank=None,
        level_counts=tuple(counts),
        level_shares=tuple(round_half_up(Fraction(c, n) * 100) for c in counts),
    )


def _ranked(figures: list[ProvinceFigures]) -> list[ProvinceFigures]:
    """By mean as shown, best first; equal means share a rank (1, 1, 3)."""
    figures.sort(key=lambda f: (-f.mean, f.province.name_vi))
    out = []
    for index, found in enumerate(figures):
        if index and found.mean == figures[index - 1].mean:
            rank = out[-1].rank
        else:
            rank = index + 1
        out.append(replace(found, rank=rank))
    return out
