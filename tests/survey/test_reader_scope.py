"""Who reads what of a unit's assessment (review findings 1 and 2).

The questionnaire's pages are the unit's (editor and approver): everyone else gets
404 there. A reviewer scoped to some indicators reads only those, in the
self-assessment report too. Committee viewers read no free text: no comment
threads, no text answers, no evidence summaries.
"""

import json
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from worlds import QUESTIONNAIRE, VERIFICATION, build_world

from survey.models import Answer, Evidence
from survey.results.compute import campaign_results_compute as campaign_compute
from survey.services.review import answer_comment_add, answers_return

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
OUTSIDERS = ("reviewer", "police", "coordinator", "committee")


@pytest.fixture
def world():
    world = build_world(shape=VERIFICATION)
    world.fill()
    return world


def _url(name: str, world, *args) -> str:
    return reverse(name, args=[world.assessment.pk, *args])


def _docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# Finding 1: the questionnaire's pages are the unit's -------------------------------


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_questionnaire_pages_are_not_found_for_other_roles(client, world, who):
    client.force_login(getattr(world, who))
    for url in (
        _url("survey:questionnaire", world),
        _url("survey:questionnaire_step", world, "1"),
        _url("survey:questionnaire_step", world, "2"),
        _url("survey:assessment_review", world),
    ):
        assert client.get(url).status_code == 404, url
    step = _url("survey:questionnaire_step", world, "2")
    assert client.post(step, {}).status_code == 404
    action = _url("survey:assessment_action", world)
    assert client.post(action, {"action": "mark_ready"}).status_code == 404
    body = {"answers": [{"node": world.nodes["2.1"].pk, "version": 1, "values": {}}]}
    response = client.post(
        _url("survey:answers_autosave", world),
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 404 and response.json()["error"]


@pytest.mark.parametrize("who", ["editor", "approver"])
def test_the_units_editor_and_approver_use_the_questionnaire(client, world, who):
    client.force_login(getattr(world, who))
    response = client.get(_url("survey:questionnaire_step", world, "1"))
    assert response.status_code == 200
    assert client.get(_url("survey:assessment_review", world)).status_code == 200


def test_the_threads_page_links_each_role_to_its_own_screens(client, world):
    world.submit()
    world.assessment.refresh_from_db()
    answers_return(
        assessment=world.assessment,
        nodes=[world.nodes["2.1"]],
        user=world.reviewer,
        comment="Bổ sung quy chế",
    )
    review = _url("survey:assessment_review", world)
    questionnaire = _url("survey:questionnaire", world)
    verify = _url("survey:verify", world)
    for who in ("reviewer", "police", "coordinator"):
        client.force_login(getattr(world, who))
        body = client.get(_url("survey:threads", world)).content.decode()
        assert verify in body, who
        assert review not in body and questionnaire not in body, who
    client.force_login(world.approver)
    body = client.get(_url("survey:threads", world)).content.decode()
    assert review in body and questionnaire in body and verify not in body


def test_a_scoped_reviewer_reads_only_their_indicators_in_the_self_report(
    client, world
):
    client.force_login(world.police)
    response = client.get(_url("reports:self_report", world))
    assert response.status_code == 200
    report = response.context["report"]
    assert [line.code for line in report.lines] == ["2.1", "2.2"]
    # The totals add up indicators outside the scope: left out.
    assert report.points is None and report.maximum is None and not report.level
    body = response.content.decode()
    assert "Chỉ số 2.1" in body
    for code in ("1.1", "1.2", "1.3", "T.1"):
        assert f"Chỉ số {code}" not in body
    text = _docx_text(client.get(_url("reports:self_report_docx", world)).content)
    assert "Chỉ số 2.2" in text and "Chỉ số 1.1" not in text
    # The reviewer of every indicator sees them all, with the totals.
    client.force_login(world.reviewer)
    report = client.get(_url("reports:self_report", world)).context["report"]
    assert {line.code for line in report.lines} >= {"1.1", "1.2", "2.1", "2.2"}
    assert report.points is not None


# Finding 2: committee viewers read no free text ----------------------------------


def test_committee_viewers_cannot_open_the_comment_threads(client, world):
    answer_comment_add(
        assessment=world.assessment,
        node=world.nodes["2.1"],
        user=world.editor,
        body="Quy chế nội bộ chưa ban hành",
    )
    client.force_login(world.committee)
    assert client.get(_url("survey:threads", world)).status_code == 403
    for who in ("editor", "reviewer", "police", "coordinator"):
        client.force_login(getattr(world, who))
        response = client.get(_url("survey:threads", world))
        assert response.status_code == 200, who
        assert "Quy chế nội bộ chưa ban hành" in response.content.decode(), who
    client.force_login(world.other_editor)
    assert client.get(_url("survey:threads", world)).status_code == 404


TEXT_ANSWER = "Ý kiến riêng của đơn vị"
SUMMARY = "Kế hoạch chuyển đổi số"


@pytest.fixture
def unit_world():
    """The questionnaire's world: a text indicator (B.2), a document cited for
    every indicator, a comment on A.1."""
    world = build_world(shape=QUESTIONNAIRE, evidence=True)
    world.save("B.2", {"text": TEXT_ANSWER})
    world.save("A.1", {"number": "3", "denominator": "4", "comment": "Ghi chú riêng"})
    return world


@pytest.mark.filterwarnings("ignore:Mean of empty slice")  # one unit in its group
def test_committee_viewers_read_no_text_answer_nor_evidence_summary(client, unit_world):
    world = unit_world
    assert Evidence.objects.filter(summary=SUMMARY).exists()
    assert Answer.objects.get(node=world.nodes["B.2"]).text == TEXT_ANSWER
    client.force_login(world.user("committee"))
    response = client.get(_url("reports:self_report", world))
    assert response.status_code == 200
    body = response.content.decode()
    for secret in (TEXT_ANSWER, SUMMARY, "Ghi chú riêng"):
        assert secret not in body
    assert "12/KH-UBND" in body and "01/02/2025" in body
    assert "Answered (text not shown)" in body
    text = _docx_text(client.get(_url("reports:self_report_docx", world)).content)
    for secret in (TEXT_ANSWER, SUMMARY, "Ghi chú riêng"):
        assert secret not in text
    assert "12/KH-UBND" in text
    # Nor on the other pages a committee viewer opens.
    campaign_compute(campaign=world.campaign)
    for url in (
        reverse("reports:dashboard", args=[world.campaign.pk]),
        _url("reports:scorecard", world),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        for secret in (TEXT_ANSWER, SUMMARY, "Ghi chú riêng"):
            assert secret not in response.content.decode(), url
    # Those who may read free text still do.
    for user in (world.editor, world.user("coordinator")):
        client.force_login(user)
        body = client.get(_url("reports:self_report", world)).content.decode()
        for secret in (TEXT_ANSWER, SUMMARY, "Ghi chú riêng"):
            assert secret in body
