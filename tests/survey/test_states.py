"""Every cell of the state tables (survey.states), walked through the services."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from worlds import STATES, build_world

from survey import states
from survey.errors import PermissionRefused, StaleVersion, TransitionRefused
from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    CampaignVersion,
    FrameworkVersion,
    Membership,
    Node,
    Unit,
    User,
)
from survey.services.transitions import (
    answer_review_transition,
    assessment_transition,
    campaign_transition,
)

pytestmark = pytest.mark.django_db

A = Assessment.State
R = Answer.ReviewStatus
C = Campaign.State
ASSESSMENT, ANSWER, CAMPAIGN = states.ASSESSMENT, states.ANSWER, states.CAMPAIGN
EDITOR, APPROVER, REVIEWER = "editor", "approver", "reviewer"
COORDINATOR, COMMITTEE, SYSTEM = "coordinator", "committee", "system"
NATIONAL = "national"
REASON = "Bổ sung minh chứng theo Công văn 15/SKHCN"
DECISION = "512/QĐ-UBND"

# The field that holds the state, the audit action and whether a version counter moves.
MACHINES = {
    ASSESSMENT: ("state", "transition", True),
    ANSWER: ("review_status", "verdict", False),
    CAMPAIGN: ("state", "transition", True),
}


@dataclass
class World:
    unit: Unit
    other_unit: Unit
    version: FrameworkVersion
    indicator: Node
    campaign: Campaign
    assessment: Assessment
    answer: Answer

    def actor(self, role: str, *, unit: Unit | None = None, **user_fields):
        """A user holding ``role`` (for ``unit``, default this world's unit)."""
        if role == SYSTEM:
            return None
        user = User.objects.create_user(f"{role}-{User.objects.count()}", **user_fields)
        no_unit = Membership.PROVINCE_ROLES | Membership.NATIONAL_ROLES
        scope = None if role in no_unit else (unit or self.unit)
        Membership.objects.create(user=user, unit=scope, role=role)
        return user

    def object_in(self, machine: str, source: str):
        """This world's assessment, answer or campaign, stored in state ``source``."""
        obj = {
            ASSESSMENT: self.assessment,
            ANSWER: self.answer,
            CAMPAIGN: self.campaign,
        }
        obj = obj[machine]
        field = MACHINES[machine][0]
        type(obj).objects.filter(pk=obj.pk).update(**{field: source})
        obj.refresh_from_db()
        return obj


@pytest.fixture
def world() -> World:
    built = build_world(shape=STATES, decision_number=DECISION)
    indicator = built.nodes["1.1"]
    answer = Answer.objects.create(
        assessment=built.assessment, node=indicator, yes=True
    )
    return World(
        built.unit,
        built.other_unit,
        built.version,
        indicator,
        built.campaign,
        built.assessment,
        answer,
    )


def transition(machine: str, obj, *, action: str, user, reason: str = ""):
    if machine == ASSESSMENT:
        return assessment_transition(
            assessment=obj, action=action, user=user, reason=reason
        )
    if machine == ANSWER:
        return answer_review_transition(
            answer=obj, action=action, user=user, reason=reason
        )
    return campaign_transition(campaign=obj, action=action, user=user, reason=reason)


def stored(machine: str, obj) -> tuple:
    """What a refused transition must leave untouched in the database."""
    fresh = type(obj).objects.get(pk=obj.pk)
    if machine == ANSWER:
        return fresh.review_status, fresh.version
    return fresh.state, fresh.state_version


def assert_refused(machine, obj, exc_type, code, *, action, user, reason=""):
    before = stored(machine, obj)
    with pytest.raises(exc_type) as caught:
        transition(machine, obj, action=action, user=user, reason=reason)
    assert type(caught.value) is exc_type
    assert caught.value.code == code
    assert stored(machine, obj) == before
    assert not AuditEvent.objects.exists()


def assert_moved(machine, obj, *, source, target, action, user, reason):
    field, audit_action, versioned = MACHINES[machine]
    version_before = getattr(obj, "state_version", None)
    result = transition(machine, obj, action=action, user=user, reason=reason)

    fresh = type(obj).objects.get(pk=obj.pk)
    assert getattr(fresh, field) == target
    assert getattr(result, field) == target
    if versioned:
        assert fresh.state_version == version_before + 1
    event = AuditEvent.objects.get()
    assert event.action == audit_action
    assert event.actor_id == (user.pk if user else None)
    assert event.object_type == obj._meta.label_lower
    assert event.object_id == str(obj.pk)
    assert event.reason == reason
    if machine == ANSWER:
        assert event.before == {"review_status": source}
        assert event.after == {"review_status": target}
        assert event.assessment_id == obj.assessment_id
    else:
        assert event.before == {"state": source}
        assert event.after == {"state": target, "action": action}
        expected = obj.pk if machine == ASSESSMENT else None
        assert event.assessment_id == expected


# -- every cell, generated from the table


def _cells():
    for machine in MACHINES:
        actions = sorted({t.action for t in states.TRANSITIONS if t.machine == machine})
        for source in states.STATES[machine]:
            for action in actions:
                for actor in states.ACTORS:
                    yield pytest.param(
                        machine,
                        source,
                        action,
                        actor,
                        id=f"{machine}-{source}-{action}-{actor}",
                    )


CELLS = list(_cells())


def test_the_walk_covers_every_state_action_and_actor():
    assert states.ACTORS == (
        EDITOR, APPROVER, REVIEWER, COORDINATOR, COMMITTEE, NATIONAL, SYSTEM
    )  # fmt: skip
    expected = sum(
        len(states.STATES[m])
        * len({t.action for t in states.TRANSITIONS if t.machine == m})
        * len(states.ACTORS)
        for m in MACHINES
    )
    assert len(CELLS) == expected == 7 * 10 * 7 + 4 * 4 * 7 + 6 * 6 * 7


@pytest.mark.parametrize(("machine", "source", "action", "actor"), CELLS)
def test_cell(world, machine, source, action, actor):
    obj = world.object_in(machine, source)
    user = world.actor(actor)
    row = states.find_transition(machine=machine, action=action, source=source)
    if row is None:
        assert_refused(
            machine, obj, TransitionRefused, "not_in_table",
            action=action, user=user, reason=REASON,
        )  # fmt: skip
    elif actor not in row.roles:
        assert_refused(
            machine, obj, PermissionRefused, "role",
            action=action, user=user, reason=REASON,
        )  # fmt: skip
    else:
        assert_moved(
            machine, obj, source=source, target=row.target,
            action=action, user=user, reason=REASON,
        )  # fmt: skip


# -- the table itself


def test_table_rows_are_unique_and_use_known_states_and_actors():
    keys = [(t.machine, t.action, t.source) for t in states.TRANSITIONS]
    assert len(keys) == len(set(keys)), "a later row would silently hide an earlier one"
    for t in states.TRANSITIONS:
        assert t.source in states.STATES[t.machine]
        assert t.target in states.STATES[t.machine]
        assert t.source != t.target
        assert t.roles, t
        assert t.roles <= set(states.ACTORS), t


@pytest.mark.parametrize(
    ("machine", "initial"),
    [(ASSESSMENT, A.DRAFT), (ANSWER, R.PENDING), (CAMPAIGN, C.DRAFT)],
)
def test_every_state_is_reachable_from_the_initial_one(machine, initial):
    reached, frontier = {initial}, [initial]
    while frontier:
        source = frontier.pop()
        for t in states.TRANSITIONS:
            if t.machine == machine and t.source == source and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(states.STATES[machine])


# -- key cells, written by hand apart from survey.states, so that a wrong row is caught

KEY_CELLS = [
    # assessment: the editor prepares, only the approver submits
    (ASSESSMENT, A.DRAFT, "mark_ready", EDITOR, A.READY),
    (ASSESSMENT, A.DRAFT, "mark_ready", APPROVER, A.READY),
    (ASSESSMENT, A.DRAFT, "mark_ready", REVIEWER, PermissionRefused),
    (ASSESSMENT, A.DRAFT, "submit", APPROVER, TransitionRefused),
    (ASSESSMENT, A.READY, "submit", EDITOR, PermissionRefused),
    (ASSESSMENT, A.READY, "submit", APPROVER, A.SUBMITTED),
    (ASSESSMENT, A.READY, "submit", COORDINATOR, PermissionRefused),
    (ASSESSMENT, A.READY, "submit", COMMITTEE, PermissionRefused),
    (ASSESSMENT, A.READY, "submit", SYSTEM, PermissionRefused),
    (ASSESSMENT, A.READY, "back_to_draft", EDITOR, A.DRAFT),
    (ASSESSMENT, A.SUBMITTED, "mark_ready", EDITOR, TransitionRefused),
    (ASSESSMENT, A.SUBMITTED, "back_to_draft", APPROVER, TransitionRefused),
    (ASSESSMENT, A.SUBMITTED, "start_review", REVIEWER, A.IN_REVIEW),
    (ASSESSMENT, A.SUBMITTED, "start_review", APPROVER, PermissionRefused),
    (ASSESSMENT, A.IN_REVIEW, "return", REVIEWER, A.RETURNED),
    (ASSESSMENT, A.IN_REVIEW, "return", EDITOR, PermissionRefused),
    (ASSESSMENT, A.RETURNED, "resubmit", APPROVER, A.SUBMITTED),
    (ASSESSMENT, A.RETURNED, "resubmit", EDITOR, PermissionRefused),
    (ASSESSMENT, A.RETURNED, "submit", APPROVER, TransitionRefused),
    (ASSESSMENT, A.IN_REVIEW, "verify", REVIEWER, A.VERIFIED),
    (ASSESSMENT, A.IN_REVIEW, "verify", SYSTEM, A.VERIFIED),
    (ASSESSMENT, A.IN_REVIEW, "verify", APPROVER, PermissionRefused),
    (ASSESSMENT, A.VERIFIED, "publish", SYSTEM, A.PUBLISHED),
    (ASSESSMENT, A.VERIFIED, "publish", COORDINATOR, PermissionRefused),
    (ASSESSMENT, A.PUBLISHED, "reopen", COORDINATOR, A.IN_REVIEW),
    (ASSESSMENT, A.PUBLISHED, "reopen", REVIEWER, PermissionRefused),
    (ASSESSMENT, A.PUBLISHED, "mark_ready", EDITOR, TransitionRefused),
    (ASSESSMENT, A.VERIFIED, "reopen_review", COORDINATOR, A.IN_REVIEW),
    (ASSESSMENT, A.VERIFIED, "reopen_review", REVIEWER, PermissionRefused),
    # the committee only watches
    *[
        (ASSESSMENT, source, action, COMMITTEE, PermissionRefused)
        for source, action in [
            (A.DRAFT, "mark_ready"),
            (A.SUBMITTED, "start_review"),
            (A.IN_REVIEW, "verify"),
            (A.PUBLISHED, "reopen"),
        ]
    ],
    # answer review status
    (ANSWER, R.PENDING, "agree", REVIEWER, R.AGREED),
    (ANSWER, R.PENDING, "disagree", REVIEWER, R.DISAGREED),
    (ANSWER, R.PENDING, "return", REVIEWER, R.RETURNED),
    (ANSWER, R.PENDING, "agree", COORDINATOR, R.AGREED),
    (ANSWER, R.PENDING, "agree", EDITOR, PermissionRefused),
    (ANSWER, R.PENDING, "agree", APPROVER, PermissionRefused),
    (ANSWER, R.PENDING, "agree", COMMITTEE, PermissionRefused),
    (ANSWER, R.PENDING, "agree", SYSTEM, PermissionRefused),
    (ANSWER, R.AGREED, "disagree", REVIEWER, R.DISAGREED),
    (ANSWER, R.RETURNED, "resubmit", APPROVER, R.PENDING),
    (ANSWER, R.RETURNED, "resubmit", SYSTEM, R.PENDING),
    (ANSWER, R.RETURNED, "resubmit", REVIEWER, PermissionRefused),
    (ANSWER, R.RETURNED, "agree", REVIEWER, TransitionRefused),
    (ANSWER, R.PENDING, "resubmit", APPROVER, TransitionRefused),
    # campaign: the coordinator's alone
    (CAMPAIGN, C.DRAFT, "open", COORDINATOR, C.OPEN),
    (CAMPAIGN, C.DRAFT, "open", COMMITTEE, PermissionRefused),
    (CAMPAIGN, C.DRAFT, "open", SYSTEM, PermissionRefused),
    (CAMPAIGN, C.DRAFT, "open", APPROVER, PermissionRefused),
    (CAMPAIGN, C.DRAFT, "close", COORDINATOR, TransitionRefused),
    (CAMPAIGN, C.OPEN, "close", COORDINATOR, C.CLOSED),
    (CAMPAIGN, C.OPEN, "publish", COORDINATOR, TransitionRefused),
    (CAMPAIGN, C.CLOSED, "share_preliminary", COORDINATOR, C.PRELIMINARY),
    (CAMPAIGN, C.CLOSED, "publish", COORDINATOR, TransitionRefused),
    (CAMPAIGN, C.CLOSED, "reopen_submissions", COORDINATOR, C.OPEN),
    (CAMPAIGN, C.PRELIMINARY, "publish", COORDINATOR, C.PUBLISHED),
    (CAMPAIGN, C.PRELIMINARY, "publish", COMMITTEE, PermissionRefused),
    (CAMPAIGN, C.PUBLISHED, "reopen", COORDINATOR, C.REOPENED),
    (CAMPAIGN, C.PUBLISHED, "reopen", SYSTEM, PermissionRefused),
    (CAMPAIGN, C.PUBLISHED, "close", COORDINATOR, TransitionRefused),
    (CAMPAIGN, C.REOPENED, "publish", COORDINATOR, C.PUBLISHED),
    (CAMPAIGN, C.REOPENED, "open", COORDINATOR, TransitionRefused),
]


@pytest.mark.parametrize(
    ("machine", "source", "action", "actor", "expected"),
    KEY_CELLS,
    ids=[f"{m}-{s}-{a}-{r}" for m, s, a, r, _e in KEY_CELLS],
)
def test_key_cell(world, machine, source, action, actor, expected):
    obj = world.object_in(machine, source)
    user = world.actor(actor)
    if isinstance(expected, str):
        assert_moved(
            machine, obj, source=source, target=expected,
            action=action, user=user, reason=REASON,
        )  # fmt: skip
    else:
        code = "role" if expected is PermissionRefused else "not_in_table"
        assert_refused(
            machine, obj, expected, code, action=action, user=user, reason=REASON
        )


REASON_REQUIRED = [
    (ASSESSMENT, A.VERIFIED, "reopen_review"),
    (ASSESSMENT, A.PUBLISHED, "reopen"),
    (CAMPAIGN, C.CLOSED, "reopen_submissions"),
    (CAMPAIGN, C.PUBLISHED, "reopen"),
]


def test_reason_is_required_exactly_for_the_reopenings():
    required = {
        (t.machine, t.source, t.action) for t in states.TRANSITIONS if t.reason_required
    }
    assert required == set(REASON_REQUIRED)


@pytest.mark.parametrize(("machine", "source", "action"), REASON_REQUIRED)
@pytest.mark.parametrize("reason", ["", "   \n"])
def test_reopening_without_a_reason_is_refused(world, machine, source, action, reason):
    obj = world.object_in(machine, source)
    user = world.actor(COORDINATOR)
    assert_refused(
        machine, obj, TransitionRefused, "reason_required",
        action=action, user=user, reason=reason,
    )  # fmt: skip


def test_reopening_a_published_campaign_with_a_reason_is_allowed(world):
    campaign = world.object_in(CAMPAIGN, C.PUBLISHED)
    coordinator = world.actor(COORDINATOR)
    assert_moved(
        CAMPAIGN, campaign, source=C.PUBLISHED, target=C.REOPENED,
        action="reopen", user=coordinator, reason=REASON,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("machine", "source", "action", "actor"),
    [
        (t.machine, t.source, t.action, sorted(t.roles)[0])
        for t in states.TRANSITIONS
        if not t.reason_required
    ],
)
def test_other_transitions_need_no_reason(world, machine, source, action, actor):
    obj = world.object_in(machine, source)
    row = states.find_transition(machine=machine, action=action, source=source)
    assert_moved(
        machine, obj, source=source, target=row.target,
        action=action, user=world.actor(actor), reason="",
    )  # fmt: skip


@pytest.mark.parametrize("source", [C.PRELIMINARY, C.REOPENED])
def test_publishing_a_campaign_without_a_decision_number_is_refused(world, source):
    Campaign.objects.filter(pk=world.campaign.pk).update(decision_number="")
    campaign = world.object_in(CAMPAIGN, source)
    assert_refused(
        CAMPAIGN, campaign, TransitionRefused, "decision_required",
        action="publish", user=world.actor(COORDINATOR),
    )  # fmt: skip


# -- roles come from memberships of the right unit, of active users


@pytest.mark.parametrize(
    ("machine", "source", "action", "role"),
    [
        (ASSESSMENT, A.DRAFT, "mark_ready", EDITOR),
        (ASSESSMENT, A.READY, "submit", APPROVER),
        (ASSESSMENT, A.SUBMITTED, "start_review", REVIEWER),
        (ASSESSMENT, A.IN_REVIEW, "verify", REVIEWER),
        (ANSWER, R.PENDING, "agree", REVIEWER),
        (ANSWER, R.RETURNED, "resubmit", APPROVER),
    ],
)
def test_a_role_on_another_unit_grants_nothing_here(
    world, machine, source, action, role
):
    obj = world.object_in(machine, source)
    outsider = world.actor(role, unit=world.other_unit)
    assert_refused(
        machine, obj, PermissionRefused, "role", action=action, user=outsider
    )


@pytest.mark.parametrize(
    ("machine", "source", "action", "role"),
    [
        (ASSESSMENT, A.READY, "submit", APPROVER),
        (ASSESSMENT, A.SUBMITTED, "start_review", REVIEWER),
        (ANSWER, R.PENDING, "agree", COORDINATOR),
        (CAMPAIGN, C.DRAFT, "open", COORDINATOR),
    ],
)
def test_an_inactive_user_has_no_roles(world, machine, source, action, role):
    obj = world.object_in(machine, source)
    user = world.actor(role, is_active=False)
    assert_refused(machine, obj, PermissionRefused, "role", action=action, user=user)


@pytest.fixture
def security(world):
    """A second indicator, that the police review (and nobody else's scope names)."""
    return Node.objects.create(
        version=world.version,
        parent=world.indicator.parent,
        code="1.2",
        kind="indicator",
        name_vi="Bảo đảm an toàn thông tin",
    )


def test_a_reviewer_scoped_to_other_indicators_cannot_judge_this_one(world, security):
    police = world.actor(REVIEWER)
    police.memberships.get().indicators.set([security])
    answer = world.object_in(ANSWER, R.PENDING)
    assert_refused(
        ANSWER, answer, PermissionRefused, "role", action="agree", user=police
    )


def test_a_reviewer_judges_the_indicators_in_scope(world, security):
    police = world.actor(REVIEWER)
    police.memberships.get().indicators.set([security])
    answer = Answer.objects.create(assessment=world.assessment, node=security)
    assert_moved(
        ANSWER, answer, source=R.PENDING, target=R.DISAGREED,
        action="disagree", user=police, reason=REASON,
    )  # fmt: skip


def test_a_reviewer_without_an_indicator_list_judges_every_indicator(world, security):
    reviewer = world.actor(REVIEWER)
    answer = world.object_in(ANSWER, R.PENDING)
    assert_moved(
        ANSWER, answer, source=R.PENDING, target=R.AGREED,
        action="agree", user=reviewer, reason=REASON,
    )  # fmt: skip


# -- side effects


def _draft_campaign(world) -> None:
    Campaign.objects.filter(pk=world.campaign.pk).update(state=C.DRAFT)
    world.campaign.refresh_from_db()


def test_opening_a_campaign_freezes_its_framework_versions(world):
    _draft_campaign(world)
    commune_version = FrameworkVersion.objects.create(
        framework=world.version.framework, year=2025, number=2, unit_type="commune"
    )
    CampaignVersion.objects.create(
        campaign=world.campaign, unit_type="commune", version=commune_version
    )
    unused = FrameworkVersion.objects.create(
        framework=world.version.framework, year=2025, number=3, unit_type="commune"
    )

    campaign_transition(
        campaign=world.campaign, action="open", user=world.actor(COORDINATOR)
    )

    frozen = FrameworkVersion.State.FROZEN
    assert FrameworkVersion.objects.get(pk=world.version.pk).state == frozen
    assert FrameworkVersion.objects.get(pk=commune_version.pk).state == frozen
    assert (
        FrameworkVersion.objects.get(pk=unused.pk).state == FrameworkVersion.State.DRAFT
    )


def test_refusing_to_open_a_campaign_freezes_nothing(world):
    _draft_campaign(world)
    with pytest.raises(PermissionRefused):
        campaign_transition(
            campaign=world.campaign, action="open", user=world.actor(COMMITTEE)
        )
    assert FrameworkVersion.objects.get().state == FrameworkVersion.State.DRAFT


@pytest.mark.parametrize(
    ("source", "action"), [(A.READY, "submit"), (A.RETURNED, "resubmit")]
)
def test_submitting_stamps_the_time_and_reopens_returned_answers(world, source, action):
    assessment = world.object_in(ASSESSMENT, source)
    Answer.objects.filter(pk=world.answer.pk).update(review_status=R.RETURNED)

    assessment_transition(
        assessment=assessment, action=action, user=world.actor(APPROVER)
    )

    assessment.refresh_from_db()
    assert assessment.submitted_at is not None
    assert Answer.objects.get(pk=world.answer.pk).review_status == R.PENDING


def test_publishing_a_campaign_publishes_its_verified_assessments(world):
    campaign = world.object_in(CAMPAIGN, C.PRELIMINARY)
    verified = world.object_in(ASSESSMENT, A.VERIFIED)
    late = Assessment.objects.create(
        campaign=campaign, unit=world.other_unit, version=world.version
    )

    campaign_transition(
        campaign=campaign, action="publish", user=world.actor(COORDINATOR)
    )

    verified_after = Assessment.objects.get(pk=verified.pk)
    assert verified_after.state == A.PUBLISHED
    assert verified_after.state_version == verified.state_version + 1
    assert Assessment.objects.get(pk=late.pk).state == A.DRAFT


def test_a_stale_assessment_raises_stale_version(world):
    editor = world.actor(EDITOR)
    stale = Assessment.objects.get(pk=world.assessment.pk)
    assessment_transition(assessment=world.assessment, action="mark_ready", user=editor)

    with pytest.raises(StaleVersion):
        assessment_transition(assessment=stale, action="mark_ready", user=editor)

    fresh = Assessment.objects.get(pk=stale.pk)
    assert (fresh.state, fresh.state_version) == (A.READY, 1)
    assert AuditEvent.objects.count() == 1


def test_a_stale_campaign_raises_stale_version(world):
    _draft_campaign(world)
    coordinator = world.actor(COORDINATOR)
    stale = Campaign.objects.get(pk=world.campaign.pk)
    campaign_transition(campaign=world.campaign, action="open", user=coordinator)
    campaign_transition(campaign=world.campaign, action="close", user=coordinator)

    with pytest.raises(StaleVersion):
        campaign_transition(campaign=stale, action="open", user=coordinator)

    fresh = Campaign.objects.get(pk=stale.pk)
    assert (fresh.state, fresh.state_version) == (C.CLOSED, 2)
    assert AuditEvent.objects.count() == 2


# The unit's moves follow its editing window; publication waits for verification.


def test_submitting_after_the_deadline_is_refused(world):
    assessment = world.object_in(ASSESSMENT, A.READY)
    Campaign.objects.filter(pk=world.campaign.pk).update(
        deadline=date.today() - timedelta(days=1)
    )
    assessment.refresh_from_db()
    with pytest.raises(TransitionRefused) as refused:
        assessment_transition(
            assessment=assessment, action="submit", user=world.actor(APPROVER)
        )
    assert refused.value.code == "deadline"
    assert Assessment.objects.get(pk=assessment.pk).state == A.READY


def test_an_extension_lets_a_late_unit_submit(world):
    assessment = world.object_in(ASSESSMENT, A.READY)
    Campaign.objects.filter(pk=world.campaign.pk).update(
        state=C.CLOSED, deadline=date.today() - timedelta(days=1)
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        extended_until=date.today() + timedelta(days=2)
    )
    assessment.refresh_from_db()
    done = assessment_transition(
        assessment=assessment, action="submit", user=world.actor(APPROVER)
    )
    assert done.state == A.SUBMITTED


def test_nothing_is_resubmitted_once_the_campaign_is_published(world):
    assessment = world.object_in(ASSESSMENT, A.RETURNED)
    Campaign.objects.filter(pk=world.campaign.pk).update(state=C.PUBLISHED)
    assessment.refresh_from_db()
    with pytest.raises(TransitionRefused) as refused:
        assessment_transition(
            assessment=assessment, action="resubmit", user=world.actor(APPROVER)
        )
    assert refused.value.code == "published"


def test_publishing_waits_for_every_verification(world):
    world.object_in(ASSESSMENT, A.IN_REVIEW)
    campaign = world.object_in(CAMPAIGN, C.PRELIMINARY)
    with pytest.raises(TransitionRefused) as refused:
        campaign_transition(
            campaign=campaign, action="publish", user=world.actor(COORDINATOR)
        )
    assert refused.value.code == "verification_unfinished"
    assert Campaign.objects.get(pk=campaign.pk).state == C.PRELIMINARY
