"""The figures of published campaigns, as anyone may see them.

Only what the province publishes leaves here: each ranked unit's final total and
pillars (points, applicable maximum, percentage, level), its rank in its ranking
group and the change since the year before. Self-assessed points, verdicts,
comments, explanations, evidence and people are never read. A campaign that is
not published has no published figures: :func:`published_campaign` does not find
it.

The reads cost a fixed number of queries whatever the number of units.

Every read stays within the campaign's own province (its earlier years, the
year before's figures, the unit lineage) and goes through the ``unscoped``
managers on purpose: published figures are public, so a person signed in to
another province, a national account and a visitor all read the same page.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

import numpy as np
from django.db.models import Count, Q, Sum

from common.figures import percent, percent_of_value
from survey import province_scope
from survey.models import (
    Assessment,
    Campaign,
    CampaignVersion,
    Node,
    UnitLineage,
    UnitResult,
)
from survey.results.analysis import year_over_year
from survey.selectors.provinces import several_provinces


@dataclass(frozen=True)
class Named:
    """A code with its Vietnamese and English names (English may be empty)."""

    code: str
    name_vi: str
    name_en: str = ""

    def name(self, lang: str) -> str:
        return (self.name_en if lang == "en" else "") or self.name_vi


@dataclass(frozen=True)
class PublishedPillar:
    code: str
    name_vi: str
    name_en: str
    points: Decimal | None
    maximum: Decimal | None
    percent: Decimal | None
    level: str


@dataclass(frozen=True)
class PublishedUnit:
    """One ranked unit's published figures; ``previous_*`` are the year before's,
    followed through the unit lineage (None when the unit has no earlier figures;
    points and level are None too for a unit merged from several). The change is
    the shown percentage less the shown previous one, so that the figures add up
    as displayed."""

    unit_code: str
    unit_name_vi: str
    unit_name_en: str
    group_vi: str
    group_en: str
    points: Decimal | None
    maximum: Decimal | None
    percent: Decimal | None
    level: Named
    rank: int | None
    previous_points: Decimal | None
    previous_percent: Decimal | None
    previous_level: str | None
    previous_rank: int | None
    percent_change: Decimal | None
    rank_change: int | None
    pillars: tuple[PublishedPillar, ...] = ()


@dataclass(frozen=True)
class PublishedResults:
    """A published campaign's figures: its identity, its decision, the levels of
    its frameworks and its units ordered by group and rank."""

    code: str
    year: int
    name: str
    decision_number: str
    decision_date: date | None
    results_version: int
    previous_year: int | None
    levels: tuple[Named, ...]
    units: tuple[PublishedUnit, ...]


@dataclass(frozen=True)
class PublishedYear:
    """One published campaign in the province's history: units per level and the
    mean percentage of its ranked units."""

    code: str
    year: int
    units: int
    mean_percent: Decimal | None
    level_counts: dict[str, int] = field(default_factory=dict)


def _published():
    return Campaign.unscoped.filter(state=Campaign.State.PUBLISHED).select_related(
        "province"
    )


def published_campaigns() -> list[Campaign]:
    """Published campaigns of every province, by province name and latest first
    (one query)."""
    return list(
        _published().order_by("province__name_vi", "province_id", "-year", "-id")
    )


def published_campaign(*, province_code: str, code: str) -> Campaign | None:
    """The published campaign ``code`` of the province ``province_code``; None
    when unknown or not published."""
    return _published().filter(province__code=province_code, code=code).first()


def published_with_code(*, code: str) -> list[Campaign]:
    """The published campaigns called ``code``, one per province at most, by
    province name (one query): a campaign code alone names one campaign only
    when a single province has published one under it."""
    return list(_published().filter(code=code).order_by("province__name_vi", "id"))


def published_campaign_in_scope(*, code: str) -> Campaign | None:
    """The published campaign ``code`` that the current province scope sees
    (:mod:`survey.province_scope`): the API's reads, whose token is scoped to its
    account's province. An account without a province (no role, or the
    national coordinator) sees the campaigns of a single-province installation,
    as before provinces, and none when there are several. None when unknown,
    not published, outside the scope, or when the scope sees several (an
    unscoped reader of an installation where two provinces use the code): never
    a guess between provinces."""
    campaigns = Campaign.objects
    if province_scope.current() is None and not several_provinces():
        campaigns = Campaign.unscoped
    found = list(campaigns.filter(code=code, state=Campaign.State.PUBLISHED)[:2])
    return found[0] if len(found) == 1 else None


def published_results(*, campaign: Campaign) -> PublishedResults:
    """Every ranked unit's published figures (seven queries)."""
    if not campaign.is_published:
        raise ValueError("Only a published campaign has published results.")
    uses = CampaignVersion.objects.filter(campaign_id=campaign.pk).select_related(
        "version"
    )
    versions = {use.version_id: use.version for use in uses}
    pillars = _pillars(list(versions))
    assessments = list(
        Assessment.unscoped.filter(campaign_id=campaign.pk, ranked=True)
        .order_by("ranking_group", "unit__code")
        .values(
            "id",
            "version_id",
            "ranking_group",
            "unit__code",
            "unit__name_vi",
            "unit__name_en",
        )
    )
    totals, by_pillar = _results(campaign, pillars)
    assessments = [a for a in assessments if a["id"] in totals]
    previous_year, previous = _previous(campaign, assessments, totals)
    levels = _levels(versions.values())
    names_en = campaign.ranking_group_names_en or {}
    units = [
        _unit(a, totals[a["id"]], by_pillar.get(a["id"], {}), pillars, levels, prev)
        for a, prev in zip(assessments, previous, strict=True)
    ]
    units = [replace(u, group_en=names_en.get(u.group_vi, "")) for u in units]
    units.sort(key=lambda u: (u.group_vi, u.rank is None, u.rank or 0, u.unit_code))
    return PublishedResults(
        code=campaign.code,
        year=campaign.year,
        name=campaign.name,
        decision_number=campaign.decision_number,
        decision_date=campaign.decision_date,
        results_version=campaign.results_version,
        previous_year=previous_year,
        levels=tuple(dict.fromkeys(lv for by in levels.values() for lv in by.values())),
        units=tuple(units),
    )


