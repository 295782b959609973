"""The committee workbook and the decision annex on paper: LibreOffice prints them
to PDF, and the pages are A4, few, and each page of a table carries its header.

A few pages are kept as images in docs/screenshots/print-*.png (pdftoppm). Skipped
with a loud message when LibreOffice or poppler-utils is missing, unless
REQUIRE_E2E=1 (CI), which makes that a failure.
"""

import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from django.conf import settings

from reports.builders.docx import annex_docx_bytes
from reports.builders.workbook import workbook_bytes
from reports.labels import report_labels
from tests.reports.synthetic import synthetic_report
from tests.reports.test_libreoffice import OFFICE, _convert

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
A4 = (595, 842)  # points
TOLERANCE = 2
LONG_NAME = "Phường Nguyễn Thị Minh Khai"


@pytest.fixture(scope="module")
def tools():
    missing = [t for t in ("pdfinfo", "pdftotext", "pdftoppm") if not shutil.which(t)]
    reason = ""
    if not OFFICE:
        reason = "LibreOffice not found: install libreoffice-calc-nogui (Debian)"
    elif missing:
        reason = f"{', '.join(missing)} not found: install poppler-utils (Debian)"
    if reason:
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"REQUIRE_E2E=1 but {reason}")
        warnings.warn(f"SKIPPING PRINT TESTS: {reason}", stacklevel=1)
        pytest.skip(reason)
    return OFFICE


@pytest.fixture(scope="module")
def labels():
    return report_labels("vi")


@pytest.fixture(scope="module")
def report():
    """A demo province: 40 units in two groups, 20 indicators in 5 pillars."""
    return synthetic_report(n_units=40, n_indicators=20, names={2: LONG_NAME})


@pytest.fixture(scope="module")
def workbook_pdf(tools, report, labels, tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbook")
    path = folder / "bao-cao.xlsx"
    path.write_bytes(workbook_bytes(report.without_free_text(), labels))
    _convert(tools, path, folder)
    return folder / "bao-cao.pdf"


@pytest.fixture(scope="module")
def annex_pdf(tools, report, labels, tmp_path_factory):
    folder = tmp_path_factory.mktemp("annex")
    path = folder / "phu-luc.docx"
    path.write_bytes(annex_docx_bytes(report, labels))
    _convert(tools, path, folder)
    return folder / "phu-luc.pdf"


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    sizes = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(pages), str(pdf)],
        capture_output=True,
        text=True,
    ).stdout
    found = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", sizes)
    return [(float(w), float(h)) for w, h in found]


def page_texts(pdf: Path) -> list[str]:
    """Each page's words in reading order, one space apart (a header that wraps
    in its cell reads as one label)."""
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f")[: len(page_sizes(pdf))]]


def keep_page(pdf: Path, page: int, name: str) -> None:
    """Page ``page`` (1-based) as docs/screenshots/print-``name``.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = SCREENSHOTS / f"print-{name}"
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-singlefile"]
        + ["-f", str(page), "-l", str(page), str(pdf), str(stem)],
        check=True,
    )
    assert stem.with_suffix(".png").stat().st_size > 5_000


def sheet_pages(texts: list[str], sheet: str) -> list[int]:
    """The pages (1-based) whose page header names ``sheet``."""
    return [n for n, text in enumerate(texts, start=1) if sheet in text[:60]]


def has_label(text: str, label: str) -> bool:
    """Every word of ``label`` is on the page: a header cell that wraps reads
    interleaved with its neighbours."""
    words = set(text.split())
    return all(word in words for word in label.split())


def assert_a4(sizes) -> None:
    for n, (width, height) in enumerate(sizes, start=1):
        assert sorted((width, height)) == pytest.approx(A4, abs=TOLERANCE), n
        assert width <= A4[1] + TOLERANCE


def test_workbook_prints_on_few_a4_pages(workbook_pdf, labels):
    sizes = page_sizes(workbook_pdf)
    assert_a4(sizes)
    # 40 units: 2 pages a table, 5 sheets of indicators, 6 charts, 2 heat maps,
    # rank intervals, method; before its print setup, 24 pages of which the
    # indicator matrix was one unreadable page and charts were cut in pieces.
    assert 25 <= len(sizes) <= 45
    texts = page_texts(workbook_pdf)
    assert all(
        labels["page_of"] % {"page": n, "pages": len(sizes)} in t
        for n, t in enumerate(texts, 1)
    )


def test_every_page_of_a_table_carries_its_header(workbook_pdf, labels):
    texts = page_texts(workbook_pdf)
    for key in ("sheet_summary", "sheet_pillars", "sheet_progress", "sheet_trends"):
        pages = sheet_pages(texts, labels[key])
        assert len(pages) >= 2, key  # long enough to need a second page
        for n in pages:
            for label in (labels["unit_code"], labels["group"]):
                assert has_label(texts[n - 1], label), (key, n, label)
    indicator_pages = sheet_pages(texts, labels["sheet_indicators"])
    assert len(indicator_pages) >= 5
    for n in indicator_pages:
        assert has_label(texts[n - 1], labels["verified"]), n


def test_numbers_print_in_vietnamese(workbook_pdf, labels):
    texts = page_texts(workbook_pdf)
    summary = texts[sheet_pages(texts, labels["sheet_summary"])[0] - 1]
    assert re.search(r"\b\d{1,3},\d\d %", summary)  # 67,99 %
    assert not re.search(r"\b\d{1,3}\.\d\d%", summary)
    charts = texts[sheet_pages(texts, labels["sheet_charts"])[0] - 1]
    assert re.search(r"\b(20|40|60|80|100) %", charts)  # the ranking's axis


def test_each_chart_and_heat_map_has_a_page_of_its_own(workbook_pdf, labels):
    texts = page_texts(workbook_pdf)
    charts = sheet_pages(texts, labels["sheet_charts"])
    # Ranking per group (2), levels, pillar profile per group (2), trend.
    assert len(charts) == 6
    titles = [labels["chart_ranking"], labels["chart_levels"], labels["chart_trends"]]
    for title in titles:
        assert sum(title in texts[n - 1] for n in charts) >= 1, title
    heat = sheet_pages(texts, labels["sheet_heat_map"])
    assert len(heat) == 2  # 20 units a group: one page each, key included
    keep_page(workbook_pdf, sheet_pages(texts, labels["sheet_summary"])[0], "summary")
    keep_page(
        workbook_pdf, sheet_pages(texts, labels["sheet_indicators"])[0], "indicators"
    )
    keep_page(workbook_pdf, charts[0], "chart-ranking")
    keep_page(workbook_pdf, heat[0], "heat-map")


def test_annex_prints_with_its_header_on_every_page(annex_pdf, labels):
    sizes = page_sizes(annex_pdf)
    assert_a4(sizes)
    assert sizes[0][0] < sizes[0][1]  # the names fit a portrait page
    assert 2 <= len(sizes) <= 4
    for n, text in enumerate(page_texts(annex_pdf), start=1):
        assert has_label(text, labels["no_number"]), n
        assert has_label(text, labels["rank"]) and has_label(text, labels["unit"]), n
    text = "".join(page_texts(annex_pdf))
    assert LONG_NAME in text  # on one line: not cut by a narrow column
    keep_page(annex_pdf, 1, "annex")
