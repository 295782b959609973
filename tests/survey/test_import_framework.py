"""Framework import (docs/framework-format.md).

Fixtures, every validation rule, round trips through the exporter, formula-looking text
and the coordinator's upload page."""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.html import escape
from openpyxl import Workbook, load_workbook

from survey.exporters import framework_files
from survey.files.issues import MESSAGES, ImportFailed, ImportIssue
from survey.importers.framework import framework_import, read_framework_path
from survey.importers.framework_rows import NODE_COLUMNS
from survey.models import Framework, FrameworkVersion, Membership, Node, Unit, User

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "frameworks"
VI_CATALOG = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.mo"

pytestmark = pytest.mark.django_db

# --- builders

META = {
    "framework_code": "T-SO",
    "framework_name_vi": "Bộ chỉ số thử",
    "framework_name_en": "Test index",
    "year": "2025",
    "unit_type": "department",
}
LEVELS = [
    {"code": "thap", "name_vi": "Thấp", "name_en": "Low", "min_value": "0"},
    {"code": "cao", "name_vi": "Cao", "name_en": "High", "min_value": "0.5"},
]


def node(code, parent="", kind="indicator", **fields) -> dict:
    """One row of the indicators sheet; an indicator defaults to yes_no worth 10."""
    row = dict.fromkeys(NODE_COLUMNS, "")
    row.update(code=code, parent_code=parent, kind=kind, name_vi=f"Tên {code}")
    if kind == "indicator":
        row.update(answer_type="yes_no", rule="yes_no", max_points="10")
    row.update(fields)
    return row


def base_nodes() -> list[dict]:
    """A valid tree. Rows (header = 1): P 2, P.1 3, P.2 4, P.3 5."""
    return [
        node("P", kind="pillar", max_points="30"),
        node("P.1", "P"),
        node(
            "P.2",
            "P",
            answer_type="count",
            rule="tiers",
            rule_params='{"tiers": [[1, 5], [3, 10]]}',
        ),
        node("P.3", "P", answer_type="ratio", rule="ratio"),
    ]


def with_changes(nodes: list[dict], which: str, /, **fields) -> list[dict]:
    return [({**row, **fields} if row["code"] == which else row) for row in nodes]


def write_framework(
    tmp_path: Path,
    fmt: str,
    nodes: list[dict],
    meta: dict | None = None,
    levels: list[dict] | None = None,
    columns: list[str] = NODE_COLUMNS,
    stem: str = "t",
) -> Path:
    """Write the three sheets by hand (independently of the exporter)."""
    meta = META if meta is None else meta
    sheets = {
        "indicators": [columns, *([row.get(c, "") for c in columns] for row in nodes)]
    }
    if meta is not False:
        sheets["framework"] = [["key", "value"], *([k, v] for k, v in meta.items())]
    if levels is not None:
        keys = ["code", "name_vi", "name_en", "min_value"]
        sheets["levels"] = [keys, *([lv.get(k, "") for k in keys] for lv in levels)]
    if fmt == "xlsx":
        workbook = Workbook()
        workbook.remove(workbook.active)
        for title, rows in sheets.items():
            sheet = workbook.create_sheet(title)
            for row in rows:
                sheet.append(row)
        path = tmp_path / f"{stem}.xlsx"
        workbook.save(path)
        return path
    suffixes = {"indicators": "", "framework": ".framework", "levels": ".levels"}
    for title, rows in sheets.items():
        with open(
            tmp_path / f"{stem}{suffixes[title]}.csv", "w", encoding="utf-8", newline=""
        ) as f:
            csv.writer(f).writerows(rows)
    return tmp_path / f"{stem}.csv"


def sheet_name(fmt: str, sheet: str, stem: str = "t") -> str:
    """What an issue calls a sheet: the sheet title, or the CSV file's name."""
    if fmt == "xlsx":
        return sheet
    return {
        "indicators": f"{stem}.csv",
        "framework": f"{stem}.framework.csv",
        "levels": f"{stem}.levels.csv",
    }[sheet]


def counts() -> tuple[int, int, int]:
    return (
        Framework.objects.count(),
        FrameworkVersion.objects.count(),
        Node.objects.count(),
    )


def import_path(path: Path, **overrides) -> FrameworkVersion:
    return framework_import(parsed=read_framework_path(path, **overrides))


def failed_import(path: Path, **overrides) -> list[ImportIssue]:
    """Import ``path`` expecting failure; check that nothing was written."""
    before = counts()
    with pytest.raises(ImportFailed) as failure:
        import_path(path, **overrides)
    assert counts() == before
    assert failure.value.issues
    return failure.value.issues


def located(issues: list[ImportIssue]) -> set[tuple]:
    return {(i.sheet, i.row, i.column, i.code) for i in issues}


def assert_bilingual(issue: ImportIssue) -> None:
    vi, en = issue.message("vi"), issue.message("en")
    assert vi.strip() and en.strip()
    assert "%(" not in vi and "%(" not in en  # every placeholder filled
    if VI_CATALOG.exists():  # translations compiled: the Vietnamese text must differ
        assert vi != en, issue.code


@pytest.fixture
def previous_2024(tmp_path):
    """T-SO 2024 with codes P, P.1, P.2, P.3 (for continues_code)."""
    folder = tmp_path / "prev"
    folder.mkdir()
    return import_path(
        write_framework(folder, "csv", base_nodes(), {**META, "year": "2024"})
    )


# --- fixtures


def test_base_tree_is_valid(tmp_path):
    """The tree every validation case starts from imports cleanly in both formats."""
    for fmt in ("csv", "xlsx"):
        folder = tmp_path / fmt
        folder.mkdir()
        version = import_path(write_framework(folder, fmt, base_nodes(), levels=LEVELS))
        assert version.nodes.count() == 4
    assert (
        FrameworkVersion.objects.filter(framework__code="T-SO", year=2025).count() == 2
    )


def test_commune_2025_fixture():
    message = call_command("import_framework", str(FIXTURES / "commune-2025.csv"))
    version = FrameworkVersion.objects.get(framework__code="DTI-XA", year=2025)
    assert "62 indicators" in message
    indicators = version.nodes.filter(kind=Node.Kind.INDICATOR)
    assert indicators.count() == 62
    assert sum(n.max_points for n in indicators) == Decimal(960)
    pillars = version.nodes.filter(kind=Node.Kind.PILLAR)
    assert pillars.count() == 6
    assert all(p.parent_id is None for p in pillars)
    assert sum(p.max_points for p in pillars) == Decimal(960)
    assert version.unit_type == "commune"
    assert version.number == 1
    assert [lv["code"] for lv in version.levels] == [
        "khoi_dong",
        "hinh_thanh",
        "nang_cao",
        "dan_dat",
    ]
    assert [lv["min_value"] for lv in version.levels] == [0, 0.25, 0.5, 0.75]


