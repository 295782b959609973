"""What the dashboard page shows: tables per ranking group and SVG charts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports.builders import charts
from reports.builders.data import Section, UnitRow
from reports.services.data import report_data
from survey.models import Campaign


@dataclass
class GroupView:
    section: Section
    name: str
    units: list[UnitRow]
    level_counts: list[tuple[str, int]]
    ranking_svg: str
    radar_svg: str


def campaign_dashboard(*, campaign: Campaign, lang: str) -> dict:
    """Ranking per group, level counts, pillar profile and YoY as inline SVG.

    Reads stored results only (no recomputation, no free text): a fixed number of
    queries whatever the number of units.
    """
    report = report_data(campaign=campaign, lang=lang, leaves=False, free_text=False)
    groups = [
        _group(section, group)
        for section in report.sections
        for group in section.groups()
    ]
    return {
        "report": report,
        "groups": groups,
        "levels_svg": [_levels(section) for section in report.sections],
        "trend_svg": _trend(report) if len(report.years) > 1 else "",
    }


def _svg(content: bytes) -> str:
    text = content.decode("utf-8")
    return mark_safe(text[text.index("<svg") :])  # noqa: S308 - built by matplotlib


def _group(section: Section, group: str) -> GroupView:
    rows = section.group_rows(group)
    units = [section.units[i] for i in rows]
    ranked = [i for i in rows if section.units[i].ranked and section.units[i].rank]
    counts = [
        (lv.name, sum(u.level == lv.code for u in units)) for lv in section.levels
    ]
    ranking = charts.ranking_bars_svg(
        units=[section.units[i].name for i in ranked],
        values=[section.units[i].value for i in ranked],
        title=_("Ranking – %(group)s") % {"group": group},
    )
    series = [(section.units[i].name, section.pillar_values[i]) for i in ranked[:3]]
    series += [
        (section.units[i].name, section.pillar_values[i]) for i in ranked[3:][-3:]
    ]
    with np.errstate(all="ignore"):
        mean = np.nanmean(section.pillar_values[rows], axis=0) if rows else []
    series.append((_("Group mean"), mean))
    radar = charts.radar_svg(
        axes=[p.code for p in section.pillars],
        series=series,
        title=_("Pillar profile – %(group)s") % {"group": group},
    )
    return GroupView(section, group, units, counts, _svg(ranking), _svg(radar))


def _levels(section: Section) -> str:
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
    return _svg(
        charts.level_counts_svg(
            groups=groups,
            levels=[lv.name for lv in section.levels],
            counts=counts,
            title=_("Units per level – %(framework)s") % {"framework": section.title},
        )
    )


def _trend(report) -> str:
    series = []
    for section in report.sections:
        for group in section.groups():
            rows = section.group_rows(group)
            with np.errstate(all="ignore"):
                series.append((group, np.nanmean(section.history[rows], axis=0)))
    return _svg(
        charts.trend_lines_svg(
            years=report.years, series=series, title=_("Mean total % per year")
        )
    )
