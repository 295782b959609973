"""Import of a unit's answers from its filled answer workbook (past years, offline).

Columns as written by ``export_framework --unit`` (survey.exporters.ANSWER_COLUMNS).
Everything is validated first; an invalid workbook writes nothing.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from survey.files.issues import ImportFailed, ImportIssue
from survey.files.tabular import (
    Sheet,
    grouped,
    parse_bool,
    parse_date,
    read_xlsx,
)
from survey.models import Answer, Assessment, Evidence, Node
from survey.numbers import (
    DEFAULT_FILE_FORMAT,
    NUMBER_FORMATS,
    NumberFormat,
    number_format_named,
    read_number,
)
from survey.results.points import answer_points
from survey.services.answer_access import SUPPLIED_LOCKED
from survey.services.answer_checks import MAX_NUMBER
from survey.services.answers import answer_values
from survey.services.audit import audit_record
from survey.states import EDITABLE_ASSESSMENT_STATES

SHEET = "answers"
NUMERIC_TYPES = {"count", "number", "percentage", "ratio", "money", "points"}


@dataclass
class ParsedAnswer:
    node: Node
    values: dict
    is_na: bool
    comment: str
    self_points: Decimal | None
    verified_points: Decimal | None
    evidence: list[str] = field(default_factory=list)


def read_answer_workbook(
    content: bytes, *, assessment: Assessment
) -> list[ParsedAnswer]:
    sheets = read_xlsx(content)
    issues: list[ImportIssue] = []
    sheet = sheets.get(SHEET)
    if sheet is None:
        raise ImportFailed(
            [ImportIssue(SHEET, 0, "", "sheet_missing", {"sheet": SHEET})]
        )
    number_format = _number_format(sheets.get("unit"), issues)
    unit_code = _meta(sheets.get("unit"), "unit_code")
    if unit_code and unit_code != assessment.unit.code:
        issues.append(
            ImportIssue("unit", 0, "unit_code", "unit_mismatch", {"value": unit_code})
        )
    framework = _meta(sheets.get("unit"), "framework_code")
    if framework and framework != assessment.version.framework.code:
        issues.append(
            ImportIssue(
                "unit", 0, "framework_code", "framework_mismatch", {"value": framework}
            )
        )
    nodes = {n.code: n for n in assessment.version.nodes.filter(kind="indicator")}
    parsed, first_row = [], {}
    for number, row in sheet.rows:
        code = row.get("code", "")
        if code in first_row:
            issues.append(
                ImportIssue(
                    sheet.name,
                    number,
                    "code",
                    "duplicate_code",
                    {"value": code, "row": first_row[code]},
                )
            )
            continue
        first_row[code] = number
        parsed.append(
            _row(sheet, number, row, nodes, issues, assessment, number_format)
        )
    if issues:
        raise ImportFailed(issues)
    return [answer for answer in parsed if answer is not None]


def _meta(sheet: Sheet | None, key: str) -> str:
    if sheet is None:
        return ""
    return next(
        (row.get("value", "") for _n, row in sheet.rows if row.get("key") == key), ""
    )


def _number_format(meta: Sheet | None, issues: list[ImportIssue]) -> NumberFormat:
    """The format of numbers written as text, from the ``number_format`` key of the
    ``unit`` sheet (``vi`` or ``en``); Vietnamese when the file does not say."""
    code = _meta(meta, "number_format").strip().lower()
    if not code:
        return DEFAULT_FILE_FORMAT
    found = number_format_named(code)
    if found is None:
        choices = ", ".join(NUMBER_FORMATS)
        params = {"value": code, "choices": choices}
        issues.append(ImportIssue("unit", 0, "number_format", "unknown_choice", params))
    return found or DEFAULT_FILE_FORMAT


def _row(
    sheet, number, row, nodes, issues, assessment, number_format
) -> ParsedAnswer | None:
    def fail(column, code, **params):
        issues.append(ImportIssue(sheet.name, number, column, code, params))

    node = nodes.get(row.get("code", ""))
    if node is None:
        fail("code", "unknown_indicator", value=row.get("code", ""))
        return None
    is_na = parse_bool(row.get("na", ""))
    if is_na is None:
        fail("na", "not_boolean", value=row.get("na", ""))
        return None
    values = {} if is_na else _values(node, row, fail, number_format)
    if values is None:
        return None
    precision = assessment.version.precision
    points, error = answer_points(
        node=node, values=values, is_na=is_na, precision=precision
    )
    if error:
        fail("value", "answer_invalid", value=error)
    self_points = _points(row, "self_points", node, fail, number_format)
    if self_points is not None and not error and _answered(values, is_na):
        _check_agreement(points, self_points, precision, fail)
    verified = _points(row, "verified_points", node, fail, number_format)
    evidence = [
        line.strip() for line in row.get("evidence", "").splitlines() if line.strip()
    ]
    return ParsedAnswer(
        node,
        values,
        is_na,
        row.get("comment", ""),
        self_points if self_points is not None else points,
        verified,
        evidence,
    )


def _values(node: Node, row: dict, fail, number_format) -> dict | None:
    text = row.get("value", "")
    if not text and not row.get("denominator"):
        return {}
    kind = node.answer_type
    if kind == "yes_no":
        yes = parse_bool(text)
        if yes is None:
            fail("value", "not_boolean", value=text)
            return None
        return {"yes": yes}
    if kind in NUMERIC_TYPES:
        columns = ["value", "denominator"] if kind == "ratio" else ["value"]
        values = {}
        for column, field in zip(columns, ("number", "denominator"), strict=False):
            cell = row.get(column, "")
            number = _number(cell, column, fail, number_format)
            if number is False:
                return None
            values[field] = number
        return values
    if kind == "date":
        try:
            return {"date": parse_date(text)}
        except ValueError:
            fail("value", "not_date", value=text)
            return None
    if kind == "level":
        return {"choice": text}
    if kind == "checklist":
        return {"checks": [code.strip() for code in text.split(",") if code.strip()]}
    return {"text": text}


# Points are stored with 8 digits before the decimal mark.
MAX_POINTS = Decimal(10) ** 8


def _number(cell, column: str, fail, number_format) -> Decimal | None | bool:
    """The number in ``cell`` (numbers as they are, text in the file's format), or
    False after reporting why it is not one."""
    try:
        value = read_number(cell, number_format)
    except ValidationError as error:
        if error.code == "not_a_number":
            fail(column, "not_number", value=cell)
        else:
            fail(column, "number_format", value=cell, example=number_format.example)
        return False
    limit = MAX_POINTS if column.endswith("points") else MAX_NUMBER
    if value is not None and not (value.is_finite() and abs(value) < limit):
        # Past what the answer's columns hold: refused here, not by the database.
        fail(column, "out_of_range")
        return False
    return value


def _points(row: dict, column: str, node: Node, fail, number_format) -> Decimal | None:
    value = _number(row.get(column, ""), column, fail, number_format)
    if value is False:
        return None
    outside = node.rule in (Node.Rule.BONUS, Node.Rule.PENALTY)
    bounded = value is not None and not outside and node.max_points is not None
    if bounded and (value > node.max_points or value < 0):
        fail(column, "points_above_max", value=value, max=node.max_points)
        return None
    return value


def _answered(values: dict, is_na: bool) -> bool:
    return is_na or any(value not in (None, "", []) for value in values.values())


def _check_agreement(earned, typed: Decimal, precision: int, fail) -> None:
    """Points typed beside a value must be the points the value earns.

    The engine scores the value whenever there is one, so other points would be
    stored and shown but never counted. Points without a value (a published past
    year) stand as typed; ``verified_points`` are the reviewer's and may differ.
    """
    if earned is None:
        fail("self_points", "points_not_earned", typed=grouped(typed))
    elif typed.quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP) != earned:
        fail(
            "self_points",
            "points_disagree",
            earned=grouped(earned),
            typed=grouped(typed),
        )


@transaction.atomic
def answers_import(
    *, assessment: Assessment, parsed: list[ParsedAnswer], user=None
) -> int:
    """Write the parsed answers, replacing earlier ones of the same indicators."""
    if assessment.state not in EDITABLE_ASSESSMENT_STATES and not (
        assessment.state == Assessment.State.PUBLISHED
        and not assessment.answers.exists()
    ):
        raise ImportFailed([ImportIssue(SHEET, 0, "", "assessment_locked")])
    parsed = _without_supplied(assessment, parsed)
    assessment.answers.filter(node__in=[p.node for p in parsed]).delete()
    answers = Answer.objects.bulk_create([_answer(assessment, p, user) for p in parsed])
    Evidence.objects.bulk_create(
        [
            Evidence(
                answer=answer,
                kind=Evidence.Kind.DOCUMENT,
                summary=text,
                created_by=user,
            )
            for answer, p in zip(answers, parsed, strict=True)
            for text in p.evidence
        ]
    )
    audit_record(
        actor=user,
        action="import",
        obj=assessment,
        assessment_id=assessment.pk,
        after={"answers": len(answers)},
    )
    return len(answers)


def _without_supplied(
    assessment: Assessment, parsed: list[ParsedAnswer]
) -> list[ParsedAnswer]:
    """``parsed`` without the values the province supplied, which stay as they
    are; refused (nothing written) when the file would change one of them."""
    supplied = {
        a.node_id: a
        for a in assessment.answers.filter(
            node__in=[p.node for p in parsed], supplied_by_province=True
        )
    }
    issues = [
        ImportIssue(
            SHEET,
            0,
            "code",
            "supplied_value",
            {"value": p.node.code, "source": _source(supplied[p.node.pk])},
        )
        for p in parsed
        if p.node.pk in supplied and _changes(supplied[p.node.pk], p)
    ]
    if issues:
        raise ImportFailed(issues)
    return [p for p in parsed if p.node.pk not in supplied]


def _changes(answer: Answer, p: ParsedAnswer) -> bool:
    before = answer_values(answer)
    after = answer_values(Answer(is_na=p.is_na, **p.values))
    return any(before[name] != after[name] for name in SUPPLIED_LOCKED)


def _source(answer: Answer):
    return answer.supply_source or gettext_lazy("the province's systems")


def _answer(assessment: Assessment, p: ParsedAnswer, user) -> Answer:
    verified = p.verified_points is not None
    return Answer(
        assessment=assessment,
        node=p.node,
        is_na=p.is_na,
        comment=p.comment,
        self_points=p.self_points,
        verified_points=p.verified_points,
        review_status=Answer.ReviewStatus.AGREED
        if verified and p.verified_points == p.self_points
        else Answer.ReviewStatus.DISAGREED
        if verified
        else Answer.ReviewStatus.PENDING,
        version=1,
        updated_by=user,
        **p.values,
    )
