"""reports.builders.docx: pure builders of the annex and the self-assessment report."""

from io import BytesIO

from docx import Document

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
