"""Verification (thẩm định): verdicts, returns, comments, and verifying when done.

Every change of an answer's review status goes through
:func:`survey.services.transitions.answer_review_transition`, which checks the state
table and the reviewer's scope; these functions add what the verdict carries (the
verified value or points and the explanation), the comment threads and the
notifications, and move the assessment (start of review, return, verified).
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from survey import permissions, states
from survey.errors import PermissionRefused, SurveyError, TransitionRefused
from survey.models import Answer, AnswerComment, Assessment, AuditEvent, Node
from survey.models import Notification as N
from survey.results.points import answer_points
from survey.selectors.verification import (
    assessment_indicators,
    unit_members,
    unit_reviewers,
)
from survey.services.answer_checks import MESSAGES, TYPE_FIELDS
from survey.services.answers import answer_values
from survey.services.audit import audit_event, audit_record
from survey.services.notifications import notify
from survey.services.transitions import (
    answer_review_transition,
    assessment_transition,
)
from survey.text import UNSTORABLE, storable

A = Assessment.State
R = Answer.ReviewStatus
UNBOUNDED_RULES = frozenset({Node.Rule.BONUS, Node.Rule.PENALTY})
MAX_COMMENT = 5000


class VerdictStale(SurveyError):
    """The answer changed since the page that sent the verdict was shown (the unit
    saved a new value, or another reviewer gave a verdict); carries the answer as
    it is now, so that the screen can say what changed instead of overwriting it."""

    default_message = _(
        "This answer changed since the page was shown; check it before saving again."
    )

    def __init__(self, answer: Answer) -> None:
        super().__init__(code="conflict")
        self.answer = answer


class VerdictInvalid(SurveyError):
    """The verdict was refused; ``errors`` maps a form field to its message."""

    default_message = _("The verdict could not be saved; see the fields marked.")

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(code="invalid")
        self.errors = errors


def _reviewable(assessment: Assessment, user) -> Assessment:
    """``assessment`` locked for this change, moved to in review if just submitted."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.state not in states.REVIEWABLE:
        raise TransitionRefused(
            _("This assessment is not waiting for verification."), code="state"
        )
    if assessment.state == A.SUBMITTED:
        assessment = assessment_transition(
            assessment=assessment, action="start_review", user=user
        )
    return assessment


def _answer(assessment: Assessment, node: Node) -> Answer:
    if node.version_id != assessment.version_id or not node.is_indicator:
        raise SurveyError(_("This indicator is not part of this assessment."))
    answer, _created = Answer.objects.select_for_update().get_or_create(
        assessment=assessment, node=node
    )
    return answer


def _require(user, action: str, assessment: Assessment, node: Node | None) -> None:
    if not permissions.can(user=user, action=action, unit=assessment.unit, node=node):
        raise PermissionRefused(code="scope")


def _jsonable(value) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def verified_points_for(
    *, node: Node, values: dict | None, points: Decimal | None, precision: int = 2
) -> tuple[dict, Decimal | None]:
    """``(verified value, verified points)`` from a reviewer's value or points.

    A value is scored by the engine's rule (so points follow from it); points
    alone are bounded by the indicator's maximum, except bonus and penalty items.
    Raises :class:`VerdictInvalid`.
    """
    fields = TYPE_FIELDS.get(node.answer_type, ())
    given = {
        k: v
        for k, v in (values or {}).items()
        if k in fields and v not in (None, "", [])
    }
    if given and points is not None:
        raise VerdictInvalid(
            {"points": _("Give either the verified value or the points, not both.")}
        )
    if given:
        value = {k: _jsonable(v) for k, v in given.items()}
        computed, error = answer_points(
            node=node, values=given, is_na=False, precision=precision
        )
        if error:
            raise VerdictInvalid({"value": MESSAGES.get(error, error)})
        return value, computed
    if points is None:
        raise VerdictInvalid(
            {"value": _("Enter the verified value or the verified points.")}
        )
    if not points.is_finite():
        raise VerdictInvalid({"points": _("Enter a number.")})
    top = Decimal(str(node.max_points or 0))
    if node.rule not in UNBOUNDED_RULES and not 0 <= points <= top:
        raise VerdictInvalid(
            {
                "points": _("The points must be between 0 and %(max)s.")
                % {"max": number_format(top.normalize())}
            }
        )
    return {}, points.quantize(Decimal(10) ** -precision)