def test_department_fixtures_and_continues_links():
    call_command("import_framework", str(FIXTURES / "department-2024.csv"))
    call_command("import_framework", str(FIXTURES / "department-2025.csv"))
    v2024 = FrameworkVersion.objects.get(framework__code="DTI-SO", year=2024)
    v2025 = FrameworkVersion.objects.get(framework__code="DTI-SO", year=2025)
    assert v2025.previous == v2024
    assert v2025.nodes.filter(kind=Node.Kind.INDICATOR).count() >= 45
    with open(FIXTURES / "department-2025.csv", encoding="utf-8") as f:
        wanted = {
            r["code"]: r["continues_code"]
            for r in csv.DictReader(f)
            if r["continues_code"]
        }
    assert len(wanted) > 40
    linked = {
        n.code: n.continues
        for n in v2025.nodes.select_related("continues").filter(continues__isnull=False)
    }
    assert set(linked) == set(wanted)
    for code, target in linked.items():
        assert target.version_id == v2024.pk
        assert target.code == wanted[code]
    # renamed codes follow the file, not the code itself
    assert linked["DV.1.01"].code == "HD.01"
    assert linked["NT.03"].code == "NT.04"


def _expected_from_file(row: dict) -> dict:
    def flag(text):
        return text.strip().lower() in {"yes", "có", "1", "x"}

    def day(text):
        return date(*reversed([int(p) for p in text.split("/")])) if text else None

    return {
        "parent_code": row["parent_code"],
        "kind": row["kind"],
        "name_vi": row["name_vi"],
        "name_en": row["name_en"],
        "guidance_vi": row["guidance_vi"],
        "guidance_en": row["guidance_en"],
        "answer_type": row["answer_type"],
        "max_points": Decimal(row["max_points"]) if row["max_points"] else None,
        "capped": flag(row["capped"]),
        "rule": row["rule"],
        "rule_params": json.loads(row["rule_params"]) if row["rule_params"] else {},
        "applies_to": [t.strip() for t in row["applies_to"].split(",") if t.strip()],
        "requires_procedures": flag(row["requires_procedures"]),
        "na_allowed": flag(row["na_allowed"]),
        "evidence_required": row["evidence_required"],
        "date_from": day(row["date_from"]),
        "date_to": day(row["date_to"]),
        "date_window": row["date_window"] or "warn",
        "provenance": row["provenance"] or "sourced",
        "source": row["source"],
        "order": int(row["order"]),
    }


def _stored(n: Node) -> dict:
    return {
        "parent_code": n.parent.code if n.parent else "",
        "kind": n.kind,
        "name_vi": n.name_vi,
        "name_en": n.name_en,
        "guidance_vi": n.guidance_vi,
        "guidance_en": n.guidance_en,
        "answer_type": n.answer_type,
        "max_points": n.max_points,
        "capped": n.capped,
        "rule": n.rule,
        "rule_params": n.rule_params,
        "applies_to": n.applies_to,
        "requires_procedures": n.requires_procedures,
        "na_allowed": n.na_allowed,
        "evidence_required": n.evidence_required,
        "date_from": n.date_from,
        "date_to": n.date_to,
        "date_window": n.date_window,
        "provenance": n.provenance,
        "source": n.source,
        "order": n.order,
    }


