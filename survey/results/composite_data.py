"""The data file of a composite index: one row per unit, one column per indicator.

CSV (UTF-8 with or without BOM; comma or semicolon between cells, whichever
splits the header line into more cells) or XLSX (the first sheet, or the one the
spec names). Headers are matched to the spec's columns ignoring case; other
columns are ignored. Empty cells and ``NA``, ``N/A``, ``#N/A`` are missing.
Every CSV row has as many cells as the header (a separator at the end of a row
is one more, empty, cell: accepted only when the header ends with one too); rows
with no value at all are skipped. An XLSX formula is read by the value Excel or
LibreOffice saved with it; a formula saved without one (by a program that does
not calculate) is refused. Unit ids and ranking groups are text: an XLSX number
there is read as its plain decimal text with a point (``25``, ``2.5``), and a
unit needs a ranking group when the spec declares a group column.

Numbers are written without thousands separators. The decimal mark is the
spec's ``data.decimal``: ``.`` or ``,``; with ``auto`` (the default) each cell's
one mark is its decimal mark, a file that uses both marks is refused, and so is
a cell such as ``1.250`` or ``1,250`` that reads as a thousand in one convention
and as a decimal in the other. Excel's own numbers are taken as they are.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import CELL_TAG, FORMULA_TAG, ROW_TAG, VALUE_TAG
from openpyxl.xml.functions import iterparse

from survey.files.issues import ImportFailed
from survey.files.tabular import (
    Limits,
    Sheet,
    check_size,
    csv_delimiter,
    read_xlsx,
)
from survey.numbers import NumberCell
from survey.results.composite_spec import CompositeInputError, CompositeSettings

MISSING = {"", "na", "n/a", "#n/a"}
LIMITS = Limits(
    max_bytes=50 * 1024 * 1024, max_rows=200_000, max_columns=5_000, max_sheets=50
)
NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
AMBIGUOUS = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}")
PROBLEMS = {
    "not_utf8": _("%(file)s is not encoded in UTF-8."),
    "unreadable": _("%(file)s cannot be read: %(error)s."),
    "unknown_type": _("%(file)s: the data must be a .csv or .xlsx file."),
    "empty": _("%(file)s has no header row."),
    "no_rows": _("%(file)s has no rows of data below its header."),
    "no_sheet": _("%(file)s has no sheet called “%(sheet)s”."),
    "duplicate_column": _("%(file)s: the column “%(column)s” appears twice."),
    "missing_column": _("%(file)s: the column “%(column)s” is missing (%(why)s)."),
    "no_unit": _("%(file)s, row %(row)s: the unit id (column “%(column)s”) is empty."),
    "no_group": _(
        "%(file)s, row %(row)s: the ranking group (column “%(column)s”) is empty; "
        "every unit needs one when the spec declares data.group_column."
    ),
    "ragged_row": _(
        "%(file)s, row %(row)s has %(cells)s cells and the header has %(header)s; "
        "every row must have as many cells as the header."
    ),
    "sheet_of_csv": _(
        "%(file)s is a CSV file, which has no sheets; data.sheet of the spec (“"
        "%(sheet)s”) is for XLSX files only."
    ),
    "uncalculated": _(
        "%(file)s, sheet “%(sheet)s”, row %(row)s, column %(letter)s "
        "(“%(column)s”): the formula has no calculated value (the file was saved "
        "by a program that does not calculate formulas); open the file in Excel "
        "or LibreOffice and save it, so that the values are calculated."
    ),
    "duplicate_unit": _(
        "%(file)s, row %(row)s: the unit “%(unit)s” already appears in row %(first)s."
    ),
    "not_number": _(
        "%(file)s, row %(row)s, column “%(column)s”: “%(value)s” is not a number "
        "(write numbers without thousands separators; leave the cell empty or "
        "write NA when the value is missing)."
    ),
    "wrong_mark": _(
        "%(file)s, row %(row)s, column “%(column)s”: “%(value)s” does not use the "
        "decimal mark “%(mark)s” that the spec sets (data.decimal)."
    ),
    "ambiguous": _(
        "%(file)s, row %(row)s, column “%(column)s”: “%(value)s” reads as a "
        "thousand or as a decimal; set data.decimal in the spec (or --decimal) to "
        "“.” or “,”."
    ),
    "mixed_marks": _(
        "%(file)s uses both decimal marks: “%(first)s” (row %(first_row)s, column "
        "“%(first_column)s”) and “%(value)s” (row %(row)s, column “%(column)s”); "
        "set data.decimal in the spec (or --decimal) to “.” or “,”."
    ),
}
WHY_UNIT = _("data.unit_column of the spec")
WHY_GROUP = _("data.group_column of the spec")
WHY_INDICATOR = _("an indicator of the spec")


@dataclass(frozen=True)
class CompositeData:
    """The units (in file order), their ranking groups and the indicator columns."""

    units: tuple[str, ...]
    groups: tuple[str, ...] | None
    columns: dict[str, list[float]]
    rows: tuple[int, ...]


def _refuse(code: str, **params) -> CompositeInputError:
    return CompositeInputError(str(PROBLEMS[code]) % params, code=code)


def composite_data_read(
    path: Path, settings: CompositeSettings, *, decimal: str | None = None
) -> CompositeData:
    """Read the data file at ``path`` for the spec of ``settings``."""
    if settings.sheet is not None and path.suffix.lower() == ".csv":
        raise _refuse("sheet_of_csv", file=path.name, sheet=settings.sheet)
    sheet = _sheet(path, settings.sheet)
    if path.suffix.lower() == ".xlsx" and _has_formulas(path):
        _check_formulas(path, sheet, settings)
    mark = decimal or settings.decimal
    return _Table(path.name, sheet, settings, mark).read()


def _wanted(settings: CompositeSettings) -> set[str]:
    columns = {settings.unit_column, settings.group_column, *settings.spec.codes}
    return {column.lower() for column in columns if column}


def _has_formulas(path: Path) -> bool:
    """Whether a worksheet of the workbook holds a formula (a scan of its XML)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with archive.open(name) as member:
                tail = b""
                while chunk := member.read(1 << 20):
                    if FORMULA.search(tail + chunk):
                        return True
                    tail = chunk[-8:]
    return False


