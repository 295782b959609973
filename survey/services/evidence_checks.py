"""What evidence may hold: the refusals (:class:`EvidenceInvalid` and its
messages), text lengths, and files checked by size and by content: the extension
must be one of :data:`FILE_TYPES` and the bytes must be of that type (puremagic for
the signature; the zip or OLE container's own parts for office documents, whose
signatures are shared by every zip or OLE file).
"""

import posixpath
import unicodedata
import zipfile
from typing import Any

import puremagic
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from survey.errors import SurveyError

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


def invalid(name: str, code: str, **params) -> EvidenceInvalid:
    message = MESSAGES[code] % params if params else MESSAGES[code]
    return EvidenceInvalid({name: [(code, message)]})


def check_length(name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise invalid(name, "too_long", limit=limit)


def evidence_file_check(*, upload) -> str:
    """The content type of ``upload`` when its size and content are acceptable;
    raise :class:`EvidenceInvalid` otherwise."""
    if upload is None:
        raise invalid("file", "file_missing")
    if not upload.size:
        raise invalid("file", "file_empty")
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise invalid(
            "file",
            "file_too_large",
            size=filesizeformat(upload.size),
            limit=filesizeformat(limit),
        )
    extension = posixpath.splitext(evidence_file_name(upload.name))[1].lower()
    if extension not in FILE_TYPES:
        raise invalid("file", "file_type")
    content_type, signatures, parts = FILE_TYPES[extension]
    if not _content_matches(upload, signatures, parts):
        raise invalid("file", "file_content", type=extension[1:].upper())
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
