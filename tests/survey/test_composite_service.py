"""survey.results.composite: the spec and data files of ``manage.py composite``,
and the messages of the engine's codes (survey.results.engine_messages)."""

import copy
import csv
import dataclasses
import json
import math
import re
import zipfile

import numpy as np
import openpyxl
import pytest
from django.utils import translation

from scoring.codes import PointsDiagnostic, PopulationErrorCode, SpecError
from scoring.composite import (
    CompositeError,
    CompositeErrorCode,
    CompositeGroup,
    CompositeIndicator,
    CompositeResults,
    CompositeSpec,
    Diagnostic,
    DiagnosticCode,
    Diagnostics,
    Reporting,
)
from survey.files.tabular import Limits
from survey.results import composite as service
from survey.results import composite_data
from survey.results.composite import (
    CompositeInputError,
    composite_document,
    composite_run,
)
from survey.results.composite_spec import composite_settings_read
from survey.results.engine_messages import (
    MESSAGES,
    NO_NODE_MESSAGES,
    POINTS_MESSAGES,
    diagnostic_message,
    engine_error_message,
    message_template,
)

# Two pillars: A = (x1, x2 weighing 3), B = (x3); the index I weighs A twice.
SPEC = {
    "name": "Small",
    "indicators": [
        {"code": "x1", "parent": "A", "goalposts": [0, 10]},
        {"code": "x2", "parent": "A", "weight": 3, "goalposts": [0, 10]},
        {"code": "x3", "parent": "B", "direction": -1, "goalposts": [0, 100]},
    ],
    "groups": [
        {"code": "A", "parent": "I", "weight": 2},
        {"code": "B", "parent": "I"},
        {"code": "I"},
    ],
    "normalisation": {"method": "goalposts"},
    "aggregation": "arithmetic",
    "reporting": {"precision": 1},
    "data": {"unit_column": "unit", "group_column": "zone"},
}
ROWS = [
    ("u1", "N", "1.5", "2", "40"),
    ("u2", "N", "4", "8", "10"),
    ("u3", "S", "", "6", "NA"),
    ("u4", "S", "10", "0.25", "100"),
]
HEADER = ("unit", "zone", "x1", "x2", "x3")


def expected_index(x1, x2, x3):
    """The index by hand: goalposts x 100, x3 lower-is-better, means over present."""
    a_parts = [(v * 10, w) for v, w in ((x1, 1), (x2, 3)) if not math.isnan(v)]
    a = sum(v * w for v, w in a_parts) / sum(w for _, w in a_parts)
    if math.isnan(x3):
        return a
    return (2 * a + (100 - x3)) / 3


def write_csv(path, rows=ROWS, *, sep=",", header=HEADER, bom=False):
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
        csv.writer(f, delimiter=sep, lineterminator="\n").writerows([header, *rows])
    return path


def write_spec(path, spec=SPEC):
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    return write_spec(tmp_path / "spec.json"), write_csv(tmp_path / "data.csv")


def index_scores(run) -> dict[str, float]:
    return {r["unit"]: r["score"] for r in run.rows if r["code"] == "I"}


def test_run_computes_the_index_by_hand(files):
    run = composite_run(spec_path=files[0], data_path=files[1])
    values = {
        "u1": (1.5, 2, 40),
        "u2": (4, 8, 10),
        "u3": (math.nan, 6, math.nan),
        "u4": (10, 0.25, 100),
    }
    scores = index_scores(run)
    for unit, raw in values.items():
        assert scores[unit] == pytest.approx(expected_index(*raw), abs=1e-12)
    assert {u["unit"]: u["group"] for u in run.units}["u3"] == "S"
    # ranks are within each zone
    ranks = {r["unit"]: r["rank"] for r in run.rows if r["code"] == "I"}
    assert sorted(ranks[u] for u in ("u1", "u2")) == [1, 2]
    assert sorted(ranks[u] for u in ("u3", "u4")) == [1, 2]
    missing = [r for r in run.rows if r["unit"] == "u3" and r["code"] == "x1"]
    assert missing[0]["score"] is None and missing[0]["rank"] is None


