"""What an action that cannot be undone will do, counted before it is taken.

The screens show these sentences twice: in the dialog the button opens, and on the
confirmation page the server answers with until the POST carries ``confirmed=1``.
Reads only; an empty string means the action needs no confirmation.
"""

from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from survey.models import Answer, Assessment, Campaign, Node
from survey.states import NOT_SUBMITTED, REVIEWABLE

A = Assessment.State
R = Answer.ReviewStatus


def unit_action_consequence(*, assessment: Assessment, action: str) -> str:
    """Submitting hands the answers over for good; the other moves of the unit
    (ready, back to draft) are undone with a click and are not asked about."""
    if action == "submit":
        return _(
            "Submit to the province: once submitted, the unit can no longer change "
            "its answers, except the items returned to it."
        )
    if action == "resubmit":
        count = assessment.answers.filter(review_status=R.RETURNED).count()
        return ngettext(
            "Submit the corrections: the %(count)s returned item goes back to the "
            "reviewers, and the unit can no longer change it.",
            "Submit the corrections: the %(count)s returned items go back to the "
            "reviewers, and the unit can no longer change them.",
            count,
        ) % {"count": count}
    return ""


def agree_remaining_count(*, assessment: Assessment, nodes: list[Node]) -> int:
    """Indicators among ``nodes`` still without a verdict and not returned: those
    that agreeing with the rest would settle."""
    settled = assessment.answers.filter(
        node__in=nodes, review_status__in=[R.AGREED, R.DISAGREED, R.RETURNED]
    ).count()
    return len(nodes) - settled


def agree_remaining_consequence(*, count: int) -> str:
    return ngettext(
        "Agree with the %(count)s remaining indicator: it keeps the unit's own "
        "points as its verified points.",
        "Agree with the %(count)s remaining indicators: each keeps the unit's own "
        "points as its verified points.",
        count,
    ) % {"count": count}


def return_consequence(*, count: int) -> str:
    return ngettext(
        "Return %(count)s item to the unit: the assessment goes back to the unit, "
        "which can change only this item and must submit again.",
        "Return %(count)s items to the unit: the assessment goes back to the unit, "
        "which can change only these items and must submit again.",
        count,
    ) % {"count": count}


def reminders_consequence(*, campaign: Campaign) -> str:
    """Reminders sent now cannot be called back."""
    return _(
        "Every unit of %(campaign)s that has not submitted and was not reminded "
        "today gets a reminder by mail and in the app now."
    ) % {"campaign": campaign}


def campaign_action_consequence(
    *, campaign: Campaign, action: str, today: date | None = None
) -> str:
    """The sentence for each state change of ``campaign``, with its counts."""
    today = today or timezone.localdate()
    builders = {
        "open": _open,
        "close": _close,
        "reopen_submissions": _reopen_submissions,
        "share_preliminary": _share_preliminary,
        "publish": _publish,
        "reopen": _reopen,
    }
    builder = builders.get(action)
    return builder(campaign, today) if builder else ""


def _open(campaign: Campaign, today: date) -> str:
    count = campaign.assessments.count()
    return ngettext(
        "Open the campaign: %(count)s unit can start filling in; the framework "
        "versions it uses are frozen, and later edits make new versions.",
        "Open the campaign: %(count)s units can start filling in; the framework "
        "versions it uses are frozen, and later edits make new versions.",
        count,
    ) % {"count": count}


def _close(campaign: Campaign, today: date) -> str:
    drafting = campaign.assessments.filter(state__in=NOT_SUBMITTED)
    extended = Q(extended_until__isnull=False, extended_until__gte=today)
    locked = drafting.exclude(extended).count()
    parts = [
        ngettext(
            "Close submissions: %(count)s unit still drafting will no longer be "
            "able to change its answers.",
            "Close submissions: %(count)s units still drafting will no longer be "
            "able to change their answers.",
            locked,
        )
        % {"count": locked}
    ]
    kept = drafting.filter(extended).count()
    if kept:
        parts.append(
            ngettext(
                "%(count)s unit with an extension can edit until it ends.",
                "%(count)s units with an extension can edit until it ends.",
                kept,
            )
            % {"count": kept}
        )
    days = (campaign.deadline - today).days
    if days > 0:
        parts.append(
            ngettext(
                "The deadline is %(days)s day away.",
                "The deadline is %(days)s days away.",
                days,
            )
            % {"days": days}
        )
    return " ".join(parts)


def _reopen_submissions(campaign: Campaign, today: date) -> str:
    count = campaign.assessments.filter(state__in=NOT_SUBMITTED).count()
    return ngettext(
        "Reopen submissions: %(count)s unit that has not submitted can change its "
        "answers again.",
        "Reopen submissions: %(count)s units that have not submitted can change "
        "their answers again.",
        count,
    ) % {"count": count}


def _share_preliminary(campaign: Campaign, today: date) -> str:
    count = campaign.assessments.count()
    parts = [
        ngettext(
            "Share preliminary results: %(count)s unit will see its points, level "
            "and rank.",
            "Share preliminary results: %(count)s units will see their points, "
            "level and rank.",
            count,
        )
        % {"count": count}
    ]
    pending = campaign.assessments.filter(state__in=REVIEWABLE).count()
    if pending:
        parts.append(
            ngettext(
                "%(count)s assessment is still being verified.",
                "%(count)s assessments are still being verified.",
                pending,
            )
            % {"count": pending}
        )
    return " ".join(parts)


def _publish(campaign: Campaign, today: date) -> str:
    count = campaign.assessments.exclude(state__in=NOT_SUBMITTED).count()
    parts = [
        ngettext(
            "Publish the results: the final points of %(count)s unit are frozen; "
            "after this they change only through a recorded reopening.",
            "Publish the results: the final points of %(count)s units are frozen; "
            "after this they change only through a recorded reopening.",
            count,
        )
        % {"count": count}
    ]
    never = campaign.assessments.filter(state__in=NOT_SUBMITTED).count()
    if never:
        parts.append(
            ngettext(
                "%(count)s unit never submitted and is scored by the campaign's rule.",
                "%(count)s units never submitted and are scored by the campaign's "
                "rule.",
                never,
            )
            % {"count": never}
        )
    return " ".join(parts)


def _reopen(campaign: Campaign, today: date) -> str:
    count = campaign.assessments.filter(state=A.PUBLISHED).count()
    return ngettext(
        "Reopen the published campaign: the frozen results of %(count)s unit can "
        "change until the campaign is published again.",
        "Reopen the published campaign: the frozen results of %(count)s units can "
        "change until the campaign is published again.",
        count,
    ) % {"count": count}