def published_fingerprint(*, campaign: Campaign) -> str:
    """What ``campaign``'s published figures depend on besides its own results,
    in eight characters (two queries): the code, state and results version of
    every published campaign of its province up to its year (the year before's
    figures and the history) and its province's unit lineage up to its year. A
    page or file kept under it is built again when an earlier year is reopened,
    republished or published, or the lineage changes."""
    campaigns = (
        Campaign.unscoped.filter(province_id=campaign.province_id)
        .filter(
            Q(pk=campaign.pk)
            | Q(state=Campaign.State.PUBLISHED, year__lte=campaign.year)
        )
        .order_by("year", "id")
        .values_list("code", "state", "results_version")
    )
    lineage = (
        _lineage(campaign)
        .filter(year__lte=campaign.year)
        .order_by("year", "successor__code", "predecessor__code", "kind")
        .values_list("year", "successor__code", "predecessor__code", "kind")
    )
    said = repr((list(campaigns), list(lineage)))
    return hashlib.sha256(said.encode()).hexdigest()[:8]


def published_history(*, until: Campaign) -> list[PublishedYear]:
    """The published campaigns of ``until``'s province up to its year, oldest
    first, with their level counts and mean percentage (two queries)."""
    campaigns = Campaign.unscoped.filter(
        province_id=until.province_id,
        state=Campaign.State.PUBLISHED,
        year__lte=until.year,
    ).order_by("year", "id")
    codes = {c.pk: (c.code, c.year) for c in campaigns}
    rows = (
        UnitResult.objects.filter(
            node__isnull=True,
            assessment__ranked=True,
            assessment__campaign_id__in=list(codes),
        )
        .values("assessment__campaign_id", "level")
        .annotate(n=Count("id"), total=Sum("value"), valued=Count("value"))
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    sums: dict[int, list] = defaultdict(lambda: [Decimal(0), 0, 0])
    for row in rows:
        cid = row["assessment__campaign_id"]
        if row["level"]:
            counts[cid][row["level"]] = row["n"]
        sums[cid][0] += row["total"] or 0
        sums[cid][1] += row["valued"]
        sums[cid][2] += row["n"]
    return [
        PublishedYear(
            code=code,
            year=year,
            units=sums[cid][2],
            mean_percent=(
                percent_of_value(sums[cid][0] / sums[cid][1]) if sums[cid][1] else None
            ),
            level_counts=counts[cid],
        )
        for cid, (code, year) in codes.items()
        if sums[cid][2]
    ]


def _lineage(campaign: Campaign):
    """The unit lineage of ``campaign``'s province: its successors are its units
    (a unit belongs to one province; its code is national)."""
    return UnitLineage.objects.filter(successor__province_id=campaign.province_id)


def _pillars(version_ids: list[int]) -> dict[int, list[dict]]:
    """The top-level pillars of each version, in order (one query)."""
    nodes = (
        Node.objects.filter(version_id__in=version_ids, parent__isnull=True)
        .exclude(kind=Node.Kind.INDICATOR)
        .order_by("version_id", "order", "id")
        .values("id", "version_id", "code", "kind", "name_vi", "name_en")
    )
    out: dict[int, list[dict]] = defaultdict(list)
    for node in nodes:
        out[node["version_id"]].append(node)
    for version_id, found in out.items():
        pillars = [n for n in found if n["kind"] == Node.Kind.PILLAR]
        out[version_id] = pillars or found
    return out


_FIELDS = ("assessment_id", "node_id", "final_points", "applicable_max", "value")


def _results(campaign: Campaign, pillars: dict[int, list[dict]]):
    """Totals and pillar results of the ranked assessments (one query). Only the
    final figures are read: never the self-assessed or verified ones."""
    pillar_ids = [n["id"] for nodes in pillars.values() for n in nodes]
    rows = UnitResult.objects.filter(
        Q(node__isnull=True) | Q(node_id__in=pillar_ids),
        assessment__campaign_id=campaign.pk,
        assessment__ranked=True,
    ).values_list(*_FIELDS, "level", "rank")
    totals: dict[int, tuple] = {}
    by_pillar: dict[int, dict[int, tuple]] = defaultdict(dict)
    for aid, node_id, *figures in rows.iterator(chunk_size=5_000):
        if node_id is None:
            totals[aid] = tuple(figures)
        else:
            by_pillar[aid][node_id] = tuple(figures)
    return totals, by_pillar


def _levels(versions) -> dict[int, dict[str, Named]]:
    return {
        version.pk: {
            lv["code"]: Named(lv["code"], lv["name_vi"], lv.get("name_en") or "")
            for lv in version.levels
        }
        for version in versions
    }


def _previous(campaign: Campaign, assessments: list[dict], totals: dict):
    """Each assessment's figures of the province's latest published year
    before (three queries): ``(year, [(points, percent, level, rank) or None
    per assessment])``; the percentage is the one the earlier year shows
    (points over maximum), or the lineage's combined value for a unit merged
    from several."""
    before = (
        Campaign.unscoped.filter(
            province_id=campaign.province_id,
            state=Campaign.State.PUBLISHED,
            year__lt=campaign.year,
        )
        .order_by("-year", "-id")
        .first()
    )
    if before is None or not assessments:
        return None, [None] * len(assessments)
    rows = UnitResult.objects.filter(
        node__isnull=True, assessment__campaign=before, assessment__ranked=True
    ).values_list(
        "assessment__unit__code", "final_points", "applicable_max", "value", "level"
    )
    earlier = {code: figures for code, *figures in rows}
    links: dict[str, list[str]] = defaultdict(list)
    for successor, predecessor in (
        _lineage(campaign)
        .filter(year__gt=before.year, year__lte=campaign.year)
        .values_list("successor__code", "predecessor__code")
    ):
        links[successor].append(predecessor)
    codes = [a["unit__code"] for a in assessments]
    change = year_over_year(
        unit_codes=codes,
        values=np.array([_float(totals[a["id"]][2]) for a in assessments]),
        ranks=np.array([totals[a["id"]][4] or 0 for a in assessments]),
        groups=np.array([a["ranking_group"] for a in assessments]),
        ranked=np.ones(len(assessments), dtype=bool),
        previous={code: _float(v[2]) for code, v in earlier.items()},
        lineage=links,
    )
    out = []
    for i, code in enumerate(codes):
        value = change.values[i]
        if np.isnan(value):
            out.append(None)
            continue
        sources = links.get(code, [code])
        single = earlier.get(sources[0]) if len(sources) == 1 else None
        shown = percent(single[0], single[1]) if single else None
        out.append(
            (
                single[0] if single else None,
                shown if shown is not None else percent_of_value(float(value)),
                single[3] if single else None,
                int(change.ranks[i]) or None,
            )
        )
    return before.year, out


def _float(value) -> float:
    return np.nan if value is None else float(value)


def _unit(a, total, pillar_rows, pillars, levels, previous) -> PublishedUnit:
    points, maximum, _value, level, rank = total
    names = levels.get(a["version_id"], {})
    prev_points, prev_percent, prev_level, prev_rank = previous or (None,) * 4
    shown = percent(points, maximum)
    change = None
    if prev_percent is not None and shown is not None:
        change = shown - prev_percent
    return PublishedUnit(
        unit_code=a["unit__code"],
        unit_name_vi=a["unit__name_vi"],
        unit_name_en=a["unit__name_en"],
        group_vi=a["ranking_group"],
        group_en="",
        points=points,
        maximum=maximum,
        percent=shown,
        level=names.get(level) or Named(level, level),
        rank=rank,
        previous_points=prev_points,
        previous_percent=prev_percent,
        previous_level=prev_level,
        previous_rank=prev_rank,
        percent_change=change,
        rank_change=(prev_rank - rank) if prev_rank and rank else None,
        pillars=tuple(
            _pillar(node, pillar_rows.get(node["id"]))
            for node in pillars.get(a["version_id"], [])
        ),
    )


def _pillar(node: dict, figures: tuple | None) -> PublishedPillar:
    points, maximum, _value, level, _rank = figures or (None,) * 5
    return PublishedPillar(
        code=node["code"],
        name_vi=node["name_vi"],
        name_en=node["name_en"],
        points=points,
        maximum=maximum,
        percent=percent(points, maximum),
        level=level or "",
    )
