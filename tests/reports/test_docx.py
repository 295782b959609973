"""reports.builders.docx: pure builders of the annex and the self-assessment report."""

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm

from reports.builders.docx import AnswerLine, SelfReport, annex_docx_bytes, number_vi
from reports.labels import report_labels
from tests.reports.synthetic import synthetic_report


def test_vietnamese_numbers():
    assert number_vi(1234.5) == "1.234,50"
    assert number_vi(1234.5, lang="en") == "1,234.50"
    assert number_vi(None) == ""


def test_annex_table_per_group_in_official_format():
    report = synthetic_report(n_units=10, n_indicators=4, groups=("A", "B"))
    labels = report_labels("vi")
    document = Document(BytesIO(annex_docx_bytes(report, labels)))
    assert document.paragraphs[0].text == labels["annex"].upper()
    assert "512/QĐ-UBND" in document.paragraphs[3].text
    assert len(document.tables) == 2
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert header[1] == labels["unit"] and header[-1] == labels["rank"]
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.tables[0].style.name == "Table Grid"


def test_self_report_lists_answers_and_evidence():
    from reports.builders.docx import self_report_docx_bytes

    report = SelfReport(
        unit="Xã An Bình",
        campaign="DTI 2025",
        state="Đã gửi",
        points=512.5,
        maximum=960,
        value=0.533854,
        level="Nâng cao",
        lines=[
            AnswerLine(
                "1.1",
                "Cáp quang",
                "85 %",
                8.5,
                10,
                "- ghi chú",
                ["12/QĐ-UBND – 05/11/2025 – Kế hoạch"],
            ),
        ],
    )
    document = Document(BytesIO(self_report_docx_bytes(report, report_labels("vi"))))
    cells = [c.text for c in document.tables[0].rows[1].cells]
    assert cells[0] == "1.1" and "- ghi chú" in cells[1]
    assert cells[3] == "8,50 / 10,00" and "12/QĐ-UBND" in cells[4]


def _annex(report):
    return Document(BytesIO(annex_docx_bytes(report, report_labels("vi"))))


def test_annex_columns_fit_the_names_and_the_header_repeats():
    long = "Phường Nguyễn Thị Minh Khai"
    report = synthetic_report(n_units=60, n_indicators=4, names={2: long})
    document = _annex(report)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    table = document.tables[0]
    grid = [col.w for col in table._tbl.tblGrid.gridCol_lst]
    printable = section.page_width - section.left_margin - section.right_margin
    assert sum(grid) <= printable + Mm(1)
    assert grid[1] >= Mm(2.5 * len(long))  # the longest name on one line
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    rows = table._tbl.tr_lst
    assert rows[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
    assert all(tr.trPr.find(qn("w:tblHeader")) is None for tr in rows[1:])
    names = [tr.tc_lst[1].xpath("string(.)") for tr in rows[1:]]
    assert long in names and len(rows) == 1 + 30


def test_annex_turns_landscape_when_the_names_need_it():
    long = "Ủy ban nhân dân " * 7
    report = synthetic_report(n_units=6, n_indicators=4, names={0: long.strip()})
    section = _annex(report).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Mm(297)) < Mm(0.1)
    assert abs(section.page_height - Mm(210)) < Mm(0.1)
