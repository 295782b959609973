"""Reads of the campaign screens: counts by state, the board, reviewers by unit."""

from django.db.models import Count, Max, QuerySet

from survey.models import (
    Assessment,
    AuditEvent,
    Membership,
    Unit,
)
from survey.permissions import membership_codes
from survey.selectors.scope import reviewer_memberships


def campaign_state_counts(*, campaign) -> dict[str, int]:
    """Assessments of ``campaign`` per state, every state listed (one query)."""
    counts = dict.fromkeys(Assessment.State.values, 0)
    rows = (
        Assessment.objects.filter(campaign=campaign)
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


def campaign_board_assessments(
    *, campaign, state: str = "", group: str = ""
) -> list[Assessment]:
    qs = Assessment.objects.filter(campaign=campaign).select_related("unit", "campaign")
    if state:
        qs = qs.filter(state=state)
    if group:
        qs = qs.filter(ranking_group=group)
    return list(qs.order_by("ranking_group", "unit__name_vi"))


def campaign_groups(*, campaign) -> list[str]:
    return list(
        Assessment.objects.filter(campaign=campaign)
        .order_by("ranking_group")
        .values_list("ranking_group", flat=True)
        .distinct()
    )


def last_activity(*, assessment_ids) -> dict[int, object]:
    """The time of the last audit event of each assessment (one query)."""
    rows = (
        AuditEvent.objects.filter(assessment_id__in=list(assessment_ids))
        .values_list("assessment_id")
        .annotate(last=Max("at"))
        .order_by()
    )
    return dict(rows)


def reviewers_by_unit(*, unit_ids) -> dict[int, list[tuple]]:
    """``(reviewer, indicator codes or [] for all, membership id)`` per unit (two
    queries)."""
    memberships = (
        reviewer_memberships()
        .filter(unit_id__in=list(unit_ids))
        .select_related("user")
        .order_by("user__username")
    )
    out: dict[int, list[tuple]] = {}
    for m in memberships:
        codes = sorted(membership_codes(m) or ())
        out.setdefault(m.unit_id, []).append((m.user, codes, m.pk))
    return out


def reviewer_assignments(*, campaign) -> QuerySet[Membership]:
    """Reviewers of the units taking part in ``campaign``, with their indicators."""
    return (
        reviewer_memberships()
        .filter(unit__assessments__campaign=campaign)
        .select_related("user", "unit")
        .order_by("user__username", "unit__name_vi")
    )


def unit_names_in_campaign(*, campaign, codes) -> dict[str, str]:
    """``{code: "name (code)"}`` of the campaign's units among ``codes``."""
    units = Unit.objects.filter(
        code__in=list(codes), assessments__campaign=campaign
    ).distinct()
    return {unit.code: f"{unit} ({unit.code})" for unit in units}
