"""The workbook comparing the provinces' published figures (no Django).

Four sheets: the introduction (what is compared, the year, the provinces'
decisions), the ranking of provinces per unit type, the pillars and the yearly
means. Percentages are numeric cells holding fractions with a ``0.00%`` format,
counts and ranks integers; every table's header row is frozen. The ranking and
trend sheets carry native charts that read their cells, one per unit type.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart
from openpyxl.utils import get_column_letter

from common.xlsx import INTEGER, PERCENT, TITLE, SheetWriter, sheet_title
from reports.builders.workbook_charts import axes_visible, sheet_ref, text_categories


@dataclass(frozen=True)
class NationalSheet:
    """One table: its title, header, rows and each column's number format.
    Rows sharing their first cell (the unit type) make one chart."""

    title: str
    head: Sequence[str]
    rows: Sequence[Sequence[object]]
    formats: Sequence[str | None]
    widths: Sequence[float] = ()


@dataclass(frozen=True)
class NationalBook:
    sheet_about: str
    title: str
    about: Sequence[tuple[str, object]]  # label and value pairs
    notes: Sequence[str]
    sources_head: Sequence[str]
    sources: Sequence[Sequence[object]]
    ranking: NationalSheet
    pillars: NationalSheet
    trends: NationalSheet
    chart_titles: dict[str, str] = field(default_factory=dict)  # ranking, trends


def national_xlsx_bytes(book: NationalBook) -> bytes:
    """The workbook of ``book``, as bytes."""
    wb = Workbook(write_only=True)
    _about(wb, book)
    ranking = _table(wb, book.ranking)
    _table(wb, book.pillars)
    trends = _table(wb, book.trends)
    _ranking_charts(ranking, book)
    _trend_charts(trends, book)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _about(wb, book: NationalBook) -> None:
    sheet = SheetWriter(wb, sheet_title(book.sheet_about), (34, 60, 24, 16))
    sheet.append([book.title], font=TITLE)
    for label, value in book.about:
        sheet.append(
            [label, value], [None, INTEGER if isinstance(value, int) else None]
        )
    sheet.blank()
    for note in book.notes:
        sheet.append([note])
    sheet.blank()
    sheet.header(list(book.sources_head))
    for row in book.sources:
        sheet.append(list(row))


def _table(wb, table: NationalSheet) -> tuple[SheetWriter, dict[str, tuple]]:
    """The sheet, and the first and last row of each unit type."""
    widths = table.widths or [28] + [14] * (len(table.head) - 1)
    sheet = SheetWriter(wb, sheet_title(table.title), widths, freeze="A2")
    sheet.header(list(table.head))
    spans: dict[str, tuple] = {}
    for row in table.rows:
        at = sheet.append(list(row), table.formats)
        first, _last = spans.get(row[0], (at, at))
        spans[row[0]] = (first, at)
    sheet.filter(1, sheet.row, len(table.head))
    return sheet, spans


def _ranking_charts(found, book: NationalBook) -> None:
    """A bar chart of the mean percentage (fifth column) per unit type, beside
    the table; the provinces' names are the third column."""
    sheet, spans = found
    anchor_col = get_column_letter(len(book.ranking.head) + 2)
    row = 2
    for kind, (first, last) in spans.items():
        chart = BarChart()
        chart.type = "bar"
        chart.title = f"{book.chart_titles.get('ranking', '')} – {kind}"
        chart.add_data(sheet_ref(sheet.title, 5, first, last), titles_from_data=False)
        text_categories(chart, sheet_ref(sheet.title, 3, first, last))
        chart.y_axis.number_format = PERCENT
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.x_axis.scaling.orientation = "maxMin"
        chart.legend = None
        chart.height = max(7.5, 0.5 * (last - first + 1) + 3)
        chart.width = 18
        axes_visible(chart)
        sheet.sheet.add_chart(chart, f"{anchor_col}{row}")
        row += _rows(chart.height)


def _trend_charts(found, book: NationalBook) -> None:
    """A line per province (a row: unit type, province, then one column per
    year) for each unit type, beside the table."""
    sheet, spans = found
    n_years = len(book.trends.head) - 2
    if n_years < 1:
        return
    anchor_col = get_column_letter(len(book.trends.head) + 2)
    row = 2
    for kind, (first, last) in spans.items():
        chart = LineChart()
        chart.title = f"{book.chart_titles.get('trends', '')} – {kind}"
        for row in range(first, last + 1):
            chart.add_data(
                sheet_ref(sheet.title, 2, row, row, max_col=2 + n_years),
                from_rows=True,
                titles_from_data=True,
            )
        text_categories(chart, sheet_ref(sheet.title, 3, 1, 1, max_col=2 + n_years))
        chart.y_axis.number_format = PERCENT
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.height = 9 + 0.45 * math.ceil((last - first + 1) / 3)  # the legend
        chart.width = 18
        axes_visible(chart)
        sheet.sheet.add_chart(chart, f"{anchor_col}{row}")
        row += _rows(chart.height)


def _rows(height_cm: float) -> int:
    """Rows of the default height (15 points, 0.53 cm) a chart covers, and one
    more, so that the next chart starts below it."""
    return math.ceil(height_cm / 0.53) + 1
