"""Reading .xlsx and .csv files into plain rows that remember where they came from.

Every file is measured against :data:`LIMITS` while it is read, before the rest of it
is parsed: a file of a million rows or a zip bomb stops at the first limit passed,
with one clear problem, instead of holding a worker for minutes.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.formats import number_format
from django.utils.functional import lazy
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
from openpyxl.xml.functions import iterparse

from survey.files.issues import ImportFailed, ImportIssue
from survey.numbers import NumberCell
from survey.text import storable

# Thousands groups never start with 0: 0.125 is a decimal.
THOUSANDS = re.compile(r"[-+]?[1-9]\d{0,2}(\.\d{3})+")
AMBIGUOUS = re.compile(r"[-+]?[1-9]\d{0,2}\.\d{3}")
TRUE_WORDS = {"yes", "có", "co", "1", "x", "true", "đúng", "c"}
FALSE_WORDS = {"no", "không", "khong", "0", "", "false", "sai", "k"}


@dataclass(frozen=True)
class Limits:
    """How much one imported file may hold (docs/framework-format.md, "Limits").

    Generous for real files (a framework has a few hundred nodes), small enough that
    no upload can hold a worker for long. ``max_rows`` counts the rows below the
    header; ``max_cell_chars`` is Excel's own limit on a cell.
    """

    max_bytes: int = 10 * 1024 * 1024
    max_unzipped_bytes: int = 100 * 1024 * 1024
    max_sheets: int = 10
    max_rows: int = 5_000
    max_columns: int = 60
    max_cell_chars: int = 32_767


LIMITS = Limits()


def _plain(number):
    """``10`` rather than ``10.0`` or ``1E+1``; other numbers as they are."""
    if not isinstance(number, Decimal):
        return number
    number = number.normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral() else number


# A number in a message, grouped the way of the language the message is shown in.
grouped = lazy(lambda number: number_format(_plain(number), force_grouping=True), str)


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        # Numbers typed in Excel come back in the Vietnamese way, so that "1,125" is
        # never mistaken for one thousand one hundred and twenty-five; readers that
        # know a cell is a number take the number itself (survey.numbers).
        number = Decimal(repr(value))
        text = format(number, "f").removesuffix(".0").replace(".", ",")
        return NumberCell(text, number)
    return str(value).strip()


def _refuse(name: str, row: int, code: str, **params) -> ImportFailed:
    return ImportFailed([ImportIssue(name, row, "", code, params)])


def check_size(size: int, *, name: str, limits: Limits = LIMITS) -> None:
    """Refuse a file larger than ``limits.max_bytes`` before it is read."""
    if size > limits.max_bytes:
        raise _refuse(
            name,
            0,
            "file_too_large",
            size=grouped(size),
            max=grouped(limits.max_bytes),
        )


def read_file_bytes(path: Path, *, limits: Limits = LIMITS) -> bytes:
    """The bytes of ``path``, once its size on disk is known to be within limits."""
    check_size(path.stat().st_size, name=path.name, limits=limits)
    return path.read_bytes()


def _trimmed(raw: Iterable) -> list:
    values = list(raw)
    while values and values[-1] in (None, ""):
        values.pop()
    return values


def _sheet_from_rows(
    name: str, raw_rows: Iterable, limits: Limits = LIMITS, header_row: int = 1
) -> Sheet:
    """Rows below the header, which is on line ``header_row`` (lines above it,
    such as a title an export puts first, are passed over)."""
    raw_rows = iter(raw_rows)
    for _line in range(header_row - 1):
        next(raw_rows, None)
    header_cells = _trimmed(next(raw_rows, []))
    _check_width(name, header_row, header_cells, limits)
    header = [_cell_text(cell).lower() for cell in header_cells]
    sheet, too_long = Sheet(name=name, header=header), []
    too_long += _bad_cells(name, header_row, header, header, limits)
    for number, raw in enumerate(raw_rows, start=header_row + 1):
        if number > limits.max_rows + header_row:
            # Stop here: whatever follows is never read.
            raise _refuse(name, number, "too_many_rows", max=grouped(limits.max_rows))
        cells = _trimmed(raw)
        _check_width(name, number, cells, limits)
        values = [_cell_text(cell) for cell in cells]
        too_long += _bad_cells(name, number, header, values, limits)
        if any(values):
            sheet.rows.append((number, dict(zip(header, values, strict=False))))
    if too_long:
        raise ImportFailed(too_long)
    return sheet


def _check_width(name: str, number: int, cells: list, limits: Limits) -> None:
    if len(cells) > limits.max_columns:
        raise _refuse(name, number, "too_many_columns", max=grouped(limits.max_columns))


def _bad_cells(name, number, header, values, limits) -> list[ImportIssue]:
    """Cells over the length limit, and cells the database cannot store (a NUL
    character or a lone surrogate, which PostgreSQL refuses)."""
    issues = []
    for index, text in enumerate(values):
        if len(text) > limits.max_cell_chars:
            params = {
                "length": grouped(len(text)),
                "max": grouped(limits.max_cell_chars),
            }
            issues.append(
                ImportIssue(
                    name, number, _column_name(header, index), "cell_too_long", params
                )
            )
        elif not storable(text):
            issues.append(
                ImportIssue(name, number, _column_name(header, index), "unstorable")
            )
    return issues


def _column_name(header: list[str], index: int) -> str:
    """The column's header when it has one, else its letter (A, B, ... AA)."""
    named = index < len(header) and header[index] and len(header[index]) <= 100
    return header[index] if named else get_column_letter(index + 1)


