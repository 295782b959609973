"""Reads of the campaign screens: counts by state, the board, reviewers by unit."""

from django.db.models import Count, Max, Q, QuerySet

from survey.models import (
    Assessment,
    AuditEvent,
    Campaign,
    Membership,
    Unit,
)
from survey.permissions import membership_codes
from survey.selectors.scope import reviewer_memberships


def campaign_years() -> list[int]:
    """The years of every campaign, latest first (a list filter's choices)."""
    return list(
        Campaign.objects.order_by("-year").values_list("year", flat=True).distinct()
    )


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


def assessments_filtered(
    assessments: QuerySet[Assessment],
    *,
    q: str = "",
    state: str = "",
    year: int | None = None,
    unit_type: str = "",
    group: str = "",
) -> QuerySet[Assessment]:
    """``assessments`` narrowed by the filters of a list page (empty: not given):
    ``q`` found in the unit's code or either of its names."""
    if q:
        assessments = assessments.filter(
            Q(unit__code__icontains=q)
            | Q(unit__name_vi__icontains=q)
            | Q(unit__name_en__icontains=q)
        )
    if state:
        assessments = assessments.filter(state=state)
    if year is not None:
        assessments = assessments.filter(campaign__year=year)
    if unit_type:
        assessments = assessments.filter(unit__unit_type=unit_type)
    if group:
        assessments = assessments.filter(ranking_group=group)
    return assessments


def campaign_board_assessments(*, campaign, **filters) -> QuerySet[Assessment]:
    """The board's assessments of ``campaign``, by group then unit name, narrowed by
    :func:`assessments_filtered`'s ``filters``; paginate them before reading further."""
    qs = Assessment.objects.filter(campaign=campaign).select_related("unit", "campaign")
    return assessments_filtered(qs, **filters).order_by(
        "ranking_group", "unit__name_vi", "pk"
    )


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


def campaign_units(*, campaign, **filters) -> QuerySet[Unit]:
    """The units taking part in ``campaign``, by name, narrowed by
    :func:`assessments_filtered`'s ``filters`` on their assessments."""
    assessments = assessments_filtered(
        Assessment.objects.filter(campaign=campaign), **filters
    )
    return Unit.objects.filter(pk__in=assessments.values("unit_id")).order_by(
        "name_vi", "pk"
    )


def reviewer_assignments(*, campaign, units=None) -> QuerySet[Membership]:
    """Reviewers of the units taking part in ``campaign`` (of ``units`` only, a
    queryset, if given), with their indicators; paginate before reading."""
    memberships = reviewer_memberships().filter(
        unit__in=campaign_units(campaign=campaign) if units is None else units
    )
    return memberships.select_related("user", "unit").order_by(
        "user__username", "unit__name_vi", "pk"
    )


def unit_names_in_campaign(*, campaign, codes) -> dict[str, str]:
    """``{code: "name (code)"}`` of the campaign's units among ``codes``."""
    units = Unit.objects.filter(
        code__in=list(codes), assessments__campaign=campaign
    ).distinct()
    return {unit.code: f"{unit} ({unit.code})" for unit in units}
