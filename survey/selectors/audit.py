"""Reads of the audit trail screen."""

from django.db.models import QuerySet

from survey.models import (
    Assessment,
    AuditEvent,
)


def audit_search(
    *, actor: str = "", action: str = "", unit: str = "", date_from=None, date_to=None
) -> QuerySet[AuditEvent]:
    """Audit events filtered by actor (user name), action, unit code and dates
    (inclusive, in local time), newest first."""
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    if actor:
        events = events.filter(actor__username__iexact=actor)
    if action:
        events = events.filter(action=action)
    if unit:
        ids = Assessment.objects.filter(unit__code__iexact=unit).values("pk")
        events = events.filter(assessment_id__in=ids)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    return events
