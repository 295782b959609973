"""Appending to the audit trail (append-only: see ``docs/audit.md``).

Every event records the address of the request that caused it: the views need not
pass it, :class:`survey.middleware.AuditRequestMiddleware` keeps it for the
duration of each request (:func:`request_ip` reads it), and :func:`audit_record`
takes it when no other is given. Events outside a request (commands, the daily
job) have none.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile

from common.client_ip import cached_proxy_networks, client_address
from survey import province_scope
from survey.models import AuditEvent

# Never copied into the trail, whatever the model (a password hash is a secret too).
SECRET_FIELDS = frozenset({"password"})

# The address of the request being served, for the events it causes.
_current_ip: ContextVar[str | None] = ContextVar("audit_current_ip", default=None)


def audit_record(**fields: Any) -> AuditEvent:
    """Append one event to the audit trail (who, when, what, before and after);
    it takes the arguments of :func:`audit_event`, whose ``ip`` defaults to the
    address of the request being served."""
    event = audit_event(**fields)
    event.save(force_insert=True)
    return event


def audit_event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    assessment_id: int | None = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    ip: str | None = None,
    province_id: int | None = None,
) -> AuditEvent:
    """The event :func:`audit_record` appends, not saved yet: many of them are
    appended at once with ``AuditEvent.objects.bulk_create``. It is listed in
    the trail of ``province_id``, by default the province of the request (or of
    the assessment it names)."""
    if ip is None:
        ip = _current_ip.get()
    if province_id is None and isinstance(province_scope.current(), int):
        # outside a request, the event takes its assessment's when appended
        province_id = province_scope.current()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        assessment_id=assessment_id,
        before=before,
        after=after,
        reason=reason,
        ip=ip,
        province_id=province_id,
    )


def request_ip(request) -> str | None:
    """The address a request came from, as the trail and the login throttling
    see it: the only place that reads it. The peer's address, or behind the
    proxies of ``DTI_TRUSTED_PROXIES`` the client's from ``X-Forwarded-For``
    (:mod:`common.client_ip`)."""
    if request is None:
        return None
    return client_address(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        cached_proxy_networks(tuple(settings.DTI_TRUSTED_PROXIES)),
    )


@contextmanager
def audit_ip(ip: str | None) -> Iterator[None]:
    """Within the block, events record ``ip`` unless given another."""
    token = _current_ip.set(ip)
    try:
        yield
    finally:
        _current_ip.reset(token)


# Account events ----------------------------------------------------------------------


def password_reset_request_record(
    *, email: str, users: list, ip: str | None, throttled: bool = False
) -> None:
    """A password reset was asked for ``email``: one event per account that gets the
    mail, or one carrying the address typed when none does (probing shows).
    ``throttled``: too many requests for the address, no mail was sent."""
    action = AuditEvent.Action.PASSWORD_RESET_REQUEST
    reason = "throttled: no mail sent" if throttled else ""
    for user in users:
        audit_record(actor=None, action=action, obj=user, ip=ip, reason=reason)
    if not users:
        audit_record(
            actor=None,
            action=action,
            object_type="user",
            after={"email": email},
            ip=ip,
            reason=reason,
        )


def password_reset_record(*, user, ip: str | None) -> AuditEvent:
    """``user`` chose a new password through the mailed link (never stored)."""
    return audit_record(
        actor=user, action=AuditEvent.Action.PASSWORD_RESET, obj=user, ip=ip
    )


# Changes made in the Django admin ----------------------------------------------------


def audit_snapshot(*, obj: models.Model) -> dict[str, Any]:
    """The values of ``obj``'s fields as JSON data (a foreign key as its id, a
    many-to-many field as the sorted ids), secrets left out."""
    values = {
        f.name: _jsonable(f.value_from_object(obj))
        for f in obj._meta.concrete_fields
        if f.name not in SECRET_FIELDS
    }
    if obj.pk is not None:
        for f in obj._meta.many_to_many:
            related = getattr(obj, f.name).values_list("pk", flat=True)
            values[f.name] = sorted(related)
    return values


def admin_change_record(
    *,
    user,
    obj: models.Model,
    object_id: str,
    before: dict | None,
    after: dict | None,
    ip: str | None,
) -> AuditEvent | None:
    """A save or a deletion made in the Django admin: ``before`` None for an
    addition, ``after`` None for a deletion. A change keeps only the fields that
    changed, on both sides; a save that changed nothing writes nothing."""
    if before is not None and after is not None:
        changed = [
            k for k in after.keys() | before.keys() if before.get(k) != after.get(k)
        ]
        if not changed:
            return None
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after.get(k) for k in sorted(changed)}
    return audit_record(
        actor=user,
        action=AuditEvent.Action.ADMIN,
        object_type=obj._meta.label_lower,
        object_id=object_id,
        assessment_id=_assessment_id(obj),
        before=before,
        after=after,
        ip=ip,
    )


def _assessment_id(obj: models.Model) -> int | None:
    """The assessment an object belongs to, so that a unit's search finds it."""
    if obj._meta.label_lower == "survey.assessment":
        return obj.pk
    return getattr(obj, "assessment_id", None)


def _jsonable(value) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or ""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)
