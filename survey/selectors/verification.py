"""Reads of the verification screens: indicators in scope, reviewers, histories,
returns, comment threads and notifications."""

from django.db.models import QuerySet

from survey.models import (
    Answer,
    AnswerComment,
    Assessment,
    AuditEvent,
    Membership,
    Notification,
    Unit,
    User,
)
from survey.selectors.scope import reviewer_codes, user_roles


def assessment_indicators(*, assessment: Assessment) -> list:
    """The indicators that apply to ``assessment``'s unit, in framework order."""
    nodes = assessment.version.nodes.filter(kind="indicator").order_by("order", "id")
    unit_type = assessment.unit.unit_type
    return [
        node
        for node in nodes
        if node.applies_to_unit(
            unit_type=unit_type, provides_procedures=assessment.provides_procedures
        )
    ]


def review_scope_indicators(*, user, assessment: Assessment) -> list:
    """The applicable indicators of ``assessment`` that ``user`` reviews."""
    codes = reviewer_codes(user=user, unit=assessment.unit)
    nodes = assessment_indicators(assessment=assessment)
    return nodes if codes is None else [n for n in nodes if n.code in codes]


def visible_indicators(*, user, assessment: Assessment) -> list:
    """The applicable indicators of ``assessment`` that ``user`` may see: all of
    them for the unit and province-wide roles, a reviewer's scope otherwise."""
    roles = user_roles(user=user, unit=assessment.unit)
    if roles - {Membership.Role.REVIEWER}:
        return assessment_indicators(assessment=assessment)
    if not roles:
        return []
    return review_scope_indicators(user=user, assessment=assessment)


def unit_reviewers(*, unit: Unit, node=None) -> list:
    """Active reviewers of ``unit`` (those whose scope holds ``node``, if given)."""
    memberships = (
        Membership.objects.filter(
            unit=unit, role=Membership.Role.REVIEWER, user__is_active=True
        )
        .prefetch_related("indicators")
        .select_related("user")
    )
    users = {}
    for membership in memberships:
        codes = {indicator.code for indicator in membership.indicators.all()}
        if node is None or not codes or node.code in codes:
            users[membership.user_id] = membership.user
    return list(users.values())


def unit_members(*, unit: Unit, roles=("editor", "approver")) -> list:
    """Active people holding one of ``roles`` for ``unit``."""
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


REVIEW_STATES = ("submitted", "in_review", "returned", "verified")


def assessments_to_review(*, user) -> QuerySet[Assessment]:
    """Assessments past submission that ``user`` reviews (all, for a coordinator)."""
    qs = Assessment.objects.select_related("campaign", "unit").filter(
        state__in=REVIEW_STATES
    )
    if Membership.Role.COORDINATOR in user_roles(user=user):
        return qs.order_by("-campaign__year", "unit__name_vi")
    units = Membership.objects.filter(user=user, role=Membership.Role.REVIEWER).values(
        "unit_id"
    )
    return qs.filter(unit_id__in=units).order_by("-campaign__year", "unit__name_vi")
