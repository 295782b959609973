"""Reads for the reports: a fixed number of queries whatever the number of units.

Decimals become floats here (``None`` for no value), at the boundary.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from survey.models import (
    Answer,
    Assessment,
    Campaign,
    CampaignVersion,
    Node,
    UnitLineage,
    UnitResult,
)

RESULT_FIELDS = (
    "assessment_id",
    "node_id",
    "self_points",
    "verified_points",
    "final_points",
    "applicable_max",
    "value",
    "level",
    "rank",
    "self_level",
    "self_rank",
)


def to_float(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def campaign_versions(*, campaign: Campaign) -> list[CampaignVersion]:
    """The framework version used for each unit type (one query)."""
    return list(
        campaign.versions.select_related("version__framework").order_by(
            "version__framework__code", "unit_type"
        )
    )


def version_nodes(*, version_ids: list[int]) -> list[dict]:
    """Every node of these versions in tree order (one query)."""
    return list(
        Node.objects.filter(version_id__in=version_ids)
        .order_by("version_id", "order", "id")
        .values(
            "id",
            "version_id",
            "parent_id",
            "code",
            "kind",
            "name_vi",
            "name_en",
            "max_points",
        )
    )


def campaign_assessments(*, campaign: Campaign) -> list[dict]:
    """Assessments with their unit (one query)."""
    return list(
        Assessment.objects.filter(campaign=campaign)
        .order_by("pk")
        .values(
            "id",
            "version_id",
            "ranking_group",
            "ranked",
            "state",
            "submitted_at",
            "unit_id",
            "unit__code",
            "unit__name_vi",
            "unit__name_en",
        )
    )


def campaign_results(*, campaign: Campaign, leaves: bool = True):
    """Stored results as tuples of ``RESULT_FIELDS`` (one query, streamed).

    ``leaves=False`` reads only totals, pillars and components (dashboards).
    """
    qs = UnitResult.objects.filter(assessment__campaign=campaign)
    if not leaves:
        qs = qs.filter(Q(node__isnull=True) | ~Q(node__kind=Node.Kind.INDICATOR))
    return qs.values_list(*RESULT_FIELDS).iterator(chunk_size=10_000)


def campaign_free_text(*, campaign: Campaign) -> list[dict]:
    """Answers that carry a unit's comment or a reviewer's explanation (one query)."""
    return list(
        Answer.objects.filter(assessment__campaign=campaign)
        .exclude(comment="", reviewer_explanation="")
        .order_by("assessment_id", "node__order", "node_id")
        .values("assessment_id", "node__code", "comment", "reviewer_explanation")
    )


def previous_totals(*, campaign: Campaign) -> tuple[list[int], dict]:
    """Published earlier campaigns' total values: ``(years, {year: {unit: value}})``.

    Two queries whatever the number of units or years. Only the campaign's
    province's campaigns, whoever asks: a report is also built by the task worker,
    which reads every province.
    """
    years = list(
        Campaign.unscoped.filter(
            province_id=campaign.province_id,
            year__lt=campaign.year,
            state=Campaign.State.PUBLISHED,
        )
        .order_by("year")
        .values_list("year", flat=True)
        .distinct()
    )
    totals: dict[int, dict[str, float | None]] = defaultdict(dict)
    rows = UnitResult.objects.filter(
        node__isnull=True,
        assessment__campaign__province_id=campaign.province_id,
        assessment__campaign__year__in=years,
        assessment__campaign__state=Campaign.State.PUBLISHED,
    ).values_list("assessment__campaign__year", "assessment__unit__code", "value")
    for year, code, value in rows.iterator(chunk_size=10_000):
        totals[year][code] = to_float(value)
    return years, dict(totals)


def unit_lineage() -> list[tuple[str, str, int]]:
    """``(successor code, predecessor code, year)`` for every link (one query)."""
    return list(
        UnitLineage.objects.values_list("successor__code", "predecessor__code", "year")
    )


def assessment_answers(*, assessment: Assessment) -> list[Answer]:
    """One unit's answers with their indicator and evidence (two queries)."""
    return list(
        Answer.objects.filter(assessment=assessment)
        .select_related("node")
        .prefetch_related("evidence")
        .order_by("node__order", "node_id")
    )
