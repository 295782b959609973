"""One committee workbook being written (no Django): the state its sheets share.

Each sheet module (:mod:`~reports.builders.workbook_ranking`,
:mod:`~reports.builders.workbook_progress`, :mod:`~reports.builders.workbook_images`)
writes its sheets into a :class:`Book`; :mod:`reports.builders.workbook` orders them.
Every sheet is a :class:`~reports.builders.workbook_print.PrintSheet`, finished
with its print setup (:meth:`Book.finish`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl import Workbook

from common.xlsx import TITLE, sheet_title
from reports.builders.data import Report, Section, UnitRow
from reports.builders.workbook_charts import ChartData
from reports.builders.workbook_print import PrintSheet


class Book:
    """The workbook, its report and labels, and the rows the native charts read."""

    def __init__(self, wb: Workbook, report: Report, labels: Mapping[str, str]):
        self.wb, self.report, self.labels = wb, report, labels
        self.chart_data = ChartData()
        self.multi = len(report.sections) > 1
        self.print_labels = {**labels, "campaign_name": report.campaign}

    def title(self, key: str, section: Section | None = None, suffix: str = "") -> str:
        """The sheet title of label ``key``, with the section's key when there are
        several sections, and ``suffix``."""
        parts = [suffix, section.key if section is not None and self.multi else ""]
        return sheet_title(self.labels[key], " ".join(p for p in parts if p))

    def sheet(
        self,
        title: str,
        widths: Sequence[float],
        *,
        freeze: str = "",
        portrait: bool = False,
    ) -> PrintSheet:
        return PrintSheet(
            self.wb,
            title,
            widths,
            lang=self.report.lang,
            freeze=freeze,
            portrait=portrait,
        )

    def heading(self, sheet: PrintSheet, text: str) -> None:
        sheet.sheet.row_dimensions[sheet.row + 1].height = 22
        sheet.append([text], font=TITLE)
        sheet.append([self.report.campaign])

    def finish(self, sheet: PrintSheet, **kwargs) -> None:
        sheet.finish(self.print_labels, **kwargs)


def is_ranked(unit: UnitRow) -> bool:
    return unit.ranked and unit.rank is not None
