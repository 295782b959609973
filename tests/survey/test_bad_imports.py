"""Bad files for the framework and answer imports (tests/data/bad/).

Each case is refused with problems that name the sheet, row and column, lists at most
200 of them and counts the rest, and writes nothing. The files too big to keep (a
million rows, a zip bomb, an 11 MB file) are made here, streamed to a temporary
folder; the limits of survey.files.tabular stop them at once.
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.html import escape
from openpyxl import Workbook

from survey.exporters import ANSWER_COLUMNS
from survey.files.issues import MAX_SHOWN, ImportFailed
from survey.files.tabular import LIMITS, parse_decimal
from survey.importers.answers import answers_import, read_answer_workbook
from survey.importers.framework import framework_import, read_framework_path
from survey.importers.framework_rows import NODE_COLUMNS
from survey.models import (
    Answer,
    Assessment,
    Campaign,
    Framework,
    FrameworkVersion,
    Membership,
    Node,
    Unit,
    User,
)
from survey.results.points import answer_points

pytestmark = pytest.mark.django_db

DATA = Path(settings.BASE_DIR) / "tests" / "data" / "bad"
FRAMEWORKS, ANSWERS = DATA / "frameworks", DATA / "answers"
META = {
    "framework_code": "BAD-SO",
    "framework_name_vi": "Bộ chỉ số thử",
    "year": 2025,
    "unit_type": "department",
}
FIRST_OVER = LIMITS.max_rows + 2  # the first row past the limit (header = row 1)


def counts() -> tuple[int, ...]:
    return (
        Framework.objects.count(),
        FrameworkVersion.objects.count(),
        Node.objects.count(),
        Answer.objects.count(),
    )


def located(issues) -> set[tuple]:
    return {(i.sheet, i.row, i.column, i.code) for i in issues}


# --- builders of framework files


def node(code, parent="", kind="indicator", **fields) -> dict:
    row = dict.fromkeys(NODE_COLUMNS, "")
    row.update(code=code, parent_code=parent, kind=kind, name_vi=f"Tên {code}")
    if kind == "indicator":
        row.update(answer_type="yes_no", rule="yes_no", max_points="10")
    row.update(fields)
    return row


def base_nodes(**changes_of_p1) -> list[dict]:
    """A valid tree. Rows (header = 1): P 2, P.1 3, P.2 4, P.3 5."""
    return [
        node("P", kind="pillar", max_points="30"),
        node("P.1", "P", **changes_of_p1),
        node(
            "P.2",
            "P",
            answer_type="count",
            rule="tiers",
            rule_params='{"tiers": [[1, 5], [3, 10]]}',
        ),
        node("P.3", "P", answer_type="ratio", rule="ratio"),
    ]


def node_rows(nodes: list[dict]) -> list[list]:
    return [NODE_COLUMNS, *([row[c] for c in NODE_COLUMNS] for row in nodes)]


def write_csv(path: Path, rows) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def stream_rows(path: Path, sheets: dict[str, list[list]], big: str, count: int):
    """A workbook whose sheet ``big`` gets ``count`` one-cell rows, streamed."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title == big:
            for number in range(count):
                sheet.append([f"N{number}"])
    workbook.save(path)
    return path


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]):
    """Change the member ``member`` of the workbook (every member for "*")."""
    source = path.read_bytes()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as old,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data = old.read(info.filename)
            mine = member in ("*", info.filename)
            new.writestr(info, change(data) if mine else data)
    return path


def with_long_cell(path: Path, sheets: dict[str, list[list]], length: int) -> Path:
    """A workbook with a cell of ``length`` characters where "LONG" is written.

    openpyxl cuts what it writes at Excel's 32,767 characters, so the text goes
    into the file's XML afterwards, as another program could write it.
    """
    write_xlsx(path, sheets)
    text = ("ả" * length).encode()
    return rewrite_member(
        path, "*", lambda xml: xml.replace(b">LONG<", b">" + text + b"<")
    )


