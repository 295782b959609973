"""The one xlsx writer: a streaming sheet writer for write-only workbooks (no Django).

Numbers become numeric cells with a number format, dates date cells, and text
that Excel would read as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) a text
cell with the quote prefix, its characters unchanged. :func:`table_xlsx_bytes`
writes plain sheets of rows with the same writer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from common.figures import percent_of_value

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

POINTS = "#,##0.00"
PERCENT = "0.00%"
PERCENT_CHANGE = "+0.00%;-0.00%;0.00%"
INTEGER = "0"
RANK_CHANGE = "+0;-0;0"
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
TEXT = None

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
TOP_FILL = PatternFill("solid", fgColor="E2EFDA")
BOTTOM_FILL = PatternFill("solid", fgColor="FCE4D6")
WRAP = Alignment(wrap_text=True, vertical="top")


def is_formula_like(value: object) -> bool:
    """Text that Excel would evaluate if it were typed into a cell."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def number(value: float | int | None) -> float | int | None:
    """``None`` for NaN and None, the value otherwise."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def share(percent: Decimal | None) -> float | None:
    """A percentage (``67.99``) as the fraction a ``0.00%`` cell holds (``0.6799``).

    The cell holds the figure already rounded by :mod:`common.figures`, so Excel
    shows, and a reader gets, the same number as the pages and the annex."""
    return None if percent is None else float(percent / 100)


def value_share(value: float | None) -> float | None:
    """A stored value (0–1) rounded once to a percentage with two decimals."""
    return share(percent_of_value(number(value)))


class SheetWriter:
    """Appends rows to a write-only sheet, one cached styled cell per column."""

    def __init__(
        self, workbook, title: str, widths: Sequence[float] = (), *, freeze: str = ""
    ):
        self.sheet = workbook.create_sheet(title=title)
        if freeze:
            # Write-only sheets write their view before the first row.
            self.sheet.freeze_panes = freeze
        self.title = title
        self.row = 0
        self._cells: dict[tuple, WriteOnlyCell] = {}
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        landscape(self.sheet)

    def append(
        self,
        values: Sequence[object],
        formats: Sequence[str | None] = (),
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
    ) -> int:
        """Write one row; returns its 1-based row number."""
        cells = [
            self._cell(
                col, value, formats[col] if col < len(formats) else None, font, fill
            )
            for col, value in enumerate(values)
        ]
        self.sheet.append(cells)
        self.row += 1
        return self.row

    def header(self, values: Sequence[str]) -> int:
        return self.append(values, font=BOLD, fill=HEADER_FILL)

    def blank(self) -> int:
        self.sheet.append([])
        self.row += 1
        return self.row

    def filter(self, first_row: int, last_row: int, n_columns: int) -> None:
        if n_columns and last_row >= first_row:
            last = get_column_letter(n_columns)
            self.sheet.auto_filter.ref = f"A{first_row}:{last}{last_row}"

    def _cell(self, col, value, fmt, font, fill):
        if isinstance(value, float) and math.isnan(value):
            value = None
        if value is None and fill is None:
            return None
        if is_formula_like(value):
            cell = WriteOnlyCell(self.sheet, value)
            cell.data_type = "s"
            cell.quotePrefix = True
            _style(cell, None, font, fill)
            return cell
        if fmt is None and font is None and fill is None and not _is_date(value):
            return value
        key = (col, fmt, id(font), id(fill), _is_date(value))
        cell = self._cells.get(key)
        if cell is None:
            cell = WriteOnlyCell(self.sheet)
            _style(cell, fmt or _date_format(value), font, fill)
            self._cells[key] = cell
        cell.value = value
        return cell


def _is_date(value: object) -> bool:
    return isinstance(value, date)


def _date_format(value: object) -> str | None:
    if isinstance(value, datetime):
        return DATETIME
    if isinstance(value, date):
        return DATE
    return None


def _style(cell, fmt, font, fill) -> None:
    if fmt:
        cell.number_format = fmt
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill


def sheet_title(label: str, suffix: str = "") -> str:
    """A valid, at most 31-character sheet title."""
    text = f"{label} {suffix}".strip() if suffix else label
    for char in "[]:*?/\\":
        text = text.replace(char, "-")
    return text[:31]


def landscape(sheet) -> None:
    """Print landscape, as wide as one page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def table_xlsx_bytes(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    """An .xlsx of plain sheets, ``{title: rows}``: the first row bold and frozen,
    each column as wide as its longest value (8 to 60 characters)."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = SheetWriter(workbook, title, _fitted_widths(rows), freeze="A2")
        for index, row in enumerate(rows):
            sheet.append(row, font=BOLD if index == 0 else None)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fitted_widths(rows: Sequence[Sequence[object]]) -> list[int]:
    return [
        max(min(max(len(str(value)) for value in column) + 2, 60), 8)
        for column in zip(*rows, strict=False)
    ]
