"""Who sees what: a person's roles and the data within their scope."""

from django.db.models import QuerySet

from survey.models import (
    Assessment,
    Membership,
    Unit,
)


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


UNIT_STAFF_ROLES = frozenset({Membership.Role.EDITOR, Membership.Role.APPROVER})


def assessment_list_for_unit_staff(*, user) -> QuerySet[Assessment]:
    """Assessments ``user`` fills or approves: those of the units where they are an
    editor or an approver. The questionnaire's pages are for them only; reviewers
    work on the verification screens, province-wide roles on the board."""
    qs = Assessment.objects.select_related("campaign", "unit", "version")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    unit_ids = Membership.objects.filter(
        user=user, role__in=UNIT_STAFF_ROLES, unit__isnull=False
    ).values("unit_id")
    return qs.filter(unit_id__in=unit_ids)


def reviewer_in_scope(*, user, unit: Unit, node) -> bool:
    """Whether ``user`` reviews ``node`` of ``unit``: no indicator list means all of
    them; a list names indicators (matched by code, so it carries across versions)."""
    memberships = Membership.objects.filter(
        user=user, unit=unit, role=Membership.Role.REVIEWER
    ).prefetch_related("indicators")
    for membership in memberships:
        codes = {indicator.code for indicator in membership.indicators.all()}
        if not codes or node.code in codes:
            return True
    return False


def reviewer_codes(*, user, unit: Unit) -> set[str] | None:
    """Codes of the indicators ``user`` reviews for ``unit``: None means all of
    them (coordinator, or a reviewer without an indicator list); empty means none."""
    roles = user_roles(user=user, unit=unit)
    if Membership.Role.COORDINATOR in roles:
        return None
    codes: set[str] = set()
    memberships = Membership.objects.filter(
        user=user, unit=unit, role=Membership.Role.REVIEWER
    ).prefetch_related("indicators")
    for membership in memberships:
        mine = {indicator.code for indicator in membership.indicators.all()}
        if not mine:
            return None
        codes |= mine
    return codes


def visible_codes(*, user, unit: Unit) -> set[str] | None:
    """Codes of ``unit``'s indicators that ``user`` may see: None means all of them
    (unit and province-wide roles, a reviewer without an indicator list)."""
    roles = user_roles(user=user, unit=unit)
    if roles - {Membership.Role.REVIEWER}:
        return None
    if not roles:
        return set()
    return reviewer_codes(user=user, unit=unit)


def staff_unit_ids(*, user) -> set[int]:
    """Units where ``user`` is an editor or an approver."""
    return set(
        Membership.objects.filter(
            user=user, role__in=UNIT_STAFF_ROLES, unit__isnull=False
        ).values_list("unit_id", flat=True)
    )


def user_role_names(*, user) -> set[str]:
    """Every role ``user`` holds anywhere (for menus; permissions use scoped checks)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


RESULTS_SHARED_STATES = ("preliminary", "published", "reopened")


def results_shared_with(*, user, assessment: Assessment) -> bool:
    """Whether ``user`` may see the unit's rank and its group's figures: the province
    and the unit's reviewers always; the unit itself once the coordinator has shared
    the preliminary results (DESIGN §2, step 5)."""
    if assessment.campaign.state in RESULTS_SHARED_STATES:
        return True
    roles = user_roles(user=user, unit=assessment.unit)
    return bool(roles - UNIT_STAFF_ROLES)
