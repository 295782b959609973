"""reports.services: data from the stored results, fixed query count, exports."""

from io import BytesIO

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from docx import Document

from common.figures import percent
from reports.labels import report_labels
from reports.models import ReportExport
from reports.services.data import report_data, version_levels
from reports.services.exports import (
    report_annex_bytes,
    report_export_request,
    report_workbook_bytes,
)
from survey.models import Answer, Campaign, Unit, UnitResult
from survey.results.compute import campaign_results_compute
from tests.reports.conftest import TRICKY_NAMES, make_campaign

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_workbook_figures_equal_the_stored_results(version):
    campaign = make_campaign(version, 8, names=TRICKY_NAMES)
    labels = report_labels("vi")
    book = openpyxl.load_workbook(
        BytesIO(report_workbook_bytes(campaign=campaign, lang="vi"))
    )
    sheet = book[labels["sheet_summary"]]
    rows = {r[2].value: r for r in sheet.iter_rows(min_row=4)}
    stored = UnitResult.objects.filter(
        assessment__campaign=campaign, node__isnull=True
    ).select_related("assessment__unit")
    assert len(rows) == stored.count() == 8
    for result in stored:
        row = rows[result.assessment.unit.code]
        assert row[3].value == result.assessment.unit.name_vi
        assert row[4].value == pytest.approx(float(result.final_points))
        assert row[5].value == pytest.approx(float(result.applicable_max))
        # The cell holds the percentage rounded once, from points and maximum.
        expected = percent(result.final_points, result.applicable_max)
        assert row[6].value == float(expected / 100)
        if result.assessment.ranked:
            assert row[1].value == result.rank
        else:
            assert row[1].value is None
    names = {r[3].value for r in rows.values()}
    assert set(TRICKY_NAMES) <= names
    for row in rows.values():
        if row[3].value in TRICKY_NAMES:
            assert row[3].data_type == "s"


def test_the_ranking_sheet_has_the_stored_self_assessed_level_and_rank(version):
    campaign = make_campaign(version, 8)
    # The first of its group (shared first places: the first by code).
    lowered = (
        campaign.assessments.filter(results__node=None, results__rank=1)
        .order_by("unit__code")
        .first()
    )
    lowered.answers.update(
        review_status=Answer.ReviewStatus.DISAGREED, verified_points=0
    )
    campaign_results_compute(campaign=campaign)
    labels = report_labels("vi")
    book = openpyxl.load_workbook(
        BytesIO(report_workbook_bytes(campaign=campaign, lang="vi"))
    )
    sheet = book[labels["sheet_summary"]]
    header = [c.value for c in sheet[3]]
    assert header[7:10] == [labels["level"], labels["self_level"], labels["self_rank"]]
    names = {level.code: level.name for level in version_levels(version, "vi")}
    rows = {r[2].value: r for r in sheet.iter_rows(min_row=4)}
    stored = UnitResult.objects.filter(
        assessment__campaign=campaign, node__isnull=True
    ).select_related("assessment__unit")
    for result in stored:
        row = rows[result.assessment.unit.code]
        assert row[7].value == names[result.level]
        assert row[8].value == names[result.self_level]
        ranked = result.assessment.ranked
        assert row[9].value == (result.self_rank if ranked else None)
    total = stored.get(assessment=lowered)
    assert total.self_level != total.level and total.self_rank < total.rank
    row = rows[lowered.unit.code]
    assert (row[7].value, row[1].value) == (names[total.level], total.rank)
    assert (row[8].value, row[9].value) == (names[total.self_level], total.self_rank)