def test_settings_and_weights_are_recorded(files):
    run = composite_run(spec_path=files[0], data_path=files[1], precision=3)
    assert run.settings["precision"] == 3
    assert run.settings["normalisation"]["method"] == "goalposts"
    assert run.settings["units"] == 4 and run.settings["indicators"] == 3
    eff = {n["code"]: n["effective_weight"] for n in run.nodes}
    assert eff["x2"] == pytest.approx(2 / 3 * 3 / 4)
    assert eff["x3"] == pytest.approx(1 / 3)
    json.dumps(run.document())  # plain data throughout


def test_precision_and_rank_method_override_the_spec(files):
    run = composite_run(
        spec_path=files[0], data_path=files[1], precision=None, rank_method="dense"
    )
    assert run.settings["precision"] is None
    assert run.settings["rank_method"] == "dense"
    assert all(r["rounded"] == r["score"] for r in run.rows)


def test_a_bad_override_is_refused_with_a_message(files):
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=files[1], precision=20)
    assert "precision" in str(caught.value.message)


# --- the spec ------------------------------------------------------------------


def _set(spec, path, value):
    *parents, last = path
    node = spec
    for key in parents:
        node = node[key]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value


BAD_SPECS = [
    (("indicators",), KeyError, "indicators: this field is required"),
    (("indicators", 1, "weight"), "heavy", "indicators[1].weight: must be a number"),
    (("indicators", 1, "weight"), -1, "indicators[1]: The weight of “x2”"),
    (("indicators", 0, "direction"), 2, "indicators[0].direction: must be one of"),
    (("indicators", 0, "goalposts"), [1], "indicators[0].goalposts: must be a list"),
    (("indicators", 0, "goalposts"), [5, 1], "goalposts of “x1”"),
    (("indicators", 0, "goalposts"), KeyError, "indicators[0].goalposts: the method"),
    (("indicators", 2, "wieght"), 1, "indicators[2].wieght: unknown field"),
    (("indicators", 2, "parent"), "Z", "indicators[2]: The parent of “x3”"),
    (("groups", 1, "code"), "A", "groups[0]: The code “A” is declared more"),
    (("indicators", 2, "code"), "", "indicators[2].code: must be a text"),
    (("groups", 0, "min_share"), "half", "groups[0].min_share: must be a number"),
    (("groups", 0, "min_share"), 2, "groups[0]: The minimum-data rule of “A”"),
    (("groups", 0, "min_count"), 1.5, "groups[0].min_count: must be a whole"),
    (("normalisation",), KeyError, "normalisation: this field is required"),
    (("normalisation", "method"), "bogus", "normalisation.method"),
    (("normalisation", "truncate"), "yes", "normalisation.truncate: must be true"),
    (("normalisation", "feature_range"), [0], "normalisation.feature_range"),
    (("normalisation", "feature_range"), [5, 1], "normalisation.feature_range: The"),
    (("aggregation",), {"7": "arithmetic"}, "aggregation.7: is not a level"),
    (("aggregation",), {"2": {"method": "median"}}, "aggregation.2.method"),
    (("aggregation",), {"2": {"power": "x"}}, "aggregation.2.power: must be"),
    (("reporting", "precision"), 1.5, "reporting.precision: must be a whole"),
    (("reporting", "precision"), 40, "reporting: The precision"),
    (("reporting", "rank_method"), "olympic", "rank method “olympic”"),
    (("reporting", "bands"), {"thresholds": [50, 10]}, "reporting.bands: The band"),
    (("reporting", "bands"), {"labels": ["a"]}, "reporting.bands.thresholds: this"),
    (("reporting", "bands"), {"thresholds": [1], "edges": "x"}, "band edges “x”"),
    (("data", "unit_column"), KeyError, "data.unit_column: this field is required"),
    (("data", "decimal"), ";", "data.decimal: must be one of"),
    (("colour",), "blue", "colour: unknown field"),
    (("indicators", 0, "direction"), True, "indicators[0].direction: must be one"),
    (("groups", 2, "weight"), 0, "groups: Every top-level group weighs 0"),
    (("reporting", "bands"), {"thresholds": [1], "labels": ["a", {}]}, "labels[1]"),
    (("reporting", "bands"), {"thresholds": [1], "labels": [None, "b"]}, "labels[0]"),
    (("data", "unit_column"), "X2", "data.unit_column: “X2” is the code of an"),
    (("data", "group_column"), "x3", "data.group_column: “x3” is the code of an"),
    (
        ("aggregation",),
        {"2": {"method": "arithmetic", "min_share": 2}},
        "aggregation.2.min_share: The level's default minimum-data rule is",
    ),
    (
        ("aggregation",),
        {"method": "arithmetic", "min_count": -1},
        "aggregation.min_count: The level's default minimum-data rule is",
    ),
]


