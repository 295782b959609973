"""CSV files as provincial systems and Excel save them: comma, semicolon (Excel set
to Vietnamese, where the comma is the decimal mark) or tab between cells."""

import pytest

from survey.files.tabular import csv_delimiter, read_csv

ROWS = [["Mã cơ quan", "Tỷ lệ (%)"], ["BHXH", "91,25"], ["KBNN", "55"]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_each_delimiter_reads_the_same_rows(delimiter):
    lines = []
    for cells in ROWS:
        quoted = [f'"{c}"' if delimiter in c else c for c in cells]
        lines.append(delimiter.join(quoted))
    sheet = read_csv(("\n".join(lines) + "\n").encode(), name="x.csv")
    assert sheet.header == ["mã cơ quan", "tỷ lệ (%)"]
    values = [row["tỷ lệ (%)"] for _number, row in sheet.rows]
    assert values == ["91,25", "55"]


def test_the_header_line_decides_even_below_a_title():
    text = "Báo cáo, quý 3\nMã;Giá trị;Ghi chú\nA;1,5;x\n"
    assert csv_delimiter(text, header_row=2) == ";"
    sheet = read_csv(text.encode(), name="x.csv", header_row=2)
    assert sheet.header == ["mã", "giá trị", "ghi chú"]


def test_a_quoted_comma_in_a_header_is_no_delimiter():
    assert csv_delimiter('"Tỷ lệ, %";Mã\n1;2\n') == ";"
    assert csv_delimiter("one column\n1\n") == ","
