"""Mail goes through the task worker: queued on commit, retried with growing delays,
logged when it fails, never dropped in silence (``survey/services/mail.py``).

The real database task backend and its worker (``db_worker``) run in the test
process; the mail backends below stand in for an SMTP server that fails."""

import logging
import re
import smtplib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from survey.models import User
from survey.services.mail import mail_enqueue, retry_delay, send_email_task

pytestmark = pytest.mark.django_db(transaction=True)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class FlakyBackend(EmailBackend):
    """The locmem outbox behind a server that drops the connection the first
    ``failures`` times it is asked to send."""

    failures = 0
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class RefusingBackend(EmailBackend):
    """A server that says the recipient does not exist (a permanent 550)."""

    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        raise smtplib.SMTPRecipientsRefused(
            {messages[0].to[0]: (550, b"5.1.1 No such user")}
        )


@pytest.fixture(autouse=True)
def db_tasks(settings):
    settings.TASKS = DB_TASKS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DTI_MAIL_RETRY_DELAY = 0
    settings.DTI_MAIL_RETRIES = 5
    FlakyBackend.calls = 0
    RefusingBackend.calls = 0


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    return FlakyBackend


def run_worker() -> None:
    """What ``manage.py db_worker --batch`` does: run every task that is due."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def enqueue(**fields) -> None:
    message = {"subject": "Nhắc hạn", "body": "Nội dung", "to": ["a@example.gov.vn"]}
    mail_enqueue(**(message | fields))


def test_a_message_waits_for_the_worker_then_is_sent_whole():
    enqueue(
        html="<p>Nội dung</p>",
        reply_to=["dieuphoi@example.gov.vn"],
        from_email="dti@example.gov.vn",
    )
    assert mail.outbox == []  # the request did not send it
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY

    run_worker()

    [message] = mail.outbox
    assert message.subject == "Nhắc hạn"
    assert message.body == "Nội dung"
    assert message.to == ["a@example.gov.vn"]
    assert message.from_email == "dti@example.gov.vn"
    assert message.reply_to == ["dieuphoi@example.gov.vn"]
    assert message.alternatives[0][0] == "<p>Nội dung</p>"
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_the_sender_defaults_to_the_sites_address(settings):
    settings.DEFAULT_FROM_EMAIL = "so-khcn@example.gov.vn"
    enqueue()
    run_worker()
    assert mail.outbox[0].from_email == "so-khcn@example.gov.vn"


def test_a_rolled_back_change_mails_nobody():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue()
        raise RuntimeError("refused")
    run_worker()
    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []


def test_a_dropped_connection_is_retried_until_the_mail_goes(flaky, caplog):
    flaky.failures = 2
    enqueue()

    with caplog.at_level(logging.WARNING, logger="survey.mail"):
        run_worker()

    assert flaky.calls == 3
    assert len(mail.outbox) == 1
    warnings = [r for r in caplog.records if r.name == "survey.mail"]
    assert [r.levelno for r in warnings] == [logging.WARNING, logging.WARNING]
    assert "a@example.gov.vn" in warnings[0].getMessage()
    assert "Connection unexpectedly closed" in warnings[0].getMessage()
    assert "attempt 1 of 5" in warnings[0].getMessage()
    assert "attempt 2 of 5" in warnings[1].getMessage()
    results = DBTaskResult.objects.order_by("enqueued_at")
    assert [r.args_kwargs["kwargs"].get("attempt", 1) for r in results] == [1, 2, 3]
    assert {r.status for r in results} == {TaskResultStatus.SUCCESSFUL}


def test_a_message_never_sent_is_logged_as_an_error_after_the_last_attempt(
    flaky, settings, caplog
):
    settings.DTI_MAIL_RETRIES = 3
    flaky.failures = 100
    enqueue(to=["a@example.gov.vn", "b@example.gov.vn"])

    with caplog.at_level(logging.WARNING, logger="survey.mail"):
        run_worker()

    assert flaky.calls == 3
    assert mail.outbox == []
    records = [r for r in caplog.records if r.name == "survey.mail"]
    assert [r.levelno for r in records] == [
        logging.WARNING,
        logging.WARNING,
        logging.ERROR,
    ]
    assert "a@example.gov.vn, b@example.gov.vn" in records[-1].getMessage()
    assert "after 3 attempt(s)" in records[-1].getMessage()
    last = DBTaskResult.objects.order_by("enqueued_at").last()
    assert last.status == TaskResultStatus.FAILED
    assert last.exception_class_path == "smtplib.SMTPServerDisconnected"


def test_a_recipient_the_server_refuses_for_good_is_not_retried(settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    enqueue()

    with caplog.at_level(logging.WARNING, logger="survey.mail"):
        run_worker()

    assert RefusingBackend.calls == 1
    [record] = [r for r in caplog.records if r.name == "survey.mail"]
    assert record.levelno == logging.ERROR
    assert "No such user" in record.getMessage()


def test_a_retry_waits_longer_each_time(flaky, settings):
    settings.DTI_MAIL_RETRY_DELAY = 60
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    flaky.failures = 1
    enqueue()
    before = timezone.now()

    run_worker()

    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.run_after >= before + timedelta(seconds=60)
    assert mail.outbox == []  # not yet due: this worker run left it for later
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    assert len(mail.outbox) == 1


def test_without_a_worker_backend_the_retry_runs_at_once(flaky, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    flaky.failures = 1
    send_email_task.enqueue(
        subject="s", body="b", to=["a@example.gov.vn"], from_email="dti@localhost"
    )
    assert flaky.calls == 2
    assert len(mail.outbox) == 1


def test_the_password_reset_mail_is_queued_not_sent_during_the_request(client):
    User.objects.create_user("an", email="an@example.gov.vn", password="x-Y-z-123456")

    response = client.post(
        reverse("survey:password_reset"), {"email": "an@example.gov.vn"}
    )

    assert response.status_code == 302
    assert mail.outbox == []
    run_worker()
    [message] = mail.outbox
    assert message.to == ["an@example.gov.vn"]
    assert "/password-reset/" in message.body


def test_no_other_module_sends_mail_itself():
    """Every mail goes through the queue: nothing else calls Django's senders."""
    root = Path(__file__).resolve().parents[2]
    senders = re.compile(
        r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|"
        r"EmailMultiAlternatives|get_connection)\b"
    )
    found = {
        str(path.relative_to(root))
        for package in ("survey", "reports", "config", "common")
        for path in (root / package).rglob("*.py")
        if senders.search(path.read_text(encoding="utf-8"))
    }
    # The mail to admins on a server error is sent by Django's logging handler
    # (config/log.py, named in settings) without the queue: it must not depend on
    # the database that may be what failed.
    assert found - {"config/log.py", "config/settings.py"} == {
        "survey/services/mail.py"
    }
