"""The demo province holds only states that people reach and leave through the
screens. Seeded as `make run` seeds it: whatever was submitted is complete and
whatever was verified has every verdict; every draft, ready or returned assessment
of the open campaign reaches submission through what its approver can edit, by the
services the screens call; every assessment waiting for verification can be
verified by the state table's rules (one of each kind through the reviewer's own
service); and then the campaign publishes.
"""

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from survey import states
from survey.demo.answers import answer_values
from survey.models import (
    Answer,
    AnswerComment,
    Assessment,
    Campaign,
    Membership,
    Province,
    User,
)
from survey.permissions import user_roles
from survey.province_scope import province_scope
from survey.selectors.questionnaire import assessment_review
from survey.selectors.verification import assessment_indicators, review_scope_indicators
from survey.services.answer_access import answer_editable, assessment_edit_refusal
from survey.services.answers import answer_save
from survey.services.campaigns import campaign_change
from survey.services.evidence import evidence_confirm
from survey.services.review import (
    answers_agree_remaining,
    assessment_verify_if_complete,
)
from survey.services.submission import assessment_submission_check
from survey.services.transitions import assessment_transition

pytestmark = pytest.mark.django_db
A = Assessment.State
R = Answer.ReviewStatus
SUBMITTED_OR_LATER = (A.SUBMITTED, A.IN_REVIEW, A.RETURNED, A.VERIFIED, A.PUBLISHED)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo exactly as `make run` loads it (default seed), rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo")
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def first_province(seeded):
    """The first province's people at work, in its scope as in their requests
    (the demo's second province has campaigns of the same years)."""
    with province_scope(Province.objects.order_by("pk").first().pk):
        yield


@pytest.fixture
def quick_transitions(monkeypatch):
    # Rescoring the whole campaign after each of a hundred moves adds minutes and
    # nothing to what is checked here; publication still scores it.
    monkeypatch.setattr(
        "survey.services.transitions.campaign_results_refresh", lambda **kw: 0
    )


def _approver(assessment: Assessment) -> User:
    return User.objects.get(username=f"{assessment.unit.code.lower()}-ld")


def _fill_what_is_editable(assessment: Assessment, approver: User, rng) -> None:
    """Answer every gap and confirm every carried document the approver can open,
    as they would through the questionnaire; leave alone what is read-only."""
    refusal = assessment_edit_refusal(
        assessment=assessment, roles=user_roles(user=approver, unit=assessment.unit)
    )
    for step in assessment_review(assessment=assessment):
        for row in step.rows:
            if not answer_editable(
                assessment=assessment, answer=row.answer, refusal=refusal
            ):
                continue
            if not row.given:
                values = answer_values(row.node, 0.7, rng, assessment.campaign.year)
                answer_save(
                    assessment=assessment,
                    node=row.node,
                    values=values or {"is_na": True},
                    expected_version=row.answer.version if row.answer else 0,
                    user=approver,
                )
            for evidence in row.unconfirmed:
                evidence_confirm(evidence=evidence, user=approver)


def _submit(assessment: Assessment, approver: User) -> Assessment:
    if assessment.state == A.DRAFT:
        assessment = assessment_transition(
            assessment=assessment, action="mark_ready", user=approver
        )
    action = "resubmit" if assessment.state == A.RETURNED else "submit"
    assessment_submission_check(assessment=assessment, action=action)
    return assessment_transition(assessment=assessment, action=action, user=approver)


def _verify(assessment: Assessment, reviewer: User) -> Assessment:
    """What "agree with the remaining indicators" does on the verification screen."""
    nodes = review_scope_indicators(user=reviewer, assessment=assessment)
    answers_agree_remaining(assessment=assessment, user=reviewer, nodes=nodes)
    assessment.refresh_from_db()
    return assessment


def _dead_ends(assessment: Assessment, reviewer: User) -> list[str]:
    """Indicators that would keep ``assessment`` from being verified: outside the
    reviewer's scope, or in a review status the table lets no reviewer judge."""
    nodes = assessment_indicators(assessment=assessment)
    scope = review_scope_indicators(user=reviewer, assessment=assessment)
    scope = {n.pk for n in scope}
    status = dict(assessment.answers.values_list("node_id", "review_status"))
    problems = []
    for node in nodes:
        source = status.get(node.pk, R.PENDING)
        agree = states.find_transition(
            machine=states.ANSWER, action="agree", source=source
        )
        judged = source in (R.AGREED, R.DISAGREED)
        if node.pk not in scope or not (
            judged or (agree and Membership.Role.REVIEWER in agree.roles)
        ):
            problems.append(f"{assessment.unit.code} {node.code} ({source})")
    return problems


