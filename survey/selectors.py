"""Reads: every query the views and services need, in one place."""

from django.db.models import QuerySet

from survey.models import Assessment, Membership, Unit


def user_roles(*, user, unit: Unit | None = None) -> set[str]:
    """Roles ``user`` holds for ``unit`` (unit roles) plus province-wide roles."""
    if not user.is_authenticated or not user.is_active:
        return set()
    memberships = Membership.objects.filter(user=user)
    roles = set()
    for role, unit_id in memberships.values_list("role", "unit_id"):
        if role in Membership.PROVINCE_ROLES or (unit and unit_id == unit.pk):
            roles.add(role)
    return roles


def assessment_list_for_user(*, user) -> QuerySet[Assessment]:
    """Assessments ``user`` may see: their units', their review scope, or all."""
    qs = Assessment.objects.select_related("campaign", "unit", "version")
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if roles & Membership.PROVINCE_ROLES:
        return qs
    unit_ids = Membership.objects.filter(user=user, unit__isnull=False).values(
        "unit_id"
    )
    return qs.filter(unit_id__in=unit_ids)
