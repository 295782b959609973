from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from survey.models.answers import Assessment
from survey.models.frameworks import Node


class AnswerComment(models.Model):
    """One message of the thread about an indicator, between the unit and reviewers."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        RETURN = "return", _("Returned for correction")

    assessment = models.ForeignKey(
        Assessment,
        models.CASCADE,
        related_name="comments",
        verbose_name=_("assessment"),
    )
    node = models.ForeignKey(
        Node, models.PROTECT, related_name="comments", verbose_name=_("indicator")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMENT
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["assessment", "node", "created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["assessment", "node"])]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.node.code} · {self.author}"


class Notification(models.Model):
    """A message in a person's in-app inbox (also sent by mail)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("New comment")
        RETURNED = "returned", _("Items returned for correction")
        RESUBMITTED = "resubmitted", _("Corrections submitted")
        VERIFIED = "verified", _("Assessment verified")
        REMINDER = "reminder", _("Deadline reminder")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    assessment = models.ForeignKey(
        Assessment,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessment"),
    )
    node = models.ForeignKey(
        Node,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"


class ReminderLog(models.Model):
    """A deadline reminder sent to a unit; one a day at most (the constraint),
    whether the daily job sent it or the coordinator from the board."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the deadline")
        OVERDUE = "overdue", _("Overdue")
        MANUAL = "manual", _("Sent by the coordinator")

    assessment = models.ForeignKey(
        Assessment,
        models.CASCADE,
        related_name="reminders",
        verbose_name=_("assessment"),
    )
    sent_on = models.DateField(_("sent on"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    days = models.IntegerField(_("days to the deadline"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
        help_text=_("Empty when the daily job sent it."),
    )

    class Meta:
        ordering = ["-sent_on", "assessment"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "sent_on"], name="survey_reminderlog_daily"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.sent_on:%d/%m/%Y}"
