"""Smoke test: LibreOffice opens the workbook and the annex and prints them to PDF.

Skipped with a loud message when LibreOffice is not installed, unless
REQUIRE_E2E=1 (CI), which makes a missing LibreOffice a failure.
"""

import os
import shutil
import subprocess
import warnings

import pytest

from reports.builders.workbook import workbook_bytes
from reports.labels import report_labels
from tests.reports.synthetic import synthetic_report

OFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.fixture(scope="module")
def office():
    if OFFICE:
        return OFFICE
    reason = "LibreOffice not found: install libreoffice-calc-nogui (Debian)"
    if os.environ.get("REQUIRE_E2E") == "1":
        pytest.fail(f"REQUIRE_E2E=1 but {reason}")
    warnings.warn(f"SKIPPING LIBREOFFICE SMOKE TEST: {reason}", stacklevel=1)
    print(f"\n{'!' * 78}\nSKIPPING LIBREOFFICE SMOKE TEST: {reason}\n{'!' * 78}")
    pytest.skip(reason)


def _convert(office: str, path, tmp_path) -> bytes:
    profile = tmp_path / "profile"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (tmp_path / (path.stem + ".pdf")).read_bytes()


def test_workbook_converts_to_pdf(office, tmp_path):
    report = synthetic_report(n_units=24, n_indicators=10, names={0: "=1+1"})
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(workbook_bytes(report, report_labels("vi")))
    pdf = _convert(office, path, tmp_path)
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000


def test_annex_converts_to_pdf(office, tmp_path):
    from reports.builders.docx import annex_docx_bytes

    report = synthetic_report(n_units=12, n_indicators=5)
    path = tmp_path / "phu-luc.docx"
    path.write_bytes(annex_docx_bytes(report, report_labels("vi")))
    assert _convert(office, path, tmp_path).startswith(b"%PDF")
