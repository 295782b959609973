from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from survey.audit_chain import GENESIS, link_hash


class AuditChainHead(models.Model):
    """The newest link of the audit chain, in one row (``pk`` 1).

    Appending locks it (``SELECT ... FOR UPDATE``), so that events are chained
    one after the other even when requests write them at once; and it names the
    last event, so that removing events from the end of the trail shows too.
    """

    seq = models.PositiveBigIntegerField(_("last sequence number"), default=0)
    hash = models.CharField(_("last hash"), max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.seq} {self.hash}"


def _provinces_fill(events: list["AuditEvent"], using: str) -> None:
    """Events written outside a request name no province: they take the one of
    the assessment they name (one query for them all)."""
    wanted = {
        e.assessment_id
        for e in events
        if e.province_id is None and e.assessment_id is not None
    }
    if not wanted:
        return
    from survey.models.answers import Assessment

    provinces = dict(
        Assessment.unscoped.using(using)
        .filter(pk__in=wanted)
        .values_list("pk", "campaign__province_id")
    )
    for event in events:
        if event.province_id is None and event.assessment_id is not None:
            event.province_id = provinces.get(event.assessment_id)


def _chain(events: list["AuditEvent"], using: str) -> None:
    """Number and hash ``events`` after the chain's head, and move the head.

    Call inside a transaction: the head stays locked until it ends (on SQLite
    the IMMEDIATE transaction holds the database's write lock already).
    """
    heads = AuditChainHead.objects.using(using).select_for_update()
    head = heads.filter(pk=1).first()
    if head is None:  # a new or flushed database: start from the last event, if any
        last = AuditEvent.objects.using(using).order_by("-seq").first()
        AuditChainHead.objects.using(using).bulk_create(
            [
                AuditChainHead(
                    pk=1,
                    seq=last.seq if last else 0,
                    hash=last.hash if last else GENESIS,
                )
            ],
            ignore_conflicts=True,
        )
        head = heads.get(pk=1)
    _provinces_fill(events, using=using)
    for event in events:
        event.at = event.at or timezone.now()
        event.seq = head.seq + 1
        event.prev_hash = head.hash
        event.hash = link_hash(head.hash, event)
        head.seq, head.hash = event.seq, event.hash
    head.save(using=using, update_fields=["seq", "hash"])


class AuditEventQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Appends chained like :meth:`AuditEvent.save`, in the order given."""
        objs = list(objs)
        self._for_write = True  # self.db is then the database written to
        with transaction.atomic(using=self.db, savepoint=False):
            _chain(objs, using=self.db)
            return super().bulk_create(objs, *args, **kwargs)


class AuditEvent(models.Model):
    """Append-only: the database refuses UPDATE and DELETE (migration 0002), and
    each event is chained to the one before it by a hash (``survey.audit_chain``):
    every way the ORM appends (``save``, ``create``, ``bulk_create``) chains."""

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

    # Set when the event is chained (it is part of the hash), unless given.
    at = models.DateTimeField(_("at"), editable=False, db_index=True)
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
    # The province whose trail the event belongs to (none: the installation's,
    # such as a failed login of an unknown name). Not part of the hash: it says
    # where the event is listed, and the assessment it names is chained.
    province_id = models.BigIntegerField(
        _("province"), null=True, blank=True, db_index=True
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    seq = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%d/%m/%Y %H:%M} {self.get_action_display()} {self.object_type}"
        )

    def save(self, *args, **kwargs):
        """A new event is chained to the last one; changing one is refused by
        the database anyway."""
        if not self._state.adding:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            _chain([self], using=using)
            return super().save(*args, **kwargs)
