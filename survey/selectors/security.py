"""Reads of the site's security settings and of people's second factors."""

from django_otp import user_has_device

from survey.models import Membership, SecuritySettings
from survey.permissions import can
from survey.selectors.provinces import several_provinces

# The roles that the coordinator can oblige to sign in with a second factor.
TWO_FACTOR_ROLES = (Membership.Role.COORDINATOR, Membership.Role.REVIEWER)


def security_settings() -> SecuritySettings:
    """The one row of settings, or the defaults (unsaved) before anyone changed
    them: reading them never writes."""
    return SecuritySettings.objects.filter(pk=1).first() or SecuritySettings(pk=1)


def security_settings_editable(*, user) -> bool:
    """Whether ``user`` may change the site's security settings, which bind
    every province: the installation's administrator (a superuser) always; a
    coordinator only while the installation holds one province."""
    if user.is_superuser and user.is_active:
        return True
    if several_provinces():
        return False
    return can(user=user, action="manage_accounts")


def two_factor_enabled(*, user) -> bool:
    """Whether ``user`` has a confirmed second factor."""
    return user_has_device(user, confirmed=True)


def two_factor_required(*, user) -> bool:
    """Whether ``user`` must sign in with a second factor: the coordinator asks it
    of coordinators and reviewers."""
    if not security_settings().two_factor_required:
        return False
    return user.memberships.filter(role__in=TWO_FACTOR_ROLES).exists()
