"""Native Excel charts of the committee workbook (no Django).

openpyxl's write-only sheets stream their rows and cannot go back, so the charts
sit on a sheet of their own ("Charts") whose anchors never collide with data, and
read their series from the Summary and Levels sheets (whose row numbers the
builder records while streaming) or from a small "Chart data" sheet written for
them (radar profiles, yearly group means). Excel and LibreOffice redraw them from
those cells, so a reader who filters or edits the data sees the charts follow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from openpyxl.chart import BarChart, LineChart, RadarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef

from common.xlsx import BOLD, PERCENT, share, sheet_title, value_share
from reports.builders.data import Report, Section
from reports.builders.workbook_print import (
    ROW_PT,
    PagePlacer,
    PrintSheet,
    column_px,
    localised,
    page_box,
)

MAX_BARS = 50
CHART_COLUMN = 9.0


@dataclass
class ChartData:
    """Where the builder put the rows the charts read."""

    ranking: list[tuple] = field(
        default_factory=list
    )  # section, group, sheet, first, last
    levels: list[tuple] = field(
        default_factory=list
    )  # section, sheet, head, first, last
    trends: list[tuple] = field(default_factory=list)  # section, group, means per year


def add_native_charts(
    wb, report: Report, labels: Mapping[str, str], data: ChartData
) -> None:
    """The Charts sheet, one chart a landscape page, and the Chart data sheet;
    ``labels`` hold the campaign's name for the page header (``campaign_name``)."""
    width, _height, rows = page_box(portrait=False)
    columns = math.floor(width / column_px(CHART_COLUMN))
    charts_sheet = PrintSheet(
        wb,
        sheet_title(labels["sheet_charts"]),
        [CHART_COLUMN] * columns,
        lang=report.lang,
    )
    source = PrintSheet(
        wb,
        sheet_title(labels["sheet_chart_data"]),
        [30, *([12] * 12)],
        lang=report.lang,
    )
    percent = localised("0%", report.lang)
    placer = PagePlacer(charts_sheet.sheet, row=1, page_rows=rows)

    def place(chart) -> None:
        chart.width = columns * column_px(CHART_COLUMN) / 96 * 2.54 - 0.5
        chart.height = (rows - 2) * ROW_PT / 72 * 2.54
        placer.place(chart, rows - 2)

    for _section, group, title, first, last in data.ranking:
        if last >= first:
            place(_ranking_chart(labels, group, title, first, last, percent))
    for section, title, head, first, last in data.levels:
        if last >= first:
            place(_levels_chart(labels, section, title, head, first, last))
    for section in report.sections:
        for group in section.groups():
            chart = _radar_chart(labels, source, section, group, percent)
            if chart is not None:
                place(chart)
    if len(report.years) > 1 and data.trends:
        place(_trend_chart(labels, source, report.years, data.trends, percent))
    charts_sheet.finish(labels, last_row=max(placer.row - 1, 1), columns=columns)
    source.finish(labels)


def axes_visible(chart) -> None:
    # openpyxl 3.1 marks axes deleted unless told otherwise; Excel then hides them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _ranking_chart(labels, group: str, sheet: str, first: int, last: int, percent):
    n = last - first + 1
    chart = BarChart()
    chart.type = "bar"
    title = f"{labels['chart_ranking']} – {group}"
    if n > MAX_BARS:
        title += f" ({labels['chart_first']} {MAX_BARS}/{n})"
        last = first + MAX_BARS - 1
    chart.title = title
    values = sheet_ref(sheet, 7, first, last)
    cats = sheet_ref(sheet, 4, first, last)
    chart.add_data(values, titles_from_data=False)
    text_categories(chart, cats)
    chart.legend = None
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.number_format = percent
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    axes_visible(chart)
    return chart


def _levels_chart(
    labels, section: Section, sheet: str, head: int, first: int, last: int
):
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = f"{labels['chart_levels']} – {section.title}"
    n_levels = len(section.levels)
    data = sheet_ref(sheet, 2, head, last, max_col=1 + n_levels)
    chart.add_data(data, titles_from_data=True)
    text_categories(chart, sheet_ref(sheet, 1, first, last))
    axes_visible(chart)
    return chart


def _radar_chart(labels, source: PrintSheet, section: Section, group: str, percent):
    rows = [i for i in section.group_rows(group) if section.units[i].rank is not None]
    if not rows or not section.pillars:
        return None
    values = section.pillar_values
    picked = rows[:3] + [i for i in rows[-3:] if i not in rows[:3]]
    source.blank()
    head = source.header([group, *(p.code for p in section.pillars)])
    fmts = [None, *([PERCENT] * len(section.pillars))]
    pillars = range(len(section.pillars))
    for i in picked:
        shares = [share(section.pillar_percent(i, j)) for j in pillars]
        source.append([section.units[i].name, *shares], fmts)
    with np.errstate(all="ignore"):
        mean = np.nanmean(values[rows], axis=0)
    source.append(
        [labels["group_mean"], *(value_share(float(v)) for v in mean)], fmts, font=BOLD
    )
    chart = RadarChart()
    chart.type = "marker"
    chart.title = f"{labels['chart_radar']} – {group}"
    data = sheet_ref(
        source.title, 1, head + 1, source.row, max_col=1 + len(section.pillars)
    )
    chart.add_data(data, from_rows=True, titles_from_data=True)
    text_categories(
        chart, sheet_ref(source.title, 2, head, head, max_col=1 + len(section.pillars))
    )
    chart.y_axis.number_format = percent
    axes_visible(chart)
    return chart


def _trend_chart(
    labels, source: PrintSheet, years: list[int], trends: list[tuple], percent
):
    source.blank()
    head = source.header([labels["group"], *(str(y) for y in years)])
    fmts = [None, *([PERCENT] * len(years))]
    for _section, group, means in trends:
        source.append([group, *means], fmts)
    chart = LineChart()
    chart.title = labels["chart_trends"]
    data = sheet_ref(source.title, 1, head + 1, source.row, max_col=1 + len(years))
    chart.add_data(data, from_rows=True, titles_from_data=True)
    text_categories(
        chart, sheet_ref(source.title, 2, head, head, max_col=1 + len(years))
    )
    chart.y_axis.number_format = percent
    axes_visible(chart)
    return chart


def sheet_ref(
    title: str, min_col: int, min_row: int, max_row: int, max_col: int | None = None
):
    """A cell range by sheet title (write-only sheets cannot be read back)."""
    return Reference(
        range_string=_range(title, min_col, min_row, max_col or min_col, max_row)
    )


def _range(title: str, min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    from openpyxl.utils import get_column_letter, quote_sheetname

    start = f"${get_column_letter(min_col)}${min_row}"
    end = f"${get_column_letter(max_col)}${max_row}"
    return f"{quote_sheetname(title)}!{start}:{end}"


def text_categories(chart, ref: Reference) -> None:
    """Category labels as text: ``set_categories`` would declare them numbers."""
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(ref)))
