"""Which province a person works in, and what the screens say of provinces."""

from survey import province_scope
from survey.models import Membership, Province

_CACHE = "_dti_province"


def province_of(user) -> Province | None:
    """The province of ``user``'s memberships (all of a person's memberships
    are in one province); None for a national coordinator, a person without a
    role, or a visitor. Kept on the user object for the request."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, _CACHE):
        mine = Province.objects.filter(memberships__user=user).order_by("pk")
        setattr(user, _CACHE, mine.first())
    return getattr(user, _CACHE)


def is_national(user) -> bool:
    """Whether ``user`` holds the national coordinator's role."""
    return (
        user.is_authenticated
        and user.is_active
        and Membership.unscoped.filter(
            user=user, role=Membership.Role.NATIONAL
        ).exists()
    )


def scope_for(user):
    """The province scope of ``user``'s requests (:mod:`survey.province_scope`):
    their province's id; None (national rows only) for a signed-in person
    without a province; nothing filtered for a visitor, or for the
    installation's administrator (a superuser without a province)."""
    if not user.is_authenticated:
        return province_scope.UNSCOPED
    province = province_of(user)
    if province is not None:
        return province.pk
    return province_scope.UNSCOPED if user.is_superuser else None


def several_provinces() -> bool:
    """Whether the installation holds more than one province: only then do the
    screens name provinces."""
    return Province.objects.count() > 1
