"""Text that looks like a formula is written as text, unchanged, by every xlsx the
project writes: the framework file, the blank answer workbook and the committee
workbook all go through common.xlsx."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from common.xlsx import FORMULA_STARTS, is_formula_like, table_xlsx_bytes
from reports.builders.workbook import workbook_bytes
from reports.labels import report_labels
from survey.exporters import answer_workbook_bytes, framework_files
from survey.models import Unit
from tests.reports.synthetic import synthetic_report

TEXTS = ["=1+1", "+84 Xã", "- Gạch đầu dòng", "@SUM(A1)", "\tXã tab", "\rXã CR"]


def _framework_file(version) -> bytes:
    nodes = list(version.nodes.order_by("order", "id")[: len(TEXTS)])
    for node, text in zip(nodes, TEXTS, strict=True):
        node.name_vi = text
        node.save(update_fields=["name_vi"])
    return framework_files(version, stem="x.xlsx")["x.xlsx"]


def _answer_workbook(version) -> bytes:
    leaves = list(version.nodes.filter(kind="indicator").order_by("order", "id"))
    for node, text in zip(leaves, TEXTS[1:], strict=False):
        node.name_vi = text
        node.save(update_fields=["name_vi"])
    unit = Unit.objects.create(code="X1", name_vi=TEXTS[0], unit_type="commune")
    return answer_workbook_bytes(version=version, unit=unit, year=2025)


def _committee_workbook(version) -> bytes:
    report = synthetic_report(
        n_units=12, n_indicators=4, n_pillars=4, names=dict(enumerate(TEXTS))
    )
    return workbook_bytes(report, report_labels("vi"), images=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "write", [_framework_file, _answer_workbook, _committee_workbook]
)
def test_formula_like_text_is_written_as_text_unchanged(version, write):
    book = load_workbook(BytesIO(write(version)))
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if is_formula_like(cell.value):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate)
                    assert cell.quotePrefix, (sheet.title, cell.coordinate)
                    seen.add(cell.value)
    assert set(TEXTS) <= seen


def test_every_formula_start_is_kept_as_text():
    rows = [["text"], *([f"{start}x"] for start in FORMULA_STARTS), ["x=1"], [-1]]
    sheet = load_workbook(BytesIO(table_xlsx_bytes({"t": rows})))["t"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [f"{s}x" for s in FORMULA_STARTS] + ["x=1", -1]
    assert [c.data_type for c in cells] == ["s"] * (len(FORMULA_STARTS) + 1) + ["n"]
    assert [c.quotePrefix for c in cells] == [True] * len(FORMULA_STARTS) + [False] * 2
