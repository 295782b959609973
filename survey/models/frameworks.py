from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from survey.models.provinces import Province, ProvinceManager
from survey.models.units import UnitType

LAO_CAI_LEVELS = [
    {
        "code": "khoi_dong",
        "name_vi": "Khởi động",
        "name_en": "Starting",
        "min_value": 0,
    },
    {
        "code": "hinh_thanh",
        "name_vi": "Hình thành",
        "name_en": "Forming",
        "min_value": 0.25,
    },
    {
        "code": "nang_cao",
        "name_vi": "Nâng cao",
        "name_en": "Advanced",
        "min_value": 0.5,
    },
    {"code": "dan_dat", "name_vi": "Dẫn dắt", "name_en": "Leading", "min_value": 0.75},
]


def default_levels() -> list[dict]:
    return [dict(level) for level in LAO_CAI_LEVELS]


class FrozenVersionError(ValidationError):
    """A framework version used by an opened campaign cannot change."""


class Framework(models.Model):
    """A framework of indicators: a province's own, or a national one (no
    province) that every province may use or copy as its own."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    province = models.ForeignKey(
        Province,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="frameworks",
        verbose_name=_("province"),
        help_text=_("Empty for a national framework."),
    )
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    objects = ProvinceManager.through("province", shared=True)()
    unscoped = models.Manager()  # noqa: DJ012 (ruff takes the one above for a field)

    class Meta:
        ordering = ["code"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return self.name_vi


class FrameworkVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FROZEN = "frozen", _("Frozen (used by a campaign)")

    class LevelEdges(models.TextChoices):
        UPPER_INCLUSIVE = "upper_inclusive", _("A bound belongs to the lower level")
        LOWER_INCLUSIVE = "lower_inclusive", _("A bound belongs to the upper level")

    framework = models.ForeignKey(
        Framework, models.PROTECT, related_name="versions", verbose_name=_("framework")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("version number"), default=1)
    unit_type = models.CharField(
        _("unit type served"), max_length=20, choices=UnitType.choices
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    precision = models.PositiveSmallIntegerField(
        _("decimals of leaf points"), default=2
    )
    levels = models.JSONField(_("maturity levels"), default=default_levels)
    level_edges = models.CharField(
        _("level edges"),
        max_length=20,
        choices=LevelEdges.choices,
        default=LevelEdges.UPPER_INCLUSIVE,
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("previous version"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProvinceManager.through("framework__province", shared=True)()
    unscoped = models.Manager()  # noqa: DJ012 (ruff takes the one above for a field)

    class Meta:
        ordering = ["framework", "-year", "-number"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "year", "number"],
                name="survey_frameworkversion_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework.code} {self.year} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if (
            self.pk
            and type(self).objects.filter(pk=self.pk, state=self.State.FROZEN).exists()
        ):
            raise FrozenVersionError(
                _("This framework version is used by a campaign; edit a copy.")
            )
        super().save(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.state == self.State.FROZEN


class Node(models.Model):
    """A pillar, component, indicator or bonus/penalty group of a framework version."""

    class Kind(models.TextChoices):
        PILLAR = "pillar", _("Pillar")
        COMPONENT = "component", _("Component index")
        INDICATOR = "indicator", _("Indicator")
        BONUS_GROUP = "bonus_group", _("Bonus points group")
        PENALTY_GROUP = "penalty_group", _("Penalty points group")

    class AnswerType(models.TextChoices):
        YES_NO = "yes_no", _("Yes / no")
        COUNT = "count", _("Count")
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage")
        RATIO = "ratio", _("Ratio (numerator and denominator)")
        LEVEL = "level", _("Level choice")
        DATE = "date", _("Date")
        MONEY = "money", _("Amount (VND)")
        TEXT = "text", _("Text")
        POINTS = "points", _("Points entered directly")
        CHECKLIST = "checklist", _("Checklist of sub-criteria")

    class Rule(models.TextChoices):
        YES_NO = "yes_no", _("Full points if yes")
        RATIO = "ratio", _("Ratio × maximum")
        TIERS = "tiers", _("Tier table")
        LEVEL = "level", _("Level factor")
        TARGET = "target", _("Against a target")
        RELATIVE_BEST = "relative_best", _("Relative to the best unit")
        CHECKS = "checks", _("Sum of sub-criteria")
        BONUS = "bonus", _("Bonus points")
        PENALTY = "penalty", _("Penalty points")
        DIRECT = "direct", _("Points entered directly")
        NONE = "none", _("Not scored")

    class DateWindow(models.TextChoices):
        WARN = "warn", _("Warn")
        REFUSE = "refuse", _("Refuse")

    class Provenance(models.TextChoices):
        SOURCED = "sourced", _("Sourced")
        RECONSTRUCTED = "reconstructed", _("Reconstructed")

    version = models.ForeignKey(
        FrameworkVersion,
        models.CASCADE,
        related_name="nodes",
        verbose_name=_("framework version"),
    )
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    order = models.PositiveIntegerField(_("order"), default=0)
    name_vi = models.TextField(_("name (Vietnamese)"))
    name_en = models.TextField(_("name (English)"), blank=True)
    guidance_vi = models.TextField(_("guidance (Vietnamese)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    answer_type = models.CharField(
        _("answer type"), max_length=20, choices=AnswerType.choices, blank=True
    )
    max_points = models.DecimalField(
        _("maximum points"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    capped = models.BooleanField(_("capped at its maximum"), default=False)
    rule = models.CharField(
        _("scoring rule"), max_length=20, choices=Rule.choices, blank=True
    )
    rule_params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    applies_to = models.JSONField(_("applies to unit types"), default=list, blank=True)
    requires_procedures = models.BooleanField(
        _("only for units with administrative procedures"), default=False
    )
    na_allowed = models.BooleanField(_("N/A allowed"), default=False)
    evidence_required = models.TextField(_("evidence required"), blank=True)
    date_from = models.DateField(_("dates from"), null=True, blank=True)
    date_to = models.DateField(_("dates until"), null=True, blank=True)
    date_window = models.CharField(
        _("outside the date window"),
        max_length=10,
        choices=DateWindow.choices,
        default=DateWindow.WARN,
    )
    continues = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        verbose_name=_("continues indicator"),
    )
    provenance = models.CharField(
        _("provenance"),
        max_length=20,
        choices=Provenance.choices,
        default=Provenance.SOURCED,
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    # What raising this indicator to full points is estimated to cost (days of
    # work, money: any one unit for the whole framework); the planner's cheapest
    # path minimises the sum. Equal by default.
    effort = models.DecimalField(
        _("effort to improve"),
        max_digits=10,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("framework node")
        verbose_name_plural = _("framework nodes")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="survey_node_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"

    def save(self, *args, **kwargs) -> None:
        if FrameworkVersion.objects.filter(
            pk=self.version_id, state=FrameworkVersion.State.FROZEN
        ).exists():
            raise FrozenVersionError(
                _("This framework version is used by a campaign; edit a copy.")
            )
        super().save(*args, **kwargs)

    @property
    def is_indicator(self) -> bool:
        return self.kind == self.Kind.INDICATOR

    @property
    def is_scored(self) -> bool:
        return self.is_indicator and self.rule not in ("", self.Rule.NONE)

    @property
    def max_decimal(self) -> Decimal:
        return self.max_points or Decimal(0)

    def applies_to_unit(self, *, unit_type: str, provides_procedures: bool) -> bool:
        return node_applies(
            applies_to=self.applies_to,
            requires_procedures=self.requires_procedures,
            unit_type=unit_type,
            provides_procedures=provides_procedures,
        )


def node_applies(
    *,
    applies_to: list[str],
    requires_procedures: bool,
    unit_type: str,
    provides_procedures: bool,
) -> bool:
    """Whether a node applies to a unit: its unit types (none listed: every type)
    include the unit's, and a node about procedures only to units that provide
    them. The engine keeps its own copy (scoring/population.py), as it imports
    nothing of the application."""
    if applies_to and unit_type not in applies_to:
        return False
    return provides_procedures or not requires_procedures
