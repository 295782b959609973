"""Every mail the application sends goes through here: queued once the transaction
commits, sent by the task worker, tried again when the mail server fails.

:func:`mail_enqueue` queues one message after the current transaction commits (at
once outside a transaction), so an action that is rolled back mails nobody and no
request waits on the mail server. :func:`send_email_task` sends it; when the server
cannot be reached or refuses for now (an ``SMTPException`` or ``OSError``, a
timeout included), it logs a warning naming the recipients and the error and
queues itself again ``DTI_MAIL_RETRY_DELAY`` seconds later, twice as long after
each failure, up to ``DTI_MAIL_RETRIES`` attempts in all. A refusal the server
gives as permanent (a 5xx reply: unknown recipient, bad credentials) is not
retried. A message that is never sent is logged at ERROR on the ``survey.mail``
logger, and the task fails, so its result in the task store says so too.

Django's password reset mails through :class:`PasswordResetMailForm`, which queues
its message the same way instead of sending it during the request (and logging
nothing but the user's id when that fails).
"""

import logging
import smtplib
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import loader
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("survey.mail")


def mail_enqueue(
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    from_email: str | None = None,
    html: str | None = None,
    reply_to: Sequence[str] = (),
) -> None:
    """Queue one message for the task worker once the transaction commits."""
    message = {
        "subject": subject,
        "body": body,
        "to": list(to),
        "from_email": from_email or settings.DEFAULT_FROM_EMAIL,
        "html": html,
        "reply_to": list(reply_to),
    }
    transaction.on_commit(lambda: send_email_task.enqueue(**message))


class PasswordResetMailForm(PasswordResetForm):
    """Django's password reset form, its mail queued by :func:`mail_enqueue`."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        subject = "".join(
            loader.render_to_string(subject_template_name, context).splitlines()
        )
        body = loader.render_to_string(email_template_name, context)
        html = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else None
        )
        mail_enqueue(
            subject=subject, body=body, to=[to_email], from_email=from_email, html=html
        )


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number ``attempt`` (1, 2, …)."""
    return timedelta(seconds=settings.DTI_MAIL_RETRY_DELAY * 2 ** (attempt - 1))


@task()
def send_email_task(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str,
    html: str | None = None,
    reply_to: list[str] | None = None,
    attempt: int = 1,
) -> str:
    """Send one message (see the module); returns what became of this attempt."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email,
        to=to,
        reply_to=reply_to or None,
    )
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        attempts = settings.DTI_MAIL_RETRIES
        if attempt >= attempts or _permanent(error):
            logger.error(
                "Mail %r to %s not sent after %d attempt(s), giving up: %r",
                subject,
                ", ".join(to),
                attempt,
                error,
            )
            raise
        delay = retry_delay(attempt)
        logger.warning(
            "Mail %r to %s failed (attempt %d of %d), retrying in %ds: %r",
            subject,
            ", ".join(to),
            attempt,
            attempts,
            delay.total_seconds(),
            error,
        )
        retry = send_email_task
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + delay)
        retry.enqueue(
            subject=subject,
            body=body,
            to=to,
            from_email=from_email,
            html=html,
            reply_to=reply_to,
            attempt=attempt + 1,
        )
        return "retrying"
    return "sent"


def _permanent(error: Exception) -> bool:
    """A refusal the server says will not change by trying again (5xx)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and code >= 500
