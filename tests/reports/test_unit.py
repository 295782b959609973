"""One unit's scorecard and self-assessment report: services, views, permissions."""

from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from docx import Document

import scoring
from reports.labels import report_labels
from reports.services.unit import (
    unit_scorecard,
    unit_scorecard_page,
    unit_self_report,
)
from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    Evidence,
    Membership,
    Unit,
    UnitResult,
    User,
)
from survey.results.compute import campaign_results_compute
from survey.results.inputs import campaign_population, framework_spec
from tests.reports.conftest import make_campaign

pytestmark = pytest.mark.django_db
COMMENT = "Gạch đầu dòng"
PAGES = ("scorecard", "scorecard_xlsx", "self_report", "self_report_docx")


@pytest.fixture
def campaign(version):
    make_campaign(version, 6, year=2024, state=Campaign.State.PUBLISHED)
    units = list(Unit.objects.order_by("code"))
    return make_campaign(version, 6, year=2025, units=units)


@pytest.fixture
def assessment(campaign):
    assessment = campaign.assessments.select_related("unit").get(unit__code="X001")
    answer = assessment.answers.order_by("node__order").first()
    Evidence.objects.create(
        answer=answer,
        kind=Evidence.Kind.DOCUMENT,
        doc_number="12/KH-UBND",
        summary="Kế hoạch chuyển đổi số",
    )
    return assessment


def _member(username: str, role: str, unit: Unit | None = None) -> User:
    user = User.objects.create_user(username, password="x")
    Membership.objects.create(user=user, role=role, unit=unit)
    return user


def _get(client, name: str, assessment: Assessment):
    return client.get(reverse(f"reports:{name}", args=[assessment.pk]))


# Services --------------------------------------------------------------------------


def test_scorecard_figures_are_the_stored_results(assessment):
    card = unit_scorecard(assessment=assessment, lang="en")
    total = UnitResult.objects.get(assessment=assessment, node__isnull=True)
    assert card.unit == assessment.unit.name_en
    assert card.points == pytest.approx(float(total.final_points))
    assert card.value == pytest.approx(float(total.value))
    assert card.rank == total.rank
    assert card.previous_year == 2024 and card.previous_value is not None
    assert len(card.pillars) == 6
    peers = UnitResult.objects.filter(
        assessment__campaign=assessment.campaign,
        assessment__ranking_group=assessment.ranking_group,
        node__code="1",
        node__version=assessment.version,
    ).values_list("value", flat=True)
    mean = sum(float(v) for v in peers) / len(peers)
    assert card.pillars[0].group_mean == pytest.approx(mean)


def test_scorecard_weakest_and_path_come_from_the_engine(assessment):
    card = unit_scorecard(assessment=assessment, lang="vi")
    spec = framework_spec(version=assessment.version)
    _rows, population = campaign_population(
        campaign=assessment.campaign, version=assessment.version, spec=spec
    )
    results = scoring.score(spec, population)
    unit_id = str(assessment.pk)
    weak = scoring.strengths_weaknesses(results, unit_id, k=5)["weaknesses"]
    assert [line.code for line in card.weakest] == [
        row["code"] for row in weak if row["points_lost"] > 0
    ]
    assert len(card.weakest) <= 5
    lost = [line.points_lost for line in card.weakest]
    assert lost == sorted(lost, reverse=True)
    path = scoring.path_to_next_level(results, unit_id)
    assert card.path_status == path["status"]
    assert [line.code for line in card.path] == [
        row["code"] for row in path.get("indicators", [])
    ]


def test_self_report_lists_every_applicable_indicator(assessment):
    report = unit_self_report(assessment=assessment, lang="vi")
    answers = Answer.objects.filter(assessment=assessment)
    assert len(report.lines) >= answers.count() - 1
    assert any("12/KH-UBND" in ref for line in report.lines for ref in line.evidence)
    assert any(COMMENT in line.comment for line in report.lines)
    assert report.points == pytest.approx(
        float(UnitResult.objects.get(assessment=assessment, node=None).self_points)
    )
    assert all(line.section for line in report.lines)
    hidden = unit_self_report(assessment=assessment, lang="vi", free_text=False)
    assert not any(line.comment for line in hidden.lines)


# Views and permissions -------------------------------------------------------------


def test_unit_roles_see_their_own_unit_only(client, campaign, assessment):
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.PRELIMINARY)
    other = campaign.assessments.get(unit__code="X003")
    for role in (Membership.Role.EDITOR, Membership.Role.APPROVER):
        client.force_login(_member(f"u-{role}", role, assessment.unit))
        for name in PAGES:
            assert _get(client, name, assessment).status_code == 200, (role, name)
            assert _get(client, name, other).status_code == 404, (role, name)