def _check_formulas(path: Path, sheet: Sheet, settings: CompositeSettings) -> None:
    """Refuse a formula of a wanted column saved without its value: an ``<f>``
    with no or an empty ``<v>`` that is not a text result (Excel saves an empty
    text result as ``t="str"`` with an empty ``<v>``: a missing value)."""
    wanted = _wanted(settings)
    columns = {i for i, column in enumerate(sheet.header) if column in wanted}
    book = load_workbook(path, read_only=True)
    try:
        ws = next(w for w in book.worksheets if w.title.strip().lower() == sheet.name)
        with ws._get_source() as source:
            found = _uncalculated(source, columns)
    finally:
        book.close()
    if found:
        row, index = found
        raise _refuse(
            "uncalculated",
            file=path.name,
            sheet=ws.title,
            row=row,
            letter=get_column_letter(index + 1),
            column=sheet.header[index],
        )


def _uncalculated(source, columns: set[int]) -> tuple[int, int] | None:
    """The first (row, column index) below the header, in ``columns``, holding a
    formula without a value."""
    row = index = 0
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            if element.tag == ROW_TAG:
                row, index = int(element.get("r") or row + 1), -1
            continue
        if element.tag == ROW_TAG:
            element.clear()
        if element.tag != CELL_TAG:
            continue
        place = element.get("r")
        index = coordinate_to_tuple(place)[1] - 1 if place else index + 1
        formula = element.find(FORMULA_TAG)
        value = element.find(VALUE_TAG)
        empty = value is None or not value.text
        uncalculated = formula is not None and empty and element.get("t") != "str"
        if uncalculated and row > 1 and index in columns:
            return row, index
        element.clear()
    return None


def _sheet(path: Path, sheet_name: str | None) -> Sheet:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise _refuse("unknown_type", file=path.name)
    try:
        content = path.read_bytes()
    except OSError as error:
        raise _refuse("unreadable", file=path.name, error=error.strerror) from error
    try:
        check_size(len(content), name="", limits=LIMITS)
        if suffix == ".csv":
            return _read_csv(content, path.name)
        sheets = read_xlsx(content, limits=LIMITS)
    except ImportFailed as error:
        issue = error.issues[0]
        where = ", ".join(filter(None, (path.name, issue.location())))
        message = f"{where}: {issue.message()}"
        raise CompositeInputError(message, code=issue.code) from error
    if sheet_name is None:
        return next(iter(sheets.values()), Sheet(name="", header=[]))
    if sheet_name.strip().lower() not in sheets:
        raise _refuse("no_sheet", file=path.name, sheet=sheet_name)
    return sheets[sheet_name.strip().lower()]


