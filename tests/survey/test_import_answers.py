"""Import of a unit's filled answer workbook (survey.importers.answers)."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from survey.exporters import ANSWER_COLUMNS, answer_workbook_bytes
from survey.files.issues import ImportFailed
from survey.importers.answers import answers_import, read_answer_workbook
from survey.importers.framework import framework_import, read_framework_path
from survey.importers.framework_rows import NODE_COLUMNS
from survey.models import Answer, Assessment, AuditEvent, Campaign, Evidence, Unit

pytestmark = pytest.mark.django_db
VI_CATALOG = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.mo"

YEAR = 2025
META = {
    "framework_code": "T-SO",
    "framework_name_vi": "Bộ chỉ số thử",
    "year": str(YEAR),
    "unit_type": "department",
}
LEVELS = json.dumps(
    {"levels": [{"code": "a", "vi": "Mức A", "factor": 1},
                {"code": "b", "vi": "Mức B", "factor": 0.5}]}
)  # fmt: skip
CHECKS = json.dumps(
    {"checks": [{"code": "a", "vi": "Có A", "points": 4},
                {"code": "b", "vi": "Có B", "points": 6}]}
)  # fmt: skip


def node(code, parent="P", kind="indicator", **fields) -> dict:
    row = dict.fromkeys(NODE_COLUMNS, "")
    row.update(code=code, parent_code=parent, kind=kind, name_vi=f"Chỉ số {code}")
    row.update(fields)
    return row


NODES = [
    node("P", "", "pillar"),
    node("Y", answer_type="yes_no", rule="yes_no", max_points="10"),
    node(
        "C",
        answer_type="count",
        rule="tiers",
        max_points="10",
        rule_params='{"tiers": [[1, 5], [3, 10]]}',
    ),
    node("R", answer_type="ratio", rule="ratio", max_points="20"),
    node("PC", answer_type="percentage", rule="ratio", max_points="10"),
    node("L", answer_type="level", rule="level", max_points="10", rule_params=LEVELS),
    node(
        "K", answer_type="checklist", rule="checks", max_points="10", rule_params=CHECKS
    ),
    node("N", answer_type="yes_no", rule="yes_no", max_points="10", na_allowed="yes"),
    node("D", answer_type="points", rule="direct", max_points="5"),
    node(
        "M",
        answer_type="money",
        rule="target",
        max_points="10",
        rule_params='{"target": 1000000}',
    ),
    node("T", answer_type="text", rule="none"),
    node("DT", answer_type="date", rule="none"),
    node(
        "X", answer_type="yes_no", rule="yes_no", max_points="10", applies_to="commune"
    ),
    node("G", "", "bonus_group"),
    node(
        "G.1",
        "G",
        answer_type="count",
        rule="bonus",
        rule_params='{"per_item": 2, "max": 6}',
    ),
]
IN_WORKBOOK = ["Y", "C", "R", "PC", "L", "K", "N", "D", "M", "T", "DT", "G.1"]


@pytest.fixture
def version(tmp_path):
    path = tmp_path / "t.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(
            [NODE_COLUMNS, *([r[c] for c in NODE_COLUMNS] for r in NODES)]
        )
    with open(tmp_path / "t.framework.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["key", "value"], *META.items()])
    return framework_import(parsed=read_framework_path(path))


@pytest.fixture
def unit():
    return Unit.objects.create(
        code="SO-TTTT", name_vi="Sở Thông tin", unit_type="department"
    )


@pytest.fixture
def assessment(version, unit):
    campaign = Campaign.objects.create(
        year=YEAR,
        name="Đánh giá 2025",
        opens_on=date(2026, 1, 5),
        deadline=date(2026, 2, 5),
    )
    return Assessment.objects.create(campaign=campaign, unit=unit, version=version)


def blank(assessment) -> bytes:
    return answer_workbook_bytes(
        version=assessment.version, unit=assessment.unit, year=YEAR
    )


def fill(content: bytes, answers: dict[str, dict], extra_rows=()) -> bytes:
    """Write ``{code: {column: value}}`` into the answers sheet of a workbook."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["answers"]
    header = [cell.value for cell in sheet[1]]
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    for code, values in answers.items():
        for column, value in values.items():
            sheet.cell(rows[code], header.index(column) + 1, value)
    for extra in extra_rows:
        sheet.append([extra.get(column) for column in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_of(content: bytes, code: str) -> int:
    sheet = load_workbook(io.BytesIO(content))["answers"]
    return next(
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == code
    )


def state() -> tuple:
    return (
        sorted(
            Answer.objects.values_list(
                "node__code", "yes", "number", "self_points", "verified_points", "is_na"
            )
        ),
        Evidence.objects.count(),
        AuditEvent.objects.filter(object_type="survey.assessment").count(),
    )


@pytest.fixture
def existing(assessment):
    """An answer saved before the import, that a failed import must leave alone."""
    answer = Answer.objects.create(
        assessment=assessment,
        node=assessment.version.nodes.get(code="Y"),
        yes=False,
        self_points=Decimal(0),
        version=3,
    )
    Evidence.objects.create(answer=answer, kind=Evidence.Kind.DOCUMENT, summary="cũ")
    return answer


def failed(content: bytes, assessment) -> list[tuple]:
    before = state()
    with pytest.raises(ImportFailed) as failure:
        answers_import(
            assessment=assessment,
            parsed=read_answer_workbook(content, assessment=assessment),
        )
    assert state() == before
    for issue in failure.value.issues:
        vi, en = issue.message("vi"), issue.message("en")
        assert vi.strip() and en.strip() and "%(" not in vi + en
        if (
            VI_CATALOG.exists()
        ):  # translations compiled: Vietnamese differs from English
            assert vi != en, issue.code
    return failure.value.issues


def located(issues) -> set[tuple]:
    return {(i.sheet, i.row, i.column, i.code) for i in issues}


FILLED = {
    "Y": {
        "value": "có",
        "verified_points": 10,
        "evidence": "QĐ 12/QĐ-UBND ngày 01/02/2025\nCV 34/STTTT\n  \n",
        "comment": "Đã có",
    },
    "C": {"value": 3, "verified_points": "5"},
    "R": {"value": 3, "denominator": 4, "evidence": "Báo cáo số 5"},
    "PC": {"value": "50,5"},
    "L": {"value": "b"},
    "K": {"value": "a, b"},
    "N": {"na": "x"},
    "D": {"value": 4, "self_points": "4"},
    "M": {"value": "1.250.000"},
    "T": {"value": "Ghi chú, có dấu phẩy"},
    "DT": {"value": date(2025, 3, 15)},
    "G.1": {"value": 2},
}


# --- the blank workbook


def test_blank_workbook_lists_the_unit_indicators(assessment):
    workbook = load_workbook(io.BytesIO(blank(assessment)))
    assert workbook.sheetnames == ["unit", "answers"]
    meta = {r[0]: r[1] for r in workbook["unit"].iter_rows(min_row=2, values_only=True)}
    assert meta == {
        "unit_code": "SO-TTTT",
        "unit_name": "Sở Thông tin",
        "framework_code": "T-SO",
        "year": YEAR,
    }
    rows = list(workbook["answers"].iter_rows(values_only=True))
    assert list(rows[0]) == ANSWER_COLUMNS
    assert [r[0] for r in rows[1:]] == IN_WORKBOOK  # X is for communes only
    options = {r[0]: r[4] for r in rows[1:]}
    assert options["L"] == "a=Mức A; b=Mức B"
    assert options["K"] == "a=Có A; b=Có B"


def test_blank_workbook_imports_nothing_but_empty_answers(assessment):
    count = answers_import(
        assessment=assessment,
        parsed=read_answer_workbook(blank(assessment), assessment=assessment),
    )
    assert count == len(IN_WORKBOOK)
    assert set(Answer.objects.values_list("self_points", flat=True)) == {None}
    assert not Evidence.objects.exists()


def test_export_framework_command_writes_the_blank_workbook(assessment, tmp_path):
    output = tmp_path / "so-tttt.xlsx"
    message = call_command(
        "export_framework", "T-SO", str(YEAR), "-o", str(output), "--unit", "SO-TTTT"
    )
    assert message == f"Wrote the answer workbook of SO-TTTT to {output}"

    def values(workbook):
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook}

    expected = load_workbook(io.BytesIO(blank(assessment)))
    assert values(load_workbook(output)) == values(expected)
    with pytest.raises(CommandError, match="No unit with code XA-9"):
        call_command(
            "export_framework", "T-SO", str(YEAR), "-o", str(output), "--unit", "XA-9"
        )


# --- a filled workbook


def test_filled_workbook_is_imported(assessment, existing):
    content = fill(blank(assessment), FILLED)
    parsed = read_answer_workbook(content, assessment=assessment)
    assert answers_import(assessment=assessment, parsed=parsed) == len(IN_WORKBOOK)
    answers = {a.node.code: a for a in Answer.objects.select_related("node")}
    assert set(answers) == set(IN_WORKBOOK)  # the earlier Y answer was replaced

    y = answers["Y"]
    assert (y.yes, y.self_points, y.verified_points) == (True, Decimal(10), Decimal(10))
    assert y.review_status == Answer.ReviewStatus.AGREED
    assert y.comment == "Đã có"
    assert list(y.evidence.values_list("kind", "summary")) == [
        ("document", "QĐ 12/QĐ-UBND ngày 01/02/2025"),
        ("document", "CV 34/STTTT"),
    ]
    c = answers["C"]
    assert (c.number, c.self_points, c.verified_points) == (
        Decimal(3),
        Decimal(10),
        Decimal(5),
    )
    assert c.review_status == Answer.ReviewStatus.DISAGREED
    r = answers["R"]
    assert (r.number, r.denominator, r.self_points) == (
        Decimal(3),
        Decimal(4),
        Decimal(15),
    )
    assert r.review_status == Answer.ReviewStatus.PENDING and r.verified_points is None
    assert list(r.evidence.values_list("summary", flat=True)) == ["Báo cáo số 5"]
    assert (answers["PC"].number, answers["PC"].self_points) == (
        Decimal("50.5"),
        Decimal("5.05"),
    )
    assert (answers["L"].choice, answers["L"].self_points) == ("b", Decimal(5))
    assert (answers["K"].checks, answers["K"].self_points) == (["a", "b"], Decimal(10))
    n = answers["N"]
    assert n.is_na and n.yes is None and n.self_points is None
    d = answers["D"]
    assert (d.number, d.self_points) == (Decimal(4), Decimal(4))  # points agree
    assert (answers["M"].number, answers["M"].self_points) == (
        Decimal(1250000),
        Decimal(10),
    )
    assert (answers["T"].text, answers["T"].self_points) == (
        "Ghi chú, có dấu phẩy",
        None,
    )
    assert answers["DT"].date == date(2025, 3, 15)
    assert (answers["G.1"].number, answers["G.1"].self_points) == (
        Decimal(2),
        Decimal(4),
    )
    assert Evidence.objects.count() == 3  # the earlier evidence went with its answer
    assert AuditEvent.objects.filter(
        action="import", object_type="survey.assessment", object_id=str(assessment.pk)
    ).exists()


def test_importing_twice_replaces_the_answers(assessment):
    content = fill(blank(assessment), FILLED)
    for _ in range(2):
        answers_import(
            assessment=assessment,
            parsed=read_answer_workbook(content, assessment=assessment),
        )
    assert Answer.objects.count() == len(IN_WORKBOOK)
    assert Evidence.objects.count() == 3


def test_partial_workbook_keeps_other_answers(assessment, existing):
    content = fill(blank(assessment), {"C": {"value": 1}})
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["answers"]
    for r in range(sheet.max_row, 1, -1):  # keep only the header and C
        if sheet.cell(r, 1).value != "C":
            sheet.delete_rows(r, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    answers_import(
        assessment=assessment,
        parsed=read_answer_workbook(buffer.getvalue(), assessment=assessment),
    )
    assert sorted(Answer.objects.values_list("node__code", "self_points")) == [
        ("C", Decimal(5)),
        ("Y", Decimal(0)),
    ]


def test_import_answers_command(assessment, tmp_path):
    path = tmp_path / "so-tttt.xlsx"
    path.write_bytes(fill(blank(assessment), FILLED))
    message = call_command(
        "import_answers", str(path), "--year", str(YEAR), "--unit", "SO-TTTT"
    )
    assert message == f"Imported {len(IN_WORKBOOK)} answers of SO-TTTT for {YEAR}"
    assert Answer.objects.get(node__code="R").self_points == Decimal(15)
    assert Evidence.objects.count() == 3


def test_import_answers_command_refuses_an_invalid_workbook(
    assessment, existing, tmp_path
):
    path = tmp_path / "so-tttt.xlsx"
    content = fill(blank(assessment), {"C": {"value": "ba"}})
    path.write_bytes(content)
    before = state()
    with pytest.raises(CommandError) as failure:
        call_command(
            "import_answers", str(path), "--year", str(YEAR), "--unit", "SO-TTTT"
        )
    assert "1 problem(s), nothing imported" in str(failure.value)
    assert f"[answers · {row_of(content, 'C')} · value]" in str(failure.value)
    assert state() == before


def test_import_answers_command_without_assessment(assessment, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(blank(assessment))
    with pytest.raises(CommandError, match="No assessment of SO-TTTT in 2024"):
        call_command("import_answers", str(path), "--year", "2024", "--unit", "SO-TTTT")


# --- validation


def test_unknown_indicator_code(assessment, existing):
    content = fill(
        blank(assessment), {"Y": {"value": "có"}}, [{"code": "ZZ.9", "value": "1"}]
    )
    issues = failed(content, assessment)
    assert located(issues) == {
        ("answers", len(IN_WORKBOOK) + 2, "code", "unknown_indicator")
    }
    assert "ZZ.9" in issues[0].message("en")


def test_na_not_boolean(assessment, existing):
    content = fill(blank(assessment), {"N": {"na": "có lẽ"}})
    assert located(failed(content, assessment)) == {
        ("answers", row_of(content, "N"), "na", "not_boolean")
    }


def test_text_in_a_number_field(assessment, existing):
    content = fill(blank(assessment), {"C": {"value": "ba cuộc họp"}})
    issues = failed(content, assessment)
    assert located(issues) == {("answers", row_of(content, "C"), "value", "not_number")}
    assert "ba cuộc họp" in issues[0].message("en")


@pytest.mark.parametrize(
    ("answer", "column"),
    [
        ({"value": "ba", "denominator": 4}, "value"),
        ({"value": 3, "denominator": "bốn"}, "denominator"),
        ({"value": None, "denominator": "bốn"}, "denominator"),
    ],
)
def test_text_in_a_ratio_names_the_bad_cell(assessment, existing, answer, column):
    content = fill(blank(assessment), {"R": answer})
    issues = failed(content, assessment)
    assert located(issues) == {("answers", row_of(content, "R"), column, "not_number")}
    assert str(answer[column]) in issues[0].message("en")


def test_numerator_above_denominator(assessment, existing):
    content = fill(blank(assessment), {"R": {"value": 5, "denominator": 4}})
    issues = failed(content, assessment)
    assert located(issues) == {
        ("answers", row_of(content, "R"), "value", "answer_invalid")
    }
    assert issues[0].params["value"] == "numerator_above_denominator"


@pytest.mark.parametrize(
    ("code", "answer", "error"),
    [
        ("Y", {"na": "x"}, "na_not_allowed"),  # Y does not allow N/A
        ("L", {"value": "z"}, "unknown_level"),
        ("K", {"value": "a, z"}, "unknown_check"),
        ("PC", {"value": "120"}, "percentage_above_100"),
        ("R", {"value": 3}, "denominator_missing"),
        ("C", {"value": -1}, "negative_value"),
        ("D", {"value": 6}, "points_above_max"),
    ],
)
def test_engine_errors_are_reported(assessment, existing, code, answer, error):
    content = fill(blank(assessment), {code: answer})
    issues = failed(content, assessment)
    assert located(issues) == {
        ("answers", row_of(content, code), "value", "answer_invalid")
    }
    assert issues[0].params["value"] == error


@pytest.mark.parametrize("column", ["self_points", "verified_points"])
def test_points_above_max(assessment, existing, column):
    content = fill(blank(assessment), {"Y": {"value": "có", column: "10,5"}})
    issues = failed(content, assessment)
    assert located(issues) == {
        ("answers", row_of(content, "Y"), column, "points_above_max")
    }
    assert issues[0].params["max"] == Decimal(10)


def test_negative_points(assessment, existing):
    content = fill(blank(assessment), {"D": {"value": 1, "self_points": -1}})
    assert located(failed(content, assessment)) == {
        ("answers", row_of(content, "D"), "self_points", "points_above_max")
    }


def test_bad_yes_no_and_date_values(assessment, existing):
    content = fill(
        blank(assessment), {"Y": {"value": "có lẽ"}, "DT": {"value": "30/02/2025"}}
    )
    assert located(failed(content, assessment)) == {
        ("answers", row_of(content, "Y"), "value", "not_boolean"),
        ("answers", row_of(content, "DT"), "value", "not_date"),
    }


def test_several_errors_are_all_reported(assessment, existing):
    content = fill(
        blank(assessment),
        {"C": {"value": "ba"}, "N": {"na": "?"}, "Y": {"verified_points": 11}},
        [{"code": "ZZ"}],
    )
    assert located(failed(content, assessment)) == {
        ("answers", row_of(content, "C"), "value", "not_number"),
        ("answers", row_of(content, "N"), "na", "not_boolean"),
        ("answers", row_of(content, "Y"), "verified_points", "points_above_max"),
        ("answers", len(IN_WORKBOOK) + 2, "code", "unknown_indicator"),
    }


def test_workbook_of_another_unit(assessment, existing, version):
    other = Unit.objects.create(code="SO-YT", name_vi="Sở Y tế", unit_type="department")
    content = fill(
        answer_workbook_bytes(version=version, unit=other, year=YEAR), FILLED
    )
    issues = failed(content, assessment)
    assert located(issues) == {("unit", 0, "unit_code", "unit_mismatch")}
    assert "SO-YT" in issues[0].message("en")


def test_missing_answers_sheet(assessment, existing):
    workbook = Workbook()
    workbook.active.title = "unit"
    workbook.active.append(["key", "value"])
    workbook.active.append(["unit_code", "SO-TTTT"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    issues = failed(buffer.getvalue(), assessment)
    assert located(issues) == {("answers", 0, "", "sheet_missing")}
    assert "answers" in issues[0].message("en")


def test_unreadable_workbook(assessment, existing):
    assert located(failed(b"PK not really", assessment)) == {
        ("", 0, "", "file_unreadable")
    }


@pytest.mark.parametrize(
    "locked",
    [Assessment.State.SUBMITTED, Assessment.State.IN_REVIEW, Assessment.State.VERIFIED],
)
def test_locked_assessment_is_refused(assessment, existing, locked):
    Assessment.objects.filter(pk=assessment.pk).update(state=locked)
    assessment.refresh_from_db()
    issues = failed(fill(blank(assessment), FILLED), assessment)
    assert located(issues) == {("answers", 0, "", "assessment_locked")}


def test_locked_assessment_is_refused_by_the_command(assessment, existing, tmp_path):
    Assessment.objects.filter(pk=assessment.pk).update(state=Assessment.State.SUBMITTED)
    path = tmp_path / "so-tttt.xlsx"
    path.write_bytes(fill(blank(assessment), FILLED))
    before = state()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command(
            "import_answers", str(path), "--year", str(YEAR), "--unit", "SO-TTTT"
        )
    assert state() == before


@pytest.mark.parametrize(
    ("state_", "allowed"),
    [
        (Assessment.State.DRAFT, True),
        (Assessment.State.READY, True),
        (Assessment.State.RETURNED, True),
        (Assessment.State.PUBLISHED, True),
    ],
)
def test_editable_states_and_an_empty_published_past_year(assessment, state_, allowed):
    Assessment.objects.filter(pk=assessment.pk).update(state=state_)
    assessment.refresh_from_db()
    content = fill(blank(assessment), FILLED)
    count = answers_import(
        assessment=assessment,
        parsed=read_answer_workbook(content, assessment=assessment),
    )
    assert count == len(IN_WORKBOOK)


def test_published_assessment_with_answers_is_refused(assessment, existing):
    Assessment.objects.filter(pk=assessment.pk).update(state=Assessment.State.PUBLISHED)
    assessment.refresh_from_db()
    issues = failed(fill(blank(assessment), FILLED), assessment)
    assert located(issues) == {("answers", 0, "", "assessment_locked")}


def test_indicator_code_twice_is_an_issue(assessment, existing):
    content = fill(
        blank(assessment), {"Y": {"value": "có"}}, [{"code": "Y", "value": "không"}]
    )
    issues = failed(content, assessment)
    assert any(i.column == "code" and i.row == len(IN_WORKBOOK) + 2 for i in issues)


def test_fixture_framework_answer_workbook(tmp_path):
    """The shipped commune framework: a blank workbook for a commune imports cleanly."""
    fixtures = Path(__file__).resolve().parents[2] / "fixtures" / "frameworks"
    version = framework_import(
        parsed=read_framework_path(fixtures / "commune-2025.csv")
    )
    unit = Unit.objects.create(code="XA-1", name_vi="Xã Một", unit_type="commune")
    campaign = Campaign.objects.create(
        year=YEAR,
        name="DTI xã 2025",
        opens_on=date(2026, 1, 1),
        deadline=date(2026, 2, 1),
    )
    assessment = Assessment.objects.create(
        campaign=campaign, unit=unit, version=version
    )
    content = answer_workbook_bytes(version=version, unit=unit, year=YEAR)
    yes_no = version.nodes.filter(answer_type="yes_no").first()
    content = fill(content, {yes_no.code: {"value": "có", "evidence": "Văn bản 1"}})
    count = answers_import(
        assessment=assessment,
        parsed=read_answer_workbook(content, assessment=assessment),
    )
    assert count == 62
    assert Answer.objects.get(node=yes_no).self_points == yes_no.max_points
