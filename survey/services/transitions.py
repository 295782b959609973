"""State changes of assessments, answers and campaigns, checked against the table."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from survey import states
from survey.errors import PermissionRefused, StaleVersion, TransitionRefused
from survey.models import (
    Answer,
    Assessment,
    Campaign,
    FrameworkVersion,
    Notification,
)
from survey.permissions import user_roles
from survey.results.compute import campaign_results_compute, campaign_results_refresh
from survey.selectors.verification import unit_reviewers
from survey.services.answer_access import assessment_edit_refusal
from survey.services.audit import audit_record
from survey.services.notifications import notify

# The unit's own moves, only while it may still change its answers, and the action
# of the permission table each one takes (the state table says from which state).
UNIT_ACTIONS = {
    "mark_ready": "edit_answer",
    "back_to_draft": "edit_answer",
    "submit": "submit",
    "resubmit": "submit",
}


def _check(*, machine: str, action: str, source: str, roles: set[str], reason: str):
    transition = states.find_transition(machine=machine, action=action, source=source)
    if transition is None:
        raise TransitionRefused(code="not_in_table")
    if not transition.roles & roles:
        raise PermissionRefused(code="role")
    if transition.reason_required and not reason.strip():
        raise TransitionRefused(_("Please give a reason."), code="reason_required")
    return transition


def _actor_roles(user, unit=None, node=None) -> set[str]:
    """The roles that count for the change (a reviewer's only on the indicators
    they review); the application itself when ``user`` is None."""
    if user is None:
        return {states.SYSTEM}
    return user_roles(user=user, unit=unit, node=node)


@transaction.atomic
def assessment_transition(
    *, assessment: Assessment, action: str, user, reason: str = ""
) -> Assessment:
    """Move ``assessment`` by ``action``; ``user`` None means the application itself."""
    roles = _actor_roles(user, assessment.unit)
    transition = _check(
        machine=states.ASSESSMENT,
        action=action,
        source=assessment.state,
        roles=roles,
        reason=reason,
    )
    if action in UNIT_ACTIONS:
        refusal = assessment_edit_refusal(assessment=assessment, roles=roles)
        if refusal is not None:
            raise TransitionRefused(refusal.message, code=refusal.code)
    updated = Assessment.objects.filter(
        pk=assessment.pk, state_version=assessment.state_version
    ).update(state=transition.target, state_version=F("state_version") + 1)
    if not updated:
        raise StaleVersion(code="stale")
    if transition.target == Assessment.State.SUBMITTED:
        Assessment.objects.filter(pk=assessment.pk).update(submitted_at=timezone.now())
        assessment.answers.filter(review_status=Answer.ReviewStatus.RETURNED).update(
            review_status=Answer.ReviewStatus.PENDING
        )
    audit_record(
        actor=user,
        action="transition",
        obj=assessment,
        assessment_id=assessment.pk,
        before={"state": assessment.state},
        after={"state": transition.target, "action": action},
        reason=reason,
    )
    assessment.refresh_from_db()
    if action == "resubmit":
        notify(
            users=unit_reviewers(unit=assessment.unit),
            kind=Notification.Kind.RESUBMITTED,
            assessment=assessment,
            actor=user,
        )
    campaign_results_refresh(campaign=assessment.campaign)
    return assessment


@transaction.atomic
def answer_review_transition(
    *, answer: Answer, action: str, user, reason: str = "", details: dict | None = None
) -> Answer:
    """Move ``answer``'s review status; ``details`` (verified values, the answer as
    returned) are added to the audit event's ``after``."""
    roles = _actor_roles(user, answer.assessment.unit, answer.node)
    transition = _check(
        machine=states.ANSWER,
        action=action,
        source=answer.review_status,
        roles=roles,
        reason=reason,
    )
    before = answer.review_status
    answer.review_status = transition.target
    answer.save(update_fields=["review_status"])
    audit_record(
        actor=user,
        action="verdict",
        obj=answer,
        assessment_id=answer.assessment_id,
        before={"review_status": before},
        after={"review_status": transition.target, **(details or {})},
        reason=reason,
    )
    return answer


@transaction.atomic
def campaign_transition(
    *, campaign: Campaign, action: str, user, reason: str = ""
) -> Campaign:
    """Move ``campaign``. Opening freezes its framework versions; sharing preliminary
    results scores it; publishing scores it once more and freezes the results."""
    transition = _check(
        machine=states.CAMPAIGN,
        action=action,
        source=campaign.state,
        roles=_actor_roles(user),
        reason=reason,
    )
    unfinished = campaign.assessments.filter(state__in=states.REVIEWABLE).count()
    if transition.target == Campaign.State.PUBLISHED and unfinished:
        raise TransitionRefused(
            ngettext(
                "%(count)d assessment is still being verified; finish it first.",
                "%(count)d assessments are still being verified; finish them first.",
                unfinished,
            )
            % {"count": unfinished},
            code="verification_unfinished",
        )
    if transition.target == Campaign.State.PUBLISHED and not campaign.decision_number:
        raise TransitionRefused(
            _("Enter the number of the approving decision before publishing."),
            code="decision_required",
        )
    updated = Campaign.objects.filter(
        pk=campaign.pk, state_version=campaign.state_version
    ).update(state=transition.target, state_version=F("state_version") + 1)
    if not updated:
        raise StaleVersion(code="stale")
    if transition.target == Campaign.State.OPEN:
        FrameworkVersion.objects.filter(campaign_uses__campaign=campaign).update(
            state=FrameworkVersion.State.FROZEN
        )
    if transition.target == Campaign.State.PUBLISHED:
        campaign.assessments.filter(state=Assessment.State.VERIFIED).update(
            state=Assessment.State.PUBLISHED, state_version=F("state_version") + 1
        )
    if transition.target in (Campaign.State.PUBLISHED, Campaign.State.PRELIMINARY):
        campaign_results_compute(
            campaign=campaign, freeze=transition.target == Campaign.State.PUBLISHED
        )
    audit_record(
        actor=user,
        action="transition",
        obj=campaign,
        before={"state": campaign.state},
        after={"state": transition.target, "action": action},
        reason=reason,
    )
    campaign.refresh_from_db()
    return campaign
