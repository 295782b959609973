"""Evidence of an answer: document references, links and files, carried forward.

Every function checks edit rights exactly as ``answer_save`` does
(:func:`survey.services.answer_access.answer_edit_check`). Files are checked by size and
by content (survey.services.evidence_checks).
"""

import posixpath
import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from survey.models import Answer, Assessment, AuditEvent, Evidence, Node
from survey.selectors.questionnaire import evidence_previous
from survey.services.answer_access import answer_edit_check, answer_returned_check
from survey.services.audit import audit_record
from survey.services.evidence_checks import (
    check_length,
    evidence_file_check,
    evidence_file_name,
    invalid,
)

MAX_ITEMS_PER_ANSWER = 30
MAX_DOC_NUMBER = 120
MAX_SUMMARY = 2000
MAX_URL = 1000


# Adding -----------------------------------------------------------------------------


@transaction.atomic
def evidence_add_document(
    *,
    assessment: Assessment,
    node: Node,
    user,
    doc_number: str = "",
    doc_date: date | None = None,
    summary: str = "",
) -> Evidence:
    """Cite a document as "số hiệu – ngày – trích yếu"."""
    answer = _editable_answer(assessment, node, user)
    _check_room(answer)
    doc_number, summary = (doc_number or "").strip(), (summary or "").strip()
    if not doc_number and not summary:
        raise invalid("doc_number", "doc_empty")
    check_length("doc_number", doc_number, MAX_DOC_NUMBER)
    check_length("summary", summary, MAX_SUMMARY)
    evidence = Evidence.objects.create(
        answer=answer,
        kind=Evidence.Kind.DOCUMENT,
        doc_number=doc_number,
        doc_date=doc_date,
        summary=summary,
        created_by=_user(user),
    )
    _audit(user, evidence, after=_describe(evidence))
    return evidence


@transaction.atomic
def evidence_add_link(
    *, assessment: Assessment, node: Node, user, url: str, summary: str = ""
) -> Evidence:
    """Cite a web address (http or https only), with an optional description."""
    answer = _editable_answer(assessment, node, user)
    _check_room(answer)
    url, summary = (url or "").strip(), (summary or "").strip()
    if len(url) > MAX_URL:
        raise invalid("url", "too_long", limit=MAX_URL)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise invalid("url", "url_invalid") from None
    check_length("summary", summary, MAX_SUMMARY)
    evidence = Evidence.objects.create(
        answer=answer,
        kind=Evidence.Kind.LINK,
        url=url,
        summary=summary,
        created_by=_user(user),
    )
    _audit(user, evidence, after=_describe(evidence))
    return evidence


@transaction.atomic
def evidence_add_file(
    *, assessment: Assessment, node: Node, user, upload, summary: str = ""
) -> Evidence:
    """Store an uploaded file at once, after checking its size and its content."""
    answer = _editable_answer(assessment, node, user)
    _check_room(answer)
    content_type = evidence_file_check(upload=upload)
    summary = (summary or "").strip()
    check_length("summary", summary, MAX_SUMMARY)
    name = evidence_file_name(upload.name)
    evidence = Evidence(
        answer=answer,
        kind=Evidence.Kind.FILE,
        summary=summary,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        created_by=_user(user),
    )
    upload.seek(0)
    evidence.file.save(_stored_name(name), upload, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(evidence.file.name)
        raise
    _audit(user, evidence, after=_describe(evidence))
    return evidence


def _stored_name(name: str) -> str:
    """A random name: stored paths never come from the person's input."""
    return uuid.uuid4().hex + posixpath.splitext(name)[1].lower()


# Removing, confirming, carrying forward ---------------------------------------------


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user) -> None:
    """Remove an item of evidence (and its stored file, once committed)."""
    answer = _editable_answer(evidence.answer.assessment, evidence.answer.node, user)
    if evidence.answer_id != answer.pk:
        raise invalid("__all__", "not_found")
    before = _describe(evidence)
    _audit(user, evidence, before=before)
    name = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage
    evidence.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def evidence_confirm(*, evidence: Evidence, user) -> Evidence:
    """Mark evidence carried from last year as still valid."""
    _editable_answer(evidence.answer.assessment, evidence.answer.node, user)
    if not evidence.confirmed:
        Evidence.objects.filter(pk=evidence.pk).update(confirmed=True)
        evidence.confirmed = True
        _audit(user, evidence, before={"confirmed": False}, after={"confirmed": True})
    return evidence


@transaction.atomic
def evidence_carry_forward(
    *, assessment: Assessment, node: Node, user
) -> list[Evidence]:
    """Copy last year's evidence of ``node`` (followed through ``continues``) as new
    items to confirm; items carried already are not copied twice."""
    answer = _editable_answer(assessment, node, user)
    carried = set(
        Evidence.objects.filter(answer__assessment=assessment)
        .exclude(carried_from=None)
        .values_list("carried_from_id", flat=True)
    )
    previous = evidence_previous(assessment=assessment, nodes=[node], carried=carried)
    items = previous.get(node.pk, [])
    _check_room(answer, len(items))
    copies = [c for c in (_copy(item, answer, user) for item in items) if c]
    for copy in copies:
        _audit(
            user, copy, after={**_describe(copy), "carried_from": copy.carried_from_id}
        )
    return copies


def _copy(item: Evidence, answer: Answer, user) -> Evidence | None:
    copy = Evidence(
        answer=answer,
        kind=item.kind,
        doc_number=item.doc_number,
        doc_date=item.doc_date,
        summary=item.summary,
        url=item.url,
        original_name=item.original_name,
        content_type=item.content_type,
        size=item.size,
        carried_from=item,
        confirmed=False,
        created_by=_user(user),
    )
    if item.file:
        try:
            with item.file.open("rb") as source:
                copy.file.save(
                    _stored_name(item.original_name or item.file.name),
                    File(source),
                    save=False,
                )
        except OSError:
            return None  # last year's file is gone: nothing to carry
    copy.save()
    return copy


# Helpers ----------------------------------------------------------------------------


def _editable_answer(assessment: Assessment, node: Node, user) -> Answer:
    """The answer of ``node`` (created empty if needed), locked, once the person
    may edit it."""
    answer_edit_check(assessment=assessment, node=node, user=user)
    rows = Answer.objects.select_for_update().filter(assessment=assessment, node=node)
    answer = rows.first()
    if answer is None:
        try:
            with transaction.atomic():
                answer = Answer.objects.create(assessment=assessment, node=node)
        except IntegrityError:  # created meanwhile by another request
            answer = rows.get()
    answer_returned_check(assessment=assessment, answer=answer)
    return answer


def _check_room(answer: Answer, adding: int = 1) -> None:
    if answer.evidence.count() + adding > MAX_ITEMS_PER_ANSWER:
        raise invalid("__all__", "too_many", limit=MAX_ITEMS_PER_ANSWER)


def _user(user):
    return user if user is not None and user.is_authenticated else None


def _describe(evidence: Evidence) -> dict:
    return {
        "id": evidence.pk,
        "kind": evidence.kind,
        "text": str(evidence),
        "node": evidence.answer.node.code,
    }


def _audit(user, evidence: Evidence, *, before=None, after=None) -> None:
    audit_record(
        actor=user,
        action=AuditEvent.Action.ANSWER_CHANGE,
        obj=evidence,
        assessment_id=evidence.answer.assessment_id,
        before=before,
        after=after,
    )
