"""The scorecard's planner: what-if without saving, the cheapest path, the plan
for next year (save, version conflict, files) and who may use them."""

from dataclasses import replace
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from docx import Document

from reports.builders.plan import plan_docx_bytes, plan_xlsx_bytes
from reports.labels import report_labels
from reports.services import planner as planner_service
from reports.services.planner import _n, plan_document
from survey.answer_types import answer_display
from survey.forms.planner import VERSION_INVALID
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
from survey.results.planner import (
    CheapestPath,
    _final_denominators,
    cheapest_path,
    plan_values,
    what_if,
)
from survey.services.planner import PlanInvalid, what_if_run
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


# Defects found in review --------------------------------------------------------


def _either(body: str, message) -> bool:
    """Whether ``message`` shows in ``body``, in English or in Vietnamese."""
    texts = set()
    for lang in ("en", "vi"):
        with translation.override(lang):
            texts.add(str(message))
    return any(text in body for text in texts)


def _what_if(client, assessment, data: dict) -> dict:
    client.force_login(_editor(assessment))
    return client.post(
        _url("what_if", assessment), {**data, "number_format": "vi"}
    ).json()


def test_a_typed_numerator_keeps_the_units_denominator(client, assessment):
    # 2.2 is a ratio answered 0/40 (20 points at most): only 10 typed is 10/40
    data = _what_if(client, assessment, {"w-2.2-number": "10"})
    assert data["ok"] and not data["errors"]
    assert data["indicators"]["2.2"] == "5,00"
    assert data["total"]["new"] != "—" and data["total"]["now"] != "—"


def test_a_still_incomplete_answer_is_named_and_the_total_stays(client, assessment):
    Answer.objects.filter(assessment=assessment, node__code="2.2").delete()
    data = _what_if(client, assessment, {"w-2.2-number": "10", "w-3.1-number": "0"})
    assert data["errors"]["2.2"]  # the denominator is still missing
    assert "2.2" not in data["indicators"]
    assert data["total"]["new"] not in ("—", data["total"]["now"])


def test_a_typed_zero_and_no_are_answers(client, assessment):
    # 3.1 is 40/40 (20 points), 3.5 is "Yes" (10 points)
    data = _what_if(client, assessment, {"w-3.1-number": "0", "w-3.5-yes": "false"})
    assert data["ok"]
    assert data["indicators"] == {"3.1": "0,00", "3.5": "0,00"}


def test_add_path_reaches_the_promised_level(client, assessment):
    path = cheapest_path(assessment=assessment)
    ratio_steps = [
        s
        for s in path.steps
        if assessment.version.nodes.get(code=s.code).answer_type == "ratio"
    ]
    assert ratio_steps  # the path of this unit has ratio indicators
    client.force_login(_editor(assessment))
    response = client.post(
        _url("planner", assessment), {"action": "add_path", "number_format": "vi"}
    )
    form = response.context["form"]
    assert not form.errors
    assert set(form.typed()) == {s.code for s in path.steps}
    run = what_if_run(assessment=assessment, typed=form.typed())
    assert not run.errors
    assert run.result.new.level == path.new_level != run.result.now.level
    assert response.context["path_partial"] == ""


def test_a_step_without_an_answer_is_kept_and_the_path_marked_partial(
    client, assessment, monkeypatch
):
    path = cheapest_path(assessment=assessment)
    blank = replace(path, steps=[replace(path.steps[0], target=None), *path.steps[1:]])
    monkeypatch.setattr(planner_service, "cheapest_path", lambda **_kw: blank)
    client.force_login(_editor(assessment))
    response = client.post(
        _url("planner", assessment), {"action": "add_path", "number_format": "vi"}
    )
    lines = response.context["path_lines"]
    assert [line.code for line in lines] == [s.code for s in path.steps]
    assert lines[0].no_target and not any(line.no_target for line in lines[1:])
    assert path.steps[0].code in response.context["path_partial"]
    assert response.context["path_partial"] in response.content.decode()


def test_control_characters_in_responsible_are_refused(client, assessment):
    client.force_login(_editor(assessment))
    response = client.post(
        _url("planner", assessment),
        {
            "action": "save",
            "version": "0",
            "w-1.1-number": "100",
            "r-1.1": "Phòng\x0bVăn hóa",
        },
    )
    assert response.status_code == 200
    assert response.context["errors"]["1.1"]
    assert not ImprovementPlan.objects.exists()


def test_plan_files_hold_text_with_control_characters(client, assessment):
    # a plan saved before the form refused them
    ImprovementPlan.objects.create(
        assessment=assessment,
        items=[
            {"code": "1.1", "target": {"number": "100"}, "responsible": "A\x01B\x0bC"}
        ],
        version=1,
    )
    client.force_login(_editor(assessment))
    xlsx = client.get(_url("plan_xlsx", assessment))
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(xlsx.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "1.1"]
    assert rows[0][8] == "A B C"
    docx = client.get(_url("plan_docx", assessment))
    assert docx.status_code == 200 and "A B C" in _docx_text(docx.content)
    doc = plan_document(assessment=assessment)
    line = replace(doc.lines[0], name="Tên\x00\x1f\x7f")
    doc = replace(doc, unit="Xã\x02", lines=(line,))
    labels = report_labels("vi")
    assert openpyxl.load_workbook(BytesIO(plan_xlsx_bytes(doc, labels)))
    assert "Tên" in _docx_text(plan_docx_bytes(doc, labels))