@pytest.mark.parametrize("stem", ["commune-2025", "department-2024"])
def test_every_field_stored_as_in_the_file(stem):
    call_command("import_framework", str(FIXTURES / f"{stem}.csv"))
    version = FrameworkVersion.objects.get()
    with open(FIXTURES / f"{stem}.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    stored = {n.code: _stored(n) for n in version.nodes.select_related("parent")}
    assert set(stored) == {r["code"] for r in rows}
    for row in rows:
        assert stored[row["code"]] == _expected_from_file(row), row["code"]


def test_one_indicator_stored_as_in_the_file():
    call_command("import_framework", str(FIXTURES / "department-2024.csv"))
    version = FrameworkVersion.objects.get()
    with open(FIXTURES / "department-2024.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # an indicator with a date window, a procedures flag, N/A and tier parameters
    tiers = next(r for r in rows if r["rule"] == "tiers")
    n = version.nodes.get(code=tiers["code"])
    assert n.rule_params == json.loads(tiers["rule_params"])
    assert isinstance(n.rule_params["tiers"][0], list)
    dated = next(r for r in rows if r["date_from"])
    n = version.nodes.get(code=dated["code"])
    d, m, y = (int(p) for p in dated["date_from"].split("/"))
    assert n.date_from == date(y, m, d)
    assert n.date_to is not None and n.date_to > n.date_from
    assert n.date_window == Node.DateWindow.WARN
    procedures = [r["code"] for r in rows if r["requires_procedures"] == "yes"]
    assert procedures
    assert set(
        version.nodes.filter(requires_procedures=True).values_list("code", flat=True)
    ) == set(procedures)
    na = [r["code"] for r in rows if r["na_allowed"] == "yes"]
    assert na
    assert set(
        version.nodes.filter(na_allowed=True).values_list("code", flat=True)
    ) == set(na)
    reconstructed = {r["code"] for r in rows if r["provenance"] == "reconstructed"}
    assert (
        set(
            version.nodes.filter(provenance="reconstructed").values_list(
                "code", flat=True
            )
        )
        == reconstructed
    )
    assert version.legal_basis.startswith("Bộ chỉ số DTI cấp sở")
    assert version.precision == 2
    assert version.level_edges == "upper_inclusive"


def test_command_check_option_writes_nothing():
    message = call_command(
        "import_framework", str(FIXTURES / "commune-2025.csv"), "--check"
    )
    assert "valid" in message and "69 nodes" in message
    assert counts() == (0, 0, 0)


def test_command_overrides_the_framework_keys(tmp_path):
    path = write_framework(tmp_path, "csv", base_nodes(), meta=False)
    call_command(
        "import_framework",
        str(path),
        "--framework-code",
        "X-1",
        "--name",
        "Bộ X",
        "--year",
        "2023",
        "--unit-type",
        "district",
    )
    version = FrameworkVersion.objects.get()
    assert (version.framework.code, version.framework.name_vi) == ("X-1", "Bộ X")
    assert (version.year, version.unit_type) == (2023, "district")


def test_command_reports_every_issue_and_writes_nothing(tmp_path):
    nodes = with_changes(base_nodes(), "P.1", capped="maybe")
    nodes = with_changes(nodes, "P.3", date_from="32/01/2025")
    path = write_framework(tmp_path, "csv", nodes)
    with pytest.raises(CommandError) as failure:
        call_command("import_framework", str(path))
    text = str(failure.value)
    assert "2 problem(s), nothing imported" in text
    assert "[t.csv · 3 · capped]" in text
    assert "[t.csv · 5 · date_from]" in text
    assert counts() == (0, 0, 0)


def test_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_framework", str(tmp_path / "nope.csv"))


# --- validation


@dataclass
class Case:
    id: str
    expect: tuple  # (sheet, row, column, code)
    nodes: list[dict] = field(default_factory=base_nodes)
    meta: dict | None = None
    levels: list[dict] | None = None
    columns: list[str] = field(default_factory=lambda: list(NODE_COLUMNS))
    param: str = ""  # a ParamError code that params_invalid must name
    needs_previous: bool = False
    formats: tuple = ("csv", "xlsx")
    bug: str = ""  # a known application bug: the case is a strict xfail
    raises: type | None = None


def _meta(**changes) -> dict:
    meta = {**META, **changes}
    return {k: v for k, v in meta.items() if v is not None}


def _levels(*bounds) -> list[dict]:
    return [
        {"code": f"l{i}", "name_vi": f"Mức {i}", "min_value": b}
        for i, b in enumerate(bounds)
    ]


IND, FW, LV = "indicators", "framework", "levels"
B = base_nodes


def _params_case(id, code, param, **fields):
    return Case(
        id,
        (IND, {"P.1": 3, "P.2": 4, "P.3": 5}[code], "rule_params", "params_invalid"),
        with_changes(B(), code, **fields),
        param=param,
    )


CASES = [
    # file structure and framework keys
    Case(
        "column_missing",
        (IND, 1, "kind", "column_missing"),
        columns=[c for c in NODE_COLUMNS if c != "kind"],
        raises=TypeError,
    ),
    Case(
        "column_missing_name",
        (IND, 1, "name_vi", "column_missing"),
        columns=[c for c in NODE_COLUMNS if c != "name_vi"],
        raises=TypeError,
    ),
    *[
        Case(
            f"key_missing_{key}",
            (FW, 0, key, "key_missing"),
            meta=_meta(**{key: None}),
            raises=TypeError,
        )
        for key in ("framework_code", "framework_name_vi", "year", "unit_type")
    ],
    Case(
        "key_empty_year",
        (FW, 0, "year", "key_missing"),
        meta=_meta(year=""),
        raises=TypeError,
    ),
    Case(
        "year_not_integer", (FW, 0, "year", "not_integer"), meta=_meta(year="năm 2025")
    ),
    Case("year_out_of_range", (FW, 0, "year", "out_of_range"), meta=_meta(year="1999")),
    Case(
        "precision_out_of_range",
        (FW, 0, "precision", "out_of_range"),
        meta=_meta(precision="7"),
    ),
    Case(
        "unknown_unit_type",
        (FW, 0, "unit_type", "unknown_choice"),
        meta=_meta(unit_type="province"),
    ),
    Case(
        "unknown_level_edges",
        (FW, 0, "level_edges", "unknown_choice"),
        meta=_meta(level_edges="both"),
    ),
    # rows
    Case(
        "duplicate_code",
        (IND, 6, "code", "duplicate_code"),
        [*B(), node("P.2", "P", max_points="0")],
        raises=TypeError,
    ),
    Case(
        "code_required", (IND, 3, "code", "required"), with_changes(B(), "P.1", code="")
    ),
    Case(
        "name_required",
        (IND, 3, "name_vi", "required"),
        with_changes(B(), "P.1", name_vi=""),
    ),
    Case(
        "kind_required", (IND, 3, "kind", "required"), with_changes(B(), "P.1", kind="")
    ),
    Case(
        "unknown_parent",
        (IND, 6, "parent_code", "unknown_parent"),
        [*B(), node("P.4", "Q")],
    ),
    Case(
        "cycle",
        (IND, 6, "parent_code", "cycle"),
        [
            *B(),
            node("C1", "C2", kind="component"),
            node("C2", "C1", kind="component"),
            node("C1.1", "C1"),
        ],
    ),
    Case(
        "self_parent",
        (IND, 6, "parent_code", "cycle"),
        [*B(), node("S", "S", kind="component")],
    ),
    Case(
        "indicator_has_children",
        (IND, 3, "code", "indicator_has_children"),
        [*B(), node("P.1.a", "P.1")],
    ),
    Case(
        "scored_without_max",
        (IND, 3, "max_points", "scored_without_max"),
        with_changes(B(), "P.1", max_points=""),
    ),
    Case(
        "indicator_without_rule",
        (IND, 3, "rule", "indicator_without_rule"),
        with_changes(B(), "P.1", rule=""),
    ),
    Case(
        "indicator_without_answer_type",
        (IND, 3, "rule", "indicator_without_rule"),
        with_changes(B(), "P.1", answer_type=""),
    ),
    Case(
        "unknown_answer_type",
        (IND, 3, "answer_type", "unknown_choice"),
        with_changes(B(), "P.1", answer_type="boolean"),
    ),
    Case(
        "unknown_rule",
        (IND, 3, "rule", "unknown_choice"),
        with_changes(B(), "P.1", rule="sum"),
    ),
    Case(
        "unknown_kind",
        (IND, 2, "kind", "unknown_choice"),
        with_changes(B(), "P", kind="section"),
    ),
    Case(
        "unknown_date_window",
        (IND, 3, "date_window", "unknown_choice"),
        with_changes(B(), "P.1", date_window="block"),
    ),
    Case(
        "unknown_provenance",
        (IND, 3, "provenance", "unknown_choice"),
        with_changes(B(), "P.1", provenance="guessed"),
    ),
    Case(
        "rule_answer_mismatch",
        (IND, 3, "answer_type", "rule_answer_mismatch"),
        with_changes(B(), "P.1", rule="ratio"),
    ),
    Case(
        "tiers_on_percentage",
        (IND, 4, "answer_type", "rule_answer_mismatch"),
        with_changes(B(), "P.2", answer_type="percentage"),
    ),
    Case(
        "params_not_json",
        (IND, 4, "rule_params", "params_not_json"),
        with_changes(B(), "P.2", rule_params="{tiers: [[1, 5]]"),
    ),
    Case(
        "params_not_object",
        (IND, 4, "rule_params", "params_not_json"),
        with_changes(B(), "P.2", rule_params="[[1, 5]]"),
    ),
    _params_case(
        "tiers_not_increasing",
        "P.2",
        "tiers_not_increasing",
        rule_params='{"tiers": [[1, 10], [3, 5]]}',
    ),
    _params_case(
        "tier_points_above_max",
        "P.2",
        "tier_points_above_max",
        rule_params='{"tiers": [[1, 5], [3, 15]]}',
    ),
    _params_case("tiers_missing", "P.2", "tiers_missing", rule_params="{}"),
    _params_case(
        "level_factor_above_1",
        "P.1",
        "level_factor_out_of_range",
        answer_type="level",
        rule="level",
        rule_params='{"levels": [{"code": "a", "vi": "A", "factor": 1.5}]}',
    ),
    _params_case(
        "target_zero",
        "P.2",
        "target_not_positive",
        rule="target",
        rule_params='{"target": 0}',
    ),
    _params_case(
        "target_negative",
        "P.2",
        "target_not_positive",
        rule="target",
        rule_params='{"target": -3}',
    ),
    _params_case(
        "checks_missing",
        "P.1",
        "checks_missing",
        answer_type="checklist",
        rule="checks",
    ),
    _params_case(
        "unexpected_key", "P.1", "params_unexpected_key", rule_params='{"foo": 1}'
    ),
    _params_case(
        "zero_denominator_mode",
        "P.3",
        "zero_denominator_invalid",
        rule_params='{"zero_denominator": "skip"}',
    ),
    _params_case("max_zero", "P.1", "max_points_not_positive", max_points="0"),
    Case(
        "children_above_max",
        (IND, 2, "max_points", "children_above_max"),
        with_changes(B(), "P", max_points="25"),
    ),
    Case(
        "nested_children_above_max",
        (IND, 2, "max_points", "children_above_max"),
        [
            node("P", kind="pillar", max_points="15"),
            node("C", "P", kind="component"),
            node("C.1", "C"),
            node("C.2", "C"),
        ],
    ),
    Case(
        "bonus_outside_group",
        (IND, 3, "rule", "bonus_outside_group"),
        with_changes(
            B(),
            "P.1",
            answer_type="count",
            rule="bonus",
            rule_params='{"per_item": 1, "max": 5}',
            max_points="",
        ),
    ),
    Case(
        "group_needs_children",
        (IND, 6, "code", "group_needs_children"),
        [*B(), node("Q", kind="pillar", max_points="10")],
    ),
    Case(
        "bonus_group_needs_children",
        (IND, 6, "code", "group_needs_children"),
        [*B(), node("THUONG", kind="bonus_group")],
    ),
    # cells
    *[
        Case(
            f"not_boolean_{col}",
            (IND, 3, col, "not_boolean"),
            with_changes(B(), "P.1", **{col: "maybe"}),
        )
        for col in ("capped", "requires_procedures", "na_allowed")
    ],
    Case(
        "not_date",
        (IND, 3, "date_from", "not_date"),
        with_changes(B(), "P.1", date_from="31/02/2025"),
    ),
    Case(
        "not_date_format",
        (IND, 3, "date_to", "not_date"),
        with_changes(B(), "P.1", date_to="2025.12.31"),
    ),
    Case(
        "date_window_reversed",
        (IND, 3, "date_to", "date_window_reversed"),
        with_changes(B(), "P.1", date_from="01/06/2025", date_to="31/05/2025"),
    ),
    Case(
        "unknown_applies_to",
        (IND, 3, "applies_to", "unknown_choice"),
        with_changes(B(), "P.1", applies_to="department, province"),
    ),
    Case(
        "negative_max",
        (IND, 3, "max_points", "negative"),
        with_changes(B(), "P.1", max_points="-5"),
    ),
    Case(
        "max_not_number",
        (IND, 3, "max_points", "not_number"),
        with_changes(B(), "P.1", max_points="mười"),
    ),
    Case(
        "order_not_integer",
        (IND, 3, "order", "not_integer"),
        with_changes(B(), "P.1", order="1.5"),
    ),
    Case(
        "order_negative",
        (IND, 3, "order", "negative"),
        with_changes(B(), "P.1", order="-1"),
    ),
    # previous version and continues_code
    Case(
        "continues_without_previous",
        (IND, 4, "continues_code", "continues_without_previous"),
        with_changes(B(), "P.2", continues_code="P.2"),
    ),
    Case(
        "unknown_previous_version",
        (FW, 0, "previous_version", "unknown_previous_version"),
        meta=_meta(previous_version="T-SO:2019"),
        formats=("xlsx",),
    ),
    Case(
        "unknown_previous_version_csv",
        (FW, 0, "previous_version", "unknown_previous_version"),
        meta=_meta(previous_version="T-SO:2019"),
        formats=("csv",),
    ),
    Case(
        "malformed_previous_version",
        (FW, 0, "previous_version", "unknown_previous_version"),
        meta=_meta(previous_version="T-SO 2024"),
        formats=("xlsx",),
    ),
    Case(
        "unknown_continues",
        (IND, 4, "continues_code", "unknown_continues"),
        with_changes(B(), "P.2", continues_code="P.9"),
        meta=_meta(previous_version="T-SO:2024"),
        needs_previous=True,
    ),
    # levels
    Case(
        "levels_not_increasing",
        (LV, 0, "min_value", "levels_order"),
        levels=_levels("0", "0.5", "0.5"),
    ),
    Case(
        "levels_decreasing",
        (LV, 0, "min_value", "levels_order"),
        levels=_levels("0", "0.6", "0.3"),
    ),
    Case(
        "levels_not_from_0",
        (LV, 0, "min_value", "levels_order"),
        levels=_levels("0.1", "0.5"),
    ),
    Case(
        "levels_above_1",
        (LV, 0, "min_value", "levels_order"),
        levels=_levels("0", "1.5"),
    ),
    Case(
        "level_not_number",
        (LV, 3, "min_value", "not_number"),
        levels=_levels("0", "một nửa"),
    ),
    Case(
        "level_without_code",
        (LV, 2, "code", "required"),
        levels=[{"name_vi": "Không mã", "min_value": "0"}],
    ),
]


def _case_params():
    for case in CASES:
        marks = (
            [pytest.mark.xfail(strict=True, raises=case.raises, reason=case.bug)]
            if case.bug
            else []
        )
        for fmt in case.formats:
            yield pytest.param(case, fmt, id=f"{case.id}-{fmt}", marks=marks)


@pytest.mark.parametrize(("case", "fmt"), list(_case_params()))
def test_validation_rule(case: Case, fmt: str, tmp_path, request):
    if case.needs_previous:
        request.getfixturevalue("previous_2024")
    path = write_framework(
        tmp_path,
        fmt,
        case.nodes,
        meta=case.meta,
        levels=case.levels,
        columns=case.columns,
    )
    issues = failed_import(path)
    sheet, row, column, code = case.expect
    expected = (sheet_name(fmt, sheet), row, column, code)
    assert expected in located(issues), [str(i) for i in issues]
    issue = next(i for i in issues if (i.sheet, i.row, i.column, i.code) == expected)
    if case.param:
        assert case.param in issue.params["value"]
        assert issue.params["rule"] in issue.message("en")
    for each in issues:
        assert_bilingual(each)


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_issue_message_exists_in_both_languages(code):
    placeholders = re.findall(r"%\((\w+)\)s", str(MESSAGES[code]))
    assert_bilingual(
        ImportIssue("indicators", 2, "code", code, dict.fromkeys(placeholders, "X"))
    )


def test_duplicate_code_names_the_first_row(tmp_path):
    nodes = [
        *base_nodes(),
        node("P.2", "P", max_points="0"),
        node("P.2", "P", max_points="0"),
    ]
    issues = failed_import(write_framework(tmp_path, "csv", nodes))
    duplicates = [i for i in issues if i.code == "duplicate_code"]
    assert [(i.row, i.column, i.params["row"]) for i in duplicates] == [
        (6, "code", 4),
        (7, "code", 4),
    ]
    assert "row 4" in duplicates[0].message("en")


def test_cycle_reports_each_node_of_the_cycle(tmp_path):
    nodes = [
        *base_nodes(),
        node("C1", "C2", kind="component"),
        node("C2", "C1", kind="component"),
        node("C1.1", "C1"),
    ]
    issues = failed_import(write_framework(tmp_path, "csv", nodes))
    cycles = {(i.row, i.column) for i in issues if i.code == "cycle"}
    assert {(6, "parent_code"), (7, "parent_code")} <= cycles


def test_missing_indicators_sheet(tmp_path):
    workbook = Workbook()
    workbook.active.title = "framework"
    workbook.active.append(["key", "value"])
    path = tmp_path / "no-indicators.xlsx"
    workbook.save(path)
    issues = failed_import(path)
    assert located(issues) == {("indicators", 0, "", "sheet_missing")}
    assert "indicators" in issues[0].message("en")
    assert_bilingual(issues[0])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_missing_framework_sheet_reports_every_key(tmp_path, fmt):
    issues = failed_import(write_framework(tmp_path, fmt, base_nodes(), meta=False))
    assert located(issues) == {
        ("framework", 0, key, "key_missing")
        for key in ("framework_code", "framework_name_vi", "year", "unit_type")
    }


def test_unreadable_and_unknown_files(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    assert located(failed_import(broken)) == {("", 0, "", "file_unreadable")}
    other = tmp_path / "t.txt"
    other.write_text("code\n")
    assert located(failed_import(other)) == {("t.txt", 0, "", "unknown_file_type")}
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        "code,parent_code,kind,name_vi\nA,,pillar,Tên\xe9\n".encode("latin-1")
    )
    assert located(failed_import(latin)) == {("latin.csv", 0, "", "csv_not_utf8")}


def test_capped_group_above_its_children_is_accepted(tmp_path):
    nodes = with_changes(base_nodes(), "P", max_points="25", capped="yes")
    version = import_path(write_framework(tmp_path, "csv", nodes))
    pillar = version.nodes.get(code="P")
    assert pillar.capped is True and pillar.max_points == Decimal(25)


@pytest.mark.parametrize(
    ("kind", "rule"), [("bonus_group", "bonus"), ("penalty_group", "penalty")]
)
def test_bonus_and_penalty_groups_may_exceed_their_maximum(tmp_path, kind, rule):
    nodes = [
        *base_nodes(),
        node("G", kind=kind, max_points="5"),
        node(
            "G.1",
            "G",
            answer_type="count",
            rule=rule,
            max_points="",
            rule_params='{"per_item": 2, "max": 10}',
        ),
        node("G.2", "G", answer_type="points", rule=rule, max_points="8"),
    ]
    version = import_path(write_framework(tmp_path, "xlsx", nodes))
    assert version.nodes.get(code="G.1").rule_params == {"per_item": 2, "max": 10}
    # the group keeps its own maximum, below the sum of its items' caps
    assert version.nodes.get(code="G").max_points == Decimal(5)


def test_bonus_group_under_a_pillar_does_not_count_in_its_maximum(tmp_path):
    nodes = [
        *base_nodes(),
        node("G", "P", kind="bonus_group"),
        node(
            "G.1",
            "G",
            answer_type="count",
            rule="bonus",
            max_points="",
            rule_params='{"per_item": 2, "max": 10}',
        ),
    ]
    version = import_path(write_framework(tmp_path, "csv", nodes))
    assert version.nodes.get(code="G.1").parent.code == "G"


def test_continues_code_into_the_previous_version(tmp_path, previous_2024):
    nodes = with_changes(base_nodes(), "P.2", continues_code="P.3")
    meta = _meta(previous_version="T-SO:2024")
    version = import_path(write_framework(tmp_path, "csv", nodes, meta=meta))
    assert version.previous == previous_2024
    assert version.nodes.get(code="P.2").continues == previous_2024.nodes.get(
        code="P.3"
    )


def test_booleans_accept_every_documented_spelling(tmp_path):
    spellings = {
        "yes": True,
        "có": True,
        "1": True,
        "x": True,
        "X": True,
        "no": False,
        "không": False,
        "0": False,
        "": False,
    }
    nodes = [node("P", kind="pillar")]
    for index, (text, _value) in enumerate(spellings.items()):
        nodes.append(node(f"P.{index}", "P", na_allowed=text, requires_procedures=text))
    version = import_path(write_framework(tmp_path, "csv", nodes))
    for index, value in enumerate(spellings.values()):
        stored = version.nodes.get(code=f"P.{index}")
        assert (stored.na_allowed, stored.requires_procedures) == (value, value)


# --- several errors


def _several_row_errors() -> list[dict]:
    nodes = with_changes(base_nodes(), "P.1", capped="maybe", date_from="1/13/2025")
    nodes = with_changes(nodes, "P.2", kind="section")
    return with_changes(nodes, "P.3", max_points="-1", applies_to="province")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_several_row_errors_are_all_reported(tmp_path, fmt):
    issues = failed_import(write_framework(tmp_path, fmt, _several_row_errors()))
    i = sheet_name(fmt, "indicators")
    assert located(issues) == {
        (i, 3, "capped", "not_boolean"),
        (i, 3, "date_from", "not_date"),
        (i, 4, "kind", "unknown_choice"),
        (i, 5, "max_points", "negative"),
        (i, 5, "applies_to", "unknown_choice"),
    }
    assert len(issues) == 5
    for issue in issues:
        assert_bilingual(issue)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_several_framework_key_errors_are_all_reported(tmp_path, fmt):
    meta = _meta(year="20xx", unit_type="tinh", precision="-1", level_edges="giua")
    issues = failed_import(write_framework(tmp_path, fmt, base_nodes(), meta=meta))
    f = sheet_name(fmt, "framework")
    assert located(issues) == {
        (f, 0, "year", "not_integer"),
        (f, 0, "unit_type", "unknown_choice"),
        (f, 0, "precision", "out_of_range"),
        (f, 0, "level_edges", "unknown_choice"),
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_framework_key_errors_do_not_hide_row_errors(tmp_path, fmt):
    path = write_framework(
        tmp_path, fmt, _several_row_errors(), meta=_meta(year="20xx")
    )
    issues = failed_import(path)
    i, f = sheet_name(fmt, "indicators"), sheet_name(fmt, "framework")
    assert {
        (f, 0, "year", "not_integer"),
        (i, 3, "capped", "not_boolean"),
        (i, 4, "kind", "unknown_choice"),
    } <= located(issues)


def test_level_errors_do_not_hide_row_errors(tmp_path):
    path = write_framework(
        tmp_path, "xlsx", _several_row_errors(), levels=_levels("0.2", "0.5")
    )
    issues = failed_import(path)
    assert {
        ("levels", 0, "min_value", "levels_order"),
        ("indicators", 3, "capped", "not_boolean"),
    } <= located(issues)


def test_several_tree_errors_are_all_reported(tmp_path):
    nodes = [
        node("P", kind="pillar", max_points="5"),  # 2: children above max
        node("P.1", "P", rule="ratio"),  # 3: rule/answer mismatch
        node("P.2", "P", max_points=""),  # 4: scored without max
        node("Q", kind="pillar"),  # 5: group without children
        node(
            "P.3", "P", answer_type="count", rule="bonus", max_points="3"
        ),  # 6: bonus outside
    ]
    issues = failed_import(write_framework(tmp_path, "csv", nodes))
    assert {
        ("t.csv", 2, "max_points", "children_above_max"),
        ("t.csv", 3, "answer_type", "rule_answer_mismatch"),
        ("t.csv", 4, "max_points", "scored_without_max"),
        ("t.csv", 5, "code", "group_needs_children"),
        ("t.csv", 6, "rule", "bonus_outside_group"),
    } <= located(issues)


def test_cell_errors_do_not_hide_rule_errors(tmp_path):
    nodes = with_changes(base_nodes(), "P.1", date_from="31/02/2025")
    nodes = with_changes(nodes, "P.3", rule="yes_no")
    issues = failed_import(write_framework(tmp_path, "csv", nodes))
    assert {
        ("t.csv", 3, "date_from", "not_date"),
        ("t.csv", 5, "answer_type", "rule_answer_mismatch"),
    } <= located(issues)


# --- other bugs


def test_precision_zero_is_kept(tmp_path):
    version = import_path(
        write_framework(tmp_path, "csv", base_nodes(), meta=_meta(precision="0"))
    )
    assert version.precision == 0


def test_explicit_order_zero_is_kept(tmp_path):
    nodes = [
        node("P", kind="pillar", order="0"),
        node("P.2", "P", order="1"),
        node("P.1", "P", order="0"),
    ]
    version = import_path(write_framework(tmp_path, "csv", nodes))
    assert [
        n.code for n in version.nodes.get(code="P").children.order_by("order", "id")
    ] == ["P.1", "P.2"]


def test_too_long_code_is_reported(tmp_path):
    long_code = "P." + "1" * 45
    nodes = [*base_nodes(), node(long_code, "P", max_points="0")]
    issues = failed_import(write_framework(tmp_path, "csv", nodes))
    assert any(i.row == 6 and i.column == "code" for i in issues)


# --- round trips

ROUND_TRIP_FIELDS = [
    "kind",
    "order",
    "name_vi",
    "name_en",
    "guidance_vi",
    "guidance_en",
    "answer_type",
    "max_points",
    "capped",
    "rule",
    "rule_params",
    "applies_to",
    "requires_procedures",
    "na_allowed",
    "evidence_required",
    "date_from",
    "date_to",
    "date_window",
    "provenance",
    "source",
]


def tree(version: FrameworkVersion) -> dict[str, dict]:
    nodes = version.nodes.select_related("parent", "continues")
    return {
        n.code: {
            **{name: getattr(n, name) for name in ROUND_TRIP_FIELDS},
            "parent": n.parent.code if n.parent else None,
            "continues": (n.continues.version_id, n.continues.code)
            if n.continues
            else None,
        }
        for n in nodes
    }


def settings_of(version: FrameworkVersion) -> dict:
    return {
        "framework": version.framework_id,
        "year": version.year,
        "unit_type": version.unit_type,
        "levels": version.levels,
        "precision": version.precision,
        "level_edges": version.level_edges,
        "legal_basis": version.legal_basis,
        "previous": version.previous_id,
    }


def assert_same_version(original: FrameworkVersion, copy: FrameworkVersion) -> None:
    assert copy.pk != original.pk
    assert copy.number == original.number + 1
    assert settings_of(copy) == settings_of(original)
    before, after = tree(original), tree(copy)
    assert set(after) == set(before)
    for code in before:
        assert after[code] == before[code], code


def rich_nodes() -> list[dict]:
    """Every column with a value, text that looks like formulas, quotes and line "
    "breaks."""
    return [
        node(
            "A",
            kind="pillar",
            order="1",
            max_points="40",
            capped="yes",
            name_en="Pillar A",
            guidance_vi='Dòng 1\nDòng 2 "trích dẫn", dấu phẩy',
            source="QĐ 3019/QĐ-UBND",
        ),
        node(
            "A.1",
            "A",
            order="1",
            name_vi="=SUM(A1)",
            name_en="+84 912 345 678",
            guidance_vi="- Gạch đầu dòng\n- Dòng hai",
            guidance_en="@mention",
            applies_to="department,district",
            requires_procedures="yes",
            na_allowed="yes",
            evidence_required="Quyết định (số, ngày)",
            date_from="01/01/2025",
            date_to="31/10/2025",
            date_window="refuse",
            provenance="reconstructed",
            source="=1+1",
            max_points="12.5",
        ),
        node(
            "A.2",
            "A",
            order="2",
            name_vi="- Gạch đầu dòng",
            answer_type="level",
            rule="level",
            rule_params=json.dumps(
                {
                    "levels": [
                        {
                            "code": "chu_tich",
                            "vi": "Chủ tịch",
                            "en": "Chair",
                            "factor": 1,
                        },
                        {"code": "pho", "vi": "Phó", "en": "Deputy", "factor": 0.5},
                    ]
                },
                ensure_ascii=False,
            ),
            max_points="10",
        ),
        node(
            "A.3",
            "A",
            order="3",
            answer_type="checklist",
            rule="checks",
            max_points="10",
            rule_params=json.dumps(
                {
                    "checks": [
                        {"code": "a", "vi": "Có A", "points": 4},
                        {"code": "b", "vi": "Có B", "points": 8},
                    ]
                }
            ),
        ),
        node(
            "A.4",
            "A",
            order="4",
            answer_type="money",
            rule="target",
            max_points="7.25",
            rule_params='{"target": 1500000.5}',
        ),
        node(
            "A.5",
            "A",
            order="5",
            answer_type="percentage",
            rule="ratio",
            rule_params='{"zero_denominator": "na"}',
        ),
        node(
            "A.6",
            "A",
            order="6",
            answer_type="number",
            rule="relative_best",
            max_points="3",
        ),
        node("A.7", "A", order="7", answer_type="text", rule="none", max_points=""),
        node(
            "A.8",
            "A",
            order="8",
            answer_type="points",
            rule="direct",
            max_points="0.75",
        ),
        node("B", kind="component", parent_code="A", order="9", max_points=""),
        node(
            "B.1",
            "B",
            order="1",
            answer_type="date",
            rule="none",
            max_points="",
            date_from="15/03/2025",
        ),
        node(
            "B.2",
            "B",
            order="2",
            answer_type="count",
            rule="tiers",
            max_points="6",
            rule_params='{"tiers": [[1, 2], [5, 6]]}',
        ),
        node("T", kind="bonus_group", order="2", max_points="10"),
        node(
            "T.1",
            "T",
            order="1",
            answer_type="count",
            rule="bonus",
            max_points="",
            rule_params='{"per_item": 2.5, "max": 20}',
        ),
        node("N", kind="penalty_group", order="3"),
        node(
            "N.1", "N", order="1", answer_type="points", rule="penalty", max_points="5"
        ),
    ]


RICH_META = _meta(
    legal_basis="QĐ 1/QĐ-UBND, ngày 02/01/2025",
    precision="3",
    level_edges="lower_inclusive",
    unit_type="department",
)
RICH_LEVELS = [
    {"code": "a", "name_vi": "Một", "name_en": "One", "min_value": "0"},
    {"code": "b", "name_vi": "Hai", "name_en": "", "min_value": "0.3"},
    {"code": "c", "name_vi": "Ba", "name_en": "Three", "min_value": "0.55"},
    {"code": "d", "name_vi": "Bốn", "name_en": "Four", "min_value": "0.9"},
    {"code": "e", "name_vi": "Năm", "name_en": "Five", "min_value": "1"},
]


def export(code: str, year: int, output: Path, *options: str) -> str:
    return call_command(
        "export_framework", code, str(year), "-o", str(output), *options
    )


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_framework_command(tmp_path, suffix):
    call_command("import_framework", str(FIXTURES / "commune-2025.csv"))
    output = tmp_path / f"dti-xa.{suffix}"
    message = export("DTI-XA", 2025, output)
    assert message.startswith("Wrote DTI-XA 2025 v1 to ")
    assert output.exists()
    call_command("import_framework", str(output))
    versions = FrameworkVersion.objects.filter(framework__code="DTI-XA", year=2025)
    assert sorted(versions.values_list("number", flat=True)) == [1, 2]


def test_export_framework_command_chooses_the_version(tmp_path):
    for name in ("Tên một", "Tên hai"):
        folder = tmp_path / name
        folder.mkdir()
        import_path(
            write_framework(
                folder, "csv", with_changes(base_nodes(), "P.1", name_vi=name)
            )
        )
    export("T-SO", 2025, tmp_path / "latest.csv")
    export("T-SO", 2025, tmp_path / "first.csv", "--number", "1")
    for stem, name in (("latest", "Tên hai"), ("first", "Tên một")):
        with open(tmp_path / f"{stem}.csv", encoding="utf-8") as f:
            rows = {row["code"]: row for row in csv.DictReader(f)}
        assert rows["P.1"]["name_vi"] == name
    with pytest.raises(CommandError, match="No version of T-SO for 2030"):
        export("T-SO", 2030, tmp_path / "none.csv")
    with pytest.raises(CommandError, match="No version of T-SO for 2025"):
        export("T-SO", 2025, tmp_path / "none.csv", "--number", "3")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("stem", ["commune-2025", "department-2024", "department-2025"])
def test_fixture_round_trip(tmp_path, stem, fmt):
    if stem == "department-2025":
        call_command("import_framework", str(FIXTURES / "department-2024.csv"))
    call_command("import_framework", str(FIXTURES / f"{stem}.csv"))
    original = FrameworkVersion.objects.order_by("-pk").first()
    output = tmp_path / f"export.{fmt}"
    export(original.framework.code, original.year, output)
    if fmt == "csv":
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "export.csv",
            "export.framework.csv",
            "export.levels.csv",
        ]
    call_command("import_framework", str(output))
    copy = FrameworkVersion.objects.order_by("-pk").first()
    assert_same_version(original, copy)
    if stem == "department-2025":
        assert copy.nodes.filter(continues__isnull=False).count() == (
            original.nodes.filter(continues__isnull=False).count()
        )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_rich_round_trip(tmp_path, fmt, previous_2024):
    nodes = with_changes(rich_nodes(), "A.6", continues_code="P.2")
    source = tmp_path / "src"
    source.mkdir()
    meta = {**RICH_META, "previous_version": "T-SO:2024"}
    original = import_path(
        write_framework(source, "csv", nodes, meta=meta, levels=RICH_LEVELS)
    )
    assert original.precision == 3 and original.level_edges == "lower_inclusive"
    assert original.nodes.get(code="A.1").applies_to == ["department", "district"]
    export("T-SO", 2025, tmp_path / f"out.{fmt}")
    copy = import_path(tmp_path / f"out.{fmt}")
    assert_same_version(original, copy)
    assert copy.nodes.get(code="A.6").continues == previous_2024.nodes.get(code="P.2")
    assert [lv["min_value"] for lv in copy.levels] == [0, 0.3, 0.55, 0.9, 1]


def test_round_trip_twice_is_stable(tmp_path):
    """An export of a re-imported export is the same bytes (CSV)."""
    import_path(
        write_framework(
            tmp_path, "csv", rich_nodes(), meta=RICH_META, levels=RICH_LEVELS
        )
    )
    first = framework_files(FrameworkVersion.objects.get(), stem="x.csv")
    (tmp_path / "x").mkdir()
    for name, content in first.items():
        (tmp_path / "x" / name).write_bytes(content)
    second = framework_files(import_path(tmp_path / "x" / "x.csv"), stem="x.csv")
    assert second == first


# --- formula-looking text

FORMULA_TEXTS = ["=SUM(A1)", "- Gạch đầu dòng", "+84 912 345 678", "@mention", "=1+1"]


def test_formula_looking_text_is_exported_as_text_cells(tmp_path):
    version = import_path(
        write_framework(tmp_path, "csv", rich_nodes(), meta=RICH_META)
    )
    content = framework_files(version, stem="x.xlsx")["x.xlsx"]
    sheet = load_workbook(io.BytesIO(content))["indicators"]
    found = {}
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.value in FORMULA_TEXTS:
                found[cell.value] = cell.data_type
    assert found == dict.fromkeys(FORMULA_TEXTS, "s")
    # the cached value a formula-evaluating reader sees is the text itself
    values = load_workbook(io.BytesIO(content), data_only=True)["indicators"]
    texts = {c.value for row in values.iter_rows(min_row=2) for c in row}
    assert set(FORMULA_TEXTS) <= texts


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_looking_text_round_trips(tmp_path, fmt):
    nodes = [
        node("=P", kind="pillar", name_vi="=SUM(A1)"),
        node(
            "-1",
            "=P",
            name_vi="- Gạch đầu dòng",
            name_en='=HYPERLINK("x")',
            guidance_vi="+ cộng",
            evidence_required="@tài liệu",
            source="-S21",
        ),
    ]
    version = import_path(write_framework(tmp_path, "csv", nodes))
    files = framework_files(version, stem=f"y.{fmt}")
    (tmp_path / "y").mkdir()
    for name, content in files.items():
        (tmp_path / "y" / name).write_bytes(content)
    copy = import_path(tmp_path / "y" / f"y.{fmt}")
    pillar, leaf = copy.nodes.get(code="=P"), copy.nodes.get(code="-1")
    assert pillar.name_vi == "=SUM(A1)"
    assert (leaf.parent, leaf.name_vi, leaf.name_en) == (
        pillar,
        "- Gạch đầu dòng",
        '=HYPERLINK("x")',
    )
    assert (leaf.guidance_vi, leaf.evidence_required, leaf.source) == (
        "+ cộng",
        "@tài liệu",
        "-S21",
    )


# --- upload page


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


def upload(client, name: str, content: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile(name, content), **fields}
    return client.post(reverse("survey:framework_import"), data)


def exported_xlsx(tmp_path) -> bytes:
    version = import_path(
        write_framework(tmp_path, "csv", rich_nodes(), meta=RICH_META)
    )
    return framework_files(version, stem="x.xlsx")["x.xlsx"]


def test_upload_page_shows_the_form(client, coordinator):
    response = client.get(reverse("survey:framework_import"))
    assert response.status_code == 200
    assert b'type="file"' in response.content


def test_upload_valid_xlsx(client, coordinator, tmp_path):
    content = exported_xlsx(tmp_path)
    before = FrameworkVersion.objects.count()
    response = upload(client, "bo-chi-so.xlsx", content)
    assert response.status_code == 302
    assert response["Location"] == reverse("survey:framework_list")
    assert FrameworkVersion.objects.count() == before + 1
    version = FrameworkVersion.objects.order_by("-pk").first()
    assert (version.framework.code, version.year, version.number) == ("T-SO", 2025, 2)
    assert version.nodes.count() == len(rich_nodes())
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_upload_csv_with_the_keys_in_the_form(client, coordinator, tmp_path):
    path = write_framework(tmp_path, "csv", base_nodes(), meta=False)
    response = upload(
        client,
        "t.csv",
        path.read_bytes(),
        framework_code="CSV-1",
        framework_name_vi="Bộ CSV",
        year="2024",
        unit_type="commune",
    )
    assert response.status_code == 302
    version = FrameworkVersion.objects.get(framework__code="CSV-1")
    assert (version.year, version.unit_type, version.nodes.count()) == (
        2024,
        "commune",
        4,
    )


def test_upload_invalid_file_lists_every_issue(client, coordinator, tmp_path):
    nodes = with_changes(base_nodes(), "P.1", capped="maybe", date_to="2025/13/01")
    nodes = with_changes(nodes, "P.2", kind="section")
    nodes = with_changes(nodes, "P.3", applies_to="tinh")
    path = write_framework(tmp_path, "xlsx", nodes)
    before = counts()
    response = upload(client, "sai.xlsx", path.read_bytes())
    assert response.status_code == 200
    assert counts() == before
    issues = response.context["issues"]
    assert located(issues) == {
        ("indicators", 5, "applies_to", "unknown_choice"),
        ("indicators", 3, "capped", "not_boolean"),
        ("indicators", 3, "date_to", "not_date"),
        ("indicators", 4, "kind", "unknown_choice"),
    }
    html = response.content.decode()
    for issue in issues:
        row = issue.row or ""
        assert f"<td>{issue.sheet}</td><td>{row}</td><td>{issue.column}</td>" in html
        assert escape(issue.message("vi")) in html
        assert escape(issue.message("en")) in html


def test_upload_csv_without_keys_lists_the_missing_keys(client, coordinator, tmp_path):
    path = write_framework(tmp_path, "csv", base_nodes(), meta=False)
    before = counts()
    response = upload(client, "t.csv", path.read_bytes())
    assert response.status_code == 200
    assert counts() == before
    assert {(i.sheet, i.column, i.code) for i in response.context["issues"]} == {
        ("framework", key, "key_missing")
        for key in ("framework_code", "framework_name_vi", "year", "unit_type")
    }


def test_upload_txt_file_is_a_form_error(client, coordinator):
    before = counts()
    response = upload(client, "bo-chi-so.txt", b"code,kind\n")
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert response.context["issues"] == []
    assert counts() == before


def test_unit_editor_is_refused(client, plain_static, tmp_path):
    unit = Unit.objects.create(code="SO-1", name_vi="Sở 1", unit_type="department")
    user = User.objects.create_user("bientap", password="x")
    Membership.objects.create(user=user, role=Membership.Role.EDITOR, unit=unit)
    client.force_login(user)
    assert client.get(reverse("survey:framework_import")).status_code == 403
    before = counts()
    path = write_framework(tmp_path, "xlsx", base_nodes())
    assert upload(client, "t.xlsx", path.read_bytes()).status_code == 403
    assert counts() == before


def test_anonymous_user_is_sent_to_login(client, plain_static, tmp_path):
    url = reverse("survey:framework_import")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    path = write_framework(tmp_path, "xlsx", base_nodes())
    response = upload(client, "t.xlsx", path.read_bytes())
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("login")
    )
    assert counts() == (0, 0, 0)
