"""What the dashboard page shows: tables per ranking group and SVG charts.

Built once per results version and language from the stored results and kept
(:func:`survey.results.stored.analysis_stored`): the page reads them back in a
fixed number of queries and time whatever the number of units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_tasks import task

from common.figures import percent_of_value
from reports.builders import charts
from reports.builders.data import Section, UnitRow
from reports.services.data import report_data
from reports.services.unit import campaign_unit_figures
from survey.models import Campaign
from survey.results.stored import analysis_stored
from survey.states import FILLING_CAMPAIGN_STATES

# A group with more units shows its first and last ones, and its ranking chart
# as an image of its own instead of inside the page.
SHOWN = 25


@dataclass
class GroupView:
    name: str
    level_counts: list[tuple[str, int]]
    head: list[dict]
    tail: list[dict]
    hidden: int
    radar_svg: str
    ranking_svg: str  # inside the page; empty: at ranking_chart
    ranking_chart: str
    ranking_table: dict  # the chart's figures: caption, head, rows
    radar_table: dict


def campaign_dashboard(*, campaign: Campaign, lang: str) -> dict:
    """Ranking per group, level counts, pillar profile and YoY as SVG."""
    kept = analysis_stored(
        campaign=campaign,
        kind=f"dashboard-3:{lang}",
        build=lambda: (_build(campaign, lang)[0], b""),
    ).payload
    return {
        "published": kept["published"],
        "results_version": campaign.results_version,
        "groups": [_group_view(group) for group in kept["groups"]],
        "levels": [
            {"svg": mark_safe(svg), "table": table}  # noqa: S308 - from matplotlib
            for svg, table in zip(
                kept["levels_svg"], kept["levels_tables"], strict=True
            )
        ],
        "trend_svg": mark_safe(kept["trend_svg"]),  # noqa: S308 - from matplotlib
        "trend_table": kept["trend_table"],
    }


def dashboard_chart(*, campaign: Campaign, lang: str, name: str) -> str | None:
    """One of the dashboard's charts kept apart from the page (SVG text)."""
    kept = analysis_stored(
        campaign=campaign,
        kind=f"charts-3:{lang}",
        build=lambda: (_build(campaign, lang)[1], b""),
    ).payload
    return kept.get(name)


def dashboard_prepare_later(*, campaign: Campaign, results_version: int) -> None:
    """Once results are stored after the filling period, have the worker build
    the dashboard and the scorecards' figures of that results version ahead of
    the committee's first look. While units fill in, results change with every
    submission: they are built when someone looks."""
    if campaign.state in FILLING_CAMPAIGN_STATES:
        return
    dashboard_prepare_task.enqueue(
        campaign_id=campaign.pk, results_version=results_version
    )


@task()
def dashboard_prepare_task(*, campaign_id: int, results_version: int) -> bool:
    """Build what the dashboard (in both languages) and the scorecards read of
    one results version; False when newer results replaced it meanwhile."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.results_version != results_version:
        return False
    for lang in ("vi", "en"):
        campaign_dashboard(campaign=campaign, lang=lang)
    campaign_unit_figures(campaign=campaign)
    return True


def _group_view(group: dict) -> GroupView:
    units = group["units"]
    shown = len(units) if len(units) <= 2 * SHOWN else SHOWN
    return GroupView(
        name=group["name"],
        level_counts=group["level_counts"],
        head=units[:shown],
        tail=units[-SHOWN:] if shown < len(units) else [],
        hidden=len(units) - shown - (SHOWN if shown < len(units) else 0),
        radar_svg=mark_safe(group["radar_svg"]),  # noqa: S308 - from matplotlib
        ranking_svg=mark_safe(group["ranking_svg"]),  # noqa: S308
        ranking_chart=group["ranking_chart"],
        ranking_table=group["ranking_table"],
        radar_table=group["radar_table"],
    )


def _build(campaign: Campaign, lang: str) -> tuple[dict, dict]:
    """The page's data and the charts kept apart, from the stored results; the
    charts are kept at once, so that the page's images need not build them."""
    with translation.override(lang):
        report = report_data(
            campaign=campaign, lang=lang, leaves=False, free_text=False
        )
        apart: dict[str, str] = {}
        groups = [
            _group(section, group, apart, f"ranking-{s}-{g}", lang)
            for s, section in enumerate(report.sections)
            for g, group in enumerate(section.groups())
        ]
        levels = [_levels(section, lang) for section in report.sections]
        trend = _trend(report, lang) if len(report.years) > 1 else ("", {})
        page = {
            "published": report.published,
            "groups": groups,
            "levels_svg": [svg for svg, _table in levels],
            "levels_tables": [table for _svg, table in levels],
            "trend_svg": trend[0],
            "trend_table": trend[1],
        }
    analysis_stored(
        campaign=campaign, kind=f"charts-3:{lang}", build=lambda: (apart, b"")
    )
    return page, apart


