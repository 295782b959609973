"""One percentage everywhere: the annex, the workbook, the dashboard and the scorecard
show the rounding (half up, two decimals) of points ÷ applicable maximum, computed
once by ``common.figures``, also for totals that sit exactly on a rounding edge."""

import re
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from docx import Document

from common.figures import percent, percent_of_value
from reports.labels import report_labels
from reports.services.exports import report_annex_bytes, report_workbook_bytes
from survey.models import Campaign, UnitResult
from tests.reports.conftest import make_campaign

# Totals of 1,000 points whose exact percentage ends in 5 at the third decimal:
# the float of 0.67985 (and of 67.985) is just below the edge, 0.93675 too.
EDGES = [
    (Decimal("679.85"), Decimal("67.99")),
    (Decimal("594.95"), Decimal("59.50")),
    (Decimal("936.75"), Decimal("93.68")),
    (Decimal("679.84"), Decimal("67.98")),
]


def test_percent_rounds_the_exact_value_once_half_up():
    assert percent(135.97, 200) == Decimal("67.99")
    assert percent(Decimal("118.99"), Decimal("200")) == Decimal("59.50")
    assert percent(67.985, 100) == Decimal("67.99")
    assert percent(59.495, 100) == Decimal("59.50")
    assert percent(1, 3) == Decimal("33.33") and percent(2, 3) == Decimal("66.67")
    assert percent(-1.005, 1) == Decimal("-100.50")
    assert percent(5, 0) is None and percent(None, 10) is None
    assert percent(float("nan"), 10) is None


def test_a_float_is_read_as_the_decimal_it_was_stored_as():
    # 0.67985 * 100 is 67.98499999… in binary: rounding it directly gives 67.98.
    assert round(0.67985 * 100, 2) == 67.98
    assert percent_of_value(0.67985) == Decimal("67.99")
    assert percent_of_value(0.59495) == Decimal("59.50")
    assert percent_of_value(0.93675) == Decimal("93.68")
    assert percent_of_value(None) is None


def _vi_number(text: str) -> Decimal:
    return Decimal(text.strip().replace(".", "").replace(",", "."))


def _dashboard(client, coordinator, campaign) -> dict[str, Decimal]:
    client.force_login(coordinator)
    html = client.get(reverse("reports:dashboard", args=[campaign.pk])).content
    rows = re.findall(
        r'<tr data-unit="([^"]+)">.*?data-figure="percent">([^<]*)</td>',
        html.decode(),
        re.S,
    )
    return {code: _vi_number(text) for code, text in rows if text.strip()}


def _annex(campaign) -> dict[str, Decimal]:
    doc = Document(BytesIO(report_annex_bytes(campaign=campaign, lang="vi")))
    figures = {}
    for table in doc.tables:
        for row in table.rows[1:]:
            cells = [cell.text for cell in row.cells]
            if cells[3]:
                figures[cells[1]] = _vi_number(cells[3])
    return figures


def _workbook(campaign) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    labels = report_labels("vi")
    book = openpyxl.load_workbook(
        BytesIO(report_workbook_bytes(campaign=campaign, lang="vi"))
    )
    summary, pillars = {}, {}
    for row in book[labels["sheet_summary"]].iter_rows(min_row=4):
        if row[6].value is not None:
            # The cell holds exactly the figure shown: nothing left for Excel to round.
            summary[row[2].value] = Decimal(repr(row[6].value)) * 100
    # Title, campaign, colour key, header: the units from row 5.
    for row in book[labels["sheet_pillars"]].iter_rows(min_row=5):
        if row[-1].value is not None:
            pillars[row[2].value] = Decimal(repr(row[-1].value)) * 100
    return summary, pillars


@pytest.mark.django_db
def test_annex_workbook_dashboard_and_scorecard_agree_on_every_unit(
    client, version, coordinator
):
    campaign = make_campaign(version, 7, state=Campaign.State.PUBLISHED)
    totals = UnitResult.objects.filter(
        assessment__campaign=campaign, node__isnull=True
    ).order_by("assessment_id")
    for row, (points, _shown) in zip(totals, EDGES, strict=False):
        value = (points / 1000).quantize(Decimal("0.000001"))
        UnitResult.objects.filter(pk=row.pk).update(
            final_points=points, applicable_max=Decimal(1000), value=value
        )
    dashboard = _dashboard(client, coordinator, campaign)
    annex = _annex(campaign)
    summary, pillars = _workbook(campaign)
    names = {
        r.assessment.unit.code: r.assessment.unit.name_vi
        for r in totals.select_related("assessment__unit")
    }
    assert len(dashboard) == len(names) == 7
    for code, name in names.items():
        assert annex[name] == summary[code] == pillars[code] == dashboard[code], code
    shown = [dashboard[r.assessment.unit.code] for r in totals[: len(EDGES)]]
    assert shown == [edge for _points, edge in EDGES]
    first = totals[0].assessment
    card = client.get(reverse("reports:scorecard", args=[first.pk])).context["card"]
    assert card.percent == Decimal("67.99")
