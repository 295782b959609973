"""Who sees what: the units, indicators and assessments where a person may take an
action of the permission table (:mod:`survey.permissions`), for list pages.

A province-wide role counts everywhere; a unit role for its own unit, every
indicator of it except a reviewer's, who counts for the indicators their membership
lists (:func:`survey.permissions.membership_codes`). One :class:`Scope` per action,
read in one query, answers for every unit of a list.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from survey import states
from survey.models import Assessment, Membership, Unit
from survey.permissions import BY_CODE

REVIEWER = Membership.Role.REVIEWER


def reviewer_memberships() -> QuerySet[Membership]:
    """Reviewers' memberships with their indicators, to filter further."""
    return Membership.objects.filter(role=REVIEWER).prefetch_related("indicators")


@dataclass(frozen=True)
class Scope:
    """Where a person may take an action: everywhere in their province (a
    province-wide role), or per unit id the codes of the indicators (None: all of
    the unit's)."""

    everywhere: bool = False
    # With ``everywhere``: the province it covers.
    province_id: int | None = None
    units: Mapping[int, frozenset[str] | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.everywhere or bool(self.units)

    def codes(self, *, unit_id: int) -> frozenset[str] | None:
        """Codes of the unit's indicators in scope: None means all, empty none."""
        if self.everywhere:
            return None
        return self.units.get(unit_id, frozenset())

    def allows(self, *, unit_id: int, code: str | None = None) -> bool:
        """Whether the unit (and its indicator ``code``, if given) is in scope."""
        if not self.everywhere and unit_id not in self.units:
            return False
        codes = self.codes(unit_id=unit_id)
        return code is None or codes is None or code in codes

    def allows_code(self, code: str) -> bool:
        """Whether some unit in scope has indicator ``code`` in scope."""
        return self.everywhere or any(
            codes is None or code in codes for codes in self.units.values()
        )


def action_scope(*, user, action: str, unit: Unit | None = None) -> Scope:
    """Where ``user`` may take ``action`` (only ``unit``, if given): everywhere for
    a province-wide role that grants it; for a unit role, its unit."""
    if not user.is_authenticated or not user.is_active:
        return Scope()
    roles = BY_CODE[action].roles
    memberships = Membership.unscoped.filter(user=user, role__in=list(roles))
    if unit is not None:
        memberships = memberships.filter(
            Q(unit__isnull=True, province_id=unit.province_id) | Q(unit=unit)
        )
    rows = list(memberships.values_list("pk", "role", "unit_id", "province_id"))
    for _pk, role, _unit, province_id in rows:
        if role in Membership.PROVINCE_ROLES:
            return Scope(everywhere=True, province_id=province_id)
    rows = [(pk, role, unit_id) for pk, role, unit_id, _p in rows]
    listed = _listed_codes(
        memberships=memberships, reviews=any(role == REVIEWER for _p, role, _u in rows)
    )
    units: dict[int, frozenset[str] | None] = {}
    for pk, role, unit_id in rows:
        # as membership_codes reads one membership: none listed means all
        mine = (frozenset(listed.get(pk, ())) or None) if role == REVIEWER else None
        known = units.get(unit_id, frozenset())
        both = None if mine is None or known is None else known | mine
        units[unit_id] = both
    return Scope(units=units)


def _listed_codes(*, memberships, reviews: bool) -> dict[int, set[str]]:
    """Codes of the indicators each reviewer membership among ``memberships`` lists
    (one query, none without reviewers): a person may review thousands of units."""
    if not reviews:
        return {}
    through = Membership.indicators.through.objects.filter(
        membership__in=memberships.filter(role=REVIEWER)
    )
    listed: dict[int, set[str]] = {}
    for membership_id, code in through.values_list("membership_id", "node__code"):
        listed.setdefault(membership_id, set()).add(code)
    return listed


def assessments_for(*, user, action: str) -> QuerySet[Assessment]:
    """Assessments of the units where ``user`` may take ``action``."""
    scope = action_scope(user=user, action=action)
    qs = Assessment.unscoped.select_related("campaign", "unit", "version")
    if scope.everywhere:
        return qs.filter(campaign__province_id=scope.province_id)
    return qs.filter(unit_id__in=list(scope.units))


def indicator_codes(*, user, action: str, unit: Unit) -> frozenset[str] | None:
    """Codes of ``unit``'s indicators on which ``user`` may take ``action``: None
    means all of them, empty none."""
    return action_scope(user=user, action=action, unit=unit).codes(unit_id=unit.pk)


def results_visible(*, assessment: Assessment, early: Scope) -> bool:
    """Whether a unit's rank and its group's figures show to a person who may see
    the assessment: once the results are shared with the units, and before that
    where ``early`` (their scope of ``view_unshared_results``) reaches."""
    shared = assessment.campaign.state in states.RESULTS_SHARED
    return shared or early.allows(unit_id=assessment.unit_id)
