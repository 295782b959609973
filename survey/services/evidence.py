"""Evidence of an answer: document references, links and files, carried forward.

Every function checks edit rights exactly as ``answer_save`` does
(:func:`survey.services.answers.answer_edit_check`). Files are checked by size and
by content: the extension must be one of :data:`FILE_TYPES` and the bytes must be
of that type (puremagic for the signature; the zip or OLE container's own parts for
office documents, whose signatures are shared by every zip or OLE file).
"""

import posixpath
import unicodedata
import uuid
import zipfile
from datetime import date
from typing import Any

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from survey.errors import SurveyError
from survey.models import Answer, Assessment, AuditEvent, Evidence, Node
from survey.selectors.questionnaire import evidence_previous
from survey.services.answers import answer_edit_check, answer_returned_check
from survey.services.audit import audit_record

MAX_ITEMS_PER_ANSWER = 30
MAX_DOC_NUMBER = 120
MAX_SUMMARY = 2000
MAX_URL = 1000
MAX_NAME = 255
OOXML = "application/vnd.openxmlformats-officedocument"
# What puremagic reports for any zip or OLE container (the office formats inside
# are told apart by their parts, below).
ZIP = frozenset({".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".jar"})
OLE = frozenset({".doc", ".xls", ".ppt", ".msi", ".msg", ".vsd"})
JPEG = frozenset({".jpg", ".jpeg", ".jfif", ".jpe"})
# extension: (content type, extensions puremagic may report for it, check of parts)
FILE_TYPES: dict[str, tuple[str, frozenset[str], str]] = {
    ".pdf": ("application/pdf", frozenset({".pdf"}), ""),
    ".png": ("image/png", frozenset({".png"}), ""),
    ".jpg": ("image/jpeg", JPEG, ""),
    ".jpeg": ("image/jpeg", JPEG, ""),
    ".docx": (f"{OOXML}.wordprocessingml.document", ZIP, "docx"),
    ".xlsx": (f"{OOXML}.spreadsheetml.sheet", ZIP, "xlsx"),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP, "odt"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP, "ods"),
    ".doc": ("application/msword", OLE, "doc"),
    ".xls": ("application/vnd.ms-excel", OLE, "xls"),
}
ZIP_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
ODF_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
OLE_STREAMS = {
    "doc": ("WordDocument",),
    "xls": ("Workbook", "Book"),
}
MESSAGES = {
    "file_missing": _("Choose a file to attach."),
    "file_empty": _("The file is empty."),
    "file_too_large": _("The file is too large (%(size)s): at most %(limit)s."),
    "file_type": _(
        "Only PDF files, images (PNG, JPEG) and office documents (DOCX, XLSX, ODT, "
        "ODS, DOC, XLS) can be attached."
    ),
    "file_content": _(
        "The content of this file is not a %(type)s file, whatever its name says; "
        "it was refused."
    ),
    "doc_empty": _("Enter the document's number or its summary."),
    "too_long": _("This text is too long: at most %(limit)s characters."),
    "url_invalid": _("Enter a full web address starting with http:// or https://."),
    "too_many": _("An indicator can have at most %(limit)s items of evidence."),
    "not_found": _("This evidence is not part of this assessment."),
}


class EvidenceInvalid(SurveyError):
    """Evidence refused; ``errors`` maps a field to ``[(code, message)]``."""

    default_message = _("The evidence could not be added; see the fields marked.")

    def __init__(self, errors: dict[str, list[tuple[str, Any]]]) -> None:
        super().__init__(code="invalid")
        self.errors = errors


def _invalid(name: str, code: str, **params) -> EvidenceInvalid:
    message = MESSAGES[code] % params if params else MESSAGES[code]
    return EvidenceInvalid({name: [(code, message)]})


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
        raise _invalid("doc_number", "doc_empty")
    _check_length("doc_number", doc_number, MAX_DOC_NUMBER)
    _check_length("summary", summary, MAX_SUMMARY)
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
        raise _invalid("url", "too_long", limit=MAX_URL)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise _invalid("url", "url_invalid") from None
    _check_length("summary", summary, MAX_SUMMARY)
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
    _check_length("summary", summary, MAX_SUMMARY)
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


def evidence_file_check(*, upload) -> str:
    """The content type of ``upload`` when its size and content are acceptable;
    raise :class:`EvidenceInvalid` otherwise."""
    if upload is None:
        raise _invalid("file", "file_missing")
    if not upload.size:
        raise _invalid("file", "file_empty")
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise _invalid(
            "file",
            "file_too_large",
            size=filesizeformat(upload.size),
            limit=filesizeformat(limit),
        )
    extension = posixpath.splitext(evidence_file_name(upload.name))[1].lower()
    if extension not in FILE_TYPES:
        raise _invalid("file", "file_type")
    content_type, signatures, parts = FILE_TYPES[extension]
    if not _content_matches(upload, signatures, parts):
        raise _invalid("file", "file_content", type=extension[1:].upper())
    return content_type


def _content_matches(upload, signatures: frozenset[str], parts: str) -> bool:
    upload.seek(0)
    try:
        detected = {match.extension.lower() for match in puremagic.magic_stream(upload)}
    except (puremagic.PureError, ValueError):
        return False
    finally:
        upload.seek(0)
    if not detected & signatures:
        return False
    if parts in ZIP_PARTS or parts in ODF_TYPES:
        return _zip_has(upload, parts)
    if parts in OLE_STREAMS:
        return _ole_has(upload, OLE_STREAMS[parts])
    return True


def _zip_has(upload, kind: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if kind in ODF_TYPES:
                return (
                    "mimetype" in names
                    and archive.read("mimetype").strip() == ODF_TYPES[kind]
                )
            return "[Content_Types].xml" in names and ZIP_PARTS[kind] in names
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False
    finally:
        upload.seek(0)


def _ole_has(upload, streams: tuple[str, ...]) -> bool:
    """Whether the OLE container's directory names one of ``streams`` (its entries
    are UTF-16 names; a Word file has "WordDocument", an Excel one "Workbook")."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return any(name.encode("utf-16-le") + b"\0\0" in data for name in streams)


def evidence_file_name(name: str) -> str:
    """The file's own name without folders or control characters (for display
    and for the download's Content-Disposition)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    name = name.lstrip(".") or "file"
    if len(name) > MAX_NAME:
        stem, extension = posixpath.splitext(name)
        name = stem[: MAX_NAME - len(extension)] + extension
    return name


def _stored_name(name: str) -> str:
    """A random name: stored paths never come from the person's input."""
    return uuid.uuid4().hex + posixpath.splitext(name)[1].lower()


# Removing, confirming, carrying forward ---------------------------------------------


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user) -> None:
    """Remove an item of evidence (and its stored file, once committed)."""
    answer = _editable_answer(evidence.answer.assessment, evidence.answer.node, user)
    if evidence.answer_id != answer.pk:
        raise _invalid("__all__", "not_found")
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
        raise _invalid("__all__", "too_many", limit=MAX_ITEMS_PER_ANSWER)


def _check_length(name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise _invalid(name, "too_long", limit=limit)


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
