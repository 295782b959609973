"""Whether an assessment is complete enough to leave the unit.

Marking it ready is allowed with a warning (the approver may still fill the gaps);
submitting and resubmitting are refused while an applicable indicator is unanswered
(N/A counts as an answer) or evidence carried from last year is not confirmed.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from survey.errors import SurveyError
from survey.models import Assessment
from survey.questionnaire_data import StepReview, assessment_review

BLOCKING_ACTIONS = frozenset({"submit", "resubmit"})
WARNING_ACTIONS = frozenset({"mark_ready"})


class AssessmentIncomplete(SurveyError):
    """Submission refused: answers missing or carried evidence unconfirmed."""


@dataclass(frozen=True)
class Completeness:
    missing: int
    unconfirmed: int

    @property
    def complete(self) -> bool:
        return not (self.missing or self.unconfirmed)

    def message(self) -> str:
        parts = []
        if self.missing:
            parts.append(
                ngettext(
                    "%(count)s applicable indicator is not answered.",
                    "%(count)s applicable indicators are not answered.",
                    self.missing,
                )
                % {"count": self.missing}
            )
        if self.unconfirmed:
            parts.append(
                ngettext(
                    "%(count)s indicator has evidence carried from last year that "
                    "is not confirmed as still valid.",
                    "%(count)s indicators have evidence carried from last year "
                    "that is not confirmed as still valid.",
                    self.unconfirmed,
                )
                % {"count": self.unconfirmed}
            )
        return " ".join(parts)


def assessment_completeness(
    *, assessment: Assessment, steps: list[StepReview] | None = None
) -> Completeness:
    steps = steps if steps is not None else assessment_review(assessment=assessment)
    return Completeness(
        missing=sum(len(step.missing) for step in steps),
        unconfirmed=sum(len(step.unconfirmed) for step in steps),
    )


def assessment_submission_check(*, assessment: Assessment, action: str) -> str:
    """Raise :class:`AssessmentIncomplete` when ``action`` (submit, resubmit) needs
    a complete assessment and this one is not; return a warning for marking an
    incomplete assessment ready, else an empty string."""
    if action not in BLOCKING_ACTIONS | WARNING_ACTIONS:
        return ""
    completeness = assessment_completeness(assessment=assessment)
    if completeness.complete:
        return ""
    if action in BLOCKING_ACTIONS:
        raise AssessmentIncomplete(
            _("The assessment cannot be submitted yet: %(problems)s")
            % {"problems": completeness.message()}
            + " "
            + _("The list below links to each of them."),
            code="incomplete",
        )
    return (
        _("Marked ready, but it is not complete: %(problems)s")
        % {"problems": completeness.message()}
        + " "
        + _("The approver can submit only once everything is answered.")
    )