def test_units_see_their_scorecard_once_preliminary_results_are_shared(
    client, campaign, assessment
):
    client.force_login(_member("u-editor", Membership.Role.EDITOR, assessment.unit))
    assert Campaign.objects.get(pk=campaign.pk).state not in (
        Campaign.State.PRELIMINARY,
        Campaign.State.PUBLISHED,
    )
    assert _get(client, "scorecard", assessment).status_code == 403
    assert _get(client, "scorecard_xlsx", assessment).status_code == 403
    assert _get(client, "self_report", assessment).status_code == 200
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.PRELIMINARY)
    assert _get(client, "scorecard", assessment).status_code == 200


def test_reviewers_of_the_unit_see_it_others_do_not(client, campaign, assessment):
    other = campaign.assessments.get(unit__code="X003")
    client.force_login(_member("tham-dinh", Membership.Role.REVIEWER, other.unit))
    for name in PAGES:
        assert _get(client, name, other).status_code == 200
        assert _get(client, name, assessment).status_code == 404


def test_province_roles_see_every_unit(client, assessment, coordinator, committee):
    for user in (coordinator, committee):
        client.force_login(user)
        for name in PAGES:
            assert _get(client, name, assessment).status_code == 200


def test_outsiders_get_404_and_anonymous_the_login_page(client, assessment):
    client.force_login(User.objects.create_user("nobody", password="x"))
    for name in PAGES:
        assert _get(client, name, assessment).status_code == 404
    client.logout()
    response = _get(client, "scorecard", assessment)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_scorecard_page_and_sheet(client, assessment, committee):
    client.force_login(committee)
    body = _get(client, "scorecard", assessment).content.decode()
    assert body.count("<svg") == 1
    assert assessment.unit.name_vi in body
    assert reverse("reports:scorecard_xlsx", args=[assessment.pk]) in body
    assert COMMENT not in body and "HYPERLINK" not in body
    response = _get(client, "scorecard_xlsx", assessment)
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(BytesIO(response.content))
    assert book.sheetnames == [report_labels("vi")["scorecard"]]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.assessment_id == assessment.pk and event.after["kind"] == "scorecard"


def test_the_scorecard_shows_the_self_assessed_level_and_rank_beside_the_final(
    client, campaign
):
    """The first of a group, every answer of which a reviewer set to 0 points."""
    lowered = (
        campaign.assessments.filter(results__node=None, results__rank=1)
        .order_by("unit__code")
        .first()
    )
    lowered.answers.update(
        review_status=Answer.ReviewStatus.DISAGREED, verified_points=0
    )
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.PRELIMINARY)
    campaign_results_compute(campaign=campaign)
    total = UnitResult.objects.get(assessment=lowered, node__isnull=True)
    levels = sorted(lowered.version.levels, key=lambda level: level["min_value"])
    names = {level["code"]: level["name_vi"] for level in levels}
    order = list(names)
    steps = order.index(total.self_level) - order.index(total.level)
    assert steps > 0 and total.rank > total.self_rank == 1
    client.force_login(_member("u-editor", Membership.Role.EDITOR, lowered.unit))
    response = _get(client, "scorecard", lowered)
    assert response.status_code == 200
    card = response.context["card"]
    assert (card.level, card.rank) == (names[total.level], total.rank)
    assert (card.self_level, card.self_rank) == (names[total.self_level], 1)
    body = response.content.decode()
    assert f"Mức tự đánh giá: {names[total.self_level]}" in body
    assert f"giảm {steps} mức sau thẩm định" in body
    assert f"Thứ hạng tự đánh giá: 1 / {card.ranked_units}" in body
    assert f"tụt {total.rank - 1} bậc sau thẩm định" in body
    sheet = openpyxl.load_workbook(
        BytesIO(_get(client, "scorecard_xlsx", lowered).content)
    ).active
    labels = report_labels("vi")
    rows = {r[0].value: r[1].value for r in sheet.iter_rows() if r[0].value}
    assert rows[labels["self_level"]] == names[total.self_level]
    assert rows[labels["level_change_verified"]] == -steps
    assert rows[labels["rank_change_verified"]] == 1 - total.rank
    # Another unit's editor still gets nothing of it.
    other = campaign.assessments.exclude(unit=lowered.unit).first()
    client.force_login(_member("x-editor", Membership.Role.EDITOR, other.unit))
    for name in ("scorecard", "scorecard_xlsx"):
        assert _get(client, name, lowered).status_code == 404


def test_results_stored_before_the_self_assessed_figures_show_a_dash(
    client, assessment, committee
):
    UnitResult.objects.filter(assessment=assessment).update(
        self_level="", self_rank=None
    )
    client.force_login(committee)
    response = _get(client, "scorecard", assessment)
    body = response.content.decode()
    assert "Mức tự đánh giá: —" in body
    assert "sau thẩm định" not in body
    assert response.context["card"].verified_level_change is None


