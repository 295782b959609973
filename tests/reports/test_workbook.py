"""reports.builders.workbook: the pure builder, on synthetic data (no database)."""

import zipfile
from datetime import datetime
from io import BytesIO

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

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
    # 12 indicators in 5 pillars: 3, 3, 2, 2 and 2 of them.
    names += [
        f"{labels['sheet_indicators']} {p}.1–{p}.{3 if p < 3 else 2}"
        for p in range(1, 6)
    ]
    names += [labels[k] for k in ("sheet_gaps", "sheet_comments")]
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
        # The report is Vietnamese: the formats carry its locale.
        assert row[6].number_format == "[$-42A]0.00 %_)"
        assert row[4].number_format == "[$-42A]#,##0.00"
    assert sheet.freeze_panes == "E4"
    assert sheet.auto_filter.ref == f"A3:N{3 + len(rows)}"


def test_summary_has_the_self_assessed_level_and_rank_beside_the_final(
    content, report, labels
):
    sheet = _open(content)[labels["sheet_summary"]]
    assert [c.value for c in sheet[3]][7:11] == [
        labels["level"],
        labels["self_level"],
        labels["self_rank"],
        labels["value_change"],
    ]
    section = report.sections[0]
    by_code = {u.code: u for u in section.units}
    differ = 0
    for row in sheet.iter_rows(min_row=4):
        unit = by_code[row[2].value]
        assert row[7].value == section.level_name(unit.level)
        assert row[8].value == section.level_name(unit.self_level)
        assert row[9].value == (unit.self_rank if unit.ranked else None)
        assert row[9].data_type == "n" if unit.ranked else row[9].value is None
        differ += unit.self_level != unit.level or unit.self_rank != unit.rank
    assert differ  # the synthetic verification moves some units


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


def test_indicator_matrix_one_sheet_per_pillar(content, report, labels):
    """Indicators 1.1, 1.2, 1.3 (the 1st, 5th and 9th of the synthetic framework)
    on the sheet of pillar 1, their four measures side by side."""
    sheet = _open(content)[f"{labels['sheet_indicators']} 1.1–1.3"]
    section = report.sections[0]
    assert sheet["D3"].value.startswith(section.indicators[0].code)
    assert sheet["H3"].value.startswith(section.indicators[5].code)
    assert [sheet.cell(4, c).value for c in range(4, 8)] == [
        labels["final"],
        labels["self"],
        labels["verified"],
        labels["gap"],
    ]
    rows = {r[1].value: r for r in sheet.iter_rows(min_row=5)}
    for i, unit in enumerate(section.units[:10]):
        row = rows[unit.code]
        assert row[3].value == pytest.approx(section.final_points[i, 0])
        assert row[4].value == pytest.approx(section.self_points[i, 0])
        assert row[7].value == pytest.approx(section.final_points[i, 5])
    assert sheet.print_title_rows == "$1:$4"


def test_wide_pillar_is_cut_into_sheets_one_page_wide(labels):
    report = synthetic_report(n_units=6, n_indicators=40, n_pillars=2)
    book = _open(workbook_bytes(report, labels, images=False, native_charts=False))
    parts = [n for n in book.sheetnames if n.startswith(labels["sheet_indicators"])]
    assert len(parts) > 2
    held = []
    for name in parts:
        sheet = book[name]
        widths = sum(
            sheet.column_dimensions[get_column_letter(c)].width
            for c in range(1, sheet.max_column + 1)
        )
        assert 7 * widths < 1.5 * 1037, name  # at most 1.5 pages wide: scale ≥ 2/3
        held += [c.value.split()[0] for c in sheet[3] if c.value]
    assert len(held) == 40 and len(set(held)) == 40


def test_every_sheet_prints_on_a4_one_page_wide(content):
    book = _open(content)
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.paperSize == 9, sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.print_area, sheet.title
        assert "&A" in sheet.oddHeader.right.text, sheet.title
        assert "&P" in sheet.oddFooter.center.text, sheet.title
        assert sheet.page_margins.left < 0.75
    method = book.worksheets[-1]
    assert method.page_setup.orientation == "portrait"
    assert book.worksheets[0].page_setup.orientation == "landscape"
    assert book.worksheets[0].print_title_rows == "$1:$3"


def test_header_rows_wrap_and_are_tall_enough(content, labels):
    sheet = _open(content)[labels["sheet_summary"]]
    for cell in sheet[3]:
        assert cell.alignment.wrap_text, cell.coordinate
    height = sheet.row_dimensions[3].height
    widest = max(
        len(str(c.value)) / sheet.column_dimensions[c.column_letter].width
        for c in sheet[3]
    )
    assert height >= 15 * widest


def test_vietnamese_number_formats(report):
    book = _open(workbook_bytes(report, report_labels("vi"), images=False))
    row = next(book.worksheets[0].iter_rows(min_row=4, max_row=4))
    assert row[6].number_format == "[$-42A]0.00 %_)"
    assert row[10].number_format == "[$-42A]+0.00 %;[$-42A]-0.00 %;[$-42A]0.00 %"
    report.lang = "en"
    try:
        book = _open(workbook_bytes(report, report_labels("en"), images=False))
    finally:
        report.lang = "vi"
    row = next(book.worksheets[0].iter_rows(min_row=4, max_row=4))
    assert row[6].number_format == "0.00%_)" and row[4].number_format == "#,##0.00"


def test_charts_print_one_per_page(content, labels):
    sheet = _open(content)[labels["sheet_charts"]]
    with zipfile.ZipFile(BytesIO(content)) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
    # Ranking (2 groups), levels, radar (2 groups), trend: a break before each
    # but the first.
    assert len(sheet.row_breaks.brk) == len(charts) - 1 == 5


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
    # The printed page holds the columns there are, not the free text's.
    assert book[labels["sheet_gaps"]].print_area.split(":")[-1].startswith("$I$")
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
