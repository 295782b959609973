"""Who may change an answer, and when: the person's roles, the assessment's and
the campaign's states, the deadline and the unit's extension."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from survey import permissions, states
from survey.errors import PermissionRefused
from survey.models import Answer, Assessment, Campaign, Node
from survey.permissions import user_roles
from survey.services.answer_checks import VALUE_FIELDS, AnswerInvalid


class AnswerLocked(PermissionRefused):
    """The assessment (or this answer) cannot be edited now by this person."""


def assessment_edit_refusal(
    *, assessment: Assessment, roles: set[str], today: date | None = None
) -> AnswerLocked | None:
    """Why ``roles`` cannot edit ``assessment`` now, or None when they can.

    In ``returned`` only returned answers may change (see :func:`answer_save`), until
    the campaign is published.
    Draft and ready assessments are editable while the campaign is open and the
    deadline has not passed, or until the unit's extension ends.
    """
    today = today or timezone.localdate()
    if not permissions.roles_allow(roles=roles, action="edit_answer"):
        return AnswerLocked(code="role")
    if assessment.state not in states.EDITABLE_ASSESSMENT_STATES:
        return AnswerLocked(
            _("This assessment has been submitted and can no longer be changed."),
            code="state",
        )
    campaign = assessment.campaign
    if assessment.state == Assessment.State.RETURNED:
        if campaign.state == Campaign.State.PUBLISHED:
            return AnswerLocked(
                _("The campaign's results are published; nothing can change now."),
                code="published",
            )
        return None
    extension = assessment.extended_until
    extendable = (Campaign.State.OPEN, Campaign.State.CLOSED)
    if extension and today <= extension and campaign.state in extendable:
        return None
    if campaign.state not in states.FILLING_CAMPAIGN_STATES:
        return AnswerLocked(
            _("The campaign is not open for answers."), code="campaign_closed"
        )
    if today > campaign.deadline:
        return AnswerLocked(
            _("The deadline has passed; only units with an extension can edit."),
            code="deadline",
        )
    return None


def answer_edit_check(*, assessment: Assessment, node: Node, user) -> None:
    """Raise unless ``user`` may change ``node``'s answer (or its evidence) in
    ``assessment`` now: :class:`AnswerInvalid` when the indicator is not part of it,
    :class:`AnswerLocked` when the person's roles, the state or the deadline
    refuse. In ``returned``, also call :func:`answer_returned_check`."""
    if not _belongs(node, assessment):
        message = _("This indicator is not part of this assessment.")
        raise AnswerInvalid({"__all__": [("node", message)]})
    refusal = assessment_edit_refusal(
        assessment=assessment, roles=user_roles(user=user, unit=assessment.unit)
    )
    if refusal is not None:
        raise refusal


def answer_editable(
    *, assessment: Assessment, answer: Answer | None, refusal: AnswerLocked | None
) -> bool:
    """Whether an answer (None: not stored yet) can change, given the
    assessment's ``refusal`` for the person (see :func:`assessment_edit_refusal`)."""
    if refusal is not None:
        return False
    if assessment.state == Assessment.State.RETURNED:
        returned = Answer.ReviewStatus.RETURNED
        return answer is not None and answer.review_status == returned
    return True


def answer_returned_check(*, assessment: Assessment, answer: Answer) -> None:
    """In a returned assessment only the answers returned for correction change."""
    if (
        assessment.state == Assessment.State.RETURNED
        and answer.review_status != Answer.ReviewStatus.RETURNED
    ):
        raise AnswerLocked(
            _("Only the items returned for correction can be changed."),
            code="not_returned",
        )


def _belongs(node: Node, assessment: Assessment) -> bool:
    return (
        node.version_id == assessment.version_id
        and node.is_indicator
        and node.applies_to_unit(
            unit_type=assessment.unit.unit_type,
            provides_procedures=assessment.provides_procedures,
        )
    )


# An answer's fields that a value supplied by the province sets; the unit keeps
# its own comment.
SUPPLIED_LOCKED = (*VALUE_FIELDS, "is_na")


def supplied_value_message(answer: Answer) -> str:
    """Why the unit cannot change ``answer``'s value (supplied by the province)."""
    source = answer.supply_source or _("the province's systems")
    return _(
        "This value was supplied by the province from %(source)s; the unit cannot "
        "change it. Comment on it if you think it is wrong."
    ) % {"source": source}


def answer_supplied_check(*, answer: Answer, before: dict, after: dict) -> None:
    """Raise :class:`AnswerInvalid` (at each field that would change) when
    ``answer``'s value was supplied by the province and ``after`` changes it:
    units comment on such a value, they do not overwrite it."""
    if not answer.supplied_by_province:
        return
    changed = [name for name in SUPPLIED_LOCKED if before[name] != after[name]]
    if changed:
        message = supplied_value_message(answer)
        raise AnswerInvalid({name: [("supplied", message)] for name in changed})
