"""manage.py send_reminders: units not submitted, configured days, once a day."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from worlds import VERIFICATION, build_world

from survey.models import Notification, ReminderLog
from survey.services.reminders import reminder_kind, reminders_send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]


@pytest.fixture
def world():
    world = build_world(shape=VERIFICATION, deadline_days=3)
    world.fill()
    world.submit()  # S-TC submitted; S-YT has not
    return world


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """The command, with the mails it sends once its transactions commit."""

    def run(**options) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", stdout=out, **options)
        return out.getvalue()

    return run


def test_only_units_that_have_not_submitted_are_mailed(world, mailoutbox, run):
    output = run(days="3")
    assert "Reminded 1 unit(s) (2 mail(s))" in output
    assert sorted(m.to[0] for m in mailoutbox) == [
        "syt-cv@example.gov.vn",
        "syt-ld@example.gov.vn",
    ]
    log = ReminderLog.objects.get()
    assert (log.assessment, log.kind, log.days, log.recipients) == (
        world.other_assessment,
        "before",
        3,
        2,
    )
    assert Notification.objects.filter(kind="reminder").count() == 2


def test_running_twice_the_same_day_sends_nothing_new(world, mailoutbox, run):
    run(days="3")
    output = run(days="3")
    assert "Reminded 0 unit(s)" in output and "1 already reminded today" in output
    assert len(mailoutbox) == 2
    assert ReminderLog.objects.count() == 1


def test_no_reminder_on_other_days(world, mailoutbox, run):
    assert "Reminded 0 unit(s)" in run(days="7,1")
    assert not mailoutbox


def test_overdue_units_are_reminded_every_day(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    late = today + timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        summary = reminders_send(today=late, days_before=[7])
    assert summary.units == 1
    assert ReminderLog.objects.get().kind == "overdue"
    assert reminders_send(today=late + timedelta(days=1), days_before=[7]).units == 1
    assert ReminderLog.objects.count() == 2
    assert len(mailoutbox) == 2
    assert "S-YT" not in mailoutbox[0].subject
    assert "Sở Y tế" in mailoutbox[0].body


def test_an_extension_moves_the_reminders(world, mailoutbox):
    world.other_assessment.extended_until = timezone.localdate() + timedelta(days=10)
    world.other_assessment.save()
    assert reminders_send(days_before=[3]).units == 0
    assert reminders_send(days_before=[10]).units == 1


def test_a_closed_campaign_sends_nothing(world, mailoutbox):
    world.campaign.state = "closed"
    world.campaign.save()
    assert reminders_send(days_before=[3]).units == 0


def test_reminder_kinds():
    today = timezone.localdate()
    assert reminder_kind(deadline=today, today=today, days_before=[0]) == "before"
    assert reminder_kind(deadline=today, today=today, days_before=[1]) == ""
    past = today - timedelta(days=1)
    assert reminder_kind(deadline=past, today=today, days_before=[]) == "overdue"


def test_bad_options_are_refused(world, run):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run(days="a,b")
