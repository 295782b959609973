"""Import problems: each names the sheet, row and column, in Vietnamese and English."""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from survey.text import UNSTORABLE

MESSAGES = {
    "file_unreadable": _("The file cannot be read as an Excel workbook."),
    "csv_not_utf8": _("The CSV file is not encoded in UTF-8."),
    "unknown_file_type": _("Only .xlsx and .csv files can be imported."),
    "sheet_missing": _("The sheet “%(sheet)s” is missing."),
    "column_missing": _("The column “%(column)s” is missing."),
    "key_missing": _("The key “%(column)s” is missing."),
    "required": _("This cell must not be empty."),
    "too_long": _("The text is longer than %(max)s characters."),
    "unstorable": UNSTORABLE,
    "not_integer": _("“%(value)s” is not a whole number."),
    "not_number": _("“%(value)s” is not a number."),
    "number_ambiguous": _(
        "“%(value)s” can be read as thousands or as a decimal: write it without "
        "the dot for thousands (2500) or with a decimal comma (2,5)."
    ),
    "number_format": _(
        "“%(value)s” is not a number as this file writes them: write it as %(example)s."
    ),
    "not_date": _("“%(value)s” is not a date written dd/mm/yyyy."),
    "not_boolean": _("“%(value)s” is neither yes nor no."),
    "negative": _("The number must not be negative."),
    "out_of_range": _("The value is outside the allowed range."),
    "unknown_choice": _("“%(value)s” is not one of: %(choices)s."),
    "duplicate_code": _(
        "The code “%(value)s” appears more than once (first in row %(row)s)."
    ),
    "unknown_parent": _("The parent code “%(value)s” does not exist in this file."),
    "cycle": _("The code “%(value)s” is its own ancestor (a cycle)."),
    "indicator_has_children": _("An indicator cannot have children (“%(value)s”)."),
    "scored_without_max": _("A scored indicator needs its maximum points."),
    "indicator_without_rule": _("An indicator needs an answer type and a rule."),
    "rule_answer_mismatch": _(
        "The rule “%(rule)s” cannot score answers of type “%(value)s”."
    ),
    "params_not_json": _("The rule parameters are not valid JSON."),
    "params_invalid": _(
        "The rule parameters do not fit the rule “%(rule)s”: %(value)s."
    ),
    "children_above_max": _(
        "The children of “%(value)s” add up to %(total)s points, above its maximum "
        "%(max)s; mark the group capped or correct the points."
    ),
    "bonus_outside_group": _(
        "Bonus and penalty rules belong in a bonus or penalty group."
    ),
    "group_needs_children": _("The group “%(value)s” has no indicators."),
    "date_window_reversed": _("The window ends before it starts."),
    "unknown_previous_version": _(
        "The previous version “%(value)s” has not been imported."
    ),
    "framework_code_other_province": _(
        "The framework code “%(value)s” is already used by another province."
    ),
    "framework_code_national": _(
        "The framework code “%(value)s” belongs to a national framework: open it "
        "in the list of frameworks and copy it as your province's framework."
    ),
    "framework_code_provincial": _(
        "The framework code “%(value)s” is already used by a province's framework."
    ),
    "unknown_continues": _(
        "The code “%(value)s” does not exist in the previous version to continue."
    ),
    "continues_without_previous": _(
        "Name the previous version to use “continues_code”."
    ),
    "levels_order": _("Level bounds must start at 0 and increase strictly."),
    "unknown_indicator": _("The indicator code “%(value)s” is not in the framework."),
    "answer_invalid": _("The answer is not valid: %(value)s."),
    "points_above_max": _("The points %(value)s are above the maximum %(max)s."),
    "framework_mismatch": _(
        "The workbook is for framework “%(value)s”, not the one of this assessment."
    ),
    "unit_mismatch": _("The workbook is for unit “%(value)s”, not for this unit."),
    "assessment_locked": _("This assessment can no longer be changed by import."),
    "supplied_value": _(
        "The value of indicator “%(value)s” was supplied by the province from "
        "%(source)s; the unit cannot change it. Comment on it if you think it is "
        "wrong."
    ),
    "file_too_large": _(
        "The file has %(size)s bytes, more than the %(max)s bytes allowed."
    ),
    "unzipped_too_large": _(
        "The workbook unpacks to more than %(max)s bytes and is not read; save it "
        "again from Excel without the unneeded sheets or images."
    ),
    "too_many_sheets": _("The workbook has more than %(max)s sheets."),
    "too_many_rows": _(
        "The sheet has more than %(max)s rows below its header and is not read; "
        "split the file or delete the rows below the table."
    ),
    "too_many_columns": _(
        "The sheet has more than %(max)s columns and is not read; delete the "
        "columns beside the table."
    ),
    "cell_too_long": _(
        "The cell holds %(length)s characters, more than the %(max)s allowed."
    ),
    "csv_malformed": _(
        "This line of the CSV file cannot be read: a quote is not closed or a cell "
        "is longer than %(max)s characters."
    ),
    "no_rows": _("The sheet has no rows below its header."),
    "params_too_deep": _(
        "The rule parameters are nested more than %(max)s levels deep."
    ),
    "params_not_finite": _(
        "The rule parameters hold a number that is not finite (NaN or Infinity)."
    ),
    "number_too_large": _("The number must not be above %(max)s."),
    "points_disagree": _(
        "The value earns %(earned)s points but %(typed)s points are typed; leave "
        "the points empty or make them agree with the value."
    ),
    "points_not_earned": _(
        "The value alone sets no points here (not scored, not applicable, or "
        "compared with the best unit) but %(typed)s points are typed; leave the "
        "points empty."
    ),
}
# An error page or command lists this many problems, then counts the rest.
MAX_SHOWN = 200


