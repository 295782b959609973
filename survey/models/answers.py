from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from survey.models.campaigns import Campaign
from survey.models.frameworks import FrameworkVersion, Node
from survey.models.provinces import ProvinceManager
from survey.models.units import Unit


class Assessment(models.Model):
    """One unit's self-assessment in one campaign."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        READY = "ready", _("Ready for approval")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        RETURNED = "returned", _("Returned for correction")
        VERIFIED = "verified", _("Verified")
        PUBLISHED = "published", _("Published")

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="assessments", verbose_name=_("campaign")
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="assessments", verbose_name=_("unit")
    )
    version = models.ForeignKey(
        FrameworkVersion,
        models.PROTECT,
        related_name="assessments",
        verbose_name=_("framework version"),
    )
    ranking_group = models.CharField(_("ranking group"), max_length=80, blank=True)
    ranked = models.BooleanField(_("ranked"), default=True)
    provides_procedures = models.BooleanField(
        _("provides administrative procedures"), default=True
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT
    )
    state_version = models.PositiveIntegerField(_("state version"), default=0)
    extended_until = models.DateField(
        _("deadline extended until"), null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProvinceManager.through("campaign__province")()
    unscoped = models.Manager()  # noqa: DJ012 (ruff takes the one above for a field)

    class Meta:
        ordering = ["campaign", "unit"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit"], name="survey_assessment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.campaign}"


class Answer(models.Model):
    """A unit's answer to one indicator, with the reviewer's verdict beside it."""

    class ReviewStatus(models.TextChoices):
        PENDING = "pending", _("Pending")
        AGREED = "agreed", _("Agreed")
        DISAGREED = "disagreed", _("Disagreed")
        RETURNED = "returned", _("Returned")

    assessment = models.ForeignKey(
        Assessment, models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    node = models.ForeignKey(
        Node, models.PROTECT, related_name="answers", verbose_name=_("indicator")
    )
    yes = models.BooleanField(_("yes"), null=True, blank=True)
    number = models.DecimalField(
        _("value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    choice = models.CharField(_("level chosen"), max_length=40, blank=True)
    checks = models.JSONField(_("sub-criteria met"), default=list, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    is_na = models.BooleanField(_("not applicable"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    self_points = models.DecimalField(
        _("self-assessed points"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    points_error = models.CharField(_("scoring error"), max_length=40, blank=True)
    review_status = models.CharField(
        _("review status"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
    )
    verified_points = models.DecimalField(
        _("verified points"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    verified_value = models.JSONField(_("verified value"), default=dict, blank=True)
    reviewer_explanation = models.TextField(_("reviewer's explanation"), blank=True)
    supplied_by_province = models.BooleanField(
        _("value supplied by the province"), default=False
    )
    # Where a supplied value came from: the feed's source name (or the page that
    # typed or imported it), when, and through which token (feeds).
    supply_source = models.CharField(_("supplied from"), max_length=120, blank=True)
    supplied_at = models.DateTimeField(_("supplied at"), null=True, blank=True)
    supplied_token = models.ForeignKey(
        "survey.ApiToken",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supplied through token"),
    )
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
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "node"], name="survey_answer_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.node.code}"

    @property
    def final_points(self):
        if self.verified_points is not None:
            return self.verified_points
        return self.self_points


class Evidence(models.Model):
    """A document, a link or a file cited for an answer."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document reference")
        LINK = "link", _("Link")
        FILE = "file", _("File")

    answer = models.ForeignKey(
        Answer, models.CASCADE, related_name="evidence", verbose_name=_("answer")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    doc_number = models.CharField(_("document number"), max_length=120, blank=True)
    doc_date = models.DateField(_("document date"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    file = models.FileField(_("file"), upload_to="evidence/%Y/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    carried_from = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried forward from"),
    )
    confirmed = models.BooleanField(_("confirmed still valid"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["answer", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        if self.kind == self.Kind.DOCUMENT:
            return " – ".join(
                part
                for part in (
                    self.doc_number,
                    self.doc_date.strftime("%d/%m/%Y") if self.doc_date else "",
                    self.summary,
                )
                if part
            )
        return self.url or self.original_name


class UnitResult(models.Model):
    """Stored scores of one assessment at one node (node empty: the whole framework)."""

    assessment = models.ForeignKey(
        Assessment, models.CASCADE, related_name="results", verbose_name=_("assessment")
    )
    node = models.ForeignKey(
        Node,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="results",
        verbose_name=_("node"),
    )
    self_points = models.DecimalField(
        _("self-assessed points"), max_digits=12, decimal_places=2, null=True
    )
    verified_points = models.DecimalField(
        _("verified points"), max_digits=12, decimal_places=2, null=True
    )
    final_points = models.DecimalField(
        _("final points"), max_digits=12, decimal_places=2, null=True
    )
    applicable_max = models.DecimalField(
        _("applicable maximum"), max_digits=12, decimal_places=2, null=True
    )
    value = models.DecimalField(_("value"), max_digits=7, decimal_places=6, null=True)
    level = models.CharField(_("maturity level"), max_length=40, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    self_level = models.CharField(
        _("self-assessed maturity level"), max_length=40, blank=True
    )
    self_rank = models.PositiveIntegerField(_("self-assessed rank"), null=True)
    frozen = models.BooleanField(_("frozen"), default=False)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("unit result")
        verbose_name_plural = _("unit results")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "node"], name="survey_unitresult_unique"
            ),
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(node__isnull=True),
                name="survey_unitresult_total_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.node.code if self.node else '∑'}"
