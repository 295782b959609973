from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Append-only: the database refuses UPDATE and DELETE (migration 0002)."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        ANSWER_CHANGE = "answer_change", _("Answer changed")
        TRANSITION = "transition", _("State changed")
        VERDICT = "verdict", _("Verdict")
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")
        DOWNLOAD = "download", _("Download")
        FRAMEWORK = "framework", _("Framework changed")
        ACCOUNT = "account", _("Account changed")
        LOGOUT = "logout", _("Log out")
        PASSWORD_RESET_REQUEST = "reset_requested", _("Password reset requested")
        PASSWORD_RESET = "password_reset", _("Password reset")
        COMMENT = "comment", _("Message in a comment thread")
        ADMIN = "admin", _("Changed in the administration")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Users are deactivated, not deleted; the audit table refuses UPDATE anyway.
        models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        db_constraint=False,
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    assessment_id = models.BigIntegerField(_("assessment"), null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()} {self.object_type}"
        )
