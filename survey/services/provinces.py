"""Provinces of the installation and the accounts that run them: a province with
its first coordinator, and the national coordinator (the installation's
administrator, from the command line: ``province_add``, ``national_coordinator``).

A new account gets no password anyone knows: a link to choose one, printed for
the administrator to hand over and, with an address, mailed as the accounts
screen does (:func:`survey.services.accounts.accounts_create`)."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from survey.errors import SurveyError
from survey.models import AuditEvent, Membership, Province, User
from survey.services.accounts import password_links_send
from survey.services.audit import audit_record


@dataclass(frozen=True)
class AccountMade:
    """An account given a role: ``created`` when new, with ``link`` to choose
    its password (empty for an existing account, which keeps its own)."""

    user: User
    created: bool
    link: str


def password_link(user: User) -> str:
    """The page where ``user`` chooses a password (valid as long as Django's
    reset links, ``PASSWORD_RESET_TIMEOUT``)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("survey:password_reset_confirm", args=[uid, token])
    return settings.DTI_SITE_URL + path


@transaction.atomic
def province_create(*, code: str, name_vi: str, name_en: str = "") -> Province:
    """A new province; raises :class:`SurveyError` for a bad or taken code."""
    code = code.strip().lower()
    try:
        validate_slug(code)
    except ValidationError:
        raise SurveyError(
            f"The code {code!r} may hold only letters, digits, - and _."
        ) from None
    if len(code) > Province._meta.get_field("code").max_length:
        raise SurveyError(f"The code {code!r} is too long.")
    if not name_vi.strip():
        raise SurveyError("The province needs its Vietnamese name.")
    if Province.objects.filter(code=code).exists():
        raise SurveyError(f"A province with the code {code!r} exists already.")
    province = Province.objects.create(
        code=code, name_vi=name_vi.strip(), name_en=name_en.strip()
    )
    audit_record(
        actor=None,
        action=AuditEvent.Action.ADMIN,
        obj=province,
        after={"created": code},
        province_id=province.pk,
    )
    return province


@transaction.atomic
def coordinator_add(
    *, province: Province, username: str, email: str = ""
) -> AccountMade:
    """Make ``username`` (created when new) a coordinator of ``province``; an
    account working in another province, or the national one, is refused."""
    return _role_give(
        username=username,
        email=email,
        role=Membership.Role.COORDINATOR,
        province=province,
    )


@transaction.atomic
def national_coordinator_set(*, username: str, email: str = "") -> AccountMade:
    """Make ``username`` (created when new) the national coordinator; an
    account holding a role in a province is refused (a person works in one
    province, or nationally)."""
    return _role_give(
        username=username, email=email, role=Membership.Role.NATIONAL, province=None
    )


def _role_give(
    *, username: str, email: str, role: str, province: Province | None
) -> AccountMade:
    username = username.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise SurveyError(f"{email!r} is not a valid e-mail address.") from None
    user = User.objects.filter(username__iexact=username).first()
    created = user is None
    if created:
        try:
            User.username_validator(username)
        except ValidationError:
            raise SurveyError(
                "A user name has only letters, digits and the characters @ . + - _."
            ) from None
        user = User.objects.create_user(
            username, email=email, password=secrets.token_urlsafe(32)
        )
    held = Membership.unscoped.filter(user=user)
    mine = province.pk if province else None
    if held.exclude(province_id=mine).exists() or (
        province is not None and held.filter(role=Membership.Role.NATIONAL).exists()
    ):
        raise SurveyError(
            f"{user.username} already works in another province or nationally."
        )
    if email and not user.email:
        user.email = email
        user.save(update_fields=["email"])
    Membership.unscoped.get_or_create(
        user=user, unit=None, role=role, defaults={"province": province}
    )
    audit_record(
        actor=None,
        action=AuditEvent.Action.ACCOUNT,
        obj=user,
        after={"created": user.username, "role": role} if created else {"role": role},
        province_id=mine,
    )
    if created and user.email:
        emails = [user.email]
        transaction.on_commit(lambda: password_links_send(emails, None))
    return AccountMade(user, created, password_link(user) if created else "")
