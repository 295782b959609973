"""The state machines of the yearly cycle, as one table, and the named sets of states.

Every allowed transition is a row: which machine, from which state to which, by what
action, and which roles may take it. The services consult this table and nothing else;
the tests walk every cell of it, allowed and refused.
"""

from dataclasses import dataclass

from survey.models import Answer, Assessment, Campaign, Membership

Role = Membership.Role
A = Assessment.State
R = Answer.ReviewStatus
C = Campaign.State
SYSTEM = "system"  # transitions the application takes itself (e.g. on publication)


@dataclass(frozen=True)
class Transition:
    machine: str
    action: str
    source: str
    target: str
    roles: frozenset[str]
    reason_required: bool = False


def _t(machine, action, source, target, *roles, reason_required=False):
    return Transition(
        machine, action, source, target, frozenset(roles), reason_required
    )


ASSESSMENT = "assessment"
ANSWER = "answer"
CAMPAIGN = "campaign"

TRANSITIONS: tuple[Transition, ...] = (
    # assessment: draft → ready → submitted → in_review → returned → submitted …
    # → verified
    _t(ASSESSMENT, "mark_ready", A.DRAFT, A.READY, Role.EDITOR, Role.APPROVER),
    _t(ASSESSMENT, "back_to_draft", A.READY, A.DRAFT, Role.EDITOR, Role.APPROVER),
    _t(ASSESSMENT, "submit", A.READY, A.SUBMITTED, Role.APPROVER),
    _t(
        ASSESSMENT,
        "start_review",
        A.SUBMITTED,
        A.IN_REVIEW,
        Role.REVIEWER,
        Role.COORDINATOR,
    ),
    _t(ASSESSMENT, "return", A.IN_REVIEW, A.RETURNED, Role.REVIEWER, Role.COORDINATOR),
    _t(ASSESSMENT, "resubmit", A.RETURNED, A.SUBMITTED, Role.APPROVER),
    _t(
        ASSESSMENT,
        "verify",
        A.IN_REVIEW,
        A.VERIFIED,
        Role.REVIEWER,
        Role.COORDINATOR,
        SYSTEM,
    ),
    _t(
        ASSESSMENT,
        "reopen_review",
        A.VERIFIED,
        A.IN_REVIEW,
        Role.COORDINATOR,
        reason_required=True,
    ),
    _t(ASSESSMENT, "publish", A.VERIFIED, A.PUBLISHED, SYSTEM),
    _t(
        ASSESSMENT,
        "reopen",
        A.PUBLISHED,
        A.IN_REVIEW,
        Role.COORDINATOR,
        reason_required=True,
    ),
    # answer review: pending → agreed | disagreed | returned → (resubmitted) pending
    _t(ANSWER, "agree", R.PENDING, R.AGREED, Role.REVIEWER, Role.COORDINATOR),
    _t(ANSWER, "disagree", R.PENDING, R.DISAGREED, Role.REVIEWER, Role.COORDINATOR),
    _t(ANSWER, "return", R.PENDING, R.RETURNED, Role.REVIEWER, Role.COORDINATOR),
    _t(ANSWER, "agree", R.DISAGREED, R.AGREED, Role.REVIEWER, Role.COORDINATOR),
    _t(ANSWER, "disagree", R.AGREED, R.DISAGREED, Role.REVIEWER, Role.COORDINATOR),
    _t(ANSWER, "return", R.AGREED, R.RETURNED, Role.REVIEWER, Role.COORDINATOR),
    _t(ANSWER, "return", R.DISAGREED, R.RETURNED, Role.REVIEWER, Role.COORDINATOR),
    _t(ANSWER, "resubmit", R.RETURNED, R.PENDING, Role.APPROVER, SYSTEM),
    # campaign: draft → open → closed → preliminary → published (→ reopened → published)
    _t(CAMPAIGN, "open", C.DRAFT, C.OPEN, Role.COORDINATOR),
    _t(CAMPAIGN, "close", C.OPEN, C.CLOSED, Role.COORDINATOR),
    _t(
        CAMPAIGN,
        "reopen_submissions",
        C.CLOSED,
        C.OPEN,
        Role.COORDINATOR,
        reason_required=True,
    ),
    _t(CAMPAIGN, "share_preliminary", C.CLOSED, C.PRELIMINARY, Role.COORDINATOR),
    _t(CAMPAIGN, "publish", C.PRELIMINARY, C.PUBLISHED, Role.COORDINATOR),
    _t(
        CAMPAIGN,
        "reopen",
        C.PUBLISHED,
        C.REOPENED,
        Role.COORDINATOR,
        reason_required=True,
    ),
    _t(CAMPAIGN, "publish", C.REOPENED, C.PUBLISHED, Role.COORDINATOR),
)

STATES = {
    ASSESSMENT: [value for value, _label in A.choices],
    ANSWER: [value for value, _label in R.choices],
    CAMPAIGN: [value for value, _label in C.choices],
}
ACTORS = (*[value for value, _label in Role.choices], SYSTEM)

_BY_KEY = {(t.machine, t.action, t.source): t for t in TRANSITIONS}


def find_transition(*, machine: str, action: str, source: str) -> Transition | None:
    """The transition ``action`` from ``source``, or None when the table has none."""
    return _BY_KEY.get((machine, action, source))


def actions_from(*, machine: str, source: str, roles: set[str]) -> list[Transition]:
    """Transitions out of ``source`` that any of ``roles`` may take."""
    return [
        t
        for t in TRANSITIONS
        if t.machine == machine and t.source == source and t.roles & roles
    ]


# States in which a unit may still change its answers (returned: only returned items).
EDITABLE_ASSESSMENT_STATES = frozenset({A.DRAFT, A.READY, A.RETURNED})
# Campaign states during which units fill in their assessment.
FILLING_CAMPAIGN_STATES = frozenset({C.OPEN})

# Sets of states that rules name; code asks these instead of listing states itself.
# Assessments that never reached the coordinator (units that never submitted).
NOT_SUBMITTED = frozenset({A.DRAFT, A.READY})
# Assessments past submission, on the reviewers' lists.
PAST_SUBMISSION = frozenset({A.SUBMITTED, A.IN_REVIEW, A.RETURNED, A.VERIFIED})
# Assessments a reviewer has taken up: verdicts may exist.
REVIEW_STARTED = frozenset({A.IN_REVIEW, A.RETURNED, A.VERIFIED, A.PUBLISHED})
# Assessments on which reviewers may still give verdicts.
REVIEWABLE = frozenset({A.SUBMITTED, A.IN_REVIEW, A.RETURNED})
# Answers on which a reviewer has given a verdict that stands.
VERDICT_GIVEN = frozenset({R.AGREED, R.DISAGREED})
# Campaigns past their deadline: units that never submitted are scored by its rule.
AFTER_DEADLINE = frozenset({C.CLOSED, C.PRELIMINARY, C.PUBLISHED, C.REOPENED})
# Campaigns whose results are shared with the units (ranks and group figures).
RESULTS_SHARED = frozenset({C.PRELIMINARY, C.PUBLISHED, C.REOPENED})