def with_dimension(path: Path, ref: str) -> Path:
    """Make the first sheet's stored dimension say ``ref``, whatever it holds."""

    def change(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
        return xml.replace(
            b"<sheetData", f'<dimension ref="{ref}"/><sheetData'.encode()
        )

    return rewrite_member(path, "xl/worksheets/sheet1.xml", change)


def zip_bomb(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A valid workbook whose first sheet is padded to 200 MB (a few hundred KB
    packed): white space inside the XML, streamed into the archive."""
    write_xlsx(path, sheets)
    source = path.read_bytes()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as old,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                new.writestr(info, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with new.open(info.filename, "w", force_zip64=True) as member:
                member.write(head)
                for _ in range(200):
                    member.write(b" " * (1024 * 1024))
                member.write(b"</sheetData>" + tail)
    return path


_MILLION: dict[str, Path] = {}


def million_rows(tmp: Path) -> Path:
    """The upload that held a worker for minutes: a million one-cell rows below the
    header of the indicators sheet. Made once (it takes seconds), then shared."""
    if "path" not in _MILLION:
        _MILLION["path"] = stream_rows(
            tmp / "million.xlsx", {"indicators": [NODE_COLUMNS]}, "indicators", 10**6
        )
    return _MILLION["path"]


def million_answer_rows(tmp: Path) -> Path:
    """The same rows in the answers sheet of an answer workbook."""
    path = tmp / "million-answers.xlsx"
    path.write_bytes(million_rows(tmp).read_bytes())
    rename = lambda xml: xml.replace(b'name="indicators"', b'name="answers"')  # noqa: E731
    return rewrite_member(path, "xl/workbook.xml", rename)


def long_cell_nodes(text: str = "ả" * (128 * 1024)) -> list[dict]:
    return base_nodes(name_vi=text)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Callable:
    """Each case's file, made once for the module (the big ones take seconds)."""
    paths: dict[str, Path] = {}

    def make(case) -> Path:
        key = f"{type(case).__name__}-{case.id}"
        if key not in paths:
            paths[key] = case.make(tmp_path_factory.mktemp(key))
        return paths[key]

    return make


# --- the framework corpus


@dataclass(frozen=True)
class FrameworkCase:
    id: str
    make: Callable[[Path], Path]  # the file to import (may be a kept one)
    expected: set[tuple]  # (sheet, row, column, code) of every problem
    message_en: str = ""  # the English message of the first problem, when given
    form_refuses: bool = False  # the upload form itself refuses the file


def kept(name: str) -> Callable[[Path], Path]:
    return lambda tmp: FRAMEWORKS / name


FRAMEWORK_CASES = [
    FrameworkCase(
        "header_only",
        kept("header_only.csv"),
        {("header_only.csv", 2, "code", "no_rows")},
        "The sheet has no rows below its header.",
    ),
    FrameworkCase(
        "params_nested_5000_deep",
        kept("deep_params.csv"),
        {("deep_params.csv", 4, "rule_params", "params_too_deep")},
        "The rule parameters are nested more than 10 levels deep.",
    ),
    FrameworkCase(
        "order_10_to_the_20",
        kept("huge_order.csv"),
        {("huge_order.csv", 3, "order", "number_too_large")},
        "The number must not be above 2,147,483,647.",
    ),
    FrameworkCase(
        "max_points_above_the_column",
        kept("huge_max_points.csv"),
        {("huge_max_points.csv", 5, "max_points", "number_too_large")},
        "The number must not be above 99,999,999.99.",
    ),
    FrameworkCase(
        "infinite_number_in_params",
        kept("infinite_params.csv"),
        {("infinite_params.csv", 4, "rule_params", "params_not_finite")},
        "The rule parameters hold a number that is not finite (NaN or Infinity).",
    ),
    FrameworkCase(
        "61_columns",
        kept("too_many_columns.csv"),
        {("too_many_columns.csv", 1, "", "too_many_columns")},
        "The sheet has more than 60 columns and is not read; delete the columns "
        "beside the table.",
    ),
    FrameworkCase(
        "128_kb_cell_xlsx",
        lambda tmp: with_long_cell(
            tmp / "long.xlsx",
            {"indicators": node_rows(long_cell_nodes("LONG"))},
            128 * 1024,
        ),
        {("indicators", 3, "name_vi", "cell_too_long")},
        "The cell holds 131,072 characters, more than the 32,767 allowed.",
    ),
    FrameworkCase(
        "128_kb_cell_csv",
        lambda tmp: write_csv(tmp / "long.csv", node_rows(long_cell_nodes())),
        {("long.csv", 3, "name_vi", "cell_too_long")},
    ),
    FrameworkCase(
        "csv_field_past_the_reader",
        lambda tmp: write_csv(
            tmp / "huge.csv", node_rows(base_nodes(guidance_vi="x" * 200_000))
        ),
        {("huge.csv", 3, "", "csv_malformed")},
    ),
    FrameworkCase(
        "million_rows_xlsx",
        million_rows,
        {("indicators", FIRST_OVER, "", "too_many_rows")},
        "The sheet has more than 5,000 rows below its header and is not read; "
        "split the file or delete the rows below the table.",
    ),
    FrameworkCase(
        "million_rows_csv",
        lambda tmp: write_csv(
            tmp / "million.csv",
            [NODE_COLUMNS, *([f"N{n}"] for n in range(10**6))],
        ),
        {("million.csv", FIRST_OVER, "", "too_many_rows")},
    ),
    FrameworkCase(
        "dimension_says_one_row",
        lambda tmp: with_dimension(
            stream_rows(
                tmp / "hidden.xlsx", {"indicators": [NODE_COLUMNS]}, "indicators", 6000
            ),
            "A1:W1",
        ),
        {("indicators", FIRST_OVER, "", "too_many_rows")},
    ),
    FrameworkCase(
        "dimension_says_a_million_rows",
        lambda tmp: with_dimension(
            write_xlsx(tmp / "tall.xlsx", {"indicators": node_rows(base_nodes())}),
            "A1:W1048576",
        ),
        {("indicators", FIRST_OVER, "", "too_many_rows")},
    ),
    FrameworkCase(
        "zip_bomb",
        lambda tmp: zip_bomb(
            tmp / "bomb.xlsx", {"indicators": node_rows(base_nodes())}
        ),
        {("", 0, "", "unzipped_too_large")},
        "The workbook unpacks to more than 104,857,600 bytes and is not read; save "
        "it again from Excel without the unneeded sheets or images.",
    ),
    FrameworkCase(
        "file_of_11_mb",
        lambda tmp: write_csv(
            tmp / "big.csv",
            [*node_rows(base_nodes()), *([f"# {'x' * 1000}"] for _ in range(11_000))],
        ),
        {("big.csv", 0, "", "file_too_large")},
        form_refuses=True,
    ),
    FrameworkCase(
        "order_of_a_huge_negative_exponent",
        lambda tmp: write_csv(
            tmp / "negative.csv", node_rows(base_nodes(order="-1e1000000"))
        ),
        {("negative.csv", 3, "order", "negative")},
    ),
    FrameworkCase(
        "max_points_that_read_two_ways",
        lambda tmp: write_csv(
            tmp / "two_ways.csv", node_rows(base_nodes(max_points="2.500"))
        ),
        {("two_ways.csv", 3, "max_points", "number_ambiguous")},
        "“2.500” can be read as thousands or as a decimal: write it without the dot "
        "for thousands (2500) or with a decimal comma (2,5).",
    ),
    FrameworkCase(
        "nul_character_in_a_name",
        lambda tmp: write_csv(
            tmp / "nul.csv", node_rows(base_nodes(name_vi="Tên\x00 chỉ số"))
        ),
        {("nul.csv", 3, "name_vi", "unstorable")},
        "The text contains characters that cannot be stored (such as a null "
        "character); remove them and try again.",
    ),
    FrameworkCase(
        "450_bad_rows",
        lambda tmp: write_csv(
            tmp / "many.csv",
            node_rows([node(f"N{n}", kind="section") for n in range(450)]),
        ),
        {("many.csv", n + 2, "kind", "unknown_choice") for n in range(450)},
    ),
]


@pytest.fixture
def framework_file(request, made) -> tuple[FrameworkCase, Path]:
    return request.param, made(request.param)


@pytest.fixture
def plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def coordinator(client, plain_static):
    user = User.objects.create_user("dieuphoi", password="x")
    Membership.objects.create(user=user, role=Membership.Role.COORDINATOR, unit=None)
    client.force_login(user)
    return user


def check_issues(issues, case) -> None:
    assert located(issues) == case.expected
    if case.message_en:
        assert issues[0].message("en") == case.message_en
    for issue in issues[:3]:
        vi, en = issue.message("vi"), issue.message("en")
        assert vi != en and "%(" not in vi + en


def check_capped(failure: ImportFailed) -> None:
    assert len(failure.shown) == min(len(failure.issues), MAX_SHOWN)
    assert failure.hidden == max(len(failure.issues) - MAX_SHOWN, 0)


framework_cases = pytest.mark.parametrize(
    "framework_file",
    FRAMEWORK_CASES,
    ids=[case.id for case in FRAMEWORK_CASES],
    indirect=True,
)


@framework_cases
def test_framework_file_is_refused(framework_file):
    case, path = framework_file
    before = counts()
    with pytest.raises(ImportFailed) as failure:
        framework_import(parsed=read_framework_path(path, **META))
    assert counts() == before
    check_issues(failure.value.issues, case)
    check_capped(failure.value)


@framework_cases
def test_framework_upload_is_refused(client, coordinator, framework_file):
    case, path = framework_file
    before = counts()
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), **META}
    response = client.post(reverse("survey:framework_import"), data)
    assert response.status_code == 200
    assert counts() == before
    if case.form_refuses:
        assert response.context["form"].errors["file"]
        assert response.context["issues"] == []
        return
    shown = response.context["issues"]
    total = len(case.expected)
    assert response.context["issue_count"] == total
    assert len(shown) == min(total, MAX_SHOWN)
    assert located(shown) <= case.expected
    html = response.content.decode()
    assert html.count('<td lang="en">') == len(shown)
    for issue in shown[:5]:
        assert escape(issue.message("vi")) in html
        assert escape(issue.message("en")) in html
    rest = total - MAX_SHOWN
    if rest > 0:
        assert f"… và {rest} lỗi khác." in html
    else:
        assert "lỗi khác" not in html


