from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from survey.services.audit import audit_record


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs) -> None:
    audit_record(actor=user, action="login", obj=user, ip=_ip(request))


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs) -> None:
    audit_record(
        actor=None,
        action="login_failed",
        object_type="user",
        object_id=str(credentials.get("username", ""))[:40],
        ip=_ip(request),
    )
