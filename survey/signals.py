"""Audit events that Django's signals announce: logins, logouts, thread messages."""

from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import post_save
from django.dispatch import receiver

from survey.models import AnswerComment, AuditEvent
from survey.services.audit import audit_record, request_ip


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs) -> None:
    audit_record(actor=user, action="login", obj=user, ip=request_ip(request))


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs) -> None:
    audit_record(
        actor=None,
        action="login_failed",
        object_type="user",
        object_id=str(credentials.get("username", ""))[:40],
        ip=request_ip(request),
    )


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs) -> None:
    if user is None:  # no session to end: nothing happened
        return
    audit_record(
        actor=user, action=AuditEvent.Action.LOGOUT, obj=user, ip=request_ip(request)
    )


@receiver(post_save, sender=AnswerComment)
def record_comment(sender, instance: AnswerComment, created: bool, **kwargs) -> None:
    """Every message of a thread, however it was written (a reply, a return)."""
    if not created or kwargs.get("raw"):
        return
    audit_record(
        actor=instance.author,
        action=AuditEvent.Action.COMMENT,
        obj=instance,
        assessment_id=instance.assessment_id,
        after={
            "node": instance.node.code,
            "kind": instance.kind,
            "body": instance.body,
        },
    )
