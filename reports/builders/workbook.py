"""The steering committee workbook (.xlsx): a pure builder that returns bytes.

No Django and none of our apps: it reads a :class:`reports.builders.data.Report` and a
dict of labels translated by the caller. Sheets are written in write-only
(streaming) mode, in the order set here, by the sheet modules: results
(:mod:`~reports.builders.workbook_ranking`), review, history and method
(:mod:`~reports.builders.workbook_progress`) and images
(:mod:`~reports.builders.workbook_images`). Native Excel charts sit on their own
sheet and read their data from the sheets above or from a small "chart data" sheet
(:mod:`~reports.builders.workbook_charts`), and the matplotlib images (heat maps,
rank intervals) are embedded as PNG.
"""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO

from openpyxl import Workbook

from reports.builders.data import Report
from reports.builders.workbook_book import Book
from reports.builders.workbook_charts import add_native_charts
from reports.builders.workbook_images import heat_maps_sheet, rank_intervals_sheet
from reports.builders.workbook_progress import (
    comments_sheet,
    gaps_sheet,
    method_sheet,
    progress_sheet,
    trends_sheet,
)
from reports.builders.workbook_ranking import (
    indicators_sheets,
    levels_sheet,
    pillars_sheet,
    summary_sheet,
)


def workbook_bytes(
    report: Report,
    labels: Mapping[str, str],
    *,
    images: bool = True,
    native_charts: bool = True,
) -> bytes:
    """Write the committee workbook of ``report``; ``labels`` come translated.

    ``report.committee`` (or :meth:`Report.without_free_text`) leaves out every
    comment and explanation.
    """
    if report.committee:
        report = report.without_free_text()
    wb = Workbook(write_only=True)
    book = Book(wb, report, labels)
    summary_sheet(book=book)
    levels_sheet(book=book)
    for section in report.sections:
        pillars_sheet(book=book, section=section)
    for section in report.sections:
        indicators_sheets(book=book, section=section)
    gaps_sheet(book=book)
    if report.comments:
        comments_sheet(book=book)
    progress_sheet(book=book)
    trends_sheet(book=book)
    if native_charts:
        add_native_charts(wb, report, book.print_labels, book.chart_data)
    if images:
        heat_maps_sheet(book=book)
        rank_intervals_sheet(book=book)
    method_sheet(book=book)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