def _read_csv(content: bytes, name: str) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _refuse("not_utf8", file=name) from error
    try:
        raw = list(csv.reader(io.StringIO(text), delimiter=csv_delimiter(text)))
    except csv.Error as error:
        raise _refuse("unreadable", file=name, error=str(error)) from error
    if not raw:
        return Sheet(name=name, header=[])
    header = [cell.strip().lower() for cell in raw[0]]
    sheet = Sheet(name=name, header=header)
    for number, cells in enumerate(raw[1:], start=2):
        values = [cell.strip() for cell in cells]
        if not any(values):
            continue
        if len(values) != len(header):
            raise _refuse(
                "ragged_row",
                file=name,
                row=number,
                cells=len(values),
                header=len(header),
            )
        sheet.rows.append((number, dict(zip(header, values, strict=True))))
    return sheet


def _text(cell) -> str:
    """A unit id or group as text: an Excel number as its plain decimal text."""
    if isinstance(cell, NumberCell):
        return format(cell.number, "f").removesuffix(".0")
    return str(cell).strip()


class _Table:
    def __init__(self, file: str, sheet: Sheet, settings: CompositeSettings, mark):
        self.file, self.sheet, self.settings, self.mark = file, sheet, settings, mark
        self.seen_mark: dict[str, tuple[str, int, str]] = {}

    def read(self) -> CompositeData:
        if not any(self.sheet.header):
            raise _refuse("empty", file=self.file)
        self._check_header()
        if not self.sheet.rows:
            raise _refuse("no_rows", file=self.file)
        settings = self.settings
        units = self._units()
        groups = None
        if settings.group_column:
            groups = self._groups(settings.group_column)
        columns = {code: self._column(code) for code in settings.spec.codes}
        rows = tuple(number for number, _ in self.sheet.rows)
        return CompositeData(units, groups, columns, rows)

    def _check_header(self) -> None:
        seen = set()
        for column in self.sheet.header:
            if column and column in seen:
                raise _refuse("duplicate_column", file=self.file, column=column)
            seen.add(column)
        wanted = [(self.settings.unit_column, WHY_UNIT)]
        if self.settings.group_column:
            wanted.append((self.settings.group_column, WHY_GROUP))
        wanted += [(code, WHY_INDICATOR) for code in self.settings.spec.codes]
        for column, why in wanted:
            if column.lower() not in seen:
                raise _refuse(
                    "missing_column", file=self.file, column=column, why=str(why)
                )

    def _groups(self, column: str) -> tuple[str, ...]:
        groups = []
        for number, cells in self.sheet.rows:
            group = _text(cells.get(column.lower(), ""))
            if not group:
                raise _refuse("no_group", file=self.file, row=number, column=column)
            groups.append(group)
        return tuple(groups)

    def _units(self) -> tuple[str, ...]:
        column = self.settings.unit_column
        first: dict[str, int] = {}
        for number, cells in self.sheet.rows:
            unit = _text(cells.get(column.lower(), ""))
            if not unit:
                raise _refuse("no_unit", file=self.file, row=number, column=column)
            if unit in first:
                raise _refuse(
                    "duplicate_unit",
                    file=self.file,
                    row=number,
                    unit=unit,
                    first=first[unit],
                )
            first[unit] = number
        return tuple(first)

    def _column(self, code: str) -> list[float]:
        key = code.lower()
        return [
            self._number(cells.get(key, ""), n, code) for n, cells in self.sheet.rows
        ]

    def _number(self, cell, row: int, column: str) -> float:
        if isinstance(cell, NumberCell):
            return float(cell.number)
        text = str(cell).strip()
        if text.lower() in MISSING:
            return float("nan")
        where = {"file": self.file, "row": row, "column": column, "value": text}
        if not NUMBER.fullmatch(text):
            raise _refuse("not_number", **where)
        marks = {m for m in ".," if m in text}
        if self.mark != "auto":
            if marks - {self.mark}:
                raise _refuse("wrong_mark", mark=self.mark, **where)
        elif marks:
            if AMBIGUOUS.fullmatch(text):
                raise _refuse("ambiguous", **where)
            self._check_mixed(marks.pop(), where)
        return float(text.replace(",", "."))

    def _check_mixed(self, mark: str, where: dict) -> None:
        self.seen_mark.setdefault(mark, (where["value"], where["row"], where["column"]))
        other = "," if mark == "." else "."
        if other in self.seen_mark:
            value, row, column = self.seen_mark[other]
            raise _refuse(
                "mixed_marks", first=value, first_row=row, first_column=column, **where
            )
