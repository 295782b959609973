from typing import Any

from django.db import models

from survey.models import AuditEvent


def audit_record(
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
) -> AuditEvent:
    """Append one event to the audit trail (who, when, what, before and after)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        assessment_id=assessment_id,
        before=before,
        after=after,
        reason=reason,
        ip=ip,
    )