@framework_cases
def test_import_framework_command_refuses(framework_file):
    case, path = framework_file
    before = counts()
    with pytest.raises(CommandError) as failure:
        call_command(
            "import_framework",
            str(path),
            "--framework-code",
            META["framework_code"],
            "--name",
            META["framework_name_vi"],
            "--year",
            str(META["year"]),
            "--unit-type",
            META["unit_type"],
        )
    assert counts() == before
    lines = str(failure.value).splitlines()
    total = len(case.expected)
    assert lines[0] == f"{path.name}: {total} problem(s), nothing imported"
    problems = [line for line in lines[1:] if line.startswith("[")]
    assert len(problems) == min(total, MAX_SHOWN)
    if total > MAX_SHOWN:
        assert lines[-1] == f"… and {total - MAX_SHOWN:,} more problems"
    for sheet, row, column, _code in sorted(case.expected)[:3]:
        location = " · ".join(str(p) for p in (sheet, row or "", column) if p)
        assert any(line.startswith(f"[{location}]") for line in problems)
    if case.message_en:
        assert problems[0].endswith(f" / {case.message_en}")


def test_the_page_counts_thousands_of_problems_in_the_way_of_the_language(
    client, coordinator, tmp_path
):
    path = write_csv(
        tmp_path / "many.csv",
        node_rows([node(f"N{n}", kind="section") for n in range(1434)]),
    )
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), **META}
    html = client.post(reverse("survey:framework_import"), data).content.decode()
    assert "Tệp có 1.434 lỗi" in html and "… và 1.234 lỗi khác." in html
    data = {"file": SimpleUploadedFile(path.name, path.read_bytes()), **META}
    html = client.post(
        reverse("survey:framework_import"), data, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "… and 1,234 more problems." in html


def test_a_framework_within_the_limits_still_imports(tmp_path):
    """The limits leave room: 5,000 rows of 60 columns, a cell of 32,767
    characters."""
    nodes = [node("P", kind="pillar")] + [
        node(f"P.{n}", "P") for n in range(1, LIMITS.max_rows)
    ]
    nodes[1]["guidance_vi"] = "g" * LIMITS.max_cell_chars
    columns = NODE_COLUMNS + [f"note_{n}" for n in range(60 - len(NODE_COLUMNS))]
    path = write_csv(
        tmp_path / "full.csv", [columns, *([r[c] for c in NODE_COLUMNS] for r in nodes)]
    )
    parsed = read_framework_path(path, **META)
    assert len(parsed.nodes) == LIMITS.max_rows


# --- answers


@pytest.fixture
def assessment() -> Assessment:
    version = framework_import(parsed=read_framework_path(ANSWERS / "framework.csv"))
    unit = Unit.objects.create(code="SO-BAD", name_vi="Sở thử", unit_type="department")
    campaign = Campaign.objects.create(
        year=2025, name="Đánh giá 2025", opens_on=date(2026, 1, 5),
        deadline=date(2026, 2, 5),
    )  # fmt: skip
    return Assessment.objects.create(campaign=campaign, unit=unit, version=version)


UNIT_SHEET = [
    ["key", "value"],
    ["unit_code", "SO-BAD"],
    ["framework_code", "BAD-SO"],
    ["year", 2025],
]


def answer_workbook(path: Path, rows: list[dict]) -> Path:
    answers = [ANSWER_COLUMNS, *([r.get(c) for c in ANSWER_COLUMNS] for r in rows)]
    return write_xlsx(path, {"unit": UNIT_SHEET, "answers": answers})


@dataclass(frozen=True)
class AnswerCase:
    id: str
    make: Callable[[Path], Path]
    expected: set[tuple]
    message_en: str = ""
    params: dict = field(default_factory=dict)


ANSWER_CASES = [
    AnswerCase(
        "points_disagree_with_the_value",
        lambda tmp: ANSWERS / "points_disagree.xlsx",
        {("answers", 2, "self_points", "points_disagree")},
        "The value earns 10 points but 5 points are typed; leave the points empty "
        "or make them agree with the value.",
    ),
    AnswerCase(
        "points_beside_a_value_that_sets_none",
        lambda tmp: ANSWERS / "points_not_earned.xlsx",
        {
            ("answers", 2, "self_points", "points_not_earned"),
            ("answers", 3, "self_points", "points_not_earned"),
        },
    ),
    AnswerCase(
        "260_unknown_indicators",
        lambda tmp: ANSWERS / "many_problems.xlsx",
        {("answers", n, "code", "unknown_indicator") for n in range(2, 262)},
    ),
    AnswerCase(
        "40000_character_comment",
        lambda tmp: with_long_cell(
            tmp / "long.xlsx",
            {
                "unit": UNIT_SHEET,
                "answers": [
                    ANSWER_COLUMNS,
                    ["Y", *[None] * 4, "có", *[None] * 5, "LONG"],
                ],
            },
            40_000,
        ),
        {("answers", 2, "comment", "cell_too_long")},
        "The cell holds 40,000 characters, more than the 32,767 allowed.",
    ),
    AnswerCase(
        "numbers_past_the_columns",
        lambda tmp: answer_workbook(
            tmp / "huge.xlsx",
            [
                {"code": "C", "value": 10**20},
                {"code": "Y", "value": "có", "verified_points": "1e30"},
            ],
        ),
        {
            ("answers", 2, "value", "out_of_range"),
            ("answers", 3, "verified_points", "out_of_range"),
        },
        "The value is outside the allowed range.",
    ),
    AnswerCase(
        "million_rows",
        million_answer_rows,
        {("answers", FIRST_OVER, "", "too_many_rows")},
    ),
    AnswerCase(
        "zip_bomb",
        lambda tmp: zip_bomb(
            tmp / "bomb.xlsx",
            {"answers": [ANSWER_COLUMNS, ["Y", None, None, None, None, "có"]]},
        ),
        {("", 0, "", "unzipped_too_large")},
    ),
    AnswerCase(
        "file_of_11_mb",
        lambda tmp: _big_file(tmp / "big.xlsx"),
        {("big.xlsx", 0, "", "file_too_large")},
        "The file has 11,534,336 bytes, more than the 10,485,760 bytes allowed.",
    ),
]


def _big_file(path: Path) -> Path:
    with open(path, "wb") as f:
        f.write(b"PK" + b"\0" * (11 * 1024 * 1024 - 2))
    return path


answer_cases = pytest.mark.parametrize(
    "case", ANSWER_CASES, ids=[case.id for case in ANSWER_CASES]
)


@answer_cases
def test_answer_workbook_is_refused(assessment, case, made):
    path = made(case)
    before = counts()
    with pytest.raises(ImportFailed) as failure:
        content = path.read_bytes()
        answers_import(
            assessment=assessment,
            parsed=read_answer_workbook(content, assessment=assessment),
        )
    assert counts() == before
    issues = failure.value.issues
    # A file too large is refused by the command before it is read; here the
    # bytes reach the reader, which refuses them under the name of no sheet.
    expected = {
        ("", 0, "", code) if code == "file_too_large" else (s, r, c, code)
        for s, r, c, code in case.expected
    }
    assert located(issues) == expected
    if case.message_en:
        assert issues[0].message("en") == case.message_en
    check_capped(failure.value)


@answer_cases
def test_import_answers_command_refuses(assessment, case, made):
    path = made(case)
    before = counts()
    with pytest.raises(CommandError) as failure:
        call_command("import_answers", str(path), "--year", "2025", "--unit", "SO-BAD")
    assert counts() == before
    lines = str(failure.value).splitlines()
    total = len(case.expected)
    assert lines[0] == f"{path.name}: {total} problem(s), nothing imported"
    problems = [line for line in lines[1:] if line.startswith("[")]
    assert len(problems) == min(total, MAX_SHOWN)
    if total > MAX_SHOWN:
        assert lines[-1] == f"… and {total - MAX_SHOWN:,} more problems"
    sheet, row, column, _code = sorted(case.expected)[0]
    location = " · ".join(str(p) for p in (sheet, row or "", column) if p)
    assert problems[0].startswith(f"[{location}]")
    if case.message_en:
        assert problems[0].endswith(f" / {case.message_en}")


def imported(assessment, tmp_path, rows: list[dict]) -> dict[str, Answer]:
    path = answer_workbook(tmp_path / "ok.xlsx", rows)
    call_command("import_answers", str(path), "--year", "2025", "--unit", "SO-BAD")
    return {a.node.code: a for a in Answer.objects.select_related("node")}


def test_points_that_agree_with_the_value_are_kept(assessment, tmp_path):
    answers = imported(
        assessment,
        tmp_path,
        [
            {"code": "Y", "value": "có", "self_points": 10},
            {"code": "C", "value": 3, "self_points": "10,00"},
        ],
    )
    for code, number in (("Y", None), ("C", Decimal(3))):
        answer = answers[code]
        values = {"yes": True} if code == "Y" else {"number": number}
        earned, _error = answer_points(node=answer.node, values=values, is_na=False)
        assert answer.self_points == earned == Decimal(10)


def test_points_without_a_value_stand_as_typed(assessment, tmp_path):
    """A published past year brings its points alone; the engine takes them."""
    answers = imported(assessment, tmp_path, [{"code": "Y", "self_points": 7}])
    assert (answers["Y"].yes, answers["Y"].self_points) == (None, Decimal(7))


def test_verified_points_may_differ_from_the_value(assessment, tmp_path):
    """The reviewer's points are the verified score, whatever the value earns."""
    answers = imported(
        assessment, tmp_path, [{"code": "Y", "value": "có", "verified_points": 5}]
    )
    y = answers["Y"]
    assert (y.self_points, y.verified_points) == (Decimal(10), Decimal(5))
    assert y.review_status == Answer.ReviewStatus.DISAGREED


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0.25", "0.25"),
        ("0.125", "0.125"),
        ("12.5", "12.5"),
        ("12,5", "12.5"),
        ("1.250.000", "1250000"),
        ("1.234,5", "1234.5"),
    ],
)
def test_framework_numbers_that_read_one_way_are_taken(text, number):
    assert parse_decimal(text) == Decimal(number)
