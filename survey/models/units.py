from django.db import models
from django.utils.translation import gettext_lazy as _

from survey.models.names import name_in_language
from survey.models.provinces import Province, ProvinceManager, default_province

__all__ = ["Unit", "UnitLineage", "UnitType", "name_in_language"]


class UnitType(models.TextChoices):
    DEPARTMENT = "department", _("Department, board or agency")
    COMMUNE = "commune", _("Commune, ward or special zone")
    DISTRICT = "district", _("District (before 7/2025)")
    OTHER = "other", _("Other")


class Unit(models.Model):
    """An agency assessed every year: a department, a commune, a (former) district."""

    # Unique in the whole installation: agencies and communes carry national
    # identifiers (mã định danh, mã đơn vị hành chính).
    code = models.CharField(_("code"), max_length=40, unique=True)
    province = models.ForeignKey(
        Province,
        models.PROTECT,
        default=default_province,
        related_name="units",
        verbose_name=_("province"),
    )
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    unit_type = models.CharField(
        _("unit type"), max_length=20, choices=UnitType.choices
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    active_from = models.PositiveSmallIntegerField(_("active from year"), null=True)
    active_to = models.PositiveSmallIntegerField(
        _("active until year"), null=True, blank=True
    )
    predecessors = models.ManyToManyField(
        "self",
        through="UnitLineage",
        through_fields=("successor", "predecessor"),
        symmetrical=False,
        related_name="successors",
        verbose_name=_("predecessors"),
        blank=True,
    )

    objects = ProvinceManager()
    unscoped = models.Manager()  # noqa: DJ012 (ruff takes the one above for a field)

    class Meta:
        ordering = ["unit_type", "name_vi"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The unit's name in the active language (Vietnamese when it has no other)."""
        return name_in_language(self.name_vi, self.name_en)


class UnitLineage(models.Model):
    """How a unit came from others: a merge, a split or a rename in a given year."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Merge")
        SPLIT = "split", _("Split")
        RENAME = "rename", _("Rename")

    predecessor = models.ForeignKey(
        Unit, models.PROTECT, related_name="+", verbose_name=_("predecessor")
    )
    successor = models.ForeignKey(
        Unit, models.PROTECT, related_name="+", verbose_name=_("successor")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("unit lineage")
        verbose_name_plural = _("unit lineage")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="survey_lineage_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")),
                name="survey_lineage_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.year})"
