"""What the audit trail keeps: every acknowledged value of an answer, in order, with
who and when; comment-thread messages; logouts; password resets."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from worlds import PASSWORD, VERIFICATION, build_world

from survey.models import AuditEvent, User
from survey.selectors.verification import answer_history
from survey.services.review import answer_comment_add

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


def save_at(world, when, code: str, values: dict, *, user=None):
    with mock.patch("django.utils.timezone.now", return_value=when):
        return world.save(code, values, user=user).answer


def three_quick_saves(world):
    """Values 1, 2, 3 of indicator 2.2 within one minute, by the unit's editor."""
    start = timezone.now() - timedelta(minutes=1)
    for seconds, number in ((0, "1"), (20, "2"), (40, "3")):
        answer = save_at(
            world, start + timedelta(seconds=seconds), "2.2", {"number": number}
        )
    return start, answer


def test_three_quick_saves_by_one_person_are_all_in_the_trail(world):
    start, answer = three_quick_saves(world)

    events = answer_history(answer_ids=[answer.pk])[answer.pk]

    assert [e.after["number"] for e in events] == ["1", "2", "3"]
    assert [e.before["number"] for e in events] == [None, "1", "2"]
    assert {e.actor for e in events} == {world.editor}
    assert [e.at for e in events] == [start + timedelta(seconds=s) for s in (0, 20, 40)]
    assert {e.assessment_id for e in events} == {world.assessment.pk}


def test_the_last_value_of_the_run_is_in_the_trail_when_another_person_follows(
    world,
):
    start, answer = three_quick_saves(world)
    save_at(world, start + timedelta(seconds=50), "2.2", {"number": "4"},
            user=world.approver)  # fmt: skip

    events = answer_history(answer_ids=[answer.pk])[answer.pk]

    assert [(e.actor.username, e.after["number"]) for e in events] == [
        ("stc-cv", "1"), ("stc-cv", "2"), ("stc-cv", "3"), ("stc-ld", "4"),
    ]  # fmt: skip


def test_the_history_panel_shows_each_value_with_who_and_when(client, world):
    _start, _answer = three_quick_saves(world)
    world.fill()  # 2.2 becomes 2 again, the other indicators get their values
    world.submit()

    client.force_login(world.reviewer)
    response = client.get(reverse("survey:verify", args=[world.assessment.pk]))

    item = next(i for i in response.context["items"] if i.node.code == "2.2")
    rows = [
        (event.actor.username, changes[0][1], changes[0][2])
        for event, changes in item.history
    ]
    assert rows == [
        ("stc-cv", "—", "1"), ("stc-cv", "1", "2"), ("stc-cv", "2", "3"),
        ("stc-cv", "3", "2"),
    ]  # fmt: skip
    html = response.content.decode()
    assert "Value: 2 → 3" in html
    assert "Value: 3 → 2" in html


def test_the_audit_screen_lists_every_value_newest_first(client, world):
    three_quick_saves(world)

    client.force_login(world.coordinator)
    response = client.get(
        reverse("survey:audit_search"), {"action": "answer_change", "unit": "S-TC"}
    )

    events = list(response.context["page"])
    assert [e.after["number"] for e in events] == ["3", "2", "1"]


def test_a_thread_message_is_recorded(world):
    world.fill()
    world.submit()
    node = world.nodes["1.2"]

    comment = answer_comment_add(
        assessment=world.assessment,
        node=node,
        user=world.reviewer,
        body="Đề nghị bổ sung văn bản",
    )

    event = AuditEvent.objects.get(action="comment")
    assert event.actor == world.reviewer
    assert (event.object_type, event.object_id) == (
        "survey.answercomment",
        str(comment.pk),
    )
    assert event.assessment_id == world.assessment.pk
    assert event.after == {
        "node": "1.2",
        "kind": "comment",
        "body": "Đề nghị bổ sung văn bản",
    }


def test_logging_out_is_recorded(client, world):
    client.post(reverse("login"), {"username": "stc-cv", "password": PASSWORD})

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="logout")
    assert event.actor == world.editor
    assert (event.object_type, event.object_id) == ("survey.user", str(world.editor.pk))
    assert event.ip == "127.0.0.1"


def test_logging_out_without_a_session_records_nothing(client, world):
    client.post(reverse("logout"))
    assert not AuditEvent.objects.filter(action="logout").exists()


def test_a_password_reset_request_is_recorded(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("survey:password_reset"), {"email": "STC-LD@example.gov.vn"}
        )
        client.post(
            reverse("survey:password_reset"), {"email": "nobody@example.gov.vn"}
        )

    events = AuditEvent.objects.filter(action="reset_requested").order_by("id")
    assert [(e.object_type, e.object_id) for e in events] == [
        ("survey.user", str(world.approver.pk)),
        ("user", ""),
    ]
    assert [e.actor for e in events] == [None, None]
    assert events[1].after == {"email": "nobody@example.gov.vn"}
    assert {e.ip for e in events} == {"127.0.0.1"}
    assert len(mailoutbox) == 1


def test_a_completed_password_reset_is_recorded(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("survey:password_reset"), {"email": "stc-ld@example.gov.vn"}
        )
    link = re.search(r"/password-reset/[^/\s]+/[^/\s]+/", mailoutbox[0].body).group(0)
    response = client.get(link, follow=True)
    assert not AuditEvent.objects.filter(action="password_reset").exists()
    new = "Mat-khau-moi-2025!"

    client.post(
        response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )

    event = AuditEvent.objects.get(action="password_reset")
    assert event.actor == world.approver
    assert (event.object_type, event.object_id) == (
        "survey.user",
        str(world.approver.pk),
    )
    assert new not in repr(event.after) and "password" not in (event.after or {})


def test_a_refused_password_reset_records_nothing(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("survey:password_reset"), {"email": "stc-ld@example.gov.vn"}
        )
    link = re.search(r"/password-reset/[^/\s]+/[^/\s]+/", mailoutbox[0].body).group(0)
    response = client.get(link, follow=True)

    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Mat-khau-moi-2025!", "new_password2": "khac"},
    )

    assert not AuditEvent.objects.filter(action="password_reset").exists()
    assert User.objects.get(pk=world.approver.pk).check_password(PASSWORD)