def test_indicator_gaps_and_comments_of_the_full_version(version):
    campaign = make_campaign(version, 5)
    labels = report_labels("en")
    full = openpyxl.load_workbook(
        BytesIO(report_workbook_bytes(campaign=campaign, lang="en"))
    )
    gaps = list(full[labels["sheet_gaps"]].iter_rows(min_row=4, values_only=True))
    assert gaps and all(row[8] > 0 for row in gaps)
    assert gaps[0][9] == "- Gạch đầu dòng\n- Dòng hai" or gaps[0][10]
    comments = list(full[labels["sheet_comments"]].iter_rows(min_row=4))
    explanation = [r[4] for r in comments if r[4].value]
    assert explanation[0].value == '=HYPERLINK("x")' and explanation[0].data_type == "s"
    committee = report_workbook_bytes(campaign=campaign, lang="en", committee=True)
    assert b"HYPERLINK" not in committee
    book = openpyxl.load_workbook(BytesIO(committee))
    assert labels["sheet_comments"] not in book.sheetnames


def test_report_data_queries_do_not_grow_with_units(version):
    small = make_campaign(version, 5)
    other = Unit.objects.bulk_create(
        Unit(code=f"L{u}", name_vi=f"Xã L{u}", unit_type="commune") for u in range(30)
    )
    large = make_campaign(version, 30, units=other, year=2026)
    counts = []
    for campaign in (small, large):
        with CaptureQueriesContext(connection) as context:
            report = report_data(campaign=campaign, analysis=True)
        counts.append(len(context.captured_queries))
        assert len(report.sections[0].units) == campaign.assessments.count()
    assert counts[0] == counts[1]


def test_year_over_year_follows_the_published_year_before(version):
    old = make_campaign(version, 6, year=2024, state=Campaign.State.PUBLISHED)
    units = [a.unit for a in old.assessments.select_related("unit").order_by("pk")]
    campaign = make_campaign(version, 6, year=2025, units=units)
    report = report_data(campaign=campaign)
    previous = {
        r.assessment.unit.code: float(r.value)
        for r in UnitResult.objects.filter(
            assessment__campaign=old, node__isnull=True
        ).select_related("assessment__unit")
    }
    assert report.years == [2024, 2025]
    for unit in report.sections[0].units:
        assert unit.previous_value == pytest.approx(previous[unit.code])
        assert unit.value_change == pytest.approx(unit.value - previous[unit.code])


def test_export_report_command(version, tmp_path):
    campaign = make_campaign(version, 4)
    out = tmp_path / "r.xlsx"
    call_command("export_report", "--campaign", str(campaign.year), "-o", str(out))
    assert (
        openpyxl.load_workbook(out).sheetnames[0]
        == report_labels("vi")["sheet_summary"]
    )
    call_command(
        "export_report",
        "--campaign",
        str(campaign.pk),
        "--lang",
        "en",
        "--committee",
        "-o",
        str(out),
    )
    assert openpyxl.load_workbook(out).sheetnames[0] == "Summary"


def test_annex_docx_lists_every_group(version):
    campaign = make_campaign(version, 6, state=Campaign.State.PUBLISHED)
    document = Document(BytesIO(report_annex_bytes(campaign=campaign)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == report_labels("vi")["annex"].upper()
    assert any("12/QĐ-UBND" in t for t in texts)
    assert len(document.tables) == 2  # "Xã" and "Phường"
    rows = sum(len(t.rows) - 1 for t in document.tables)
    assert rows == 6
    first = document.tables[0].rows[0].cells[0].paragraphs[0].runs[0]
    assert first.font.name == "Times New Roman"


@override_settings(TASKS=IMMEDIATE, REPORTS_SYNC_MAX_UNITS=2)
def test_large_exports_run_as_tasks_and_published_ones_are_kept(version, coordinator):
    campaign = make_campaign(version, 5, state=Campaign.State.PUBLISHED)
    export = report_export_request(
        campaign=campaign, kind="workbook", lang="vi", committee=True, user=coordinator
    )
    export.refresh_from_db()
    assert export.state == ReportExport.State.DONE and export.progress == 100
    assert export.file.read()[:2] == b"PK"
    again = report_export_request(
        campaign=campaign, kind="workbook", lang="vi", committee=True, user=coordinator
    )
    assert again.pk == export.pk
    other = report_export_request(
        campaign=campaign, kind="workbook", lang="en", committee=True, user=coordinator
    )
    assert other.pk != export.pk
