"""Reminders sent from the board: the preview, "send now" behind a confirmation,
the last reminder of each unit on the board, and how the daily job and the
coordinator's sending share the one reminder a unit may get a day."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from worlds import VERIFICATION, build_world, page_queries

from survey.models import Notification, ReminderLog
from survey.services.reminders import reminders_send, reminders_send_now

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english", "fast_hasher"),
]


@pytest.fixture
def world():
    world = build_world(shape=VERIFICATION, deadline_days=3)
    world.fill()
    world.submit()  # S-TC submitted; S-YT has not
    return world


def preview_url(world) -> str:
    return reverse("survey:campaign_reminders", args=[world.campaign.pk])


def send_url(world) -> str:
    return reverse("survey:campaign_reminders_send", args=[world.campaign.pk])


def board_url(world) -> str:
    return reverse("survey:campaign_board", args=[world.campaign.pk])


def test_the_preview_names_the_units_their_recipients_and_the_text(client, world):
    client.force_login(world.coordinator)
    response = client.get(preview_url(world))
    assert response.status_code == 200
    [draft] = response.context["drafts"]
    assert draft.assessment == world.other_assessment  # only the one not submitted
    assert {u.username for u in draft.recipients} == {"syt-cv", "syt-ld"}
    # the text as mailed: in the site's language, whatever the page's
    assert draft.text.startswith("Sở Y tế chưa nộp")
    assert "(còn 3 ngày)" in draft.text
    page = response.content.decode()
    assert "syt-cv@example.gov.vn" in page and draft.text in page
    # the button asks before sending, saying what it will do
    assert re.search(r'data-confirm="[^"]*has not submitted[^"]*"', page)
    assert not ReminderLog.objects.exists()  # a preview sends nothing


def test_send_now_asks_first_then_sends_once(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    asked = client.post(send_url(world))
    assert asked.status_code == 200
    assert "Please confirm" in asked.content.decode()
    assert not ReminderLog.objects.exists() and not mailoutbox
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(send_url(world), {"confirmed": "1"}, follow=True)
    assert "Reminded 1 units (2 mails); 0 already reminded today" in (
        sent.content.decode()
    )
    log = ReminderLog.objects.get()
    assert (log.assessment, log.kind, log.sent_by, log.recipients) == (
        world.other_assessment,
        "manual",
        world.coordinator,
        2,
    )
    assert sorted(m.to[0] for m in mailoutbox) == [
        "syt-cv@example.gov.vn",
        "syt-ld@example.gov.vn",
    ]
    again = client.post(send_url(world), {"confirmed": "1"}, follow=True)
    assert "Reminded 0 units (0 mails); 1 already reminded today" in (
        again.content.decode()
    )
    assert ReminderLog.objects.count() == 1
    assert Notification.objects.filter(kind="reminder").count() == 2


def test_the_daily_job_skips_a_unit_reminded_by_hand_the_same_day(world, mailoutbox):
    reminders_send_now(campaign=world.campaign, user=world.coordinator)
    summary = reminders_send(days_before=[3])
    assert (summary.units, summary.skipped) == (0, 1)
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert reminders_send(today=tomorrow, days_before=[2]).units == 1
    kinds = list(ReminderLog.objects.order_by("sent_on").values_list("kind", flat=True))
    assert kinds == ["manual", "before"]


def test_send_now_skips_a_unit_the_daily_job_reminded(client, world):
    reminders_send(days_before=[3])
    client.force_login(world.coordinator)
    response = client.get(preview_url(world))
    [draft] = response.context["drafts"]
    assert draft.reminded_today
    assert "already reminded today" in response.content.decode()
    summary = reminders_send_now(campaign=world.campaign, user=world.coordinator)
    assert (summary.units, summary.skipped) == (0, 1)
    assert ReminderLog.objects.get().kind == "before"


def test_only_an_open_campaign_is_reminded(client, world):
    world.campaign.state = "closed"
    world.campaign.save()
    client.force_login(world.coordinator)
    assert not client.get(preview_url(world)).context["drafts"]
    assert preview_url(world) not in client.get(board_url(world)).content.decode()
    response = client.post(send_url(world), {"confirmed": "1"}, follow=True)
    assert "Reminders go only to the units of an open campaign." in (
        response.content.decode()
    )
    assert not ReminderLog.objects.exists()


def test_the_board_shows_when_each_unit_was_last_reminded(client, world):
    reminders_send_now(campaign=world.campaign, user=world.coordinator)
    client.force_login(world.coordinator)
    response = client.get(board_url(world))
    rows = {r.assessment.unit.code: r for r in response.context["rows"]}
    assert rows["S-YT"].last_reminded is not None
    assert rows["S-TC"].last_reminded is None
    page = response.content.decode()
    assert f'data-reminded="{timezone.localdate():%Y-%m-%d}"' in page
    assert preview_url(world) in page


def test_the_last_reminder_costs_no_query_per_unit(client, world):
    before, _response = page_queries(client, world.coordinator, board_url(world))
    reminders_send_now(campaign=world.campaign, user=world.coordinator)
    ReminderLog.objects.create(
        assessment=world.assessment,
        sent_on=timezone.localdate() - timedelta(days=1),
        kind="before",
        days=4,
    )
    after, _response = page_queries(client, world.coordinator, board_url(world))
    assert after == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("committee", 403),
        ("reviewer", 403),
        ("editor", 403),
        ("approver", 403),
    ],
)
def test_only_the_coordinator_previews_and_sends(client, world, who, status):
    client.force_login(getattr(world, who))
    assert client.get(preview_url(world)).status_code == status
    response = client.post(send_url(world), {"confirmed": "1"})
    assert response.status_code == (302 if status == 200 else 403)
    assert ReminderLog.objects.exists() == (status == 200)


def test_the_committee_sees_no_reminder_link_on_the_board(client, world):
    client.force_login(world.committee)
    assert preview_url(world) not in client.get(board_url(world)).content.decode()


def test_sending_needs_a_post(client, world):
    client.force_login(world.coordinator)
    assert client.get(send_url(world)).status_code == 405
