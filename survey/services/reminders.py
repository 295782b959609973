"""Deadline reminders: units of open campaigns that have not submitted are mailed on
configured days before their deadline and every day once overdue (the daily job),
or when the coordinator sends them from the board.

A unit gets one reminder a day at most, whoever sends it (the ``ReminderLog``
constraint): the daily job skips a unit the coordinator reminded that day, and
"send now" skips a unit the job (or an earlier click) already reminded."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from survey.errors import SurveyError
from survey.models import Assessment, Campaign, Notification, ReminderLog
from survey.selectors.campaigns import unit_recipients
from survey.services.notifications import notify
from survey.states import NOT_SUBMITTED


@dataclass
class ReminderSummary:
    units: int = 0
    mails: int = 0
    skipped: int = 0
    sent: list[str] = field(default_factory=list)

    def add(self, assessment: Assessment, mails: int | None) -> None:
        """Count one unit: reminded with ``mails`` mails, or skipped (None)."""
        if mails is None:
            self.skipped += 1
            return
        self.units += 1
        self.mails += mails
        self.sent.append(assessment.unit.code)


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
    assessments = list(
        Assessment.objects.filter(
            campaign__state=Campaign.State.OPEN, state__in=NOT_SUBMITTED
        ).select_related("campaign", "unit")
    )
    due = []
    for assessment in assessments:
        kind = reminder_kind(
            deadline=_deadline(assessment), today=today, days_before=days_before
        )
        if kind:
            due.append((assessment, kind))
    members = unit_recipients(unit_ids=[a.unit_id for a, _kind in due])
    for assessment, kind in due:
        mails = _remind(
            assessment, kind, today, members.get(assessment.unit_id, []), None
        )
        summary.add(assessment, mails)
    return summary


# Sent from the board -----------------------------------------------------------------


@dataclass(frozen=True)
class ReminderDraft:
    """The reminder a unit would get now: to whom, which text, and whether it was
    already reminded today (then "send now" skips it)."""

    assessment: Assessment
    recipients: list
    text: str
    reminded_today: bool


class CampaignNotOpen(SurveyError):
    """Reminders go only to the units of an open campaign."""


def reminders_due(*, campaign: Campaign) -> QuerySet[Assessment]:
    """The assessments of ``campaign`` that have not submitted, by unit name; none
    unless the campaign is open. Paginate them for :func:`reminders_preview`."""
    due = (
        Assessment.objects.filter(campaign=campaign, state__in=NOT_SUBMITTED)
        .select_related("campaign", "unit")
        .order_by("unit__name_vi", "pk")
    )
    return due if campaign.state == Campaign.State.OPEN else due.none()


def reminders_preview(
    *, assessments: list[Assessment], today: date | None = None
) -> list[ReminderDraft]:
    """What "send now" would send to each of ``assessments`` (a page of
    :func:`reminders_due`): two queries whatever their number."""
    today = today or timezone.localdate()
    members = unit_recipients(unit_ids=[a.unit_id for a in assessments])
    reminded = set(
        ReminderLog.objects.filter(
            assessment__in=assessments, sent_on=today
        ).values_list("assessment_id", flat=True)
    )
    with translation.override(settings.LANGUAGE_CODE):
        return [
            ReminderDraft(
                a,
                members.get(a.unit_id, []),
                _reminder_text(a, (_deadline(a) - today).days),
                a.pk in reminded,
            )
            for a in assessments
        ]


def reminders_send_now(
    *, campaign: Campaign, user, today: date | None = None
) -> ReminderSummary:
    """Mail now every unit of ``campaign`` that has not submitted, except those
    already reminded today; the log names ``user`` as the sender."""
    if campaign.state != Campaign.State.OPEN:
        raise CampaignNotOpen(_("Reminders go only to the units of an open campaign."))
    today = today or timezone.localdate()
    assessments = list(reminders_due(campaign=campaign))
    members = unit_recipients(unit_ids=[a.unit_id for a in assessments])
    summary = ReminderSummary()
    for assessment in assessments:
        mails = _remind(
            assessment,
            ReminderLog.Kind.MANUAL,
            today,
            members.get(assessment.unit_id, []),
            user,
        )
        summary.add(assessment, mails)
    return summary


def _deadline(assessment: Assessment) -> date:
    return assessment.extended_until or assessment.campaign.deadline


@transaction.atomic
def _remind(
    assessment: Assessment, kind: str, today: date, members: list, sent_by
) -> int | None:
    """Send one unit's reminder to ``members``; None when it already had one today."""
    days = (_deadline(assessment) - today).days
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(
                assessment=assessment,
                sent_on=today,
                kind=kind,
                days=days,
                sent_by=sent_by,
            )
    except IntegrityError:
        return None
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
    when = _deadline(assessment).strftime("%d/%m/%Y")
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
