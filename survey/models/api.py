"""Machine access: personal API tokens, the feeds provincial systems send values
through, and the improvement plans units keep for next year.

A token is shown once when it is made and stored only as the SHA-256 digest of
its text; it carries exactly its account's permissions (``survey.permissions``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from survey.models.answers import Assessment
from survey.models.campaigns import Campaign
from survey.models.provinces import Province, ProvinceManager, default_province


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the token, shown in lists so that a person can tell
    # their tokens apart; never enough to use it.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class FeedSource(models.Model):
    """A provincial system that sends values, and for those that export files,
    the saved mapping of an export's columns: which column holds the unit's code
    and which column holds which indicator."""

    name = models.CharField(_("name"), max_length=120)
    province = models.ForeignKey(
        Province,
        models.PROTECT,
        default=default_province,
        related_name="feed_sources",
        verbose_name=_("province"),
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    unit_column = models.CharField(_("unit column"), max_length=120, blank=True)
    # Column header → indicator code.
    columns = models.JSONField(_("indicator columns"), default=dict, blank=True)
    sheet = models.CharField(_("sheet"), max_length=120, blank=True)
    header_row = models.PositiveSmallIntegerField(_("header row"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProvinceManager()
    unscoped = models.Manager()  # noqa: DJ012 (ruff takes the one above for a field)

    class Meta:
        verbose_name = _("feed source")
        verbose_name_plural = _("feed sources")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "name"], name="survey_feedsource_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FeedBatch(models.Model):
    """One batch of values received from a feed (an API call or an imported
    file), kept under the caller's idempotency key: the same key sent again by
    the same account gets the stored reply and writes nothing."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="feed_batches",
        verbose_name=_("account"),
    )
    token = models.ForeignKey(
        ApiToken,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("API token"),
    )
    feed_source = models.ForeignKey(
        FeedSource,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("feed source"),
    )
    source = models.CharField(_("source"), max_length=120)
    campaign = models.ForeignKey(
        Campaign,
        models.CASCADE,
        related_name="feed_batches",
        verbose_name=_("campaign"),
    )
    key = models.CharField(_("idempotency key"), max_length=120)
    # SHA-256 of the request's canonical form: a key sent again with other
    # values is refused, not replayed.
    digest = models.CharField(_("digest"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    response = models.JSONField(_("reply"), default=dict, blank=True)
    saved = models.PositiveIntegerField(_("values stored"), default=0)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feed batch")
        verbose_name_plural = _("feed batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="survey_feedbatch_user_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.key}"


class ImprovementPlan(models.Model):
    """A unit's plan for next year, made in the scorecard's planner: target
    answers per indicator, with the responsible unit and a date. It never
    changes the assessment's answers."""

    assessment = models.OneToOneField(
        Assessment,
        models.CASCADE,
        related_name="improvement_plan",
        verbose_name=_("assessment"),
    )
    # [{"code", "target": {answer fields}, "responsible", "due" (ISO date)}]
    items = models.JSONField(_("items"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")

    def __str__(self) -> str:
        return f"{self.assessment}"
