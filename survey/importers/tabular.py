"""Reading .xlsx and .csv files into plain rows that remember where they came from."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import load_workbook

from survey.answer_types import NumberCell
from survey.importers.issues import ImportFailed, ImportIssue

THOUSANDS = re.compile(r"[-+]?\d{1,3}(\.\d{3})+")
TRUE_WORDS = {"yes", "có", "co", "1", "x", "true", "đúng", "c"}
FALSE_WORDS = {"no", "không", "khong", "0", "", "false", "sai", "k"}


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
        # know a cell is a number take the number itself (survey.answer_types).
        number = Decimal(repr(value))
        text = format(number, "f").removesuffix(".0").replace(".", ",")
        return NumberCell(text, number)
    return str(value).strip()


def _sheet_from_rows(name: str, raw_rows) -> Sheet:
    raw_rows = iter(raw_rows)
    header = [_cell_text(cell).lower() for cell in next(raw_rows, [])]
    sheet = Sheet(name=name, header=header)
    for number, raw in enumerate(raw_rows, start=2):
        values = [_cell_text(cell) for cell in raw]
        if not any(values):
            continue
        sheet.rows.append((number, dict(zip(header, values, strict=False))))
    return sheet


def read_xlsx(content: bytes) -> dict[str, Sheet]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFailed([ImportIssue("", 0, "", "file_unreadable")]) from exc
    sheets = {
        ws.title.strip().lower(): _sheet_from_rows(
            ws.title.strip().lower(), ws.iter_rows(values_only=True)
        )
        for ws in workbook.worksheets
    }
    workbook.close()
    return sheets


def read_csv(content: bytes, *, name: str) -> Sheet:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed([ImportIssue(name, 0, "", "csv_not_utf8")]) from exc
    return _sheet_from_rows(name, csv.reader(io.StringIO(text)))


def read_path(path: Path, sheet_names: dict[str, str]) -> dict[str, Sheet]:
    """Read ``path`` (.xlsx, or .csv with sibling ``STEM.<sheet>.csv`` files).

    ``sheet_names`` maps each sheet to the suffix of its sibling CSV ("" for the main).
    """
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path.read_bytes())
    if path.suffix.lower() != ".csv":
        raise ImportFailed([ImportIssue(path.name, 0, "", "unknown_file_type")])
    sheets = {}
    for sheet, suffix in sheet_names.items():
        sibling = path if not suffix else path.with_name(f"{path.stem}.{suffix}.csv")
        if sibling.exists():
            sheets[sheet] = read_csv(sibling.read_bytes(), name=sibling.name)
    return sheets


def parse_bool(text: str) -> bool | None:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_decimal(text: str) -> Decimal | None:
    """A number written the Vietnamese way (1.250.000 and 12,5), or plainly (12.5).

    With a comma, dots group thousands and the comma is the decimal mark. Without
    one, dots that split the digits in groups of three group thousands (500.000 is
    five hundred thousand); a single other dot is a decimal point (0.25).
    """
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".", 1)
    elif THOUSANDS.fullmatch(text):
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