def _agree_in_bulk(assessment: Assessment, reviewer: User) -> Assessment:
    """The verdicts ``_verify`` would write, in two statements; verification itself
    still goes through the service that checks every indicator has a verdict."""
    if assessment.state == A.SUBMITTED:
        assessment = assessment_transition(
            assessment=assessment, action="start_review", user=reviewer
        )
    nodes = assessment_indicators(assessment=assessment)
    Answer.objects.bulk_create(
        [Answer(assessment=assessment, node=n) for n in nodes],
        ignore_conflicts=True,
    )
    assessment.answers.filter(review_status=R.PENDING).update(
        review_status=R.AGREED, verified_points=F("self_points")
    )
    assessment_verify_if_complete(assessment=assessment)
    return assessment


def test_what_was_submitted_is_complete_and_what_was_verified_fully_judged(seeded):
    problems = []
    for assessment in Assessment.objects.filter(
        state__in=SUBMITTED_OR_LATER
    ).select_related("campaign", "unit", "version"):
        where = f"{assessment.campaign.year} {assessment.unit.code} {assessment.state}"
        steps = assessment_review(assessment=assessment)
        if any(step.missing or step.unconfirmed for step in steps):
            problems.append(f"{where}: submitted with gaps")
        if assessment.state in (A.VERIFIED, A.PUBLISHED):
            nodes = assessment_indicators(assessment=assessment)
            judged = assessment.answers.filter(
                node__in=nodes, review_status__in=[R.AGREED, R.DISAGREED]
            ).count()
            if judged != len(nodes):
                problems.append(f"{where}: {len(nodes) - judged} without a verdict")
        if assessment.state == A.RETURNED:
            returned = assessment.answers.filter(review_status=R.RETURNED)
            commented = AnswerComment.objects.filter(
                assessment=assessment, kind=AnswerComment.Kind.RETURN
            ).values_list("node_id", flat=True)
            if not returned.exists():
                problems.append(f"{where}: nothing returned")
            if set(returned.values_list("node_id", flat=True)) - set(commented):
                problems.append(f"{where}: returned without the reviewer's comment")
    assert problems == []


def test_every_open_assessment_finishes_and_the_campaign_publishes(
    seeded, quick_transitions
):
    rng = random.Random(1)
    campaign = Campaign.objects.get(year=2025)
    reviewer = User.objects.get(username="thamdinh")
    coordinator = User.objects.get(username="dieuphoi")
    assessments = list(
        campaign.assessments.select_related("campaign", "unit", "version")
    )
    unfinished = {A.DRAFT, A.READY, A.RETURNED}
    assert {a.state for a in assessments} >= unfinished | {A.SUBMITTED, A.IN_REVIEW}

    refused = []
    for assessment in [a for a in assessments if a.state in unfinished]:
        approver = _approver(assessment)
        _fill_what_is_editable(assessment, approver, rng)
        try:
            _submit(assessment, approver)
        except Exception as error:  # noqa: BLE001 - every unit is reported
            refused.append(f"{assessment.unit.code} ({assessment.state}): {error}")
    assert refused == []

    waiting = list(
        campaign.assessments.filter(
            state__in=[A.SUBMITTED, A.IN_REVIEW]
        ).select_related("campaign", "unit", "version")
    )
    assert [p for a in waiting for p in _dead_ends(a, reviewer)] == []
    # One assessment of each seeded state goes through the reviewer's screen in
    # full; agreeing one verdict at a time with all of them would take minutes.
    seeded_state = {a.pk: a.state for a in assessments}
    samples = {seeded_state[a.pk]: a for a in waiting}
    not_verified = [
        f"{a.unit.code} (seeded {state})"
        for state, a in samples.items()
        if _verify(a, reviewer).state != A.VERIFIED
    ]
    for assessment in waiting:
        if assessment not in samples.values():
            assessment = _agree_in_bulk(assessment, reviewer)
            if assessment.state != A.VERIFIED:
                not_verified.append(assessment.unit.code)
    assert not_verified == []
    assert set(campaign.assessments.values_list("state", flat=True)) == {A.VERIFIED}

    for action in ("close", "share_preliminary"):
        campaign = campaign_change(campaign=campaign, action=action, user=coordinator)
    campaign = campaign_change(
        campaign=campaign,
        action="publish",
        user=coordinator,
        decision_number="215/QĐ-UBND",
        decision_date=timezone.localdate() + timedelta(days=40),
    )
    assert campaign.state == Campaign.State.PUBLISHED
    assert set(campaign.assessments.values_list("state", flat=True)) == {A.PUBLISHED}