def _check_zip(content: bytes, limits: Limits) -> None:
    """Refuse a workbook that unpacks to more than the limit (a zip bomb).

    The sizes come from the zip directory; a member that claims less than it holds
    is cut at its claimed size by ``zipfile`` and then fails to parse.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse("", 0, "file_unreadable") from exc
    if unpacked > limits.max_unzipped_bytes:
        raise _refuse(
            "", 0, "unzipped_too_large", max=grouped(limits.max_unzipped_bytes)
        )


class _Worksheet(ReadOnlyWorksheet):
    def _get_size(self) -> None:
        """Read the stored dimensions from the head of the sheet only.

        openpyxl looks for them to the end of the sheet data when they are missing,
        which alone takes a minute on a sheet of a million rows.
        """
        with self._get_source() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == DATA_TAG:
                    return
                if element.tag == DIMENSION_TAG:
                    try:
                        bounds = range_boundaries(element.get("ref") or "")
                    except ValueError:
                        return
                    self._min_column, self._min_row = bounds[0], bounds[1]
                    self._max_column, self._max_row = bounds[2], bounds[3]
                    return


class _WorkbookReader(ExcelReader):
    """openpyxl's read-only reader, with worksheets that size themselves quickly."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                ws = _Worksheet(self.wb, sheet.name, rel.target, self.shared_strings)
                self.wb._sheets.append(ws)


def _load_workbook(content: bytes):
    reader = _WorkbookReader(io.BytesIO(content), read_only=True, data_only=True)
    reader.read()
    return reader.wb


def read_xlsx(
    content: bytes, *, limits: Limits = LIMITS, header_row: int = 1
) -> dict[str, Sheet]:
    check_size(len(content), name="", limits=limits)
    _check_zip(content, limits)
    try:
        workbook = _load_workbook(content)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _refuse("", 0, "file_unreadable") from exc
    try:
        if len(workbook.worksheets) > limits.max_sheets:
            raise _refuse("", 0, "too_many_sheets", max=grouped(limits.max_sheets))
        return {
            ws.title.strip().lower(): _read_worksheet(ws, limits, header_row)
            for ws in workbook.worksheets
        }
    finally:
        workbook.close()