def _docx_text(content: bytes) -> str:
    return "\n".join(
        cell.text
        for table in Document(BytesIO(content)).tables
        for row in table.rows
        for cell in row.cells
    )


def test_the_new_path_hides_indicators_outside_a_reviewers_scope(client, assessment):
    path = cheapest_path(assessment=assessment)
    hidden = path.steps[0].code
    scope = assessment.version.nodes.filter(kind="indicator").exclude(code=hidden)
    reviewer = _member("cong-an", Membership.Role.REVIEWER, assessment.unit)
    Membership.objects.get(user=reviewer).indicators.set(scope)
    client.force_login(reviewer)
    response = client.get(_url("scorecard", assessment))
    shown = {line.code for line in response.context["cheapest_lines"]}
    assert shown and hidden not in shown
    assert f'data-path-code="{hidden}"' not in response.content.decode()
    # a reviewer of every indicator sees it
    client.force_login(_member("tham-dinh", Membership.Role.REVIEWER, assessment.unit))
    response = client.get(_url("scorecard", assessment))
    assert hidden in {line.code for line in response.context["cheapest_lines"]}


def test_the_current_answer_is_the_verified_one(client, assessment):
    # 1.1: the unit answered 50 %, the reviewer verified 0
    node = assessment.version.nodes.get(code="1.1")
    own = Answer.objects.get(assessment=assessment, node=node)
    assert own.number == 50 and own.verified_value == {"number": "0"}
    client.force_login(_editor(assessment))
    response = client.get(_url("planner", assessment))
    row = next(r for r in response.context["rows"] if r.code == "1.1")
    assert row.current == answer_display(node, {"number": Decimal(0)})
    assert row.current != answer_display(node, {"number": own.number})
    ImprovementPlan.objects.create(
        assessment=assessment,
        items=[{"code": "1.1", "target": {"number": "100"}}],
        version=1,
    )
    assert plan_document(assessment=assessment).lines[0].current_answer == row.current


def test_live_figures_are_rounded_half_away_from_zero():
    with translation.override("vi"):
        assert _n(0.125) == "0,13"
        assert _n(2.675) == "2,68"
        assert _n(-0.125) == "-0,13"
        assert _n(None) == "—"


@pytest.mark.parametrize(
    ("due", "saved"),
    [
        ("01/01/0001", False),
        ("31/12/2024", False),
        ("01/01/2036", False),
        ("01/01/2025", True),
        ("31/12/2035", True),
    ],
)
def test_due_dates_are_limited_to_the_campaign_year_and_ten_after(
    client, assessment, due, saved
):
    client.force_login(_editor(assessment))
    response = client.post(
        _url("planner", assessment),
        {"action": "save", "version": "0", "w-1.1-number": "100", "d-1.1": due},
    )
    assert ImprovementPlan.objects.exists() is saved
    if not saved:
        assert any(
            "2025" in m and "2035" in m for m in response.context["errors"]["1.1"]
        )


def test_a_bad_version_gets_a_page_message(client, assessment):
    client.force_login(_editor(assessment))
    response = client.post(
        _url("planner", assessment),
        {"action": "save", "version": "abc", "w-1.1-number": "100"},
        follow=True,
    )
    body = response.content.decode()
    assert not _either(body, PlanInvalid.default_message)
    assert _either(body, VERSION_INVALID)
    assert not ImprovementPlan.objects.exists()


def test_a_path_of_a_unit_with_an_erroring_indicator_says_so():
    with translation.override("en"):
        html = render_to_string(
            "reports/cheapest_path.html", {"path": CheapestPath(status="n/a")}
        )
        assert "no result yet" not in html
        assert "cannot be scored" in html
        assert "no result yet" in render_to_string(
            "reports/cheapest_path.html", {"path": None}
        )


def test_a_plan_item_with_part_of_an_answer_counts_over_the_current_one(assessment):
    ImprovementPlan.objects.create(
        assessment=assessment,
        items=[{"code": "2.2", "target": {"number": "10"}}],
        version=1,
    )
    doc = plan_document(assessment=assessment)
    assert doc.lines[0].target_points == 5
    assert doc.points_after == pytest.approx(doc.points_now + 5)


def test_ratio_options_keep_the_denominator_that_counts(assessment):
    """The path's ratio answers keep the reviewer's denominator where the
    reviewer gave a value of their own, as the what-if lays answers over it."""
    ratios = Answer.objects.filter(assessment=assessment, node__answer_type="ratio")
    own, verified = ratios[0], ratios[1]
    Answer.objects.filter(pk=own.pk).update(denominator=Decimal(50))
    Answer.objects.filter(pk=verified.pk).update(
        denominator=Decimal(50),
        review_status=Answer.ReviewStatus.DISAGREED,
        verified_value={"number": "3", "denominator": "400"},
    )
    found = _final_denominators(assessment)
    assert found[own.node.code] == Decimal(50)
    assert found[verified.node.code] == Decimal(400)
