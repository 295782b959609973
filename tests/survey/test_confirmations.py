"""Actions that cannot be undone ask first, with their consequence counted.

A POST without ``confirmed=1`` changes nothing and answers with a page stating what
the action would do; its button sends the same fields again, confirmed. The pages
that offer these actions carry the same sentence for the browser's dialog.
"""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from worlds import VERIFICATION, build_world

from survey.models import Answer, AnswerComment, Assessment, Campaign
from survey.services.review import answer_verdict, answers_return
from survey.services.transitions import assessment_transition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
A = Assessment.State
C = Campaign.State
R = Answer.ReviewStatus
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def world():
    world = build_world(shape=VERIFICATION)
    world.fill()
    return world


@pytest.fixture
def submitted(world):
    world.assessment = world.submit()
    return world


def text(response) -> str:
    return html.unescape(response.content.decode())


def confirm(client, response):
    """Press the confirmation page's button: post its hidden fields back."""
    body = response.content.decode()
    start = re.search(
        r'<form method="post" action="([^"]+)" class="confirm-form">', body
    )
    form = body[start.start() :]
    fields: dict[str, list[str]] = {}
    for name, value in HIDDEN.findall(form):
        if name != "csrfmiddlewaretoken":
            fields.setdefault(name, []).append(html.unescape(value))
    assert fields.pop("confirmed") == ["1"]
    return client.post(start.group(1), {**fields, "confirmed": "1"})


def state(world) -> str:
    return Assessment.objects.get(pk=world.assessment.pk).state


# The unit: submit, resubmit ---------------------------------------------------------


def test_submitting_asks_first_and_acts_once_confirmed(client, world):
    assessment_transition(
        assessment=world.assessment, action="mark_ready", user=world.approver
    )
    client.force_login(world.approver)
    url = reverse("survey:assessment_action", args=[world.assessment.pk])
    response = client.post(url, {"action": "submit"})
    assert response.status_code == 200
    assert (
        "Submit to the province: once submitted, the unit can no longer change its "
        "answers, except the items returned to it." in text(response)
    )
    assert state(world) == A.READY
    assert confirm(client, response).status_code == 302
    assert state(world) == A.SUBMITTED


def test_the_review_page_carries_the_submit_consequence(client, world):
    assessment_transition(
        assessment=world.assessment, action="mark_ready", user=world.approver
    )
    client.force_login(world.approver)
    page = text(
        client.get(reverse("survey:assessment_review", args=[world.assessment.pk]))
    )
    assert 'value="submit" class="primary" data-confirm="Submit to the province:' in (
        page
    )
    assert '<script src="/static/js/confirm.js" defer></script>' in page
    assert 'value="back_to_draft" data-confirm' not in page


def test_resubmitting_counts_the_returned_items(client, submitted):
    world = submitted
    answers_return(
        assessment=world.assessment,
        nodes=[world.nodes["1.2"], world.nodes["1.3"]],
        user=world.reviewer,
        comment="Bổ sung",
    )
    client.force_login(world.approver)
    url = reverse("survey:assessment_action", args=[world.assessment.pk])
    response = client.post(url, {"action": "resubmit"})
    assert "the 2 returned items go back to the reviewers" in text(response)
    assert state(world) == A.RETURNED
    assert world.answer("1.2").review_status == R.RETURNED
    client.post(url, {"action": "resubmit", "confirmed": "1"})
    assert state(world) == A.SUBMITTED


def test_marking_ready_does_not_ask(client, world):
    client.force_login(world.editor)
    url = reverse("survey:assessment_action", args=[world.assessment.pk])
    assert client.post(url, {"action": "mark_ready"}).status_code == 302
    assert state(world) == A.READY


def test_an_editor_gets_no_confirmation_page_for_submitting(client, world):
    Assessment.objects.filter(pk=world.assessment.pk).update(state=A.READY)
    client.force_login(world.editor)
    url = reverse("survey:assessment_action", args=[world.assessment.pk])
    assert client.post(url, {"action": "submit"}).status_code == 403
    assert state(world) == A.READY


# The reviewer: agree with the rest, return items ------------------------------------


def test_agreeing_with_the_rest_asks_with_the_count(client, submitted):
    world = submitted
    answer_verdict(
        assessment=world.assessment,
        node=world.nodes["1.1"],
        user=world.reviewer,
        verdict="agree",
    )
    client.force_login(world.reviewer)
    verify = reverse("survey:verify", args=[world.assessment.pk])
    assert 'data-confirm="Agree with the 5 remaining indicators' in text(
        client.get(verify)
    )
    url = reverse("survey:agree_remaining", args=[world.assessment.pk])
    response = client.post(url)
    assert response.status_code == 200
    assert "Agree with the 5 remaining indicators" in text(response)
    pending = Answer.objects.filter(
        assessment=world.assessment, review_status=R.PENDING
    )
    assert pending.count() == 5
    assert confirm(client, response).status_code == 302
    assert not pending.exists()
    assert state(world) == A.VERIFIED


