"""Published results of a campaign: unit totals, pillars, levels, ranks and the
change from the year before.

The figures are those of the public page (``/cong-khai/``): any valid token may
read them, whatever its account's roles. A campaign that is not published does
not exist here (404), exactly as on the public page.

A campaign code names a campaign of the token's province: the token's requests
are scoped to its account's province (``survey/api/auth.py``), so another
province's campaign of the same code is not found here (its public page is the
way to it). A national coordinator's token reads no province's results (404).
"""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from survey.api.common import ERRORS
from survey.selectors.published import (
    PublishedPillar,
    PublishedResults,
    PublishedUnit,
    published_campaign_in_scope,
    published_results,
)

router = Router(tags=["results"])

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class Pillar(Schema):
    code: str
    name_vi: str
    name_en: str
    points: float | None
    max_points: float | None
    percent: float | None
    level: str


class UnitResultOut(Schema):
    unit_code: str
    unit_name_vi: str
    unit_name_en: str
    group_vi: str
    group_en: str
    points: float | None
    max_points: float | None
    percent: float | None
    level_code: str
    level_name_vi: str
    level_name_en: str
    rank: int | None
    previous_year: int | None
    previous_points: float | None
    previous_percent: float | None
    previous_level: str | None
    previous_rank: int | None
    percent_change: float | None
    rank_change: int | None


class UnitResultDetail(UnitResultOut):
    campaign: str
    decision_number: str
    decision_date: str | None
    pillars: list[Pillar]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _results(code: str) -> PublishedResults:
    campaign = published_campaign_in_scope(code=code)
    if campaign is None:
        raise Http404
    return published_results(campaign=campaign)


def _row(unit: PublishedUnit, previous_year: int | None) -> dict:
    return {
        "unit_code": unit.unit_code,
        "unit_name_vi": unit.unit_name_vi,
        "unit_name_en": unit.unit_name_en,
        "group_vi": unit.group_vi,
        "group_en": unit.group_en,
        "points": _number(unit.points),
        "max_points": _number(unit.maximum),
        "percent": _number(unit.percent),
        "level_code": unit.level.code,
        "level_name_vi": unit.level.name_vi,
        "level_name_en": unit.level.name_en,
        "rank": unit.rank,
        "previous_year": previous_year if unit.previous_percent is not None else None,
        "previous_points": _number(unit.previous_points),
        "previous_percent": _number(unit.previous_percent),
        "previous_level": unit.previous_level,
        "previous_rank": unit.previous_rank,
        "percent_change": _number(unit.percent_change),
        "rank_change": unit.rank_change,
    }


def _pillar(pillar: PublishedPillar) -> dict:
    return {
        "code": pillar.code,
        "name_vi": pillar.name_vi,
        "name_en": pillar.name_en,
        "points": _number(pillar.points),
        "max_points": _number(pillar.maximum),
        "percent": _number(pillar.percent),
        "level": pillar.level,
    }


@router.get(
    "{code}/results",
    response={200: list[UnitResultOut], **ERRORS},
    summary="A published campaign's results, unit by unit",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def results_list(
    request, code: str, group: str = "", unit: str = "", level: str = ""
) -> list[dict]:
    """Ranked units ordered by ranking group and rank. ``group`` matches the
    group's Vietnamese or English name, ``unit`` a unit code, ``level`` a level
    code."""
    results = _results(code)
    return [
        _row(u, results.previous_year)
        for u in results.units
        if (not group or group in (u.group_vi, u.group_en))
        and (not unit or u.unit_code == unit)
        and (not level or u.level.code == level)
    ]


@router.get(
    "{code}/results/{unit_code}",
    response={200: UnitResultDetail, **ERRORS},
    summary="One unit's published results, with its pillars",
)
def results_unit(request, code: str, unit_code: str) -> dict:
    results = _results(code)
    found = next((u for u in results.units if u.unit_code == unit_code), None)
    if found is None:
        raise Http404
    decided = results.decision_date
    return {
        **_row(found, results.previous_year),
        "campaign": results.code,
        "decision_number": results.decision_number,
        "decision_date": decided.isoformat() if decided else None,
        "pillars": [_pillar(p) for p in found.pillars],
    }
