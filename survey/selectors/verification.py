"""Reads of the verification screens: indicators in scope, reviewers, histories,
returns, comment threads and notifications."""

from django.db.models import QuerySet, Subquery

from survey import states
from survey.models import (
    Answer,
    AnswerComment,
    Assessment,
    AuditEvent,
    Node,
    Notification,
    Unit,
    User,
)
from survey.permissions import BY_CODE, covers, membership_codes
from survey.selectors.campaigns import assessments_filtered
from survey.selectors.questionnaire import questionnaire_steps
from survey.selectors.scope import (
    assessments_for,
    indicator_codes,
    reviewer_memberships,
)


def assessment_indicators(*, assessment: Assessment) -> list:
    """The indicators that apply to ``assessment``'s unit, in framework order."""
    nodes = assessment.version.nodes.filter(kind=Node.Kind.INDICATOR).order_by(
        "order", "id"
    )
    unit_type = assessment.unit.unit_type
    return [
        node
        for node in nodes
        if node.applies_to_unit(
            unit_type=unit_type, provides_procedures=assessment.provides_procedures
        )
    ]


def _indicators_for(*, user, assessment: Assessment, action: str) -> list:
    codes = indicator_codes(user=user, action=action, unit=assessment.unit)
    nodes = assessment_indicators(assessment=assessment)
    return nodes if codes is None else [n for n in nodes if n.code in codes]


def review_scope_indicators(*, user, assessment: Assessment) -> list:
    """The applicable indicators of ``assessment`` that ``user`` reviews."""
    return _indicators_for(user=user, assessment=assessment, action="review_answer")


def visible_indicators(*, user, assessment: Assessment) -> list:
    """The applicable indicators of ``assessment`` that ``user`` may see: all of
    them for the unit and province-wide roles, a reviewer's scope otherwise."""
    return _indicators_for(user=user, assessment=assessment, action="view_assessment")


def indicator_places(*, assessment: Assessment) -> dict[int, tuple[int, list]]:
    """For each applicable indicator of ``assessment``, its place in the framework's
    tree order and the groups above it, from its pillar (or bonus or penalty group)
    down to its parent: the questionnaire's steps, read once."""
    places: dict[int, tuple[int, list]] = {}
    for step in questionnaire_steps(assessment=assessment):
        trail: list[Node] = []
        for depth, node in step.entries:
            if node.is_indicator:
                places[node.pk] = (len(places), [step.node, *trail[:depth]])
            else:
                trail = [*trail[:depth], node]
    return places


def previous_answers(*, assessment: Assessment, codes) -> dict[str, Answer]:
    """The same unit's answers in its previous assessment of the same framework
    (the latest earlier year it submitted), per indicator code; one query."""
    earlier = (
        Assessment.objects.filter(
            unit_id=assessment.unit_id,
            version__framework_id=assessment.version.framework_id,
            campaign__year__lt=assessment.campaign.year,
        )
        .exclude(state__in=states.NOT_SUBMITTED)
        .order_by("-campaign__year", "-pk")
    )
    answers = Answer.objects.filter(
        assessment=Subquery(earlier.values("pk")[:1]),
        node__code__in=list(codes),
    ).select_related("node", "assessment__campaign")
    return {answer.node.code: answer for answer in answers}


def unit_reviewers(*, unit: Unit, node=None) -> list:
    """Active reviewers of ``unit`` (those whose scope holds ``node``, if given)."""
    memberships = (
        reviewer_memberships()
        .filter(unit=unit, user__is_active=True)
        .select_related("user")
    )
    return [
        membership.user
        for membership in memberships
        if node is None or covers(membership_codes(membership), node)
    ]


def unit_members(*, unit: Unit) -> list:
    """Active people who fill ``unit``'s questionnaire (its editors and approvers)."""
    roles = BY_CODE["open_questionnaire"].roles
    return list(
        User.objects.filter(
            memberships__unit=unit, memberships__role__in=roles, is_active=True
        ).distinct()
    )


def answer_history(*, answer_ids) -> dict[int, list[AuditEvent]]:
    """Audit events of each answer, oldest first (one query)."""
    events = (
        AuditEvent.objects.filter(
            object_type="survey.answer",
            object_id__in=[str(pk) for pk in answer_ids],
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    history: dict[int, list[AuditEvent]] = {}
    for event in events:
        history.setdefault(int(event.object_id), []).append(event)
    return history


def submission_times(*, assessment: Assessment) -> list:
    """When ``assessment`` was submitted or resubmitted, oldest first."""
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.TRANSITION,
            object_type="survey.assessment",
            object_id=str(assessment.pk),
            after__action__in=["submit", "resubmit"],
        )
        .order_by("at", "id")
        .values_list("at", flat=True)
    )


def returned_snapshots(*, assessment: Assessment) -> dict[int, AuditEvent]:
    """The last return of each answer in the current correction round: the verdict
    event that returned it, whose ``after["values"]`` holds the answer as returned.

    The round starts at the submission before the last one (or the last one while
    the assessment is still returned).
    """
    times = submission_times(assessment=assessment)
    if assessment.state == Assessment.State.RETURNED:
        start = times[-1] if times else None
    elif len(times) >= 2:
        start = times[-2]
    else:
        return {}
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.VERDICT,
        assessment_id=assessment.pk,
        object_type="survey.answer",
        after__review_status=Answer.ReviewStatus.RETURNED,
    ).select_related("actor")
    if start is not None:
        events = events.filter(at__gt=start)
    return {int(e.object_id): e for e in events.order_by("at", "id")}


def comment_threads(*, assessment: Assessment, node_ids=None) -> dict[int, list]:
    """Comments of ``assessment`` per indicator id, oldest first (one query)."""
    comments = AnswerComment.objects.filter(assessment=assessment).select_related(
        "author"
    )
    if node_ids is not None:
        comments = comments.filter(node_id__in=list(node_ids))
    threads: dict[int, list] = {}
    for comment in comments.order_by("created_at", "id"):
        threads.setdefault(comment.node_id, []).append(comment)
    return threads


def notifications_for(*, user, unread_only: bool = False) -> QuerySet:
    qs = Notification.objects.filter(user=user).select_related(
        "assessment__unit", "node", "actor"
    )
    return qs.filter(read_at__isnull=True) if unread_only else qs


def assessments_to_review(*, user, **filters) -> QuerySet[Assessment]:
    """Assessments past submission on ``user``'s list to verify: of the units they
    review (all of them, for a coordinator), narrowed by the list's ``filters``
    (:func:`survey.selectors.campaigns.assessments_filtered`)."""
    qs = assessments_for(user=user, action="view_review_list")
    qs = assessments_filtered(qs.filter(state__in=states.PAST_SUBMISSION), **filters)
    return qs.order_by("-campaign__year", "unit__name_vi", "pk")