@dataclass(frozen=True)
class ImportIssue:
    sheet: str
    row: int
    column: str
    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)

    def message(self, language: str | None = None) -> str:
        template = MESSAGES.get(self.code, self.code)
        with translation.override(language or translation.get_language()):
            params = {key: str(value) for key, value in self.params.items()}
            return str(template) % params if params else str(template)

    @property
    def message_en(self) -> str:
        return self.message("en")

    def location(self) -> str:
        parts = [self.sheet]
        if self.row:
            parts.append(f"{self.row}")
        if self.column:
            parts.append(self.column)
        return " · ".join(part for part in parts if part)

    def __str__(self) -> str:
        return f"[{self.location()}] {self.message('vi')} / {self.message('en')}"


class ImportFailed(Exception):
    """The file is invalid and nothing was written; ``issues`` lists every problem.

    ``shown`` is what a page or a command lists (the first :data:`MAX_SHOWN`) and
    ``hidden`` how many more there are, so that a file with a problem on every one
    of thousands of rows still gives a short answer.
    """

    def __init__(self, issues: list[ImportIssue]) -> None:
        self.issues = issues
        super().__init__(self.report())

    @property
    def shown(self) -> list[ImportIssue]:
        return self.issues[:MAX_SHOWN]

    @property
    def hidden(self) -> int:
        return max(len(self.issues) - MAX_SHOWN, 0)

    def report(self) -> str:
        """The shown problems, one a line, and a last line counting the rest."""
        lines = [str(issue) for issue in self.shown]
        if self.hidden:
            lines.append(f"… and {self.hidden:,} more problems")
        return "\n".join(lines)


class IssueCollector:
    """The problems found so far while reading a file, and the rows they are on."""

    def __init__(self) -> None:
        self.issues: list[ImportIssue] = []
        self.rows: set[tuple[str, int]] = set()

    def add(self, sheet: str, row: int, column: str, code: str, /, **params) -> None:
        self.issues.append(ImportIssue(sheet, row, column, code, params))
        self.rows.add((sheet, row))

    def has(self, sheet: str, row: int) -> bool:
        """Whether a problem was already found on ``row`` of ``sheet``."""
        return (sheet, row) in self.rows
