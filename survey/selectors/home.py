"""Reads of the home page: the assessments a person may see and, for each, what
their roles for its unit open."""

from dataclasses import dataclass

from survey.models import Assessment
from survey.permissions import can
from survey.results.totals import assessment_totals
from survey.selectors.questionnaire import assessment_progress
from survey.selectors.scope import action_scope, assessments_for, results_visible

LIMIT = 200


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


def home_rows(*, user) -> list[HomeRow]:
    """The assessments ``user`` may see, newest campaign first (at most
    :data:`LIMIT`), each with the links and figures their roles for its unit open:
    the questionnaire to the unit's staff, the verification screen to its
    reviewers, the results once shared with the unit."""
    assessments = list(
        assessments_for(user=user, action="view_assessment").order_by(
            "-campaign__year", "unit__name_vi"
        )[:LIMIT]
    )
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
