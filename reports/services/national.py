"""The national comparison page and its workbook, from the provinces' published
figures (:mod:`survey.selectors.national`): aggregates read in a fixed number of
queries. The page's charts take a second or more to draw for every province, so
the page is kept in the cache under a fingerprint of the published campaigns
(:func:`survey.selectors.national.national_fingerprint`): publishing,
republishing or reopening a campaign builds it anew. The workbook is built on
each download."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import formats, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from common.xlsx import INTEGER, PERCENT, share
from reports.builders import charts, national_charts
from reports.builders.national import NationalBook, NationalSheet, national_xlsx_bytes
from survey.models import AuditEvent
from survey.models.units import UnitType
from survey.selectors.national import (
    NationalComparison,
    UnitTypeComparison,
    national_comparison,
    national_fingerprint,
    national_years,
)
from survey.services.audit import audit_record

KEEP_SECONDS = 24 * 3600


class NoPublishedYear(LookupError):
    """No province has published a campaign of the year asked for."""


def national_page(*, year: int | None, lang: str) -> dict:
    """What the national comparison page shows of ``year`` (default: the latest
    published) in ``lang``."""
    if year is not None and year not in national_years():
        raise NoPublishedYear(year)
    key = f"national-page:{lang}:{year}:{national_fingerprint()}"
    page = cache.get(key)
    if page is None:
        page = _page(year, lang)
        cache.set(key, page, KEEP_SECONDS)
    return page


def _page(year: int | None, lang: str) -> dict:
    comparison = national_comparison(year=year)
    with translation.override(lang):
        return {
            "year": comparison.year,
            "years": comparison.years,
            "sources": [
                {
                    "province": s.province.name(lang),
                    "name": s.name,
                    "decision_number": s.decision_number,
                    "decision_date": s.decision_date,
                }
                for s in comparison.sources
            ],
            "sections": [_section(t, comparison, lang) for t in comparison.unit_types],
        }


def national_workbook(*, year: int, lang: str, actor) -> bytes:
    """The comparison workbook of ``year`` in ``lang``; its download is recorded
    in the audit trail."""
    comparison = _comparison(year)
    with translation.override(lang):
        content = national_xlsx_bytes(_book(comparison, lang))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type="national_comparison",
        object_id=str(year),
        after={"kind": "national", "year": year, "lang": lang},
    )
    return content


def _comparison(year: int | None) -> NationalComparison:
    if year is not None and year not in national_years():
        raise NoPublishedYear(year)
    return national_comparison(year=year)


def _type_name(kind: str) -> str:
    try:
        return str(UnitType(kind).label)
    except ValueError:
        return kind


def _number(value, places: int = 2) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def _level_heads(section: UnitTypeComparison, lang: str) -> list[str]:
    heads = []
    for k, (name_vi, name_en) in enumerate(section.levels, start=1):
        name = (name_en if lang == "en" else "") or name_vi
        heads.append(_("Level %(order)s: %(name)s") % {"order": k, "name": name})
    return heads


def _years(comparison: NationalComparison) -> list[int]:
    return sorted(comparison.years)


def _section(section: UnitTypeComparison, comparison, lang: str) -> dict:
    names = [f.province.name(lang) for f in section.provinces]
    title = _("Mean percentage per province")
    ranking_svg = b""
    if names:  # a unit type may have figures in other years only
        ranking_svg = charts.ranking_bars_svg(
            units=names,
            values=[share(f.mean) for f in section.provinces],
            title=title,
            lang=lang,
        )
    return {
        "name": _type_name(section.unit_type),
        "level_heads": _level_heads(section, lang),
        "rows": [
            {
                "rank": f.rank,
                "province": f.province.name(lang),
                "units": f.units,
                "mean": _number(f.mean),
                "median": _number(f.median),
                "shares": [_number(s) for s in f.level_shares],
            }
            for f in section.provinces
        ],
        "ranking_svg": _svg(ranking_svg),
        "pillars": _pillar_table(section, comparison, lang),
        **_trend(section, comparison, lang),
    }


def _pillar_table(section: UnitTypeComparison, comparison, lang: str) -> dict:
    provinces = [f.province for f in section.provinces]
    return {
        "head": [f"{p.code}. {p.name(lang)}" for p in section.pillars],
        "rows": [
            [
                province.name(lang),
                *(_number(p.means.get(province.id)) for p in section.pillars),
            ]
            for province in provinces
        ],
    }


def _trend(section: UnitTypeComparison, comparison, lang: str) -> dict:
    years = _years(comparison)
    known = {p.id: p for p in comparison.provinces}
    series = [
        (known[pid].name(lang), [by_year.get(y) for y in years])
        for pid, by_year in sorted(
            section.trends.items(), key=lambda item: known[item[0]].name(lang)
        )
    ]
    title = _("Mean percentage per year")
    svg = ""
    if years:
        svg = _svg(
            national_charts.trend_svg(
                years=years,
                series=[
                    (name, [_share_nan(v) for v in values]) for name, values in series
                ],
                title=title,
                lang=lang,
            )
        )
    return {
        "trend_svg": svg,
        "trend_table": {
            "caption": title,
            "head": [_("Province"), *(str(y) for y in years)],
            "rows": [[name, *(_number(v) for v in values)] for name, values in series],
        },
    }


def _share_nan(value) -> float:
    return float("nan") if value is None else float(value) / 100


def _svg(content: bytes) -> str:
    if not content:
        return ""
    text = content.decode("utf-8")
    return mark_safe(text[text.index("<svg") :])  # noqa: S308 - from matplotlib


# The workbook ------------------------------------------------------------------


def _book(comparison: NationalComparison, lang: str) -> NationalBook:
    return NationalBook(
        sheet_about=_("Introduction"),
        title=_("Digital transformation index: provinces compared"),
        about=[
            (_("Year assessed"), comparison.year),
            (_("Provinces"), len({s.province.id for s in comparison.sources})),
        ],
        notes=_notes(),
        sources_head=[
            _("Province"),
            _("Published campaign"),
            _("Decision number"),
            _("Decision date"),
        ],
        sources=[
            [s.province.name(lang), s.name, s.decision_number, s.decision_date]
            for s in comparison.sources
        ],
        ranking=_ranking_sheet(comparison, lang),
        pillars=_pillar_sheet(comparison, lang),
        trends=_trend_sheet(comparison, lang),
        chart_titles={
            "ranking": _("Mean percentage per province"),
            "trends": _("Mean percentage per year"),
        },
    )


def _notes() -> list[str]:
    return [
        _(
            "Only the published results of each province are compared: the final "
            "points of the ranked units, never self-assessed points."
        ),
        _(
            "A unit's percentage is its final total over its applicable maximum; "
            "per province and unit type: the units scored, the mean and the median "
            "of their percentages."
        ),
        _(
            "Maturity levels are compared by their order in each framework (level "
            "1 is the lowest); provinces may name them differently."
        ),
        _(
            "Provinces are ranked by the mean percentage as shown (two decimals); "
            "equal means share a rank."
        ),
        _(
            "Pillars are matched by their code; an empty cell: the province's "
            "framework has no such pillar."
        ),
    ]


def _width(comparison: NationalComparison) -> int:
    return max((len(t.levels) for t in comparison.unit_types), default=0)


def _ranking_sheet(comparison: NationalComparison, lang: str) -> NationalSheet:
    width = _width(comparison)
    rows = []
    for section in comparison.unit_types:
        kind = _type_name(section.unit_type)
        for f in section.provinces:
            shares = [share(s) for s in f.level_shares]
            shares += [None] * (width - len(shares))
            rows.append(
                [kind, f.rank, f.province.name(lang), f.units]
                + [share(f.mean), share(f.median), *shares]
            )
    return NationalSheet(
        title=_("Province ranking"),
        head=[
            _("Unit type"),
            _("Rank"),
            _("Province"),
            _("Units scored"),
            _("Mean %"),
            _("Median %"),
            *(_("Level %(order)s (share)") % {"order": k + 1} for k in range(width)),
        ],
        rows=rows,
        formats=[None, INTEGER, None, INTEGER, PERCENT, PERCENT, *[PERCENT] * width],
        widths=[28, 10, 28, 18, 14, 14, *[22] * width],
    )


def _pillar_sheet(comparison: NationalComparison, lang: str) -> NationalSheet:
    provinces = list(comparison.provinces)
    rows = []
    for section in comparison.unit_types:
        kind = _type_name(section.unit_type)
        for pillar in section.pillars:
            rows.append(
                [kind, pillar.code, pillar.name(lang)]
                + [share(pillar.means.get(p.id)) for p in provinces]
            )
    return NationalSheet(
        title=_("Pillars"),
        head=[
            _("Unit type"),
            _("Pillar code"),
            _("Pillar"),
            *(p.name(lang) for p in provinces),
        ],
        rows=rows,
        formats=[None, None, None, *[PERCENT] * len(provinces)],
        widths=[28, 10, 40, *[14] * len(provinces)],
    )


def _trend_sheet(comparison: NationalComparison, lang: str) -> NationalSheet:
    years = _years(comparison)
    known = {p.id: p for p in comparison.provinces}
    rows = []
    for section in comparison.unit_types:
        kind = _type_name(section.unit_type)
        for pid, by_year in sorted(
            section.trends.items(), key=lambda item: known[item[0]].name(lang)
        ):
            rows.append(
                [kind, known[pid].name(lang), *(share(by_year.get(y)) for y in years)]
            )
    return NationalSheet(
        title=_("Trends"),
        head=[_("Unit type"), _("Province"), *(str(y) for y in years)],
        rows=rows,
        formats=[None, None, *[PERCENT] * len(years)],
        widths=[28, 28, *[12] * len(years)],
    )
