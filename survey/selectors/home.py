"""Reads of the home page: the assessments a person may see and, for each, what
their roles for its unit open."""

from dataclasses import dataclass

from django.db.models import QuerySet

from survey.models import Assessment
from survey.permissions import can
from survey.results.totals import assessment_totals
from survey.selectors.campaigns import (
    RowsInOrder,
    assessments_filtered,
    assessments_sorted,
)
from survey.selectors.questionnaire import assessment_progress
from survey.selectors.scope import action_scope, assessments_for, results_visible


@dataclass(frozen=True)
class HomeRow:
    """One assessment of the home page and what its person may open of it."""

    assessment: Assessment
    progress: object
    totals: object
    fill: bool  # the questionnaire (the unit's staff)
    review: bool  # the verification screen
    self_points: bool  # the self-assessed points (the unit's staff, the province)
    results: bool  # the final points and the scorecard


HOME_ORDER = ("-campaign__year", "unit__name_vi", "pk")


def home_assessments(
    *, user, sort: str = "", **filters
) -> QuerySet[Assessment] | RowsInOrder:
    """The assessments ``user`` may see, newest campaign first unless ``sort`` says
    otherwise (:func:`survey.selectors.campaigns.assessments_sorted`), narrowed by
    the list's ``filters`` (:func:`survey.selectors.campaigns.assessments_filtered`);
    paginate them, then read their rows with :func:`home_rows`."""
    qs = assessments_filtered(
        assessments_for(user=user, action="view_assessment"), **filters
    )
    if sort:
        return assessments_sorted(qs, sort=sort, then=HOME_ORDER)
    return qs.order_by(*HOME_ORDER)


def home_groups(*, user) -> list[str]:
    """The ranking groups of the assessments ``user`` may see (a filter's
    choices; one query)."""
    qs = assessments_for(user=user, action="view_assessment")
    return list(
        qs.order_by("ranking_group").values_list("ranking_group", flat=True).distinct()
    )


def home_rows(*, user, assessments: list[Assessment]) -> list[HomeRow]:
    """Each of ``assessments`` (a page of :func:`home_assessments`) with the links
    and figures ``user``'s roles for its unit open: the questionnaire to the unit's
    staff, the verification screen to its reviewers, the results once shared with
    the unit. A fixed number of queries whatever the number of rows."""
    progress = assessment_progress(assessments=assessments)
    totals = assessment_totals(assessments=assessments)
    fill = action_scope(user=user, action="open_questionnaire")
    review = action_scope(user=user, action="review_answer")
    early = action_scope(user=user, action="view_unshared_results")
    province = can(user=user, action="view_progress")
    return [
        HomeRow(
            a,
            progress[a.pk],
            totals[a.pk],
            fill=fill.allows(unit_id=a.unit_id),
            review=review.allows(unit_id=a.unit_id),
            self_points=province or fill.allows(unit_id=a.unit_id),
            results=results_visible(assessment=a, early=early),
        )
        for a in assessments
    ]
