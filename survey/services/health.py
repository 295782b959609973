"""What ``/healthz`` reports: the database answers, every migration is applied, the
task worker runs tasks, and the media folder has room.

The worker proves itself by running :data:`worker_heartbeat`. Each health check
enqueues one when none is waiting; the worker counts as alive while the newest
heartbeat ran within ``DTI_WORKER_HEARTBEAT_SECONDS`` or the one waiting has waited
less than that. A worker that stopped, or a queue stuck behind it, leaves a
heartbeat waiting too long. At most one heartbeat waits and one finished is kept,
however often the check is asked.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

OK, FAIL, SKIPPED = "ok", "fail", "skipped"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    # For the log only: never shown to the caller of /healthz.
    detail: str = ""


@dataclass(frozen=True)
class HealthReport:
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(check.status == OK for check in self.checks)

    def public(self) -> dict:
        """What anyone may read: each check's name and outcome, nothing more."""
        return {
            "status": OK if self.ok else FAIL,
            "checks": {check.name: check.status for check in self.checks},
        }


@task()
def worker_heartbeat() -> None:
    """Proof that the worker runs tasks; the finished heartbeats before it go."""
    DBTaskResult.objects.filter(
        task_path=worker_heartbeat.module_path,
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
    ).delete()


def database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check("database", FAIL, f"{type(error).__name__}: {error}")
    return Check("database", OK)


def migrations_check() -> Check:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan)
        return Check("migrations", FAIL, f"not applied: {names}")
    return Check("migrations", OK)


def worker_check(*, now: datetime | None = None) -> Check:
    now = now or timezone.now()
    limit = timedelta(seconds=settings.DTI_WORKER_HEARTBEAT_SECONDS)
    beats = DBTaskResult.objects.filter(task_path=worker_heartbeat.module_path)
    last_run = (
        beats.filter(status=TaskResultStatus.SUCCESSFUL)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    waiting_since = (
        beats.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    if waiting_since is None:
        worker_heartbeat.enqueue()
        waiting_since = now
    if last_run is not None and now - last_run <= limit:
        return Check("worker", OK)
    if now - waiting_since <= limit:
        return Check("worker", OK, "heartbeat waiting")
    return Check(
        "worker",
        FAIL,
        f"heartbeat waiting since {waiting_since.isoformat()}, last run "
        f"{last_run.isoformat() if last_run else 'never'}",
    )


def disk_check() -> Check:
    minimum = settings.DTI_HEALTH_MIN_FREE_MB * 1024 * 1024
    try:
        free = shutil.disk_usage(settings.MEDIA_ROOT).free
    except OSError as error:
        return Check("disk", FAIL, f"media folder unreadable: {error}")
    if free < minimum:
        return Check("disk", FAIL, f"{free // (1024 * 1024)} MB free for media")
    return Check("disk", OK)


def health_report() -> HealthReport:
    """Every check; those that need the database are skipped when it is down.
    Failures are logged with their details."""
    database = database_check()
    if database.status != OK:
        checks = [database, Check("migrations", SKIPPED), Check("worker", SKIPPED)]
    else:
        migrations = migrations_check()
        if migrations.status != OK:
            # The tasks' table may not exist yet: the worker cannot be asked.
            checks = [database, migrations, Check("worker", SKIPPED)]
        else:
            try:
                worker = worker_check()
            except DatabaseError as error:
                worker = Check("worker", FAIL, f"{type(error).__name__}: {error}")
            checks = [database, migrations, worker]
    checks.append(disk_check())
    report = HealthReport(checks)
    for check in checks:
        if check.status == FAIL:
            logger.warning("Health check %s failed: %s", check.name, check.detail)
    return report