def test_the_first_years_scorecard_names_no_earlier_year(client, campaign, committee):
    first = Assessment.objects.filter(campaign__year=2024).first()
    client.force_login(committee)
    response = _get(client, "scorecard", first)
    assert response.context["card"].previous_year is None
    body = response.content.decode()
    assert "Thay đổi so với năm —" in body and "None" not in body


def test_committee_viewers_get_no_comments_in_the_self_report(
    client, assessment, coordinator, committee
):
    client.force_login(coordinator)
    assert COMMENT in _get(client, "self_report", assessment).content.decode()
    client.force_login(committee)
    body = _get(client, "self_report", assessment).content.decode()
    assert COMMENT not in body and "HYPERLINK" not in body
    assert "12/KH-UBND" in body
    assert reverse("reports:self_report_docx", args=[assessment.pk]) in body
    response = _get(client, "self_report_docx", assessment)
    document = Document(BytesIO(response.content))
    text = "\n".join(
        cell.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
    )
    assert "12/KH-UBND" in text and COMMENT not in text
    assert report_labels("vi")["signature"] in text


def test_committee_viewers_get_no_evidence_summary(client, assessment, committee):
    summary = "Tóm tắt riêng của xã"
    Evidence.objects.filter(answer__assessment=assessment).update(summary=summary)
    client.force_login(committee)
    body = _get(client, "self_report", assessment).content.decode()
    assert "12/KH-UBND" in body and summary not in body
    text = _docx_text(_get(client, "self_report_docx", assessment).content)
    assert "12/KH-UBND" in text and summary not in text
    editor = _member("bien-tap", Membership.Role.EDITOR, assessment.unit)
    client.force_login(editor)
    body = _get(client, "self_report", assessment).content.decode()
    assert f"12/KH-UBND – {summary}" in body


def test_a_scoped_reviewer_sees_only_their_indicators(client, assessment):
    """Outside a reviewer's indicators nothing shows: not in the self-assessment
    report (page and .docx), not among the scorecard's weakest indicators."""
    weakest = unit_scorecard(assessment=assessment, lang="vi").weakest
    assert weakest
    hidden = weakest[0].code
    indicators = assessment.version.nodes.filter(kind="indicator")
    scope = [node for node in indicators if node.code != hidden]
    codes = {node.code for node in scope}
    reviewer = _member("cong-an", Membership.Role.REVIEWER, assessment.unit)
    Membership.objects.get(user=reviewer).indicators.set(scope)
    client.force_login(reviewer)
    report = _get(client, "self_report", assessment).context["report"]
    shown = {line.code for line in report.lines}
    assert shown and shown <= codes
    assert report.points is None
    document = Document(BytesIO(_get(client, "self_report_docx", assessment).content))
    first_cells = {row.cells[0].text for t in document.tables for row in t.rows}
    assert hidden not in first_cells and shown <= first_cells
    card = _get(client, "scorecard", assessment).context["card"]
    assert hidden not in {line.code for line in card.weakest + card.path}
    assert _get(client, "scorecard_xlsx", assessment).status_code == 200
    # A reviewer of every indicator sees the one left out above.
    client.force_login(_member("tham-dinh", Membership.Role.REVIEWER, assessment.unit))
    report = _get(client, "self_report", assessment).context["report"]
    assert hidden in {line.code for line in report.lines}
    assert report.points is not None


def _docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    return "\n".join(
        cell.text for t in document.tables for row in t.rows for cell in row.cells
    )


def test_self_report_download_is_audited(client, assessment):
    user = _member("bien-tap", Membership.Role.EDITOR, assessment.unit)
    client.force_login(user)
    response = _get(client, "self_report_docx", assessment)
    assert response["Content-Disposition"].endswith('.docx"')
    document = Document(BytesIO(response.content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert any(COMMENT in text for text in cells)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == user and event.assessment_id == assessment.pk
    assert event.after == {"kind": "self-report", "lang": "vi"}


def test_dashboard_rows_link_to_the_scorecards(client, campaign, committee):
    client.force_login(committee)
    body = client.get(reverse("reports:dashboard", args=[campaign.pk])).content
    for assessment in campaign.assessments.all():
        url = reverse("reports:scorecard", args=[assessment.pk])
        assert url.encode() in body


def test_the_radars_percentages_follow_the_scorecards_language(assessment):
    vietnamese = unit_scorecard_page(assessment=assessment, lang="vi")["radar_svg"]
    english = unit_scorecard_page(assessment=assessment, lang="en")["radar_svg"]
    assert "20 %" in vietnamese and "20%" not in vietnamese
    assert "20%" in english and "20 %" not in english