@pytest.mark.parametrize(("path", "value", "said"), BAD_SPECS)
def test_bad_spec_fields_are_named(tmp_path, path, value, said):
    spec = copy.deepcopy(SPEC)
    _set(spec, path, value)
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_settings_read(write_spec(tmp_path / "spec.json", spec))
    message = str(caught.value.message)
    assert message.startswith("spec.json")
    assert said in message


@pytest.mark.parametrize(
    ("path", "code", "said"),
    [
        (("indicators", 2, "code"), "X1", "indicators[2].code: the code “X1” differs"),
        (("groups", 1, "code"), "a", "groups[1].code: the code “a” differs only"),
        (("groups", 2, "code"), "X3", "“X3” differs only in case from “x3”"),
    ],
)
def test_codes_equal_but_for_case_are_refused(tmp_path, path, code, said):
    spec = copy.deepcopy(SPEC)
    _set(spec, path, code)
    if path[0] == "groups":  # keep the tree whole: re-parent to the new code
        old = SPEC["groups"][path[1]]["code"]
        for item in [*spec["indicators"], *spec["groups"]]:
            if item.get("parent") == old:
                item["parent"] = code
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_settings_read(write_spec(tmp_path / "spec.json", spec))
    message = str(caught.value.message)
    assert said in message
    assert "ignoring case" in message


def test_json_errors_give_line_and_column(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text('{\n  "indicators": [\n    {"code": "x1",, }\n  ]\n}\n')
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_settings_read(path)
    assert "line 3, column 19" in str(caught.value.message)


def test_nan_in_json_is_refused(tmp_path):
    path = tmp_path / "spec.json"
    text = json.dumps(SPEC, indent=1).replace('"weight": 3', '"weight": NaN')
    path.write_text(text)
    line = next(i for i, t in enumerate(text.split("\n"), 1) if "NaN" in t)
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_settings_read(path)
    assert f"(line {line}, column 14): NaN is not" in str(caught.value.message)


def test_a_missing_spec_file_is_a_message(tmp_path):
    with pytest.raises(CompositeInputError, match="nothing.json"):
        composite_settings_read(tmp_path / "nothing.json")


def test_aggregation_per_level(tmp_path):
    spec = copy.deepcopy(SPEC)
    spec["aggregation"] = {"3": {"method": "geometric"}}
    spec["normalisation"] = {"method": "goalposts", "feature_range": [1, 100]}
    settings = composite_settings_read(write_spec(tmp_path / "spec.json", spec))
    assert settings.aggregation[2].method == "arithmetic"
    assert settings.aggregation[3].method == "geometric"
    assert settings.normalisation.feature_range == (1.0, 100.0)


# --- the data --------------------------------------------------------------------


def test_semicolons_and_decimal_commas_read_as_commas_and_points(tmp_path, files):
    plain = composite_run(spec_path=files[0], data_path=files[1])
    rows = [tuple(cell.replace(".", ",") for cell in row) for row in ROWS]
    data = write_csv(tmp_path / "vi.csv", rows, sep=";", bom=True)
    vietnamese = composite_run(spec_path=files[0], data_path=data)
    assert index_scores(vietnamese) == index_scores(plain)


def test_bom_and_header_case_do_not_matter(tmp_path, files):
    header = ("UNIT", "Zone", "X1", "x2", "X3")
    data = write_csv(tmp_path / "d.csv", header=header, bom=True)
    run = composite_run(spec_path=files[0], data_path=data)
    assert index_scores(run) == index_scores(
        composite_run(spec_path=files[0], data_path=files[1])
    )


def test_xlsx_input_first_or_named_sheet(tmp_path, files):
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["this sheet is not the data"])
    sheet = book.create_sheet("Values")
    sheet.append(list(HEADER))
    for unit, zone, *values in ROWS:
        numbers = [None if v in ("", "NA") else float(v) for v in values]
        sheet.append([unit, zone, *numbers])
    path = tmp_path / "data.xlsx"
    book.save(path)
    spec = copy.deepcopy(SPEC)
    spec["data"]["sheet"] = "values"
    spec_path = write_spec(tmp_path / "named.json", spec)
    run = composite_run(spec_path=spec_path, data_path=path)
    assert index_scores(run) == index_scores(
        composite_run(spec_path=files[0], data_path=files[1])
    )
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=path)  # first sheet: Notes
    assert "column “unit” is missing" in str(caught.value.message)


