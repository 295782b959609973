from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from survey.models import Campaign
from survey.models.provinces import ProvinceManager


class ReportExport(models.Model):
    """A report file built for a campaign; a published campaign's are kept."""

    class Kind(models.TextChoices):
        WORKBOOK = "workbook", _("Steering committee workbook (.xlsx)")
        ANNEX = "annex", _("Results annex of the decision (.docx)")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="exports", verbose_name=_("campaign")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    lang = models.CharField(_("language"), max_length=5, default="vi")
    committee = models.BooleanField(_("committee version"), default=False)
    campaign_state_version = models.PositiveIntegerField(
        _("campaign state version"), default=0
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="reports/%Y/", blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ProvinceManager.through("campaign__province")()
    unscoped = models.Manager()  # noqa: DJ012 (ruff takes the one above for a field)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_kind_display()} · {self.lang}"

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def filename(self) -> str:
        suffix = "-bcd" if self.committee else ""
        extension = "docx" if self.kind == self.Kind.ANNEX else "xlsx"
        return f"dti-{self.campaign.year}-{self.kind}{suffix}-{self.lang}.{extension}"
