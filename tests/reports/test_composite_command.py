"""``manage.py composite``: the shipped DESI 2022 example against the published
scores, the output formats, the exit code on bad input and strict mode."""

import csv
import dataclasses
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from survey.results import composite as service
from tests.survey.test_composite_service import (
    SPEC,
    _results,
    write_csv,
    write_spec,
)

BASE = Path(settings.BASE_DIR)
EXAMPLE = BASE / "docs" / "examples" / "desi2022"
DESI = BASE / "tests" / "data" / "desi2022"


def run(*args, lang="en") -> str:
    out = StringIO()
    call_command("composite", *map(str, args), "--lang", lang, stdout=out)
    return out.getvalue()


def published() -> dict[str, dict[str, str]]:
    with (DESI / "expected_scores_2022.csv").open(encoding="utf-8") as f:
        return {r["country"]: r for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def desi(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("desi") / "desi.json"
    said = run(EXAMPLE / "spec.json", EXAMPLE / "data.csv", "--out", out)
    assert "27 units, 33 indicators, 15 groups" in said
    first = min(published().items(), key=lambda item: int(item[1]["rank"] or 99))
    score = round(float(first[1]["DESI"]), 1)
    assert f"DESI: 1. {first[0]} {score}; 2. " in said
    return json.loads(out.read_text(encoding="utf-8"))


def column(code: str, level: int) -> str:
    return f"D{code}" if level == 3 else code


def test_desi_scores_match_the_published_ones(desi):
    expected = published()
    aggregates = [r for r in desi["rows"] if r["level"] > 1]
    assert len(aggregates) == 27 * 15
    gaps = [
        abs(r["score"] - float(expected[r["unit"]][column(r["code"], r["level"])]))
        for r in aggregates
    ]
    assert max(gaps) < 1e-9


def test_desi_ranks_at_one_decimal_are_the_published_ranks(desi):
    expected = published()
    assert desi["settings"]["precision"] == 1
    ranks = {r["unit"]: r["rank"] for r in desi["rows"] if r["code"] == "DESI"}
    assert ranks == {c: int(expected[c]["rank"]) for c in ranks}
    assert sorted(ranks.values()) == list(range(1, 28))


def test_the_desi_example_is_the_raw_data_with_the_official_imputations():
    """Every cell of the shipped data is the raw value, or the workbook's own
    imputation where the raw value is missing (HR/2a3 is 0, see the docs)."""
    with (DESI / "raw_values_2022.csv").open(encoding="utf-8") as f:
        raw = {r["country"]: r for r in csv.DictReader(f)}
    with (DESI / "imputed_values_2022.csv").open(encoding="utf-8") as f:
        imputed = {
            (r["country"], r["code"]): r["imputed_value"] for r in csv.DictReader(f)
        }
    with (EXAMPLE / "data.csv").open(encoding="utf-8") as f:
        shipped = list(csv.DictReader(f))
    assert [r["country"] for r in shipped] == [c for c in raw if c != "EU"]
    for row in shipped:
        for code, value in row.items():
            original = raw[row["country"]][code]
            assert value == (original or imputed[row["country"], code])
    assert next(r for r in shipped if r["country"] == "HR")["2a3"] == "0"
    assert (EXAMPLE / "ATTRIBUTION").read_text() == (DESI / "ATTRIBUTION").read_text()


def test_xlsx_output_has_its_sheets(tmp_path):
    out = tmp_path / "desi.xlsx"
    run(EXAMPLE / "spec.json", EXAMPLE / "data.csv", "--out", out)
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == [
        "Level 4",
        "Level 3",
        "Level 2",
        "Level 1",
        "Ranks",
        "Weights",
        "Diagnostics",
        "Settings",
    ]
    top = list(book["Level 4"].values)
    assert top[0] == ("Unit", "Ranking group", "DESI")
    expected = published()
    assert len(top) == 28
    for unit, _group, score in top[1:]:
        assert score == pytest.approx(float(expected[unit]["DESI"]), abs=1e-9)
    assert list(book["Level 3"].values)[0][2:] == ("1", "2", "3", "4")
    ranks = list(book["Ranks"].values)
    assert ranks[0][:4] == ("Unit", "Ranking group", "DESI", "1")
    assert {r[0]: r[2] for r in ranks[1:]}["FI"] == 1
    weights = {r[0]: r for r in list(book["Weights"].values)[1:]}
    assert weights["1a1"][5] == pytest.approx(0.25 * 0.5 * 0.5)
    settings_rows = {r[0]: r[1:2] and r[1] for r in list(book["Settings"].values)[1:]}
    assert settings_rows["precision"] == 1 and settings_rows["data"] == "data.csv"
    assert list(book["Diagnostics"].values)[1] == ("No diagnostic",)


def test_bands_sheet_when_the_spec_has_bands(tmp_path):
    spec = json.loads((EXAMPLE / "spec.json").read_text(encoding="utf-8"))
    spec["reporting"]["bands"] = {
        "thresholds": [40, 55],
        "labels": ["low", "middle", "high"],
    }
    path = tmp_path / "banded.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    out = tmp_path / "banded.xlsx"
    run(path, EXAMPLE / "data.csv", "--out", out)
    book = openpyxl.load_workbook(out, read_only=True)
    bands = {r[0]: r[2] for r in list(book["Bands"].values)[1:]}
    scores = {r[0]: r[2] for r in list(book["Level 4"].values)[1:]}
    for unit, band in bands.items():
        low = round(scores[unit], 1) <= 40
        high = round(scores[unit], 1) > 55
        assert band == ("low" if low else "high" if high else "middle")


def test_csv_output_is_the_long_table(tmp_path):
    out = tmp_path / "desi.csv"
    run(EXAMPLE / "spec.json", EXAMPLE / "data.csv", "--out", out, "--precision", "2")
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "unit",
        "group",
        "code",
        "level",
        "score",
        "rounded",
        "rank",
        "band",
        "weight",
    ]
    assert len(rows) == 27 * (33 + 15)
    fi = next(r for r in rows if r["unit"] == "FI" and r["code"] == "DESI")
    assert float(fi["score"]) == pytest.approx(float(published()["FI"]["DESI"]))
    assert fi["rounded"] == str(round(float(fi["score"]), 2))


def test_overrides_are_recorded(tmp_path):
    out = tmp_path / "desi.json"
    run(
        *(EXAMPLE / "spec.json", EXAMPLE / "data.csv", "--out", out),
        *("--precision", "none", "--rank-method", "dense"),
    )
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["settings"]["precision"] is None
    assert document["settings"]["rank_method"] == "dense"
    assert document["diagnostics"] == []


def test_help_describes_the_options(capsys):
    with pytest.raises(SystemExit) as caught:
        call_command("composite", "--help")
    assert caught.value.code == 0
    text = capsys.readouterr().out
    for option in ("--out", "--strict", "--precision", "--rank-method", "--decimal"):
        assert option in text


def test_bad_spec_exits_1_with_the_field_named(tmp_path):
    spec = json.loads(json.dumps(SPEC))
    spec["indicators"][1]["weight"] = "heavy"
    spec_path = write_spec(tmp_path / "spec.json", spec)
    data = write_csv(tmp_path / "data.csv")
    done = subprocess.run(
        [sys.executable, "manage.py", "composite", spec_path, data]
        + ["--out", tmp_path / "o.json", "--lang", "en"],
        cwd=BASE,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "indicators[1].weight: must be a number" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "o.json").exists()


def test_bad_cell_and_bad_output_are_command_errors(tmp_path):
    spec_path = write_spec(tmp_path / "spec.json")
    rows = [("u1", "N", "1", "x", "3"), ("u2", "N", "2", "3", "4")]
    data = write_csv(tmp_path / "data.csv", rows)
    with pytest.raises(CommandError, match="row 2, column “x2”: “x” is not a number"):
        run(spec_path, data, "--out", tmp_path / "o.json")
    with pytest.raises(CommandError, match=r"\.xlsx, \.csv or \.json"):
        run(spec_path, data, "--out", tmp_path / "o.txt")
    with pytest.raises(CommandError, match="no such folder"):
        run(spec_path, data, "--out", tmp_path / "nowhere" / "o.json")


def test_messages_in_vietnamese_by_default(tmp_path):
    spec_path = write_spec(tmp_path / "spec.json")
    data = write_csv(tmp_path / "data.csv", [("u1", "N", "1", "x", "3")])
    with pytest.raises(CommandError) as caught:
        call_command("composite", spec_path, data, "--out", tmp_path / "o.json")
    assert "“x” không phải là số" in str(caught.value)


# --- diagnostics and strict mode ---------------------------------------------------


@pytest.fixture
def diagnosed(monkeypatch, tmp_path):
    """The engine answers with a result that has a diagnostic (built here, so that
    the writing of diagnostics is tested whatever the engine detects)."""
    from scoring.composite import Diagnostic, DiagnosticCode, Diagnostics

    found = Diagnostics({}, (Diagnostic(DiagnosticCode.ALL_MISSING, indicator="x2"),))
    spec, results = _results(found)
    real_read = service.composite_settings_read

    def settings_read(path):
        import dataclasses

        return dataclasses.replace(real_read(path), spec=spec)

    monkeypatch.setattr(service, "composite_settings_read", settings_read)
    monkeypatch.setattr(service, "composite_scores", lambda *a, **k: results)
    return write_spec(tmp_path / "spec.json"), write_csv(tmp_path / "data.csv")


def test_diagnostics_are_printed_and_written(diagnosed, tmp_path):
    out = tmp_path / "o.xlsx"
    said = run(*diagnosed, "--out", out)
    assert "[all_missing] Indicator “x2” has no value for any unit" in said
    book = openpyxl.load_workbook(out, read_only=True)
    rows = list(book["Diagnostics"].values)
    assert rows[1][:2] == ("all_missing", "x2")
    assert "“x2” has no value" in rows[1][4]


def test_strict_mode_refuses_a_diagnosed_result(diagnosed, tmp_path):
    out = tmp_path / "o.json"
    with pytest.raises(CommandError, match="“x2” has no value for any unit"):
        run(*diagnosed, "--out", out, "--strict")
    assert not out.exists()


def _engine_detects_all_missing() -> bool:
    from scoring.composite import (
        CompositeGroup,
        CompositeIndicator,
        CompositeSpec,
        composite_scores,
    )

    spec = CompositeSpec(
        [CompositeIndicator("a", "G"), CompositeIndicator("b", "G")],
        [CompositeGroup("G")],
    )
    data = {"a": [1.0, 2.0, 3.0], "b": [np.nan] * 3}
    try:
        return bool(composite_scores(spec, data).diagnostics)
    except Exception:
        return False


needs_detection = pytest.mark.skipif(
    not _engine_detects_all_missing(),
    reason="runs once the composite engine detects diagnostics",
)


@needs_detection
def test_engine_diagnostic_end_to_end(tmp_path):
    """An indicator with no value at all: a diagnostic, and exit 1 when strict."""
    rows = [("u1", "N", "1", "", "3"), ("u2", "N", "2", "NA", "4")]
    spec_path, data = (
        write_spec(tmp_path / "spec.json"),
        write_csv(tmp_path / "data.csv", rows),
    )
    said = run(spec_path, data, "--out", tmp_path / "o.json")
    assert "[all_missing]" in said and "“x2”" in said
    done = subprocess.run(
        [sys.executable, "manage.py", "composite", spec_path, data]
        + ["--out", tmp_path / "s.json", "--strict", "--lang", "en"],
        cwd=BASE,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "“x2”" in done.stderr


@pytest.mark.parametrize(
    ("doc", "lang"), [("composite.md", "vi"), ("composite.en.md", "en")]
)
def test_the_docs_show_what_the_command_prints(tmp_path, doc, lang):
    """The docs quote the output of the DESI example: it stays true."""
    docs = (BASE / "docs" / doc).read_text(encoding="utf-8")
    blocks = docs.split("```")[1::2]
    printed = next(b for b in blocks if "DESI: 1." in b).strip().splitlines()
    out = tmp_path / "desi.csv"
    said = run(EXAMPLE / "spec.json", EXAMPLE / "data.csv", "--out", out, lang=lang)
    lines = said.strip().splitlines()
    assert lines[0] == printed[0].replace("desi.xlsx", str(out))
    assert lines[1:] == printed[1:]
    for block in blocks:
        if block.startswith("\nunit,"):
            head = block.strip().splitlines()
            assert out.read_text(encoding="utf-8").splitlines()[: len(head)] == head


def test_unit_ids_that_look_like_formulas_stay_text(tmp_path):
    rows = [("=1+1", "@SUM(A1)", "1", "2", "3"), ("-u2", "N", "2", "3", "4")]
    data = write_csv(tmp_path / "data.csv", rows)
    out = tmp_path / "o.xlsx"
    run(write_spec(tmp_path / "spec.json"), data, "--out", out)
    book = openpyxl.load_workbook(out)
    sheet = book["Level 3"]
    assert [sheet.cell(row, 1).value for row in (2, 3)] == ["=1+1", "-u2"]
    assert sheet.cell(2, 1).data_type == "s" and sheet.cell(2, 2).data_type == "s"
    assert sheet.cell(2, 2).value == "@SUM(A1)"


def test_a_bad_precision_is_a_translated_message_and_exit_1(tmp_path):
    spec_path = write_spec(tmp_path / "spec.json")
    data = write_csv(tmp_path / "data.csv")
    with pytest.raises(CommandError, match="--precision must be a whole number"):
        run(spec_path, data, "--out", tmp_path / "o.json", "--precision", "abc")
    done = subprocess.run(
        [sys.executable, "manage.py", "composite", spec_path, data]
        + ["--out", tmp_path / "o.json", "--precision", "abc"],
        cwd=BASE,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "--precision" in done.stderr and "“abc”" in done.stderr
    assert "_precision" not in done.stderr
    assert not (tmp_path / "o.json").exists()
    said = run(spec_path, data, "--out", tmp_path / "o.json", "--precision", "none")
    assert (
        json.loads((tmp_path / "o.json").read_text())["settings"]["precision"] is None
    )
    assert "written to" in said


def test_the_summary_counts_agree_with_the_number(tmp_path):
    spec = json.loads(json.dumps(SPEC))
    for indicator in spec["indicators"]:
        indicator["parent"] = "I"
    spec["groups"] = [{"code": "I"}]
    spec_path = write_spec(tmp_path / "spec.json", spec)
    data = write_csv(tmp_path / "data.csv", [("u1", "N", "1", "2", "3")])
    said = run(spec_path, data, "--out", tmp_path / "o.json")
    assert said.startswith("1 unit, 3 indicators, 1 group; written to ")
    said = run(spec_path, data, "--out", tmp_path / "o.json", lang="vi")
    assert said.startswith("1 đơn vị, 3 chỉ số, 1 nhóm; đã ghi vào ")


def test_numbers_that_are_not_finite_are_never_written(tmp_path, monkeypatch):
    """An overflowing score is null in the JSON and left out of the leaders."""
    from reports.management.commands import composite as command

    spec_path = write_spec(tmp_path / "spec.json")
    data = write_csv(tmp_path / "data.csv")
    real = service.composite_run(spec_path=spec_path, data_path=data)
    rows = [dict(r) for r in real.rows]
    top = min((r for r in rows if r["code"] == "I"), key=lambda r: r["rank"])
    top["score"], top["rounded"] = float("inf"), float("inf")
    rows[0]["weight"] = float("nan")
    changed = dataclasses.replace(real, rows=rows)
    monkeypatch.setattr(command, "composite_run", lambda **kwargs: changed)
    out = tmp_path / "o.json"
    said = run(spec_path, data, "--out", out)
    text = out.read_text(encoding="utf-8")
    assert "Infinity" not in text and "NaN" not in text
    document = json.loads(text)
    written = [r for r in document["rows"] if r["code"] == "I"]
    assert next(r for r in written if r["unit"] == top["unit"])["score"] is None
    assert document["rows"][0]["weight"] is None
    leaders = next(line for line in said.splitlines() if line.startswith("I"))
    assert "inf" not in leaders.lower() and "∞" not in leaders
    assert f"{top['rank']}. {top['unit']}" not in leaders
