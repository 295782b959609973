"""Sliding-window counters that throttle requests (password reset mails), kept in
the database so that every server process sees the same counts."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from survey.models import ThrottleHit


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _lock(*, scope: str, digest: str) -> None:
    """Serialise the requests of one key until the transaction ends, so that
    requests at the same moment cannot all count below the limit. SQLite's
    writers already wait for each other (IMMEDIATE transactions)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"{scope}:{digest}"],
            )


@transaction.atomic
def throttle_hit(*, scope: str, key: str, limit: int, window: timedelta) -> bool:
    """Count one request of ``key`` in ``scope``; True while the requests within the
    last ``window`` (this one included) are at most ``limit``. Refused requests
    count too, so that one who keeps trying stays throttled."""
    now = timezone.now()
    digest = _digest(key)
    _lock(scope=scope, digest=digest)
    # Hits older than the window count no more, whatever their key.
    ThrottleHit.objects.filter(scope=scope, at__lt=now - window).delete()
    hits = ThrottleHit.objects.filter(scope=scope, key=digest)
    ThrottleHit.objects.create(scope=scope, key=digest, at=now)
    return hits.count() <= limit


def _reset_window() -> timedelta:
    return timedelta(minutes=settings.DTI_RESET_WINDOW_MINUTES)


def password_reset_ip_allowed(*, ip: str | None) -> bool:
    """Whether one more password reset request from ``ip`` is served."""
    return throttle_hit(
        scope="reset-ip",
        key=ip or "",
        limit=settings.DTI_RESET_REQUESTS_PER_IP,
        window=_reset_window(),
    )


def password_reset_mail_allowed(*, email: str) -> bool:
    """Whether one more reset mail goes to ``email`` (compared without case)."""
    return throttle_hit(
        scope="reset-mail",
        key=email.strip().casefold(),
        limit=settings.DTI_RESET_MAILS_PER_ADDRESS,
        window=_reset_window(),
    )
