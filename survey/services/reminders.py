"""Deadline reminders: units of open campaigns that have not submitted are mailed on
configured days before their deadline and every day once overdue, at most once a day
(the ``ReminderLog`` constraint)."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from survey.models import Assessment, Campaign, Notification, ReminderLog
from survey.selectors.verification import unit_members
from survey.services.notifications import notify
from survey.states import NOT_SUBMITTED


@dataclass
class ReminderSummary:
    units: int = 0
    mails: int = 0
    skipped: int = 0
    sent: list[str] = field(default_factory=list)


def reminder_kind(*, deadline: date, today: date, days_before: list[int]) -> str:
    """``before``, ``overdue`` or empty (no reminder today)."""
    days = (deadline - today).days
    if days < 0:
        return ReminderLog.Kind.OVERDUE
    if days in days_before:
        return ReminderLog.Kind.BEFORE
    return ""


def reminders_send(
    *, today: date | None = None, days_before: list[int] | None = None
) -> ReminderSummary:
    """Mail the units of open campaigns that have not submitted, on the configured
    days before their deadline (extension included) and every day once overdue;
    at most once a day per unit, however often this runs."""
    today = today or timezone.localdate()
    days_before = settings.DTI_REMINDER_DAYS if days_before is None else days_before
    summary = ReminderSummary()
    assessments = Assessment.objects.filter(
        campaign__state=Campaign.State.OPEN, state__in=NOT_SUBMITTED
    ).select_related("campaign", "unit")
    for assessment in assessments:
        deadline = assessment.extended_until or assessment.campaign.deadline
        kind = reminder_kind(deadline=deadline, today=today, days_before=days_before)
        if not kind:
            continue
        mails = _remind(assessment, kind, (deadline - today).days, today)
        if mails is None:
            summary.skipped += 1
            continue
        summary.units += 1
        summary.mails += mails
        summary.sent.append(assessment.unit.code)
    return summary


@transaction.atomic
def _remind(assessment: Assessment, kind: str, days: int, today: date) -> int | None:
    """Send one unit's reminder; None when it already had one today."""
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(
                assessment=assessment, sent_on=today, kind=kind, days=days
            )
    except IntegrityError:
        return None
    members = unit_members(unit=assessment.unit)
    with translation.override(settings.LANGUAGE_CODE):
        text = _reminder_text(assessment, days)
    count = notify(
        users=members,
        kind=Notification.Kind.REMINDER,
        assessment=assessment,
        text=text,
    )
    log.recipients = count
    log.save(update_fields=["recipients"])
    return sum(1 for member in members if member.email)


def _reminder_text(assessment: Assessment, days: int) -> str:
    deadline = assessment.extended_until or assessment.campaign.deadline
    when = deadline.strftime("%d/%m/%Y")
    if days < 0:
        return _(
            "The deadline of %(campaign)s was %(date)s; %(unit)s has not submitted."
        ) % {"campaign": assessment.campaign, "date": when, "unit": assessment.unit}
    return _(
        "%(unit)s has not submitted %(campaign)s; the deadline is %(date)s "
        "(%(days)s days left)."
    ) % {
        "campaign": assessment.campaign,
        "date": when,
        "unit": assessment.unit,
        "days": days,
    }
