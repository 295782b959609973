"""What blocks a submission is what the unit can still change.

A returned assessment opens only its returned items; an applicable indicator left
unanswered elsewhere (here: one that became applicable when the coordinator ticked
"provides administrative procedures" after the submission) is read-only to the unit
and must not keep it from resubmitting.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from worlds import FILLED, VERIFICATION, build_world

from survey.models import Answer, Assessment
from survey.services.campaigns import assessment_participation_update
from survey.services.review import answers_return
from survey.services.submission import (
    AssessmentIncomplete,
    assessment_completeness,
    assessment_submission_check,
)
from survey.services.transitions import assessment_transition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
A = Assessment.State


@pytest.fixture
def returned():
    """Submitted without 2.2 (it did not apply), 1.2 returned, then 2.2 applies."""
    world = build_world(shape=VERIFICATION)
    node = world.nodes["2.2"]
    node.requires_procedures = True
    node.save(update_fields=["requires_procedures"])
    Assessment.objects.filter(pk=world.assessment.pk).update(provides_procedures=False)
    world.assessment.refresh_from_db()
    for code, values in FILLED.items():
        if code != "2.2":
            world.save(code, values)
    world.assessment = world.submit()
    answers_return(
        assessment=world.assessment,
        nodes=[world.nodes["1.2"]],
        user=world.reviewer,
        comment="Bổ sung danh sách hồ sơ",
    )
    world.assessment.refresh_from_db()
    assessment_participation_update(
        assessment=world.assessment,
        user=world.coordinator,
        ranking_group=world.assessment.ranking_group,
        ranked=True,
        provides_procedures=True,
        extended_until=None,
    )
    world.assessment.refresh_from_db()
    assert world.assessment.state == A.RETURNED
    return world


def test_a_gap_outside_the_returned_items_does_not_block(returned):
    world = returned
    assert (
        assessment_submission_check(assessment=world.assessment, action="resubmit")
        == ""
    )
    completeness = assessment_completeness(assessment=world.assessment)
    assert (completeness.missing, completeness.kept) == (0, 1)
    assessment = assessment_transition(
        assessment=world.assessment, action="resubmit", user=world.approver
    )
    assert assessment.state == A.SUBMITTED


def test_a_returned_item_left_empty_still_blocks(returned):
    world = returned
    world.save("1.2", {"number": None, "denominator": None}, user=world.approver)
    with translation.override("en"), pytest.raises(AssessmentIncomplete) as refused:
        assessment_submission_check(assessment=world.assessment, action="resubmit")
    assert "1 applicable indicator is not answered." in str(refused.value.message)
    completeness = assessment_completeness(assessment=world.assessment)
    assert completeness.missing_ids == {world.nodes["1.2"].pk}


def test_a_draft_still_needs_every_applicable_answer():
    world = build_world(shape=VERIFICATION)
    world.fill()
    Answer.objects.filter(assessment=world.assessment, node=world.nodes["2.2"]).delete()
    with pytest.raises(AssessmentIncomplete):
        assessment_submission_check(assessment=world.assessment, action="submit")
    assert assessment_completeness(assessment=world.assessment).missing == 1


def test_the_approver_resubmits_through_the_screen(returned, client):
    world = returned
    client.force_login(world.approver)
    review = reverse("survey:assessment_review", args=[world.assessment.pk])
    page = client.get(review)
    html = page.content.decode()
    assert "1 unanswered indicator was not returned for correction" in html
    assert 'class="q-missing"' not in html  # nothing listed as missing
    action = reverse("survey:assessment_action", args=[world.assessment.pk])
    response = client.post(
        action, {"action": "resubmit", "confirmed": "1"}, follow=True
    )
    assert "cannot be submitted yet" not in response.content.decode()
    world.assessment.refresh_from_db()
    assert world.assessment.state == A.SUBMITTED
