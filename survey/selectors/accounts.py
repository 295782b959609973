"""The accounts a coordinator manages: the people of their province."""

from django.db.models import QuerySet

from survey import province_scope
from survey.models import Membership, User
from survey.selectors.provinces import several_provinces


def province_accounts() -> QuerySet[User]:
    """The accounts of the request's province: the people holding a role in it
    (the installation's administrator, outside any province, sees every
    account). Another province's account is not found by id either. With a
    single province, every account but a national coordinator's, as before
    there were provinces: one whose last role was removed stays listed, so that
    it can still be deactivated."""
    if province_scope.current() is province_scope.UNSCOPED:
        return User.objects.all()
    if isinstance(province_scope.current(), int) and not several_provinces():
        national = Membership.unscoped.filter(role=Membership.Role.NATIONAL)
        return User.objects.exclude(pk__in=national.values("user_id"))
    return User.objects.filter(pk__in=Membership.objects.values("user_id"))


def province_reviewers() -> QuerySet[User]:
    """Active accounts holding a reviewer's role in the request's province."""
    reviewing = Membership.objects.filter(role=Membership.Role.REVIEWER)
    return User.objects.filter(is_active=True, pk__in=reviewing.values("user_id"))