def test_returning_asks_with_the_items_and_resends_them(client, submitted):
    world = submitted
    client.force_login(world.reviewer)
    url = reverse("survey:return_items", args=[world.assessment.pk])
    nodes = [world.nodes["1.2"].pk, world.nodes["1.3"].pk]
    response = client.post(url, {"nodes": nodes, "comment": "Bổ sung hồ sơ"})
    page = text(response)
    assert "Return 2 items to the unit" in page
    assert "1.2 Chỉ số 1.2" in page and "1.3 Chỉ số 1.3" in page
    assert state(world) == A.SUBMITTED
    assert not AnswerComment.objects.exists()
    assert confirm(client, response).status_code == 302
    assert state(world) == A.RETURNED
    assert world.answer("1.3").review_status == R.RETURNED
    assert AnswerComment.objects.get(node=world.nodes["1.2"]).body == "Bổ sung hồ sơ"


def test_a_return_without_comment_says_so_instead_of_asking(client, submitted):
    world = submitted
    client.force_login(world.reviewer)
    url = reverse("survey:return_items", args=[world.assessment.pk])
    response = client.post(url, {"nodes": [world.nodes["1.2"].pk]}, follow=True)
    assert "Say what the unit must correct." in text(response)
    assert state(world) == A.SUBMITTED


# The coordinator: campaign state ----------------------------------------------------


def campaign_url(world) -> str:
    return reverse("survey:campaign_action", args=[world.campaign.pk])


def campaign_state(world) -> str:
    return Campaign.objects.get(pk=world.campaign.pk).state


def test_closing_counts_the_units_locked_out_and_the_days_left(client, world):
    today = timezone.localdate()
    Assessment.objects.filter(pk=world.other_assessment.pk).update(
        extended_until=today + timedelta(days=40)
    )
    client.force_login(world.coordinator)
    board = text(client.get(reverse("survey:campaign_board", args=[world.campaign.pk])))
    expected = (
        "Close submissions: 1 unit still drafting will no longer be able to change "
        "its answers. 1 unit with an extension can edit until it ends. The deadline "
        "is 30 days away."
    )
    assert f'data-confirm="{expected}"' in board
    response = client.post(campaign_url(world), {"action": "close"})
    assert expected in text(response)
    assert campaign_state(world) == C.OPEN
    assert confirm(client, response).status_code == 302
    assert campaign_state(world) == C.CLOSED


def test_closing_counts_every_drafting_unit(client, world):
    client.force_login(world.coordinator)
    response = client.post(campaign_url(world), {"action": "close"})
    assert "2 units still drafting will no longer" in text(response)
    assert campaign_state(world) == C.OPEN


def test_publishing_asks_and_resends_the_decision(client, submitted):
    world = submitted
    Assessment.objects.filter(pk=world.assessment.pk).update(state=A.VERIFIED)
    Campaign.objects.filter(pk=world.campaign.pk).update(state=C.PRELIMINARY)
    client.force_login(world.coordinator)
    body = {
        "action": "publish",
        "decision_number": "684/QĐ-UBND",
        "decision_date": "03/04/2026",
    }
    response = client.post(campaign_url(world), body)
    page = text(response)
    assert "Publish the results: the final points of 1 unit are frozen" in page
    assert "1 unit never submitted and is scored by the campaign's rule." in page
    assert campaign_state(world) == C.PRELIMINARY
    assert confirm(client, response).status_code == 302
    campaign = Campaign.objects.get(pk=world.campaign.pk)
    assert (campaign.state, campaign.decision_number) == (C.PUBLISHED, "684/QĐ-UBND")


def test_reopening_a_published_campaign_asks_and_keeps_the_reason(client, world):
    Campaign.objects.filter(pk=world.campaign.pk).update(state=C.PUBLISHED)
    Assessment.objects.filter(pk=world.assessment.pk).update(state=A.PUBLISHED)
    client.force_login(world.coordinator)
    response = client.post(
        campaign_url(world), {"action": "reopen", "reason": "Sai số liệu chỉ số 1.2"}
    )
    assert "the frozen results of 1 unit can change" in text(response)
    assert campaign_state(world) == C.PUBLISHED
    assert confirm(client, response).status_code == 302
    assert campaign_state(world) == C.REOPENED


def test_a_reviewer_gets_no_confirmation_page_for_closing(client, world):
    client.force_login(world.reviewer)
    assert client.post(campaign_url(world), {"action": "close"}).status_code == 403
    assert campaign_state(world) == C.OPEN
