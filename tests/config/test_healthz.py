"""``/healthz`` answers 200 when the database, the migrations, the task worker and the
media disk are fine, and 503 naming the check that is not; it shows nothing else."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from survey.services.health import worker_heartbeat

pytestmark = pytest.mark.django_db

CHECKS = {"database", "migrations", "worker", "disk"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.DTI_HEALTH_MIN_FREE_MB = 1
    settings.DTI_WORKER_HEARTBEAT_SECONDS = 300


def _health(client: Client) -> tuple[int, dict]:
    response = client.get(reverse("healthz"))
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def _run_worker() -> None:
    """What `manage.py db_worker` does, once through the queue."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", batch=True, startup_delay=False, reload=False, verbosity=0
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _beats():
    return DBTaskResult.objects.filter(task_path=worker_heartbeat.module_path)


def _all_ok() -> dict:
    return dict.fromkeys(CHECKS, "ok")


def test_all_fine_is_200_for_anyone_without_login(client):
    status, body = _health(client)
    assert status == 200
    assert body == {"status": "ok", "checks": _all_ok()}


def test_the_answer_is_never_cached_and_only_read(client):
    response = client.get(reverse("healthz"))
    assert "no-cache" in response["Cache-Control"]
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_keeps_the_worker_check_ok_and_one_heartbeat(client):
    _health(client)
    assert _beats().get().status == TaskResultStatus.READY
    _run_worker()
    assert _beats().get().status == TaskResultStatus.SUCCESSFUL
    for _ in range(3):
        assert _health(client) == (200, {"status": "ok", "checks": _all_ok()})
        _run_worker()
    # However often the check is asked: one finished heartbeat, none waiting.
    assert list(_beats().values_list("status", flat=True)) == [
        TaskResultStatus.SUCCESSFUL
    ]


def test_a_heartbeat_left_waiting_too_long_fails_the_worker_check(client):
    _health(client)
    _beats().update(enqueued_at=timezone.now() - timedelta(seconds=301))
    status, body = _health(client)
    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"] == {**_all_ok(), "worker": "fail"}
    # Still one waiting: the check does not pile up heartbeats.
    assert _beats().count() == 1


def test_an_old_heartbeat_with_none_waiting_gives_the_worker_time(client):
    """After a quiet spell the check asks again and waits before it blames."""
    long_ago = timezone.now() - timedelta(days=1)
    worker_heartbeat.enqueue()
    _beats().update(
        status=TaskResultStatus.SUCCESSFUL, enqueued_at=long_ago, finished_at=long_ago
    )
    assert _health(client)[0] == 200
    assert _beats().filter(status=TaskResultStatus.READY).count() == 1


def test_an_unapplied_migration_fails_the_migrations_check(client):
    latest = MigrationRecorder.Migration.objects.filter(app="survey").latest("id")
    latest.delete()
    status, body = _health(client)
    assert status == 503
    # The worker is not asked of a database whose tables may not all exist yet.
    assert body["checks"] == {**_all_ok(), "migrations": "fail", "worker": "skipped"}


def test_a_missing_tasks_table_fails_the_worker_check_not_the_page(client, monkeypatch):
    def missing(*args, **kwargs):
        raise OperationalError("no such table: django_tasks_database_dbtaskresult")

    monkeypatch.setattr(DBTaskResult.objects, "filter", missing)
    status, body = _health(client)
    assert status == 503
    assert body["checks"] == {**_all_ok(), "worker": "fail"}


def test_a_database_that_does_not_answer_fails_and_skips_what_needs_it(
    client, monkeypatch
):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    status, body = _health(client)
    assert status == 503
    assert body["checks"] == {
        "database": "fail",
        "migrations": "skipped",
        "worker": "skipped",
        "disk": "ok",
    }


def test_too_little_free_space_for_media_fails_the_disk_check(client, settings):
    settings.DTI_HEALTH_MIN_FREE_MB = 10**12
    status, body = _health(client)
    assert status == 503
    assert body["checks"] == {**_all_ok(), "disk": "fail"}
    assert str(settings.MEDIA_ROOT) not in str(body)


def test_a_missing_media_folder_fails_the_disk_check_without_saying_where(
    client, settings, caplog
):
    settings.MEDIA_ROOT = settings.MEDIA_ROOT / "gone"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["disk"] == "fail"
    assert b"gone" not in response.content
    # The operator finds the reason in the log.
    assert "gone" in caplog.text


def test_a_probe_over_plain_http_is_answered_not_redirected(client, settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 301


def test_a_failing_check_is_a_warning_in_the_log_not_a_mail_at_every_poll(
    client, settings, caplog
):
    settings.DEBUG = False
    settings.ADMINS = [("An", "an@so.gov.vn")]
    settings.DTI_HEALTH_MIN_FREE_MB = 10**12
    for _ in range(3):
        assert client.get(reverse("healthz")).status_code == 503
    assert mail.outbox == []
    failures = [r for r in caplog.records if r.name == "survey.services.health"]
    assert [r.levelname for r in failures] == ["WARNING"] * 3
    assert not [r for r in caplog.records if r.name == "django.request"]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_process_is_seen_alive_then_stopped(client, settings):
    """`manage.py db_worker` as the service runs it: alive while it runs, reported
    once a heartbeat has waited longer than the limit after it stopped."""
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1"]
        + ["--no-startup-delay", "--no-reload"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": _database_url()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _health(client)[0] == 200
        assert _wait_for(
            lambda: _beats().filter(status=TaskResultStatus.SUCCESSFUL).exists()
        )
        assert _health(client) == (200, {"status": "ok", "checks": _all_ok()})
        # That check asked for the next heartbeat: the worker runs it too.
        assert _wait_for(
            lambda: not _beats().exclude(status=TaskResultStatus.SUCCESSFUL).exists()
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    settings.DTI_WORKER_HEARTBEAT_SECONDS = 1
    time.sleep(1.1)
    # The last heartbeat is too old; a new one is asked for and given its time.
    assert _health(client)[0] == 200
    time.sleep(1.1)
    status, body = _health(client)
    assert status == 503
    assert body["checks"]["worker"] == "fail"