def test_xlsx_text_cells_follow_the_csv_rules(tmp_path, files):
    book = openpyxl.Workbook()
    book.active.append(list(HEADER))
    book.active.append(["u1", "N", "1,5", "abc", 3])
    path = tmp_path / "data.xlsx"
    book.save(path)
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=path)
    assert "row 2, column “x2”: “abc” is not a number" in str(caught.value.message)


def test_broken_and_oversized_files_are_messages(tmp_path, files, monkeypatch):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=broken)
    assert str(caught.value.message) == (
        "broken.xlsx: The file cannot be read as an Excel workbook."
    )
    monkeypatch.setattr(composite_data, "LIMITS", Limits(max_bytes=50))
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=files[1])
    assert str(caught.value.message).startswith("data.csv: The file has ")


BAD_DATA = [
    (1, 3, "1.5x", "row 3, column “x2”: “1.5x” is not a number"),
    (2, 2, "1.234.567", "row 4, column “x1”: “1.234.567” is not a number"),
    (0, 4, "1.250", "row 2, column “x3”: “1.250” reads as a thousand"),
    (3, 3, "0,5", "both decimal marks: “1.5” (row 2, column “x1”)"),
    (0, 0, "", "row 2: the unit id (column “unit”) is empty"),
    (1, 0, "u1", "row 3: the unit “u1” already appears in row 2"),
]


@pytest.mark.parametrize(("row", "column", "text", "said"), BAD_DATA)
def test_bad_cells_name_row_and_column(tmp_path, files, row, column, text, said):
    rows = [list(r) for r in ROWS]
    rows[row][column] = text
    data = write_csv(tmp_path / "bad.csv", [tuple(r) for r in rows])
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=data)
    assert said in str(caught.value.message)


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ("u5,N,1,2,3,4", "row 6 has 6 cells and the header has 5"),
        ("u5,N,1,2", "row 6 has 4 cells and the header has 5"),
        ("u5,N,1,2,3,", "row 6 has 6 cells and the header has 5"),
    ],
)
def test_ragged_rows_are_refused(tmp_path, files, row, said):
    data = write_csv(tmp_path / "d.csv")
    data.write_text(data.read_text() + row + "\n")
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=data)
    assert said in str(caught.value.message)


def test_a_trailing_separator_is_a_cell_when_the_header_has_one(tmp_path, files):
    data = tmp_path / "d.csv"
    lines = [",".join([*HEADER, ""]), *(",".join([*row, ""]) for row in ROWS)]
    data.write_text("\n".join(lines) + "\n")
    run = composite_run(spec_path=files[0], data_path=data)
    assert index_scores(run) == index_scores(
        composite_run(spec_path=files[0], data_path=files[1])
    )


def test_an_empty_group_cell_is_refused(tmp_path, files):
    rows = [list(r) for r in ROWS]
    rows[2][1] = ""
    data = write_csv(tmp_path / "d.csv", [tuple(r) for r in rows])
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=data)
    assert "row 4: the ranking group (column “zone”) is empty" in str(
        caught.value.message
    )


def test_a_sheet_named_for_a_csv_file_is_refused(tmp_path, files):
    spec = copy.deepcopy(SPEC)
    spec["data"]["sheet"] = "values"
    spec_path = write_spec(tmp_path / "named.json", spec)
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=spec_path, data_path=files[1])
    assert "data.csv is a CSV file" in str(caught.value.message)
    assert "data.sheet" in str(caught.value.message)


