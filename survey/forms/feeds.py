"""Forms of the file feeds: a feed source with the mapping of its export's columns,
and the upload of an export to import."""

from django import forms
from django.utils.translation import gettext_lazy

from survey.models import FeedSource
from survey.numbers import DEFAULT_FILE_FORMAT, NUMBER_FORMATS
from survey.services.feed_files import FeedSourceIn
from survey.services.supply_reading import DENOMINATOR, denominator_of

BLANK_ROWS = 3
MAX_MAPPING_ROWS = 60  # the readers' widest file
ROLES = {"ignore", "unit", "indicator", "denominator"}


class FeedSourceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Description"), max_length=255, required=False
    )
    sheet = forms.CharField(
        label=gettext_lazy("Sheet (Excel files; empty: the first one)"),
        max_length=120,
        required=False,
    )
    header_row = forms.IntegerField(
        label=gettext_lazy("Line of the column headers"),
        min_value=1,
        max_value=50,
        initial=1,
    )
    sample = forms.FileField(
        label=gettext_lazy("A sample export, to list its columns"), required=False
    )

    def source_in(self, mapping: list[dict]) -> FeedSourceIn:
        units = [row["header"] for row in mapping if row["role"] == "unit"]
        data = self.cleaned_data
        return FeedSourceIn(
            name=data["name"],
            description=data["description"],
            unit_column=units[0] if len(units) == 1 else "",
            columns={
                row["header"]: row["code"]
                + (DENOMINATOR if row["role"] == "denominator" else "")
                for row in mapping
                if row["role"] in ("indicator", "denominator")
            },
            sheet=data["sheet"],
            header_row=data["header_row"],
        )


def source_initial(source: FeedSource | None) -> dict:
    if source is None:
        return {"header_row": 1}
    return {
        "name": source.name,
        "description": source.description,
        "sheet": source.sheet,
        "header_row": source.header_row,
    }


def source_mapping(source: FeedSource | None) -> list[dict]:
    """The saved mapping as rows (header, role, indicator code), by indicator
    (PostgreSQL keeps JSON keys in an order of its own)."""
    if source is None:
        return []
    rows = [{"header": source.unit_column, "role": "unit", "code": ""}]
    rows += [
        {"header": header, "role": "denominator", "code": denominator_of(code)}
        if denominator_of(code)
        else {"header": header, "role": "indicator", "code": code}
        for header, code in sorted(source.columns.items(), key=_by_indicator)
    ]
    return [row for row in rows if row["header"]]


def _by_indicator(column: tuple[str, str]) -> tuple:
    """An indicator's value column, then its denominator's, by indicator code."""
    code = column[1]
    return (denominator_of(code) or code, bool(denominator_of(code)), column[0])


def posted_mapping(data) -> list[dict]:
    """The mapping rows as posted (``header-N``, ``role-N``, ``code-N``); rows
    without a header are left out."""
    rows = []
    for i in range(MAX_MAPPING_ROWS + BLANK_ROWS):
        header = data.get(f"header-{i}", "").strip().lower()
        if not header:
            continue
        role = data.get(f"role-{i}", "ignore")
        rows.append(
            {
                "header": header,
                "role": role if role in ROLES else "ignore",
                "code": data.get(f"code-{i}", "").strip(),
            }
        )
    return rows


def mapping_with_headers(mapping: list[dict], headers: list[str]) -> list[dict]:
    """``mapping`` with a row (ignored at first) for each header it lacks."""
    known = {row["header"] for row in mapping}
    extra = [
        {"header": h, "role": "ignore", "code": ""} for h in headers if h not in known
    ]
    return (mapping + extra)[:MAX_MAPPING_ROWS]


def mapping_rows(mapping: list[dict]) -> list[dict]:
    """What the page shows: the rows, then a few blank ones to type a header."""
    blank = {"header": "", "role": "ignore", "code": ""}
    return mapping + [dict(blank) for _i in range(BLANK_ROWS)]


class FeedFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Exported file (.xlsx or .csv)"))
    number_format = forms.ChoiceField(
        label=gettext_lazy("Numbers written as text in the file"),
        choices=[
            ("vi", gettext_lazy("Vietnamese: 1.234,5")),
            ("en", gettext_lazy("English: 1,234.5")),
        ],
        initial=DEFAULT_FILE_FORMAT.code,
    )

    def chosen_format(self):
        return NUMBER_FORMATS[self.cleaned_data["number_format"]]
