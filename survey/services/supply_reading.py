"""Reading province-supplied values: the text typed on the page or the rows of a
spreadsheet exported by a provincial system, each value checked as the questionnaire
checks it (survey.services.answers)."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from survey.files.issues import ImportFailed, ImportIssue
from survey.files.tabular import Sheet, parse_bool, read_csv, read_xlsx
from survey.models import Answer, FeedSource, Node
from survey.numbers import DEFAULT_FILE_FORMAT, NumberFormat, read_number
from survey.services.answer_checks import check_values, parse_values
from survey.services.campaigns import CampaignInvalid


@dataclass(frozen=True)
class SupplyRow:
    """One value to supply: the ``unit``'s code and the indicator's ``code`` (or
    the ``node`` itself when the caller chose it), the typed ``raw`` values
    (``value``, ``denominator``); ``key`` names the row in errors and skips."""

    key: Any
    unit: str
    raw: dict[str, Any]
    code: str = ""
    node: Node | None = None


def parse_supplied(
    node: Node,
    raw: dict[str, str],
    *,
    precision: int = 2,
    number_format: NumberFormat | None = DEFAULT_FILE_FORMAT,
) -> dict[str, Any]:
    """Typed values from the text typed or imported (``value``, ``denominator``),
    numbers read in ``number_format`` (the page's, or the one declared for a file)
    and checked as the questionnaire checks them.

    Raises ``ValueError`` with a translated message."""
    value = raw.get("value")
    text = "" if value is None else str(value).strip()
    if node.answer_type == Node.AnswerType.YES_NO:
        # A number sent as a JSON number is no yes/no: 1 is not true.
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(_("Send true or false, not a number."))
        yes = parse_bool(text)
        if yes is None or not text:
            raise ValueError(_("Write yes or no."))
        values: dict[str, Any] = {"yes": yes}
    else:
        try:
            number = read_number(raw.get("value"), number_format)
            denominator = read_number(raw.get("denominator"), number_format)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
        if number is None:
            raise ValueError(_("Enter a number."))
        values = {"number": number}
        if node.answer_type == Node.AnswerType.RATIO:
            if denominator is None:
                raise ValueError(_("Enter the denominator too."))
            values["denominator"] = denominator
    cleaned, out = parse_values(node, values)
    probe = Answer(node=node, is_na=False, **cleaned)
    check_values(node, probe, precision, out)
    if out.errors:
        raise ValueError(_errors_text(out.errors))
    return cleaned


def _errors_text(errors: dict[str, list[tuple[str, Any]]]) -> str:
    texts = []
    for name, items in errors.items():
        for _code, message in items:
            if name == "denominator":
                texts.append(_("Denominator: %(message)s") % {"message": message})
            else:
                texts.append(str(message))
    return " ".join(texts)


def read_supply_file(content: bytes, *, filename: str) -> dict[str, dict[str, str]]:
    """Rows of an .xlsx or .csv file with columns ``unit_code``, ``value`` and
    (ratios) ``denominator``, keyed by unit code."""
    try:
        if filename.lower().endswith(".csv"):
            sheet = read_csv(content, name=filename)
        else:
            sheet = next(iter(read_xlsx(content).values()), None)
    except ImportFailed as failed:
        raise CampaignInvalid(
            {"file": "; ".join(issue.message() for issue in failed.issues)}
        ) from None
    if sheet is None or "unit_code" not in sheet.header or "value" not in sheet.header:
        raise CampaignInvalid(
            {"file": _("The file needs the columns unit_code and value.")}
        )
    return _supply_rows(sheet)


def _supply_rows(sheet: Sheet) -> dict[str, dict[str, str]]:
    rows, errors = {}, {}
    for number, row in sheet.rows:
        code = row.get("unit_code", "").strip()
        if code in rows:
            errors[f"{number}"] = _("The unit %(code)s appears twice.") % {"code": code}
        rows[code] = {
            "value": row.get("value", ""),
            "denominator": row.get("denominator", ""),
        }
    if errors:
        raise CampaignInvalid(errors)
    return rows


@dataclass(frozen=True)
class FeedFile:
    """The values of a file exported by a feed source: one :class:`SupplyRow` per
    cell of an indicator column (keyed by (row number, column header)), and the
    rows' unit codes in the file's order."""

    rows: list[SupplyRow]
    units: list[tuple[int, str]]
    columns: list[tuple[str, str]]


def read_feed_file(content: bytes, *, filename: str, source: FeedSource) -> FeedFile:
    """Read an export of ``source`` (.csv or .xlsx) with its saved mapping: the
    sheet, the header row, which column holds the unit's code and which columns
    hold which indicators (and, for a ratio, its denominator: see
    :func:`denominator_of`). Raises :class:`CampaignInvalid` (``file`` → message)."""
    sheet = _feed_sheet(content, filename, source)
    unit_column = source.unit_column.strip().lower()
    mapped = {h.strip().lower(): code for h, code in source.columns.items()}
    missing = [h for h in [unit_column, *mapped] if h not in sheet.header]
    if missing:
        raise CampaignInvalid(
            {
                "file": _("The file has no column %(columns)s (header row %(row)s).")
                % {
                    "columns": ", ".join(f"“{h}”" for h in missing),
                    "row": source.header_row,
                }
            }
        )
    denominators = {
        denominator_of(code): h for h, code in mapped.items() if denominator_of(code)
    }
    # In the file's order (PostgreSQL keeps JSON keys in an order of its own).
    columns = sorted(
        ((h, code) for h, code in mapped.items() if not denominator_of(code)),
        key=lambda column: sheet.header.index(column[0]),
    )
    rows, units = [], []
    for number, row in sheet.rows:
        unit = row.get(unit_column, "").strip()
        units.append((number, unit))
        rows += [
            SupplyRow(
                key=(number, header),
                unit=unit,
                code=code,
                raw={
                    "value": row.get(header, ""),
                    "denominator": row.get(denominators.get(code, ""), ""),
                },
            )
            for header, code in columns
        ]
    return FeedFile(rows=rows, units=units, columns=columns)


# In a source's mapping, the column of a ratio's denominator maps to the
# indicator's code followed by this.
DENOMINATOR = ":denominator"


def denominator_of(code: str) -> str:
    """The indicator whose denominator a mapped ``code`` names, or ""."""
    return code.removesuffix(DENOMINATOR) if code.endswith(DENOMINATOR) else ""


def _feed_sheet(content: bytes, filename: str, source: FeedSource) -> Sheet:
    try:
        if filename.lower().endswith(".csv"):
            return read_csv(content, name=filename, header_row=source.header_row)
        if not filename.lower().endswith(".xlsx"):
            raise ImportFailed([ImportIssue(filename, 0, "", "unknown_file_type")])
        sheets = read_xlsx(content, header_row=source.header_row)
    except ImportFailed as failed:
        raise CampaignInvalid(
            {"file": "; ".join(issue.message() for issue in failed.issues)}
        ) from None
    wanted = source.sheet.strip().lower()
    sheet = sheets.get(wanted) if wanted else next(iter(sheets.values()), None)
    if sheet is None:
        raise CampaignInvalid(
            {"file": _("The file has no sheet “%(sheet)s”.") % {"sheet": source.sheet}}
        )
    return sheet


def file_headers(
    content: bytes, *, filename: str, sheet: str = "", header_row: int = 1
) -> list[str]:
    """The column headers of a sample export, to build a source's mapping from."""
    probe = FeedSource(sheet=sheet, header_row=header_row)
    return [h for h in _feed_sheet(content, filename, probe).header if h]
