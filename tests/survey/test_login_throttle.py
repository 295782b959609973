"""Throttling beyond one account: password spraying from one address, and password
reset mails per address and per network address."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.db.models import F
from django.urls import reverse
from worlds import PASSWORD, VERIFICATION, build_world, make_user

from survey.models import AuditEvent, ThrottleHit
from survey.services.throttle import throttle_hit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
ATTACKER, OTHER = "203.0.113.7", "198.51.100.9"


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


def login(client, username, password, ip=ATTACKER):
    data = {"username": username, "password": password}
    return client.post(reverse("login"), data, REMOTE_ADDR=ip)


def test_spraying_many_accounts_from_one_address_locks_the_address(
    client, world, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.DTI_LOGIN_IP_FAILURE_LIMIT == 30
    names = [make_user(f"nguoi-{i}", "editor", world.unit).username for i in range(20)]
    statuses = [login(client, names[i % 20], f"sai-{i}").status_code for i in range(80)]
    # Four wrong passwords per account lock no account; the address is locked
    # once thirty failures have come from it.
    assert statuses[:29] == [200] * 29
    assert set(statuses[29:]) == {429}
    response = login(client, names[0], PASSWORD)
    assert response.status_code == 429  # even a right password, from there
    assert "network address" in response.content.decode()


def test_another_address_is_not_locked_by_spraying(client, world):
    names = [make_user(f"nguoi-{i}", "editor", world.unit).username for i in range(20)]
    for i in range(40):
        login(client, names[i % 20], "sai")
    assert login(client, names[1], PASSWORD, ip=OTHER).status_code == 302


def test_below_the_address_limit_nothing_is_locked(client, world, settings):
    settings.DTI_LOGIN_IP_FAILURE_LIMIT = 1000
    names = [make_user(f"nguoi-{i}", "editor", world.unit).username for i in range(20)]
    for i in range(80):
        assert login(client, names[i % 20], "sai").status_code == 200
    assert login(client, names[0], PASSWORD).status_code == 302


# Password reset -----------------------------------------------------------------------


@pytest.fixture
def reset(client, django_capture_on_commit_callbacks):
    """Ask for a reset mail; the mail is queued when the request's transaction
    commits, and sent at once in these tests (``mailoutbox``)."""

    def post(email, ip=ATTACKER):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("survey:password_reset"), {"email": email}, REMOTE_ADDR=ip
            )

    return post


def test_reset_mails_to_one_address_stop_after_the_limit(
    reset, world, settings, mailoutbox
):
    settings.DTI_RESET_MAILS_PER_ADDRESS = 3
    email = world.editor.email
    responses = [reset(email if i % 2 else email.upper()) for i in range(6)]
    # The page answers the same every time: it must not tell who has an account.
    assert {r.status_code for r in responses} == {302}
    assert {r.url for r in responses} == {reverse("survey:password_reset_done")}
    assert len(mailoutbox) == 3
    throttled = AuditEvent.objects.filter(
        action=AuditEvent.Action.PASSWORD_RESET_REQUEST, reason__startswith="throttled"
    )
    assert throttled.count() == 3
    # Another address still gets its mail.
    reset(world.coordinator.email)
    assert len(mailoutbox) == 4


def test_reset_mails_resume_once_the_window_has_passed(
    reset, world, settings, mailoutbox
):
    settings.DTI_RESET_MAILS_PER_ADDRESS = 1
    reset(world.editor.email)
    reset(world.editor.email)
    assert len(mailoutbox) == 1
    ThrottleHit.objects.update(at=F("at") - timedelta(minutes=61))
    reset(world.editor.email)
    assert len(mailoutbox) == 2
    assert ThrottleHit.objects.filter(scope="reset-mail").count() == 1
    assert world.editor.email not in str(list(ThrottleHit.objects.values()))


def test_an_unknown_address_answers_like_a_known_one_when_throttled(
    reset, world, settings, mailoutbox
):
    settings.DTI_RESET_MAILS_PER_ADDRESS = 1
    for _ in range(3):
        response = reset("nobody@example.gov.vn")
        assert response.url == reverse("survey:password_reset_done")
    assert mailoutbox == []


def test_reset_requests_from_one_network_address_are_throttled(
    reset, world, settings, mailoutbox
):
    settings.DTI_RESET_REQUESTS_PER_IP = 5
    for i in range(5):
        assert reset(f"probe-{i}@example.gov.vn").status_code == 302
    response = reset(world.editor.email)
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert mailoutbox == []
    response = reset(world.editor.email, ip=OTHER)
    assert response.status_code == 302
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_moment_never_pass_the_limit_together():
    """Each request counts the others of its key, even when all arrive at once."""
    threads, limit, passed = 8, 3, []
    start = threading.Barrier(threads)

    def ask() -> None:
        try:
            start.wait()
            passed.append(
                throttle_hit(
                    scope="reset-mail",
                    key="an@example.gov.vn",
                    limit=limit,
                    window=timedelta(hours=1),
                )
            )
        finally:
            connections.close_all()

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(passed) == [False] * (threads - limit) + [True] * limit