def _read_worksheet(ws, limits: Limits, header_row: int = 1) -> Sheet:
    name = ws.title.strip().lower()
    # The stored dimensions refuse a sheet that says it is too big without reading
    # it; they are then dropped, so that rows past a dimension that understates are
    # still read (and counted) rather than silently left out.
    first_over = limits.max_rows + header_row + 1
    if ws.max_row is not None and ws.max_row >= first_over:
        raise _refuse(name, first_over, "too_many_rows", max=grouped(limits.max_rows))
    if ws.max_column is not None and ws.max_column > limits.max_columns:
        raise _refuse(name, 1, "too_many_columns", max=grouped(limits.max_columns))
    ws.reset_dimensions()
    try:
        rows = ws.iter_rows(values_only=True)
        return _sheet_from_rows(name, rows, limits, header_row)
    except ImportFailed:
        raise
    except Exception as exc:  # a broken sheet inside a readable workbook
        raise _refuse(name, 0, "file_unreadable") from exc


def _csv_rows(reader, name: str, limits: Limits) -> Iterator[list[str]]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _refuse(
                name,
                reader.line_num,
                "csv_malformed",
                max=grouped(limits.max_cell_chars),
            ) from exc
        yield row


def read_csv(
    content: bytes, *, name: str, limits: Limits = LIMITS, header_row: int = 1
) -> Sheet:
    check_size(len(content), name=name, limits=limits)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed([ImportIssue(name, 0, "", "csv_not_utf8")]) from exc
    reader = csv.reader(io.StringIO(text), delimiter=csv_delimiter(text, header_row))
    return _sheet_from_rows(name, _csv_rows(reader, name, limits), limits, header_row)


CSV_DELIMITERS = (",", ";", "\t")


def csv_delimiter(text: str, header_row: int = 1) -> str:
    """The delimiter of a CSV file's text: the one of ``,``, ``;`` and tab that
    splits its header line into the most cells (a comma on a tie). Excel set to
    Vietnamese (decimal comma) saves with ``;``; some systems export tabs."""
    lines = text.splitlines()
    line = lines[header_row - 1] if 0 < header_row <= len(lines) else ""
    best, most = ",", 1
    for delimiter in CSV_DELIMITERS:
        try:
            cells = len(next(csv.reader([line], delimiter=delimiter), []))
        except csv.Error:
            continue
        if cells > most:
            best, most = delimiter, cells
    return best


def read_path(
    path: Path, sheet_names: dict[str, str], *, limits: Limits = LIMITS
) -> dict[str, Sheet]:
    """Read ``path`` (.xlsx, or .csv with sibling ``STEM.<sheet>.csv`` files).

    ``sheet_names`` maps each sheet to the suffix of its sibling CSV ("" for the main).
    """
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(read_file_bytes(path, limits=limits), limits=limits)
    if path.suffix.lower() != ".csv":
        raise ImportFailed([ImportIssue(path.name, 0, "", "unknown_file_type")])
    sheets = {}
    for sheet, suffix in sheet_names.items():
        sibling = path if not suffix else path.with_name(f"{path.stem}.{suffix}.csv")
        if sibling.exists():
            content = read_file_bytes(sibling, limits=limits)
            sheets[sheet] = read_csv(content, name=sibling.name, limits=limits)
    return sheets


def parse_bool(text: str) -> bool | None:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


class AmbiguousNumber(ValueError):
    """Text that reads as two different numbers (``2.500``: 2500 or 2.5)."""


def parse_decimal(text: str) -> Decimal | None:
    """A number written the Vietnamese way (1.250.000 and 12,5), or plainly (12.5).

    Excel's own numbers are taken as they are. In text, with a comma, dots group
    thousands and the comma is the decimal mark; without one, several groups of three
    (1.250.000) group thousands and a dot elsewhere (0.25, 12.5, 0.125) is a decimal
    point. A single dot before three digits (2.500) could be either and is refused
    with :class:`AmbiguousNumber`, never guessed.
    """
    if isinstance(text, NumberCell):
        return text.number
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".", 1)
    elif THOUSANDS.fullmatch(text):
        if AMBIGUOUS.fullmatch(text):
            raise AmbiguousNumber(text)
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