def _book(tmp_path, rows, name="data.xlsx"):
    book = openpyxl.Workbook()
    book.active.title = "Values"
    book.active.append(list(HEADER))
    for row in rows:
        book.active.append(list(row))
    book.save(tmp_path / name)
    return tmp_path / name


def test_formulas_without_a_calculated_value_are_refused(tmp_path, files):
    rows = [
        ["u1", "N", 1.5, 2, 40],
        ["u2", "N", 4, "=A1*2", 10],
        ["u3", "S", None, 6, None],
    ]
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=_book(tmp_path, rows))
    assert str(caught.value.message).startswith(
        "data.xlsx, sheet “Values”, row 3, column D (“x2”): the formula has no "
        "calculated value"
    )
    assert "Excel or LibreOffice" in str(caught.value.message)


def test_an_empty_text_result_of_a_formula_is_a_missing_value(tmp_path, files):
    """Excel saves a formula whose result is "" with t="str" and an empty value."""
    rows = [["u1", "N", 1.5, 2, 40], ["u2", "N", 4, 8, 10], ["u3", "S", 6, 6, 1]]
    path = _book(tmp_path, rows)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    cell = re.search(rb'<c r="C4"[^>]*>.*?</c>', parts[sheet]).group()
    parts[sheet] = parts[sheet].replace(
        cell, b'<c r="C4" t="str"><f>IF(1,"",1)</f><v></v></c>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    run = composite_run(spec_path=files[0], data_path=path)
    x1 = [r for r in run.rows if r["code"] == "x1" and r["unit"] == "u3"]
    assert x1[0]["score"] is None or math.isnan(x1[0]["score"])


def test_a_row_of_formulas_only_is_not_skipped(tmp_path, files):
    rows = [["u1", "N", 1.5, 2, 40], ["=B1", "=B1", "=C2", "=C2", "=C2"]]
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=_book(tmp_path, rows))
    assert "row 3, column A (“unit”): the formula" in str(caught.value.message)


def test_numeric_unit_ids_and_groups_read_as_written(tmp_path, files):
    rows = [[25, 1, 1.5, 2, 40], [2.5, 1, 4, 8, 10], [7, 2.5, 10, 0.25, 100]]
    with translation.override("vi"):
        run = composite_run(spec_path=files[0], data_path=_book(tmp_path, rows))
    assert run.units == [
        {"unit": "25", "group": "1"},
        {"unit": "2.5", "group": "1"},
        {"unit": "7", "group": "2.5"},
    ]


def test_a_set_decimal_mark_is_enforced_and_settles_ambiguity(tmp_path, files):
    rows = [list(r) for r in ROWS]
    rows[0][4] = "1.250"
    data = write_csv(tmp_path / "d.csv", [tuple(r) for r in rows])
    run = composite_run(spec_path=files[0], data_path=data, decimal=".")
    assert index_scores(run)["u1"] == pytest.approx(expected_index(1.5, 2, 1.25))
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=data, decimal=",")
    assert "row 2, column “x1”: “1.5” does not use the decimal mark “,”" in str(
        caught.value.message
    )


def test_missing_columns_and_file_types(tmp_path, files):
    data = write_csv(tmp_path / "d.csv", [r[:4] for r in ROWS], header=HEADER[:4])
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=data)
    assert "column “x3” is missing (an indicator of the spec)" in str(
        caught.value.message
    )
    other = tmp_path / "d.txt"
    other.write_text("unit\n")
    with pytest.raises(CompositeInputError, match="d.txt"):
        composite_run(spec_path=files[0], data_path=other)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("unit,zone,x1,x2,x3\nHà Nam,N,1,2,3\n".encode("latin-1"))
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=latin)
    assert "UTF-8" in str(caught.value.message)


# --- diagnostics, strict mode and errors from the engine ----------------------------


