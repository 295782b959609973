"""The scorecard's planner: what-if without saving, the cheapest path, the plan
for next year (save, version conflict, files) and who may use them."""

from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from docx import Document

from reports.labels import report_labels
from reports.services.planner import plan_document
from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    ImprovementPlan,
    Membership,
    Unit,
    UnitResult,
    User,
)
from survey.results.planner import cheapest_path, plan_values, what_if
from tests.reports.conftest import make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(version):
    campaign = make_campaign(version, 6, year=2025)
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.PRELIMINARY)
    campaign.refresh_from_db()
    return campaign


@pytest.fixture
def assessment(campaign):
    return campaign.assessments.select_related("unit", "version", "campaign").get(
        unit__code="X001"
    )


def _member(username: str, role: str, unit: Unit | None = None) -> User:
    user = User.objects.create_user(username, password="x")
    Membership.objects.create(user=user, role=role, unit=unit)
    return user


def _editor(assessment: Assessment) -> User:
    return _member("cv", Membership.Role.EDITOR, assessment.unit)


def _url(name: str, assessment: Assessment) -> str:
    return reverse(f"reports:{name}", args=[assessment.pk])


def _snapshot(assessment: Assessment):
    answers = list(
        Answer.objects.filter(assessment=assessment)
        .order_by("pk")
        .values_list("pk", "version", "number", "yes", "choice", "self_points")
    )
    results = list(
        UnitResult.objects.filter(assessment=assessment)
        .order_by("pk")
        .values_list("pk", "final_points", "rank")
    )
    return answers, results, AuditEvent.objects.count()


