"""One committee workbook being written (no Django): the state its sheets share.

Each sheet module (:mod:`~reports.builders.workbook_ranking`,
:mod:`~reports.builders.workbook_progress`, :mod:`~reports.builders.workbook_images`)
writes its sheets into a :class:`Book`; :mod:`reports.builders.workbook` orders them.
"""

from __future__ import annotations

from collections.abc import Mapping

from openpyxl import Workbook

from common.xlsx import TITLE, SheetWriter, sheet_title
from reports.builders.data import Report, Section, UnitRow
from reports.builders.workbook_charts import ChartData


class Book:
    """The workbook, its report and labels, and the rows the native charts read."""

    def __init__(self, wb: Workbook, report: Report, labels: Mapping[str, str]):
        self.wb, self.report, self.labels = wb, report, labels
        self.chart_data = ChartData()
        self.multi = len(report.sections) > 1

    def title(self, key: str, section: Section | None = None) -> str:
        """The sheet title of label ``key``, with the section's key when there are
        several sections."""
        suffix = section.key if section is not None and self.multi else ""
        return sheet_title(self.labels[key], suffix)

    def heading(self, sheet: SheetWriter, text: str) -> None:
        sheet.append([text], font=TITLE)
        sheet.append([self.report.campaign])


def is_ranked(unit: UnitRow) -> bool:
    return unit.ranked and unit.rank is not None
