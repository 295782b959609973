"""Saving one answer: its typed values checked (survey.services.answer_checks)
by a person allowed to (survey.services.answer_access), its own points from the
engine (asked once per save), optimistic locking and audit.

Audit: every save that changes the answer appends one event (who, when, the values
before and after) in the transaction that stores the answer, so every value a person
was told is saved (the reply carries the new version) can be read back from the
trail, in order. Nothing is merged: the audit table is append-only (the database
refuses UPDATE and DELETE), and a merged event could only keep its first value. A
resent save that changes nothing writes nothing. The volume stays small because the
questionnaire sends a save about 2 s after the last keystroke
(``static/js/questionnaire.js``), not per keystroke. See ``docs/audit.md``.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from survey.errors import StaleVersion
from survey.models import Answer, Assessment, AuditEvent, Node
from survey.numbers import plain_decimal
from survey.results.points import answer_points
from survey.services.answer_access import (
    answer_edit_check,
    answer_returned_check,
    answer_supplied_check,
)
from survey.services.answer_checks import (
    VALUE_FIELDS,
    AnswerInvalid,
    check_values,
    parse_values,
)
from survey.services.audit import audit_record

ALL_FIELDS = (*VALUE_FIELDS, "is_na", "comment")


class AnswerStale(StaleVersion):
    """Someone saved this answer since ``expected_version``; carries the server's
    current values so that the person can choose."""

    def __init__(self, *, answer: Answer) -> None:
        super().__init__(code="stale")
        self.answer = answer
        self.version = answer.version
        self.current = answer_values(answer)


@dataclass(frozen=True)
class SavedAnswer:
    answer: Answer
    changed: bool
    warnings: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)


def answer_values(answer: Answer | None) -> dict[str, Any]:
    """Every value field of ``answer`` as JSON-safe data (audit, conflicts)."""
    if answer is None:
        return {
            **dict.fromkeys(VALUE_FIELDS),
            "choice": "",
            "checks": [],
            "text": "",
            "is_na": False,
            "comment": "",
        }
    return {
        "yes": answer.yes,
        "number": plain_decimal(answer.number),
        "denominator": plain_decimal(answer.denominator),
        "choice": answer.choice,
        "checks": list(answer.checks or []),
        "date": answer.date.isoformat() if answer.date else None,
        "text": answer.text,
        "is_na": answer.is_na,
        "comment": answer.comment,
    }


@transaction.atomic
def answer_save(
    *,
    assessment: Assessment,
    node: Node,
    values: dict[str, Any],
    expected_version: int,
    user,
) -> SavedAnswer:
    """Check and store the typed ``values`` of ``node``, compute its own points and
    bump the answer's version.

    ``values`` is keyed like Answer's fields; keys left out keep their value.
    A value supplied by the province is not changed by the unit
    (:func:`answer_supplied_check`).
    Raises :class:`AnswerLocked`, :class:`AnswerInvalid` (nothing stored) or
    :class:`AnswerStale` when ``expected_version`` is not the stored version, unless
    the stored values already equal the ones sent (a resent save succeeds).
    """
    answer_edit_check(assessment=assessment, node=node, user=user)
    cleaned, out = parse_values(node, values)
    answer = _locked_answer(assessment, node)
    answer_returned_check(assessment=assessment, answer=answer)
    before = answer_values(answer)
    for name, value in cleaned.items():
        setattr(answer, name, value)
    answer_supplied_check(answer=answer, before=before, after=answer_values(answer))
    outcome = check_values(node, answer, assessment.version.precision, out)
    if out.errors:
        raise AnswerInvalid(out.errors)
    warnings = out.warnings
    after = answer_values(answer)
    if after == before:
        # Nothing changes: a resent save is confirmed with the stored version.
        return SavedAnswer(answer=answer, changed=False, warnings=warnings)
    if answer.version != expected_version:
        _restore(answer)
        raise AnswerStale(answer=answer)
    _store(answer, node, user, assessment.version.precision, outcome)
    _audit(answer, user, before, after)
    return SavedAnswer(answer=answer, changed=True, warnings=warnings)


def _locked_answer(assessment: Assessment, node: Node) -> Answer:
    """The stored answer, locked until the end of the transaction, or a new one."""
    answer = (
        Answer.objects.select_for_update()
        .filter(assessment=assessment, node=node)
        .first()
    )
    return answer or Answer(assessment=assessment, node=node)


def _restore(answer: Answer) -> None:
    if answer.pk:
        answer.refresh_from_db(fields=ALL_FIELDS)
    else:
        for name, value in answer_values(None).items():
            setattr(answer, name, value)


def _store(answer: Answer, node: Node, user, precision: int, outcome) -> None:
    """Store ``answer`` with its own points: the engine's ``outcome`` for its
    typed values (:func:`check_values`), or for an answer marked N/A the N/A's
    own outcome. The engine is asked once per save, unless an N/A answer keeps
    typed values: they are still checked, then the N/A is scored."""
    if answer.is_na:
        engine_values = {f: getattr(answer, f) for f in VALUE_FIELDS}
        outcome = answer_points(
            node=node, values=engine_values, is_na=True, precision=precision
        )
    points, error = outcome
    answer.self_points = points
    answer.points_error = error
    answer.version += 1
    answer.updated_by = user if user.is_authenticated else None
    if answer.pk:
        answer.save()
        return
    try:
        with transaction.atomic():
            answer.save(force_insert=True)
    except IntegrityError:  # created meanwhile by another request
        stored = Answer.objects.get(assessment_id=answer.assessment_id, node=node)
        raise AnswerStale(answer=stored) from None


def _audit(answer: Answer, user, before: dict, after: dict) -> None:
    """One event per acknowledged save (see the module docstring)."""
    audit_record(
        actor=user,
        action=AuditEvent.Action.ANSWER_CHANGE,
        obj=answer,
        assessment_id=answer.assessment_id,
        before=before,
        after=after,
    )