def _results(diagnostics: Diagnostics) -> CompositeResults:
    spec = CompositeSpec(
        [CompositeIndicator("x1", "A"), CompositeIndicator("x2", "A")],
        [CompositeGroup("A")],
    )
    scores = np.array([[10.0, np.nan, 10.0], [20.0, np.nan, 20.0]])
    return spec, CompositeResults(
        unit_ids=("u1", "u2"),
        groups=("", ""),
        codes=("x1", "x2", "A"),
        levels=(1, 1, 2),
        scores=scores,
        unit_weights=np.array([[1.0, 0.0, 1.0], [1.0, 0.0, 1.0]]),
        diagnostics=diagnostics,
        reporting=Reporting(),
    )


def test_the_document_carries_the_diagnostics_with_messages(files):
    found = Diagnostics(
        {"x1": 0.0, "x2": 1.0},
        (
            Diagnostic(DiagnosticCode.ALL_MISSING, indicator="x2"),
            Diagnostic(DiagnosticCode.WEIGHTS_RENORMALISED, group="A", units=("u1",)),
        ),
    )
    spec, results = _results(found)
    settings = composite_settings_read(files[0])
    settings = dataclasses.replace(settings, spec=spec)
    with translation.override("en"):
        run = composite_document(results, settings=settings, sources={})
    first, second = run.diagnostics
    assert first["code"] == "all_missing" and first["indicator"] == "x2"
    assert "“x2” has no value for any unit" in first["message"]
    assert second["units"] == ["u1"] and "(u1)" in second["message"]


def test_strict_refuses_a_result_with_a_diagnostic(files, monkeypatch):
    found = Diagnostics({}, (Diagnostic(DiagnosticCode.ALL_MISSING, indicator="x2"),))
    _spec, results = _results(found)
    seen = {}

    def scores(*args, strict=False, **kwargs):
        seen["strict"] = strict
        return results

    monkeypatch.setattr(service, "composite_scores", scores)
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=files[1], strict=True)
    assert seen["strict"] is True
    assert caught.value.code == "all_missing"
    assert "“x2” has no value for any unit" in str(caught.value.message)


def test_a_geometric_mean_of_zeros_is_never_a_traceback(tmp_path, files):
    """x1 = 0 normalises to 0, which a geometric mean cannot take: the engine
    refuses (a message) or, once it detects it, reports a diagnostic."""
    spec = copy.deepcopy(SPEC)
    spec["aggregation"] = {"2": "geometric"}
    spec_path = write_spec(tmp_path / "geo.json", spec)
    rows = [("u1", "N", "0", "2", "40"), ("u2", "N", "4", "8", "10")]
    data = write_csv(tmp_path / "geo.csv", rows)
    try:
        run = composite_run(spec_path=spec_path, data_path=data)
    except CompositeInputError as error:
        assert str(error.message).strip()
    else:
        assert run.diagnostics


def test_an_engine_error_becomes_a_message(files, monkeypatch):
    def scores(*args, **kwargs):
        raise CompositeError(
            CompositeErrorCode.NOT_POSITIVE_FOR_MEAN, group="A", unit="u3"
        )

    monkeypatch.setattr(service, "composite_scores", scores)
    with translation.override("en"), pytest.raises(CompositeInputError) as caught:
        composite_run(spec_path=files[0], data_path=files[1])
    assert "“A”" in str(caught.value.message) and "“u3”" in str(caught.value.message)


# --- the messages -------------------------------------------------------------------

POINTS_CODES = {
    *map(str, PopulationErrorCode),
    *map(str, PointsDiagnostic),
    str(SpecError.EMPTY_GROUP),
}
# Codes the engine is gaining: their messages are ready before the codes land.
NEW_ENGINE_CODES = {
    "value_too_large",
    "overflow",
    "target_below_worst",
    "target_reached_by_all",
}
EVERY_CODE = sorted(
    {
        *map(str, CompositeErrorCode),
        *map(str, DiagnosticCode),
        *POINTS_CODES,
        *NEW_ENGINE_CODES,
    }
)


def test_every_engine_code_has_a_message():
    missing = [code for code in EVERY_CODE if code not in MESSAGES]
    assert missing == []
    assert set(POINTS_MESSAGES) <= POINTS_CODES


