"""reports.builders.workbook: the pure builder, on synthetic data (no database)."""

import zipfile
from datetime import datetime
from io import BytesIO

import openpyxl
import pytest

from reports.builders.data import data_digest
from reports.builders.workbook import workbook_bytes
from reports.labels import report_labels
from tests.reports.synthetic import synthetic_report

TRICKY = {0: "=1+1", 1: "- Gạch đầu dòng", 2: "@SUM(A1)", 3: "+84 Xã", 4: "\tXã tab"}


@pytest.fixture(scope="module")
def report():
    return synthetic_report(n_units=30, n_indicators=12, names=TRICKY)


@pytest.fixture(scope="module")
def labels():
    return report_labels("en")


@pytest.fixture(scope="module")
def content(report, labels):
    return workbook_bytes(report, labels)


def _open(content: bytes):
    return openpyxl.load_workbook(BytesIO(content))


def test_sheets_in_order(content, labels):
    names = [labels[k] for k in ("sheet_summary", "sheet_levels", "sheet_pillars")]
    names += [labels[k] for k in ("sheet_indicators", "sheet_gaps", "sheet_comments")]
    names += [labels[k] for k in ("sheet_progress", "sheet_trends", "sheet_charts")]
    names += [labels[k] for k in ("sheet_chart_data", "sheet_heat_map")]
    names += [labels["sheet_rank_intervals"], labels["sheet_method"]]
    assert _open(content).sheetnames == names


def test_summary_numbers_are_numeric_with_formats(content, report, labels):
    sheet = _open(content)[labels["sheet_summary"]]
    header = [c.value for c in sheet[3]]
    assert header[:4] == [
        labels["group"],
        labels["rank"],
        labels["unit_code"],
        labels["unit"],
    ]
    by_code = {u.code: u for u in report.sections[0].units}
    rows = list(sheet.iter_rows(min_row=4))
    assert len(rows) == len(by_code)
    for row in rows:
        unit = by_code[row[2].value]
        assert row[4].data_type == "n" and row[4].value == pytest.approx(unit.points)
        assert row[6].value == float(unit.percent / 100)
        assert row[6].number_format == "0.00%"
        assert row[4].number_format == "#,##0.00"
    assert sheet.freeze_panes == "E4"
    assert sheet.auto_filter.ref == f"A3:L{3 + len(rows)}"


def test_formula_like_names_stay_text_unchanged(content, labels):
    book = _open(content)
    seen = set()
    for sheet_key in ("sheet_summary", "sheet_progress", "sheet_trends"):
        for row in book[labels[sheet_key]].iter_rows():
            for cell in row:
                if cell.value in TRICKY.values():
                    assert cell.data_type == "s", (sheet_key, cell.coordinate)
                    assert cell.quotePrefix
                    seen.add(cell.value)
    assert seen == set(TRICKY.values())
    with zipfile.ZipFile(BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name


def test_dates_are_dates(content, labels):
    book = _open(content)
    row = next(book[labels["sheet_progress"]].iter_rows(min_row=4, max_row=4))
    assert isinstance(row[5].value, datetime) and row[5].is_date
    method = book[labels["sheet_method"]]
    values = {r[0].value: r[1] for r in method.iter_rows() if r[0].value}
    assert values[labels["generated_at"]].is_date
    assert values[labels["decision_date"]].is_date


def test_indicator_matrix(content, report, labels):
    sheet = _open(content)[labels["sheet_indicators"]]
    section = report.sections[0]
    assert sheet["D1"].value.startswith(section.indicators[0].code)
    assert [sheet.cell(2, c).value for c in range(4, 8)] == [
        labels["final"],
        labels["self"],
        labels["verified"],
        labels["gap"],
    ]
    rows = {r[1].value: r for r in sheet.iter_rows(min_row=3)}
    for i, unit in enumerate(section.units[:10]):
        row = rows[unit.code]
        assert row[3].value == pytest.approx(section.final_points[i, 0])
        assert row[4].value == pytest.approx(section.self_points[i, 0])


def test_charts_and_images_are_embedded(content):
    with zipfile.ZipFile(BytesIO(content)) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        xml = b"".join(archive.read(n) for n in charts)
        media = [n for n in archive.namelist() if n.startswith("xl/media/")]
    for kind in (b"<barChart>", b"<radarChart>", b"<lineChart>"):
        assert kind in xml
    assert media and all(n.endswith(".png") for n in media)


def test_committee_version_has_no_free_text(report, labels):
    full = _open(workbook_bytes(report, labels))
    committee = workbook_bytes(report.without_free_text(), labels)
    book = _open(committee)
    assert labels["sheet_comments"] in full.sheetnames
    assert labels["sheet_comments"] not in book.sheetnames
    gaps_header = [c.value for c in book[labels["sheet_gaps"]][3]]
    assert labels["comment"] not in gaps_header
    texts = [c.comment for c in report.comments] + [
        c.explanation for c in report.comments
    ]
    with zipfile.ZipFile(BytesIO(committee)) as archive:
        blob = b"".join(archive.read(n) for n in archive.namelist()).decode(
            "utf-8", "ignore"
        )
    assert not any(text in blob for text in texts if text)
    method = {
        r[0].value: r[1].value
        for r in book[labels["sheet_method"]].iter_rows()
        if r[0].value
    }
    assert method[labels["version_kind"]] == labels["committee_version"]


def test_vietnamese_by_default_and_english_on_request(report):
    vi, en = report_labels("vi"), report_labels("en")
    assert _open(workbook_bytes(report, en, images=False)).sheetnames[0] == "Summary"
    assert (
        _open(workbook_bytes(report, vi, images=False)).sheetnames[0]
        == vi["sheet_summary"]
    )


def test_method_sheet_carries_the_hash_of_the_data(content, report, labels):
    method = _open(content)[labels["sheet_method"]]
    values = {r[0].value: r[1].value for r in method.iter_rows() if r[0].value}
    assert values[labels["data_hash"]] == data_digest(report)
    assert values[labels["legal_basis"]] == "QĐ 3019/QĐ-UBND"
    other = synthetic_report(n_units=30, n_indicators=12, names=TRICKY, seed=2)
    assert data_digest(other) != data_digest(report)
