from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from survey.models.frameworks import FrameworkVersion
from survey.models.provinces import Province, ProvinceManager, default_province
from survey.models.units import UnitType, name_in_language


class Campaign(models.Model):
    """One year's assessment round."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        PRELIMINARY = "preliminary", _("Preliminary results shared")
        PUBLISHED = "published", _("Published")
        REOPENED = "reopened", _("Reopened")

    class NonSubmission(models.TextChoices):
        ZERO = "zero", _("Scored with 0 points")
        SELF = "self", _("Scored on the answers saved so far")
        EXCLUDE = "exclude", _("Listed but not scored")

    year = models.PositiveSmallIntegerField(_("year assessed"))
    # The campaign's stable identifier outside the app (the API, public pages and
    # their downloads): the year, with a suffix when a year has several campaigns.
    code = models.SlugField(_("code"), max_length=40, editable=False)
    province = models.ForeignKey(
        Province,
        models.PROTECT,
        default=default_province,
        related_name="campaigns",
        verbose_name=_("province"),
    )
    name = models.CharField(_("name"), max_length=200)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT
    )
    state_version = models.PositiveIntegerField(_("state version"), default=0)
    # Raised each time results are stored: what is derived from them is kept per
    # results version (ResultsAnalysis) and read back until the next one.
    results_version = models.PositiveIntegerField(_("results version"), default=0)
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(_("deadline"))
    decision_number = models.CharField(_("decision number"), max_length=80, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    non_submission = models.CharField(
        _("units that never submit"),
        max_length=10,
        choices=NonSubmission.choices,
        default=NonSubmission.ZERO,
    )
    # A ranking group is named in Vietnamese on each assessment; its English name,
    # shown on English pages, is kept here: {"Xã, phường": "Communes and wards"}.
    ranking_group_names_en = models.JSONField(
        _("English names of the ranking groups"), default=dict, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProvinceManager()
    unscoped = models.Manager()  # noqa: DJ012 (ruff takes the one above for a field)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            # A province's campaigns are told apart by code; another province
            # has its own 2025.
            models.UniqueConstraint(
                fields=["province", "code"], name="survey_campaign_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.code:
            self.code = campaign_code(self.year, province_id=self.province_id)
        # Units keep last year's ranking group, so the groups keep their English names.
        if self._state.adding and not self.ranking_group_names_en:
            latest = (
                Campaign.unscoped.filter(province_id=self.province_id)
                .exclude(ranking_group_names_en={})
                .first()
            )
            self.ranking_group_names_en = dict(
                latest.ranking_group_names_en if latest else {}
            )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        names = self.ranking_group_names_en
        if not isinstance(names, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in names.items()
        ):
            raise ValidationError(
                {
                    "ranking_group_names_en": _(
                        "Give each ranking group's Vietnamese name and its English "
                        "name, both as text."
                    )
                }
            )
        if self.opens_on and self.deadline and self.deadline < self.opens_on:
            raise ValidationError(
                {"deadline": _("The deadline must not be before the opening date.")}
            )
        if self.state == self.State.PUBLISHED and not self.decision_number:
            raise ValidationError(
                {"decision_number": _("A published campaign needs its decision.")}
            )

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def ranking_group_name(self, group: str) -> str:
        """``group`` (its Vietnamese name) in the active language."""
        return name_in_language(group, self.ranking_group_names_en.get(group, ""))


class CampaignVersion(models.Model):
    """Which framework version serves which unit type in a campaign."""

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="versions", verbose_name=_("campaign")
    )
    unit_type = models.CharField(
        _("unit type"), max_length=20, choices=UnitType.choices
    )
    version = models.ForeignKey(
        FrameworkVersion,
        models.PROTECT,
        related_name="campaign_uses",
        verbose_name=_("framework version"),
    )

    class Meta:
        verbose_name = _("framework version of a campaign")
        verbose_name_plural = _("framework versions of a campaign")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit_type"], name="survey_campaignversion_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_unit_type_display()} · {self.version}"


class ResultsAnalysis(models.Model):
    """What is derived from one version of a campaign's stored results and costly
    to build again: the engine's arrays and rank intervals of a framework version,
    the dashboard's tables and charts. Built once per results version and read
    back by the pages; a published campaign's results, hence these, never change."""

    campaign = models.ForeignKey(
        Campaign,
        models.CASCADE,
        related_name="analyses",
        verbose_name=_("campaign"),
    )
    results_version = models.PositiveIntegerField(_("results version"))
    kind = models.CharField(_("kind"), max_length=40)
    payload = models.JSONField(_("data"), default=dict)
    content = models.BinaryField(_("content"), blank=True, default=b"")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("results analysis")
        verbose_name_plural = _("results analyses")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "results_version", "kind"],
                name="survey_resultsanalysis_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.results_version} · {self.kind}"


def campaign_code(year: int, *, province_id: int) -> str:
    """The first free code for a campaign of ``year`` in the province: ``2025``,
    then ``2025-2``…"""
    taken = set(
        Campaign.unscoped.filter(
            province_id=province_id, code__startswith=str(year)
        ).values_list("code", flat=True)
    )
    code, n = str(year), 1
    while code in taken:
        n += 1
        code = f"{year}-{n}"
    return code
