import importlib
import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session", autouse=True)
def _flush_around_audit_triggers():
    """Let a transactional test's flush empty the append-only audit table on SQLite.

    PostgreSQL's flush uses TRUNCATE, which row triggers do not see; SQLite's uses
    DELETE, which the trigger refuses. Only the test flush lifts it, and only for the
    statements of the flush itself.
    """
    from django.conf import settings as django_settings

    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    from django.db.backends.sqlite3.base import DatabaseOperations

    triggers = importlib.import_module("survey.migrations.0002_audit_append_only")
    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if "survey_auditevent" not in tables:
            return statements
        return [*triggers.SQLITE_BACKWARD, *statements, *triggers.SQLITE_FORWARD]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what one test's data left there (the
    holders of a group's best, throttling counts) never reaches another's."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _mail_tasks_at_once(request):
    """A test that reads the outbox (``mailoutbox``) sends its mail at once: the
    tasks that send it run as they are queued instead of waiting for a worker.
    ``tests/survey/test_mail.py`` runs the real worker."""
    if "mailoutbox" not in request.fixturenames:
        yield
        return
    from django.test import override_settings

    immediate = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    with override_settings(TASKS={"default": immediate}):
        yield
