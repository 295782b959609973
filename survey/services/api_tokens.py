"""Personal API tokens: made and revoked by their owner or by a coordinator,
shown once, stored as a SHA-256 digest, valid until they expire.

A token's text is ``dti_`` followed by its prefix, ``_`` and a random secret.
Tokens are long random strings, not passwords: a fast digest is enough and lets
each request find its token by an indexed lookup.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from survey.errors import SurveyError
from survey.models import ApiToken, AuditEvent
from survey.selectors.api_tokens import may_manage_tokens
from survey.services.audit import audit_record

TOKEN_PREFIX = "dti_"
# A token is used at most this often before its "last used" time is written
# again: a feed posting every second does not write on every request.
LAST_USED_STEP = timedelta(minutes=5)


def token_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _may_manage(*, actor, owner) -> bool:
    return may_manage_tokens(actor=actor, owner=owner)


@transaction.atomic
def api_token_create(*, actor, owner, name: str, days: int) -> tuple[ApiToken, str]:
    """Make a token for ``owner`` valid ``days`` days; returns it and its text,
    which is never shown again. Only the owner or a coordinator may."""
    if not _may_manage(actor=actor, owner=owner):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise SurveyError(_("Give the token a name."))
    longest = settings.DTI_API_TOKEN_MAX_DAYS
    if not 1 <= days <= longest:
        raise SurveyError(
            _("A token is valid from 1 to %(days)d days.") % {"days": longest}
        )
    prefix = secrets.token_hex(4)
    text = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=owner,
        name=name,
        prefix=prefix,
        digest=token_digest(text),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ACCOUNT,
        obj=owner,
        before={},
        after={"api_token": token.prefix, "name": name, "days": days},
        reason=_("API token created"),
    )
    return token, text


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> None:
    """Revoke ``token`` now (its owner or a coordinator); revoking twice is
    harmless."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not _may_manage(actor=actor, owner=token.user):
        raise PermissionDenied
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ACCOUNT,
        obj=token.user,
        before={"api_token": token.prefix},
        after={"api_token": token.prefix, "revoked": True},
        reason=_("API token revoked"),
    )


def api_token_authenticate(text: str) -> ApiToken | None:
    """The live token whose text is ``text`` (not revoked, not expired, its
    account active), with its user; None otherwise."""
    if not text or not text.startswith(TOKEN_PREFIX) or len(text) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(text), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_STEP:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