@pytest.mark.parametrize("code", EVERY_CODE)
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_message_is_said_and_names_what_it_concerns(code, lang):
    error = CompositeError(code, indicator="IND", group="GRP", unit="UNIT")
    diagnostic = Diagnostic(code, indicator="IND", group="GRP", units=("U1", "U2"))
    with translation.override(lang):
        said = [engine_error_message(error), diagnostic_message(diagnostic)]
        templates = [message_template(code, count) for count in (1, 2)]
        if code in NO_NODE_MESSAGES:
            templates.append(message_template(code, node=False))
    for text in said:
        assert "%(" not in text and text.strip()
    for name, value in (("indicator", "IND"), ("group", "GRP"), ("node", "IND")):
        if f"%({name})s" in templates[0]:
            assert value in said[0] and value in said[1]
    with translation.override("en"):
        english = [message_template(code, count) for count in (1, 2)]
        if code in NO_NODE_MESSAGES:
            english.append(message_template(code, node=False))
    if lang == "vi":  # translated, with the same placeholders
        for template, original in zip(templates, english, strict=True):
            assert template != original
            assert sorted(re.findall(r"%\(\w+\)s", template)) == sorted(
                re.findall(r"%\(\w+\)s", original)
            )


def test_messages_without_the_node_they_would_name():
    with translation.override("en"):
        top = engine_error_message(CompositeError("zero_weight_group"))
        named = engine_error_message(CompositeError("zero_weight_group", group="A"))
        level = engine_error_message(CompositeError("bad_min_data"))
    assert top.startswith("Every top-level group weighs 0")
    assert "“A”" in named and "top-level" not in named
    assert level.startswith("The level's default minimum-data rule is invalid")
    assert "?" not in top + level


def test_the_bounds_of_clipped_points_are_the_ones_given():
    penalty = Diagnostic(
        "override_clipped",
        indicator="p1",
        units=("u1",),
        detail={"given": [-12.0], "low": -5.0, "high": 0.0},
    )
    with translation.override("en"):
        text = diagnostic_message(penalty)
    assert "back within -5 and 0 (units u1)" in text
    with translation.override("vi"):
        assert "-5" in diagnostic_message(penalty)


def test_relative_best_alone_names_its_group():
    alone = Diagnostic(
        "relative_best_alone", indicator="x1", group="North", units=("u1",)
    )
    with translation.override("en"):
        assert "ranking group “North”" in diagnostic_message(alone)


def test_counts_of_units_agree_with_the_number():
    def said(units):
        found = Diagnostic("too_little_data", group="A", units=units)
        return diagnostic_message(found)

    with translation.override("en"):
        one, two = said(("u1",)), said(("u1", "u2"))
    assert "for 1 unit (u1): its score" in one
    assert "for 2 units (u1, u2): their score" in two
    with translation.override("vi"):
        assert "1 đơn vị" in said(("u1",)) and "2 đơn vị" in said(("u1", "u2"))


def test_the_messages_of_the_new_engine_codes():
    with translation.override("en"):
        big = engine_error_message(
            CompositeError(
                "value_too_large", indicator="x1", unit="u2", detail={"value": 1e300}
            )
        )
        over = engine_error_message(CompositeError("overflow", group="A", unit="u2"))
        over_indicator = engine_error_message(
            CompositeError("overflow", indicator="x1", unit="u2")
        )
        below = engine_error_message(
            CompositeError("target_below_worst", indicator="x3")
        )
        reached = diagnostic_message(
            Diagnostic("target_reached_by_all", indicator="x3")
        )
    assert "1e+300" in big and "“x1”" in big and "“u2”" in big
    assert "“A”" in over and "“u2”" in over
    assert "“x1”" in over_indicator and "?" not in over_indicator
    assert "worse than its worst value" in below and "“x3”" in below
    assert "full score" in reached and "“x3”" in reached


def test_many_units_are_shortened():
    units = tuple(f"U{i}" for i in range(12))
    diagnostic = Diagnostic(DiagnosticCode.VALUES_CLIPPED, indicator="x", units=units)
    with translation.override("en"):
        text = diagnostic_message(diagnostic)
    assert "U0, U1, U2, U3, U4, … (+7)" in text and "U5" not in text


def test_an_unknown_code_still_gives_a_sentence():
    with translation.override("en"):
        text = engine_error_message(CompositeError("brand_new_code"))
    assert "brand_new_code" in text