@transaction.atomic
def answer_verdict(
    *,
    assessment: Assessment,
    node: Node,
    user,
    verdict: str,
    explanation: str = "",
    values: dict | None = None,
    points: Decimal | None = None,
    expected_version: int | None = None,
) -> Answer:
    """Agree with the unit's answer to ``node``, or disagree with an explanation
    and the verified value (scored by the rule) or points. Stores the verified
    value and points, and verifies the assessment once every applicable indicator
    has a verdict.

    A verdict is a change of the answer: it takes a new version. Given
    ``expected_version`` (the version the reviewer's page showed), a verdict on an
    answer changed since then raises :class:`VerdictStale`.
    """
    _require(user, "review_answer", assessment, node)
    assessment = _reviewable(assessment, user)
    answer = _answer(assessment, node)
    if expected_version is not None and answer.version != expected_version:
        raise VerdictStale(answer)
    explanation = explanation.strip()
    if verdict == "agree":
        value, verified = {}, answer.self_points
    elif verdict == "disagree":
        if not explanation:
            raise VerdictInvalid({"explanation": _("Explain why you disagree.")})
        value, verified = verified_points_for(
            node=node,
            values=values,
            points=points,
            precision=assessment.version.precision,
        )
    else:
        raise TransitionRefused(code="unknown_verdict")
    details = {"verified_value": value, "verified_points": _jsonable(verified)}
    target = R.AGREED if verdict == "agree" else R.DISAGREED
    if answer.review_status == target:
        _verdict_update_audit(answer, user, details, explanation)
    else:
        answer = answer_review_transition(
            answer=answer,
            action=verdict,
            user=user,
            reason=explanation,
            details=details,
        )
    answer.verified_value = value
    answer.verified_points = verified
    answer.reviewer_explanation = explanation
    answer.version += 1
    answer.save(
        update_fields=[
            "verified_value",
            "verified_points",
            "reviewer_explanation",
            "version",
        ]
    )
    assessment_verify_if_complete(assessment=assessment)
    return answer


def _verdict_update_audit(answer: Answer, user, details: dict, reason: str) -> None:
    """A verdict changed without a change of status (new verified points)."""
    audit_record(
        actor=user,
        action=AuditEvent.Action.VERDICT,
        obj=answer,
        assessment_id=answer.assessment_id,
        before={
            "review_status": answer.review_status,
            "verified_value": answer.verified_value,
            "verified_points": _jsonable(answer.verified_points),
        },
        after={"review_status": answer.review_status, **details},
        reason=reason,
    )


@transaction.atomic
def answers_agree_remaining(*, assessment: Assessment, user, nodes: list[Node]) -> int:
    """Agree with every answer among ``nodes`` still pending; returns how many.

    The same as agreeing with each in turn (:func:`answer_verdict`: each keeps the
    unit's own points as its verified points, takes a new version and an audit
    event; the assessment is verified when nothing is left), done in a number of
    queries that does not grow with the number of answers.
    """
    settled = [*states.VERDICT_GIVEN, R.RETURNED]
    done = set(
        assessment.answers.filter(
            node__in=nodes, review_status__in=settled
        ).values_list("node_id", flat=True)
    )
    pending = [node for node in nodes if node.pk not in done]
    if not pending:
        return 0
    _require_each(user, "review_answer", assessment, pending)
    assessment = _reviewable(assessment, user)
    for node in pending:
        if node.version_id != assessment.version_id or not node.is_indicator:
            raise SurveyError(_("This indicator is not part of this assessment."))
    answers = _answers_locked(assessment, pending)
    answers = [a for a in answers if a.review_status not in settled]
    if (
        states.find_transition(machine=states.ANSWER, action="agree", source=R.PENDING)
        is None
    ):  # pragma: no cover - the table allows it
        raise TransitionRefused(code="not_in_table")
    events = []
    for answer in answers:
        events.append(
            audit_event(
                actor=user,
                action=AuditEvent.Action.VERDICT,
                obj=answer,
                assessment_id=assessment.pk,
                before={"review_status": answer.review_status},
                after={
                    "review_status": R.AGREED,
                    "verified_value": {},
                    "verified_points": _jsonable(answer.self_points),
                },
            )
        )
        answer.review_status = R.AGREED
        answer.verified_value = {}
        answer.verified_points = answer.self_points
        answer.reviewer_explanation = ""
        answer.version += 1
    Answer.objects.bulk_update(
        answers,
        [
            "review_status",
            "verified_value",
            "verified_points",
            "reviewer_explanation",
            "version",
        ],
        batch_size=500,
    )
    AuditEvent.objects.bulk_create(events, batch_size=500)
    assessment_verify_if_complete(assessment=assessment)
    return len(answers)


def _require_each(user, action: str, assessment: Assessment, nodes: list[Node]):
    """:func:`_require` for each of ``nodes``, reading the person's roles once."""
    roles = permissions.user_roles(user=user, unit=assessment.unit)
    codes = None
    if permissions.REVIEWER in roles:
        codes = permissions.reviewer_codes(user=user, unit=assessment.unit)
    for node in nodes:
        held = set(roles)
        if not permissions.covers(codes, node):
            held.discard(permissions.REVIEWER)
        if not permissions.roles_allow(roles=held, action=action):
            raise PermissionRefused(code="scope")


