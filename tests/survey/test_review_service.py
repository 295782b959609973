"""survey.services.review: verdicts, returns, comments, verifying when done."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from worlds import SECURITY, VERIFICATION, build_world

from survey.errors import PermissionRefused, TransitionRefused
from survey.models import (
    Answer,
    AnswerComment,
    Assessment,
    AuditEvent,
    Campaign,
    Notification,
    UnitResult,
)
from survey.selectors.verification import returned_snapshots, review_scope_indicators
from survey.services.answer_access import AnswerLocked
from survey.services.review import (
    VerdictInvalid,
    VerdictStale,
    answer_comment_add,
    answer_verdict,
    answers_agree_remaining,
    answers_return,
)
from survey.services.transitions import assessment_transition, campaign_transition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]
A = Assessment.State
R = Answer.ReviewStatus
GENERAL = ("1.1", "1.2", "1.3", "T.1")


@pytest.fixture
def world():
    world = build_world(shape=VERIFICATION)
    world.fill()
    world.assessment = world.submit()
    return world


def verdict(world, code, user=None, **kwargs):
    return answer_verdict(
        assessment=world.assessment,
        node=world.nodes[code],
        user=user or world.reviewer,
        **{"verdict": "agree", **kwargs},
    )


def state(world) -> str:
    return Assessment.objects.get(pk=world.assessment.pk).state


def test_agreeing_keeps_the_units_points_as_verified_and_starts_the_review(world):
    answer = verdict(world, "1.3")
    assert answer.review_status == R.AGREED
    assert answer.verified_points == answer.self_points == Decimal("15.00")
    assert state(world) == A.IN_REVIEW
    event = AuditEvent.objects.filter(action="verdict").get()
    assert event.actor == world.reviewer
    assert event.after["review_status"] == R.AGREED
    assert event.after["verified_points"] == "15"


def test_disagreeing_needs_an_explanation_and_changes_nothing_without(world):
    with pytest.raises(VerdictInvalid) as caught:
        verdict(world, "1.2", verdict="disagree", values={"number": Decimal(1)})
    assert "explanation" in caught.value.errors
    answer = world.answer("1.2")
    assert (answer.review_status, answer.verified_points) == (R.PENDING, None)
    assert not AuditEvent.objects.filter(action="verdict").exists()


def test_a_verified_value_is_scored_by_the_indicators_rule(world):
    answer = verdict(
        world,
        "1.2",
        verdict="disagree",
        explanation="Chỉ 1/4 hồ sơ có minh chứng",
        values={"number": Decimal(1), "denominator": Decimal(4)},
    )
    assert answer.review_status == R.DISAGREED
    assert answer.verified_points == Decimal("2.50")
    assert answer.verified_value == {"number": "1", "denominator": "4"}
    assert answer.reviewer_explanation == "Chỉ 1/4 hồ sơ có minh chứng"
    assert answer.self_points == Decimal("7.50")


def test_a_verified_value_the_rule_refuses_is_refused(world):
    with pytest.raises(VerdictInvalid) as caught:
        verdict(
            world,
            "1.2",
            verdict="disagree",
            explanation="x",
            values={"number": Decimal(5), "denominator": Decimal(4)},
        )
    assert "value" in caught.value.errors


@pytest.mark.parametrize("points", ["-1", "20.01"])
def test_verified_points_are_bounded_by_the_maximum(world, points):
    with pytest.raises(VerdictInvalid) as caught:
        verdict(
            world, "1.3", verdict="disagree", explanation="x", points=Decimal(points)
        )
    assert "points" in caught.value.errors
    assert world.answer("1.3").review_status == R.PENDING


def test_points_at_the_maximum_are_accepted_and_bonus_items_are_not_bounded(world):
    assert verdict(
        world, "1.3", verdict="disagree", explanation="x", points=Decimal(20)
    ).verified_points == Decimal(20)
    bonus = verdict(
        world, "T.1", verdict="disagree", explanation="x", points=Decimal(12)
    )
    assert bonus.verified_points == Decimal(12)


def test_value_and_points_together_are_refused(world):
    with pytest.raises(VerdictInvalid):
        verdict(
            world,
            "1.3",
            verdict="disagree",
            explanation="x",
            values={"number": Decimal(10)},
            points=Decimal(10),
        )


def test_a_disagreement_can_be_revised_and_the_revision_is_recorded(world):
    verdict(world, "1.3", verdict="disagree", explanation="a", points=Decimal(10))
    answer = verdict(
        world, "1.3", verdict="disagree", explanation="b", points=Decimal(12)
    )
    assert answer.verified_points == Decimal(12)
    events = list(AuditEvent.objects.filter(action="verdict").order_by("id"))
    assert len(events) == 2
    assert events[1].before["verified_points"] == "10"
    assert events[1].after["verified_points"] == "12"


def test_the_police_review_only_security_items(world):
    with pytest.raises(PermissionRefused):
        verdict(world, "1.1", user=world.police)
    assert world.answer("1.1").review_status == R.PENDING
    assert verdict(world, "2.1", user=world.police).review_status == R.AGREED
    scope = review_scope_indicators(user=world.police, assessment=world.assessment)
    assert [n.code for n in scope] == list(SECURITY)


def test_another_units_reviewer_and_the_unit_cannot_give_verdicts(world):
    for user in (world.other_reviewer, world.editor, world.approver, world.committee):
        with pytest.raises(PermissionRefused):
            verdict(world, "1.1", user=user)
    assert not AuditEvent.objects.filter(action="verdict").exists()


def test_no_verdict_before_submission(world):
    other = world.other_assessment
    with pytest.raises(TransitionRefused):
        answer_verdict(
            assessment=other,
            node=world.nodes["1.1"],
            user=world.coordinator,
            verdict="agree",
        )


def test_two_reviewers_at_once_and_verified_when_every_item_has_a_verdict(world):
    for code in GENERAL:
        verdict(world, code)
    assert state(world) == A.IN_REVIEW  # the police's items are still pending
    verdict(world, "2.1", user=world.police)
    verdict(
        world,
        "2.2",
        user=world.police,
        verdict="disagree",
        explanation="x",
        points=Decimal(5),
    )
    assert state(world) == A.VERIFIED
    event = AuditEvent.objects.filter(action="transition", after__action="verify").get()
    assert event.actor_id is None  # the application itself
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert Notification.Kind.VERIFIED in kinds


def test_agreeing_with_the_rest_of_ones_scope(world):
    verdict(world, "1.3", verdict="disagree", explanation="x", points=Decimal(10))
    nodes = review_scope_indicators(user=world.reviewer, assessment=world.assessment)
    count = answers_agree_remaining(
        assessment=world.assessment, user=world.reviewer, nodes=nodes
    )
    assert count == 5
    assert world.answer("1.3").review_status == R.DISAGREED
    assert state(world) == A.VERIFIED


def test_returning_items(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answers_return(
            assessment=world.assessment,
            nodes=[world.nodes["1.2"]],
            user=world.reviewer,
            comment="Bổ sung danh sách hồ sơ",
        )
    assert state(world) == A.RETURNED
    assert world.answer("1.2").review_status == R.RETURNED
    comment = AnswerComment.objects.get()
    assert (comment.kind, comment.author) == ("return", world.reviewer)
    recipients = set(Notification.objects.values_list("user__username", flat=True))
    assert recipients == {"stc-cv", "stc-ld"}
    assert sorted(m.to[0] for m in mailoutbox) == [
        "stc-cv@example.gov.vn",
        "stc-ld@example.gov.vn",
    ]
    assert "Bổ sung danh sách hồ sơ" in mailoutbox[0].body


def test_a_return_needs_a_comment_and_items(world):
    with pytest.raises(VerdictInvalid):
        answers_return(
            assessment=world.assessment,
            nodes=[world.nodes["1.2"]],
            user=world.reviewer,
            comment=" ",
        )
    with pytest.raises(VerdictInvalid):
        answers_return(
            assessment=world.assessment, nodes=[], user=world.reviewer, comment="x"
        )
    assert state(world) == A.SUBMITTED


def test_the_police_cannot_return_general_items(world):
    with pytest.raises(PermissionRefused):
        answers_return(
            assessment=world.assessment,
            nodes=[world.nodes["1.2"]],
            user=world.police,
            comment="x",
        )
    assert state(world) == A.SUBMITTED


def test_the_unit_edits_only_returned_items_and_the_reviewer_sees_the_change(world):
    answers_return(
        assessment=world.assessment,
        nodes=[world.nodes["1.2"]],
        user=world.reviewer,
        comment="Bổ sung",
    )
    world.assessment.refresh_from_db()
    with pytest.raises(AnswerLocked):
        world.save("1.1", {"yes": False})
    world.save("1.2", {"number": Decimal(4), "denominator": Decimal(4)})
    snapshot = returned_snapshots(assessment=world.assessment)[world.answer("1.2").pk]
    assert snapshot.after["values"]["number"] == "3"
    world.assessment.refresh_from_db()
    assessment_transition(
        assessment=world.assessment, action="resubmit", user=world.approver
    )
    world.assessment.refresh_from_db()
    assert world.assessment.state == A.SUBMITTED
    assert world.answer("1.2").review_status == R.PENDING
    snapshots = returned_snapshots(assessment=world.assessment)
    assert list(snapshots) == [world.answer("1.2").pk]
    resubmitted = Notification.objects.filter(kind="resubmitted")
    assert {n.user.username for n in resubmitted} == {"thamdinh", "congan"}


def test_comment_threads_notify_the_other_side(world):
    answer_comment_add(
        assessment=world.assessment,
        node=world.nodes["2.1"],
        user=world.editor,
        body="Đã bổ sung quy chế",
    )
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"thamdinh", "congan"}
    Notification.objects.all().delete()
    answer_comment_add(
        assessment=world.assessment,
        node=world.nodes["1.1"],
        user=world.editor,
        body="?",
    )
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"thamdinh"}  # 1.1 is outside the police's scope
    Notification.objects.all().delete()
    answer_comment_add(
        assessment=world.assessment,
        node=world.nodes["2.1"],
        user=world.police,
        body="Cần quyết định ban hành",
    )
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"stc-cv", "stc-ld"}


def test_comments_outside_ones_scope_are_refused(world):
    for user, code in ((world.police, "1.1"), (world.other_editor, "1.1")):
        with pytest.raises(PermissionRefused):
            answer_comment_add(
                assessment=world.assessment,
                node=world.nodes[code],
                user=user,
                body="x",
            )
    with pytest.raises(VerdictInvalid):
        answer_comment_add(
            assessment=world.assessment,
            node=world.nodes["1.1"],
            user=world.editor,
            body="",
        )
    assert not AnswerComment.objects.exists()


def test_published_final_points_equal_the_verified_ones(world):
    verdict(
        world,
        "1.2",
        verdict="disagree",
        explanation="x",
        values={"number": Decimal(1), "denominator": Decimal(4)},
    )
    verdict(world, "1.3", verdict="disagree", explanation="x", points=Decimal(9))
    for code in ("1.1", "T.1"):
        verdict(world, code)
    for code in SECURITY:
        verdict(world, code, user=world.police)
    assert state(world) == A.VERIFIED
    campaign = world.campaign
    campaign.decision_number = "123/QĐ-UBND"
    campaign.save()
    for action in ("close", "share_preliminary", "publish"):
        campaign = campaign_transition(
            campaign=campaign, action=action, user=world.coordinator
        )
    assert campaign.state == Campaign.State.PUBLISHED
    assert state(world) == A.PUBLISHED
    for code in ("1.1", "1.2", "1.3", "2.1", "2.2", "T.1"):
        answer = world.answer(code)
        result = UnitResult.objects.get(
            assessment=world.assessment, node=world.nodes[code]
        )
        assert result.final_points == answer.verified_points, code
        assert result.frozen


def test_a_verdict_takes_a_new_version_of_the_answer(world):
    before = world.answer("1.1").version
    answer_verdict(
        assessment=world.assessment,
        node=world.nodes["1.1"],
        user=world.reviewer,
        verdict="agree",
        expected_version=before,
    )
    assert world.answer("1.1").version == before + 1


def test_a_verdict_on_a_version_no_longer_stored_is_refused(world):
    shown = world.answer("1.3").version
    answer_verdict(
        assessment=world.assessment,
        node=world.nodes["1.3"],
        user=world.reviewer,
        verdict="agree",
    )
    with pytest.raises(VerdictStale) as refused:
        answer_verdict(
            assessment=world.assessment,
            node=world.nodes["1.3"],
            user=world.reviewer,
            verdict="disagree",
            explanation="Thiếu",
            points=Decimal(1),
            expected_version=shown,
        )
    assert refused.value.answer.review_status == R.AGREED
    answer = world.answer("1.3")
    assert (answer.review_status, answer.version) == (R.AGREED, shown + 1)


# Agreeing with the rest at once ------------------------------------------------------


def _filled_world(extra: int):
    world = build_world(shape=VERIFICATION, extra_indicators=extra)
    world.fill()
    for code in world.nodes:
        if ".9" in code:
            world.save(code, {"number": Decimal(int(code[-1]) % 6)})
    world.assessment = world.submit()
    return world


def _agree_rest_queries(extra: int) -> int:
    """Queries of agreeing with a whole unit of 6 + ``extra`` items (the world
    rolled back after, so that another can be built)."""
    with transaction.atomic():
        world = _filled_world(extra)
        nodes = review_scope_indicators(
            user=world.reviewer, assessment=world.assessment
        )
        with CaptureQueriesContext(connection) as queries:
            count = answers_agree_remaining(
                assessment=world.assessment, user=world.reviewer, nodes=nodes
            )
        assert count == len(nodes) == 6 + extra
        assert state(world) == A.VERIFIED
        transaction.set_rollback(True)
    return len(queries)


def test_agreeing_with_the_rest_costs_the_same_queries_for_10_or_40_items():
    small = _agree_rest_queries(4)
    large = _agree_rest_queries(34)
    assert small == large
    assert large < 80


def _outcome(world) -> dict:
    """Everything agreeing writes, keyed by indicator so two runs compare."""
    answers = Answer.objects.filter(assessment=world.assessment).select_related("node")
    code_of = {str(a.pk): a.node.code for a in answers}
    assessment = Assessment.objects.get(pk=world.assessment.pk)
    events = AuditEvent.objects.filter(assessment_id=assessment.pk).order_by("id")
    return {
        "answers": sorted(
            (
                a.node.code,
                a.review_status,
                a.verified_points,
                a.verified_value,
                a.reviewer_explanation,
                a.version,
                a.self_points,
            )
            for a in answers
        ),
        "events": [
            (
                e.action,
                e.object_type,
                code_of.get(e.object_id, e.object_id),
                e.actor_id,
                e.before,
                e.after,
                e.reason,
            )
            for e in events
        ],
        "state": (assessment.state, assessment.state_version),
        "notifications": sorted(
            Notification.objects.filter(assessment=assessment).values_list(
                "kind", "user_id", "node_id", "text"
            ),
            key=repr,
        ),
        "totals": sorted(
            UnitResult.objects.filter(assessment=assessment).values_list(
                "node_id", "self_points", "verified_points", "final_points", "level"
            ),
            key=repr,
        ),
    }


def test_agreeing_with_the_rest_at_once_equals_agreeing_one_by_one():
    world = _filled_world(6)
    verdict(world, "1.3", verdict="disagree", explanation="x", points=Decimal(10))
    Answer.objects.filter(assessment=world.assessment, node=world.nodes["1.2"]).delete()
    nodes = review_scope_indicators(user=world.reviewer, assessment=world.assessment)
    with transaction.atomic():
        count = answers_agree_remaining(
            assessment=world.assessment, user=world.reviewer, nodes=nodes
        )
        at_once = _outcome(world)
        transaction.set_rollback(True)
    one_by_one = 0
    for node in nodes:
        stored = Answer.objects.filter(assessment=world.assessment, node=node).first()
        if stored is None or stored.review_status == R.PENDING:
            verdict(world, node.code)
            one_by_one += 1
    assert count == one_by_one == len(nodes) - 1
    assert at_once == _outcome(world)
    assert at_once["state"][0] == A.VERIFIED
    assert any(
        kind == Notification.Kind.VERIFIED for kind, *_ in at_once["notifications"]
    )
    agreed = [row for row in at_once["answers"] if row[1] == R.AGREED]
    assert len(agreed) == len(nodes) - 1
    assert all(row[2] == row[6] for row in agreed)  # verified = the unit's own points


def test_agreeing_with_the_rest_is_refused_outside_ones_scope():
    world = _filled_world(0)
    nodes = review_scope_indicators(user=world.reviewer, assessment=world.assessment)
    with pytest.raises(PermissionRefused):
        answers_agree_remaining(
            assessment=world.assessment, user=world.police, nodes=nodes
        )
    assert not Answer.objects.filter(
        assessment=world.assessment, review_status=R.AGREED
    ).exists()
    police_nodes = review_scope_indicators(
        user=world.police, assessment=world.assessment
    )
    assert answers_agree_remaining(
        assessment=world.assessment, user=world.police, nodes=police_nodes
    ) == len(SECURITY)
    assert world.answer("1.1").review_status == R.PENDING