def _svg(content: bytes) -> str:
    text = content.decode("utf-8")
    return text[text.index("<svg") :]


def _row(section: Section, unit: UnitRow) -> dict:
    return {
        "assessment_id": unit.assessment_id,
        "code": unit.code,
        "name": unit.name,
        "rank": unit.rank if unit.ranked and unit.rank else None,
        "submitted": unit.submitted,
        "points": unit.points,
        "maximum": unit.maximum,
        "percent": _text(unit.percent),
        "level": section.level_name(unit.level) if unit.level else "",
        "percent_change": _text(unit.percent_change),
        "rank_change": unit.rank_change,
    }


def _text(value) -> str | None:
    return None if value is None else str(value)


def _table(caption: str, head: list[str], rows: list[list]) -> dict:
    """A chart's figures as the page's table beside it."""
    return {"caption": caption, "head": head, "rows": rows}


def _group(section: Section, group: str, apart: dict, name: str, lang: str) -> dict:
    rows = section.group_rows(group)
    units = [section.units[i] for i in rows]
    ranked = [i for i in rows if section.units[i].ranked and section.units[i].rank]
    counts = [
        (lv.name, sum(u.level == lv.code for u in units)) for lv in section.levels
    ]
    ranking_title = _("Ranking – %(group)s") % {"group": group}
    ranking = _svg(
        charts.ranking_bars_svg(
            units=[section.units[i].name for i in ranked],
            values=[section.units[i].value for i in ranked],
            title=ranking_title,
            lang=lang,
        )
    )
    ranking_table = _table(
        ranking_title,
        [_("Unit"), _("Rank"), "%"],
        [
            [u.name, u.rank, _percent(u.percent, lang)]
            for u in (section.units[i] for i in ranked[: charts.MAX_LABELS])
        ],
    )
    if len(units) > 2 * SHOWN:
        apart[name] = ranking
    series = [(section.units[i].name, section.pillar_values[i]) for i in ranked[:3]]
    series += [
        (section.units[i].name, section.pillar_values[i]) for i in ranked[3:][-3:]
    ]
    with np.errstate(all="ignore"):
        mean = np.nanmean(section.pillar_values[rows], axis=0) if rows else []
    series.append((_("Group mean"), mean))
    radar_title = _("Pillar profile – %(group)s") % {"group": group}
    radar = charts.radar_svg(
        axes=[p.code for p in section.pillars],
        series=series,
        title=radar_title,
        lang=lang,
    )
    radar_table = _table(
        radar_title,
        [_("Unit"), *(f"{p.code}. {p.name}" for p in section.pillars)],
        [[name, *(_share(v, lang) for v in values)] for name, values in series],
    )
    return {
        "name": group,
        "level_counts": counts,
        "units": [_row(section, unit) for unit in units],
        "radar_svg": _svg(radar),
        "ranking_svg": "" if name in apart else ranking,
        "ranking_chart": name if name in apart else "",
        "ranking_table": ranking_table,
        "radar_table": radar_table,
    }


def _levels(section: Section, lang: str) -> tuple[str, dict]:
    groups = section.groups()
    counts = np.array(
        [
            [
                sum(u.level == lv.code and u.group == g for u in section.units)
                for lv in section.levels
            ]
            for g in groups
        ]
    )
    title = _("Units per level – %(framework)s") % {"framework": section.title}
    names = [lv.name for lv in section.levels]
    svg = charts.level_counts_svg(
        groups=groups, levels=names, counts=counts, title=title, lang=lang
    )
    rows = [[g, *map(int, row)] for g, row in zip(groups, counts, strict=True)]
    return _svg(svg), _table(title, [_("Ranking group"), *names], rows)


def _trend(report, lang: str) -> tuple[str, dict]:
    series = []
    for section in report.sections:
        for group in section.groups():
            rows = section.group_rows(group)
            with np.errstate(all="ignore"):
                series.append((group, np.nanmean(section.history[rows], axis=0)))
    title = _("Mean total % per year")
    svg = charts.trend_lines_svg(
        years=report.years, series=series, title=title, lang=lang
    )
    rows = [[name, *(_share(v, lang) for v in values)] for name, values in series]
    head = [_("Ranking group"), *(str(y) for y in report.years)]
    return _svg(svg), _table(title, head, rows)


def _share(value, lang: str) -> str:
    """A value (0–1) as the page writes a percentage, rounded once."""
    return _percent(percent_of_value(None if value is None else float(value)), lang)


def _percent(value, lang: str) -> str:
    if value is None:
        return "–"
    return charts.percent_text(float(value), 2, lang)
