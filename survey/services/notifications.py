"""In-app notifications, each also sent by mail (queued for the task worker once the
transaction commits: :mod:`survey.services.mail`)."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from survey.models import Assessment, Node, Notification
from survey.services.mail import mail_enqueue

K = Notification.Kind


def notification_subject(notification: Notification) -> str:
    """A one-line summary of ``notification`` in the active language."""
    unit = notification.assessment.unit if notification.assessment else ""
    code = notification.node.code if notification.node else ""
    texts = {
        K.COMMENT: _("New comment on indicator %(code)s (%(unit)s)"),
        K.RETURNED: _("Items returned for correction (%(unit)s)"),
        K.RESUBMITTED: _("Corrections submitted (%(unit)s)"),
        K.VERIFIED: _("Assessment verified (%(unit)s)"),
        K.REMINDER: _("Reminder: the deadline is near (%(unit)s)"),
    }
    return texts[notification.kind] % {"code": code, "unit": unit}


def notification_url(notification: Notification) -> str:
    assessment = notification.assessment
    if assessment is None:
        return reverse("survey:notifications")
    if notification.kind in (K.RESUBMITTED,):
        return reverse("survey:verify", args=[assessment.pk])
    url = reverse("survey:threads", args=[assessment.pk])
    return f"{url}#ind-{notification.node_id}" if notification.node_id else url


@transaction.atomic
def notify(
    *,
    users: Iterable,
    kind: str,
    assessment: Assessment | None = None,
    node: Node | None = None,
    actor=None,
    text: str = "",
) -> int:
    """Tell ``users`` (except ``actor``) in the app and by mail; returns how many.

    Each mail is queued for the task worker once the transaction commits, so a
    refused action mails nobody (:mod:`survey.services.mail`).
    """
    recipients = {
        user.pk: user
        for user in users
        if user.is_active and (actor is None or user.pk != actor.pk)
    }
    rows = Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=kind,
            assessment=assessment,
            node=node,
            actor=actor if actor is not None and actor.is_authenticated else None,
            text=text,
        )
        for user in recipients.values()
    )
    for row in rows:
        if row.user.email:
            _mail(row)
    return len(rows)


def _mail(notification: Notification) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = notification_subject(notification)
        lines = [subject]
        if notification.text:
            lines += ["", notification.text]
        lines += [
            "",
            _("Open: %(url)s")
            % {"url": settings.DTI_SITE_URL + notification_url(notification)},
        ]
    mail_enqueue(subject=subject, body="\n".join(lines), to=[notification.user.email])


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s notifications (all, or ``ids``) as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