def test_what_if_recomputes_without_saving_anything(client, assessment):
    client.force_login(_editor(assessment))
    before = _snapshot(assessment)
    response = client.post(
        _url("what_if", assessment), {"w-1.1-number": "100", "number_format": "vi"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] and data["errors"] == {}
    assert data["total"]["new"] != data["total"]["now"]
    assert "1.1" in data["indicators"] and data["indicators"]["1.1"] == "10,00"
    assert _snapshot(assessment) == before
    assert not ImprovementPlan.objects.exists()


def test_what_if_figures_match_a_real_rescore(assessment):
    result = what_if(assessment=assessment, answers={"1.1": ({"number": 100}, False)})
    now, new = result.indicators["1.1"]
    assert new == 10.0
    gain = round(new - now, 2)
    assert result.new.points == pytest.approx(result.now.points + gain)
    assert result.new.rank <= result.now.rank
    # no change at all: the figures are the stored ones
    same = what_if(assessment=assessment, answers={})
    stored = UnitResult.objects.get(assessment=assessment, node__isnull=True)
    assert same.new.points == pytest.approx(float(stored.final_points))
    assert same.new.rank == stored.rank


def test_bad_typed_values_get_translated_messages_per_indicator(client, assessment):
    client.force_login(_editor(assessment))
    data = client.post(
        _url("what_if", assessment),
        {"w-1.1-number": "1.2.3,4", "w-1.2-number": "150", "number_format": "vi"},
        HTTP_ACCEPT_LANGUAGE="vi",
    ).json()
    assert not data["ok"]
    assert set(data["errors"]) == {"1.1", "1.2"}
    assert any("100" in m for m in data["errors"]["1.2"])


def test_cheapest_path_targets_reach_its_level_in_what_if(assessment):
    path = cheapest_path(assessment=assessment)
    assert path.status == "reachable" and path.steps and path.effort > 0
    assert all(step.target for step in path.steps)  # each has an answer to type
    answers = {s.code: (plan_values(s.target), False) for s in path.steps}
    result = what_if(assessment=assessment, answers=answers)
    assert result.new.level == path.new_level != result.now.level
    assert result.new.points == pytest.approx(result.now.points + path.points_gained)
    # kept with the results: asked again, the same path without a new search
    assert cheapest_path(assessment=assessment) == path


def test_plan_save_conflict_and_files(client, assessment):
    client.force_login(_editor(assessment))
    url = _url("planner", assessment)
    assert client.get(url).status_code == 200
    posted = {
        "action": "save",
        "version": "0",
        "number_format": "vi",
        "w-1.1-number": "100",
        "r-1.1": "Phòng Văn hóa - Xã hội",
        "d-1.1": "30/06/2026",
    }
    response = client.post(url, posted)
    assert response.status_code == 302
    plan = ImprovementPlan.objects.get(assessment=assessment)
    assert plan.version == 1
    assert plan.items == [
        {
            "code": "1.1",
            "target": {"number": "100"},
            "responsible": "Phòng Văn hóa - Xã hội",
            "due": "2026-06-30",
        }
    ]
    # the same page saved again with the old version: refused, nothing lost
    stale = client.post(url, {**posted, "r-1.1": "Người khác"})
    assert stale.status_code == 200
    body = stale.content.decode()
    assert "Người khác" in body
    assert 'name="version" value="1"' in body
    plan.refresh_from_db()
    assert plan.version == 1 and plan.items[0]["responsible"] != "Người khác"
    # a bad due date, or a responsible without a target: nothing saved
    bad = client.post(url, {**posted, "version": "1", "d-1.1": "31/02/2026"})
    assert bad.status_code == 200
    lonely = client.post(url, {**posted, "version": "1", "r-1.2": "Ai đó"})
    assert "Enter a target answer" in lonely.content.decode() or (
        "Nhập câu trả lời mục tiêu" in lonely.content.decode()
    )
    plan.refresh_from_db()
    assert plan.version == 1
    xlsx = client.get(_url("plan_xlsx", assessment))
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(xlsx.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "1.1"]
    assert rows and rows[0][5] == 10 and rows[0][8] == "Phòng Văn hóa - Xã hội"
    assert rows[0][9].date().isoformat() == "2026-06-30"
    assert isinstance(rows[0][3], float | int)
    docx = client.get(_url("plan_docx", assessment))
    text = "\n".join(
        cell.text
        for table in Document(BytesIO(docx.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "1.1" in text and "30/06/2026" in text and "Phòng Văn hóa" in text


def test_add_path_fills_the_form(client, assessment):
    client.force_login(_editor(assessment))
    path = cheapest_path(assessment=assessment)
    response = client.post(
        _url("planner", assessment), {"action": "add_path", "number_format": "vi"}
    )
    assert response.status_code == 200
    for step in path.steps:
        if step.target:
            assert f'name="w-{step.code}-' in response.content.decode()


def test_plan_document_levels(assessment):
    ImprovementPlan.objects.create(
        assessment=assessment,
        items=[{"code": "1.1", "target": {"number": "100"}, "responsible": "A"}],
        version=1,
    )
    doc = plan_document(assessment=assessment, lang="vi")
    assert doc.lines[0].target_points == 10
    assert doc.points_after >= doc.points_now
    assert report_labels("vi")["plan_title"]


PLANNER_GETS = ("planner", "plan_xlsx", "plan_docx")


@pytest.mark.parametrize("role", ["editor", "approver", "coordinator"])
def test_planners_may(client, assessment, role):
    unit = None if role == "coordinator" else assessment.unit
    client.force_login(_member(f"u-{role}", role, unit))
    for name in PLANNER_GETS:
        assert client.get(_url(name, assessment)).status_code == 200, name
    assert client.post(_url("what_if", assessment), {}).status_code == 200
    saved = client.post(
        _url("planner", assessment),
        {"action": "save", "version": "0", "w-1.1-number": "90"},
    )
    assert saved.status_code == 302


def test_others_may_not(client, campaign, assessment):
    other = campaign.assessments.get(unit__code="X003")
    cases = [
        (_member("cv-other", Membership.Role.EDITOR, other.unit), 404),
        (_member("bcd", Membership.Role.COMMITTEE), 403),
        (_member("td", Membership.Role.REVIEWER, assessment.unit), 403),
    ]
    for user, status in cases:
        client.force_login(user)
        for name in PLANNER_GETS:
            assert client.get(_url(name, assessment)).status_code == status
        assert client.post(_url("what_if", assessment), {}).status_code == status
        saved = client.post(
            _url("planner", assessment),
            {"action": "save", "version": "0", "w-1.1-number": "90"},
        )
        assert saved.status_code == status
    assert not ImprovementPlan.objects.exists()


def test_scorecard_shows_the_path_and_planner_controls_only_to_planners(
    client, assessment
):
    client.force_login(_member("bcd", Membership.Role.COMMITTEE))
    body = client.get(_url("scorecard", assessment)).content.decode()
    assert 'id="cheapest-h"' in body
    assert _url("planner", assessment) not in body
    client.force_login(_editor(assessment))
    body = client.get(_url("scorecard", assessment)).content.decode()
    assert _url("planner", assessment) in body


def test_what_if_answers_401_when_the_session_is_gone(client, assessment):
    response = client.post(_url("what_if", assessment), {"w-1.1-number": "100"})
    assert response.status_code == 401 and "login_url" in response.json()