def _answers_locked(assessment: Assessment, nodes: list[Node]) -> list[Answer]:
    """The answers to ``nodes`` locked for this change, in the order of ``nodes``;
    those not stored yet are created empty (as :func:`_answer` does)."""
    locked = Answer.objects.select_for_update().filter(
        assessment=assessment, node__in=nodes
    )
    stored = {answer.node_id: answer for answer in locked}
    missing = [
        Answer(assessment=assessment, node=node)
        for node in nodes
        if node.pk not in stored
    ]
    if missing:
        Answer.objects.bulk_create(missing, batch_size=500)
        stored = {answer.node_id: answer for answer in locked.all()}
    return [stored[node.pk] for node in nodes]


@transaction.atomic
def answers_return(
    *, assessment: Assessment, nodes: list[Node], user, comment: str
) -> int:
    """Return ``nodes`` to the unit with ``comment``: each answer goes to returned
    (its values kept in the audit event, to show later what changed), the comment
    opens or continues the indicator's thread, the assessment goes to returned and
    the unit is told."""
    comment = comment.strip()
    if not comment:
        raise VerdictInvalid({"comment": _("Say what the unit must correct.")})
    if not storable(comment):
        raise VerdictInvalid({"comment": UNSTORABLE})
    if not nodes:
        raise VerdictInvalid({"nodes": _("Choose the indicators to return.")})
    for node in nodes:
        _require(user, "return_answer", assessment, node)
    assessment = _reviewable(assessment, user)
    for node in nodes:
        answer = _answer(assessment, node)
        if answer.review_status != R.RETURNED:
            answer_review_transition(
                answer=answer,
                action="return",
                user=user,
                reason=comment,
                details={"values": answer_values(answer)},
            )
        AnswerComment.objects.create(
            assessment=assessment,
            node=node,
            author=user,
            kind=AnswerComment.Kind.RETURN,
            body=comment[:MAX_COMMENT],
        )
    if assessment.state == A.IN_REVIEW:
        assessment_transition(assessment=assessment, action="return", user=user)
    notify(
        users=unit_members(unit=assessment.unit),
        kind=N.Kind.RETURNED,
        assessment=assessment,
        node=nodes[0] if len(nodes) == 1 else None,
        actor=user,
        text="\n".join(f"{n.code} {n.name_vi}" for n in nodes) + "\n\n" + comment,
    )
    return len(nodes)


def assessment_verify_if_complete(*, assessment: Assessment) -> bool:
    """Verify ``assessment`` (as the application itself) when every applicable
    indicator has a verdict; returns whether it did."""
    assessment.refresh_from_db()
    if assessment.state != A.IN_REVIEW:
        return False
    node_ids = [node.pk for node in assessment_indicators(assessment=assessment)]
    verdicts = assessment.answers.filter(
        node_id__in=node_ids, review_status__in=states.VERDICT_GIVEN
    ).count()
    if verdicts < len(node_ids):
        return False
    assessment_transition(assessment=assessment, action="verify", user=None)
    notify(
        users=unit_members(unit=assessment.unit),
        kind=N.Kind.VERIFIED,
        assessment=assessment,
    )
    return True


@transaction.atomic
def answer_comment_add(
    *, assessment: Assessment, node: Node, user, body: str
) -> AnswerComment:
    """Add ``body`` to the thread about ``node``; the other side is told: the unit
    when a reviewer writes, the reviewers of ``node`` when the unit writes."""
    _require(user, "comment", assessment, node)
    body = body.strip()
    if not body:
        raise VerdictInvalid({"body": _("Write a message.")})
    if not storable(body):
        raise VerdictInvalid({"body": UNSTORABLE})
    if len(body) > MAX_COMMENT:
        raise VerdictInvalid(
            {"body": _("At most %(limit)s characters.") % {"limit": MAX_COMMENT}}
        )
    if node.version_id != assessment.version_id:
        raise SurveyError(_("This indicator is not part of this assessment."))
    comment = AnswerComment.objects.create(
        assessment=assessment, node=node, author=user, body=body
    )
    unit_side = unit_members(unit=assessment.unit)
    if any(member.pk == user.pk for member in unit_side):
        recipients = unit_reviewers(unit=assessment.unit, node=node)
    else:
        recipients = unit_side
    notify(
        users=recipients,
        kind=N.Kind.COMMENT,
        assessment=assessment,
        node=node,
        actor=user,
        text=body,
    )
    return comment
