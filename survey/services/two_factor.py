"""Two-factor sign-in: a TOTP device (an authenticator app) and one-time backup
codes (django-otp's static device), and the coordinator's requirement."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from survey.errors import SurveyError
from survey.models import AuditEvent, SecuritySettings
from survey.selectors.security import security_settings_editable, two_factor_required
from survey.services.audit import audit_record

DEVICE_NAME = "default"
WRONG_CODE = _(
    "The code is wrong or too old, or too many codes were tried: wait a moment "
    "and type the code your app shows now."
)


def totp_setup_device(*, user) -> TOTPDevice:
    """The unconfirmed TOTP device that ``user`` is setting up: the same one until
    it is confirmed, so that reloading the page keeps the secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_qr_svg(*, device: TOTPDevice) -> str:
    """The device's ``otpauth://`` address as a QR code, SVG markup to inline."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, border=2
    )
    return image.to_string(encoding="unicode")


def totp_secret_text(*, device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def two_factor_enable(*, user, device: TOTPDevice, token: str) -> list[str]:
    """Confirm ``device`` with a code it shows and give ``user`` new backup codes
    (returned, to be shown once). Wrong code: :class:`SurveyError`."""
    # Checked before the transaction, so that a wrong code's throttling is kept.
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        raise SurveyError(WRONG_CODE, code="wrong_code")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _backup_codes_replace(user=user)
        audit_record(
            actor=user,
            action=AuditEvent.Action.ACCOUNT,
            obj=user,
            after={"two_factor": "enabled"},
        )
    return codes


def _backup_codes_replace(*, user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.DTI_BACKUP_CODES)]
    StaticToken.objects.bulk_create(
        StaticToken(device=static, token=code) for code in codes
    )
    return codes


def two_factor_verify(*, user, token: str):
    """The device that accepts ``token`` (an app's code or an unused backup code,
    which is then spent); wrong or throttled: :class:`SurveyError`."""
    device = match_token(user, (token or "").replace(" ", "").lower())
    if device is None:
        raise SurveyError(WRONG_CODE, code="wrong_code")
    return device


def two_factor_disable(*, user, token: str) -> None:
    """Remove ``user``'s second factor, after a code proves it is theirs. Refused
    when their role requires one."""
    if two_factor_required(user=user):
        raise SurveyError(
            _("Your role requires two-factor sign-in: it cannot be turned off."),
            code="required",
        )
    # Checked before the transaction, so that a wrong code's throttling is kept.
    two_factor_verify(user=user, token=token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(
            actor=user,
            action=AuditEvent.Action.ACCOUNT,
            obj=user,
            after={"two_factor": "disabled"},
        )


def backup_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def two_factor_requirement_set(*, required: bool, user) -> bool:
    """Require (or not) a second factor of coordinators and reviewers; True when
    the setting changed. Raises ``PermissionDenied`` unless ``user`` may change
    the site's settings (:func:`security_settings_editable`)."""
    if not security_settings_editable(user=user):
        raise PermissionDenied
    current = SecuritySettings.objects.select_for_update().get_or_create(pk=1)[0]
    if current.two_factor_required == required:
        return False
    current.two_factor_required = required
    current.save(update_fields=["two_factor_required", "updated_at"])
    audit_record(
        actor=user,
        action=AuditEvent.Action.ACCOUNT,
        obj=current,
        before={"two_factor_required": not required},
        after={"two_factor_required": required},
    )
    return True
