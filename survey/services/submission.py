"""Whether an assessment is complete enough to leave the unit.

Marking it ready is allowed with a warning (the approver may still fill the gaps);
submitting and resubmitting are refused while an applicable indicator is unanswered
(N/A counts as an answer) or evidence carried from last year is not confirmed.

An answered indicator that asks for evidence and has none is reported beside the
gaps (on the review page, and as a warning when the assessment leaves the unit):
the reviewers decide whether what was given is enough, so it does not block.

Only what the unit can still change counts. In a returned assessment that is the
returned items: any other gap (an indicator that became applicable after the
submission, say) is for the reviewers to return or to judge, and never leaves the
unit unable to resubmit.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from survey.errors import SurveyError
from survey.models import Assessment
from survey.selectors.questionnaire import ReviewRow, StepReview, assessment_review
from survey.services.answer_access import answer_editable

BLOCKING_ACTIONS = frozenset({"submit", "resubmit"})
WARNING_ACTIONS = frozenset({"mark_ready"})


class AssessmentIncomplete(SurveyError):
    """Submission refused: answers missing or carried evidence unconfirmed."""


@dataclass(frozen=True)
class Completeness:
    """What keeps an assessment from leaving the unit: ids of the indicators
    unanswered, and of those with carried evidence to confirm."""

    missing_ids: frozenset[int] = field(default_factory=frozenset)
    unconfirmed_ids: frozenset[int] = field(default_factory=frozenset)
    # Unanswered but closed to the unit (not returned): shown, never blocking.
    kept_ids: frozenset[int] = field(default_factory=frozenset)
    # Answered, asking for evidence, with none attached: shown, never blocking.
    no_evidence_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def missing(self) -> int:
        return len(self.missing_ids)

    @property
    def unconfirmed(self) -> int:
        return len(self.unconfirmed_ids)

    @property
    def kept(self) -> int:
        return len(self.kept_ids)

    @property
    def no_evidence(self) -> int:
        return len(self.no_evidence_ids)

    def evidence_message(self) -> str:
        if not self.no_evidence:
            return ""
        return ngettext(
            "%(count)s answered indicator asks for evidence and has none attached.",
            "%(count)s answered indicators ask for evidence and have none attached.",
            self.no_evidence,
        ) % {"count": self.no_evidence}

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
    """The gaps of ``assessment`` that block its submission: only those the unit
    can still fill (see the module's docstring)."""
    steps = steps if steps is not None else assessment_review(assessment=assessment)
    rows = [row for step in steps for row in step.rows]
    open_rows = [row for row in rows if _changeable(assessment, row)]
    missing = frozenset(row.node.pk for row in open_rows if not row.given)
    return Completeness(
        missing_ids=missing,
        unconfirmed_ids=frozenset(row.node.pk for row in open_rows if row.unconfirmed),
        kept_ids=frozenset(
            row.node.pk for row in rows if not row.given and row.node.pk not in missing
        ),
        no_evidence_ids=frozenset(
            row.node.pk for row in open_rows if evidence_is_missing(row)
        ),
    )


def evidence_is_missing(row: ReviewRow) -> bool:
    """The indicator asks for evidence, is answered (not N/A) and has none."""
    return (
        bool(row.node.evidence_required.strip())
        and row.given
        and not row.answer.is_na
        and not row.answer.evidence.all()
    )


@dataclass(frozen=True)
class StepGaps:
    """One step of the review page with the gaps that block submission."""

    review: StepReview
    missing: list[ReviewRow]
    unconfirmed: list[ReviewRow]
    no_evidence: list[ReviewRow] = field(default_factory=list)


def assessment_gaps(
    *, completeness: Completeness, steps: list[StepReview]
) -> list[StepGaps]:
    """Each step with its blocking gaps only, for the list of links to them."""
    return [
        StepGaps(
            step,
            [row for row in step.rows if row.node.pk in completeness.missing_ids],
            [row for row in step.rows if row.node.pk in completeness.unconfirmed_ids],
            [row for row in step.rows if row.node.pk in completeness.no_evidence_ids],
        )
        for step in steps
    ]


def _changeable(assessment: Assessment, row: ReviewRow) -> bool:
    # The person's own refusal (role, deadline) is checked by the transition; here
    # only the state decides which answers are open to the unit.
    return answer_editable(assessment=assessment, answer=row.answer, refusal=None)


def assessment_submission_check(*, assessment: Assessment, action: str) -> str:
    """Raise :class:`AssessmentIncomplete` when ``action`` (submit, resubmit) needs
    a complete assessment and this one is not; return a warning for marking an
    incomplete assessment ready, else an empty string."""
    if action not in BLOCKING_ACTIONS | WARNING_ACTIONS:
        return ""
    completeness = assessment_completeness(assessment=assessment)
    if completeness.complete:
        return completeness.evidence_message()
    if action in BLOCKING_ACTIONS:
        raise AssessmentIncomplete(
            _("The assessment cannot be submitted yet: %(problems)s")
            % {"problems": completeness.message()}
            + " "
            + _("The list below links to each of them."),
            code="incomplete",
        )
    return " ".join(
        part
        for part in (
            _("Marked ready, but it is not complete: %(problems)s")
            % {"problems": completeness.message()},
            _("The approver can submit only once everything is answered."),
            completeness.evidence_message(),
        )
        if part
    )
