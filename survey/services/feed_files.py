"""File feeds: the sources whose exports the coordinator imports (each with the
saved mapping of its columns), and the import of one export: a preview that
writes nothing, then the import itself, all or nothing, recorded as a feed batch
whose key is the file's SHA-256 so that the same file imported again writes
nothing (survey.services.feeds).

Between the preview and the import the file waits on the server, under a random
name in a folder of its uploader's own; the confirming request names it and
never sends the file again. A kept file is removed once the import is confirmed,
whatever its outcome; one never confirmed is removed after a day, by the next
upload of anyone (and refused if confirmed later).
"""

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from survey.errors import SurveyError
from survey.models import AuditEvent, Campaign, FeedBatch, FeedSource
from survey.numbers import NumberFormat
from survey.permissions import permission_require
from survey.selectors.provinces import province_of
from survey.services.audit import audit_record
from survey.services.campaigns import CampaignInvalid
from survey.services.feeds import FeedBatchIn, FeedOutcome, feed_batch_receive
from survey.services.supply import SupplyCheck, supply_check
from survey.services.supply_reading import FeedFile, denominator_of, read_feed_file

UPLOADS = "feed-uploads"
UPLOAD_ID = re.compile(r"[0-9a-f]{32}\.(csv|xlsx)")
UPLOAD_KEPT = timedelta(days=1)


@dataclass(frozen=True)
class FeedSourceIn:
    """A source's fields as typed; ``columns`` maps a header to an indicator."""

    name: str
    description: str = ""
    unit_column: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    sheet: str = ""
    header_row: int = 1


@transaction.atomic
def feed_source_save(
    *, user, data: FeedSourceIn, source: FeedSource | None = None
) -> FeedSource:
    """Create or change a feed source; raises :class:`CampaignInvalid` (field →
    message) with every problem, nothing saved."""
    permission_require(user=user, action="manage_feeds")
    if source is None:
        province = province_of(user)
        source = FeedSource(created_by=user)
        if province is not None:
            source.province = province
    else:
        _mine(user, source=source)
    before = _source_values(source) if source.pk else None
    errors = _source_errors(data, source)
    if errors:
        raise CampaignInvalid(errors)
    source.name = data.name.strip()
    source.description = data.description.strip()
    source.unit_column = data.unit_column.strip().lower()
    source.columns = {h.strip().lower(): c.strip() for h, c in data.columns.items()}
    source.sheet = data.sheet.strip()
    source.header_row = data.header_row
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:  # the same name saved meanwhile
        raise CampaignInvalid({"name": _name_taken()}) from None
    audit_record(
        actor=user,
        action=AuditEvent.Action.ADMIN,
        obj=source,
        before=before,
        after=_source_values(source),
        reason=_("Feed source saved"),
    )
    return source


def _name_taken() -> str:
    return _("Another feed source of the province already has this name.")


def _mine(user, *, source: FeedSource, campaign: Campaign | None = None) -> None:
    """Refuse a source (and campaign) outside ``user``'s province, or a
    campaign of another province than the source's: data of another province
    does not exist for them."""
    province = province_of(user)
    owners = {source.province_id} | ({campaign.province_id} if campaign else set())
    if len(owners) > 1 or (province is not None and owners != {province.pk}):
        raise Http404(_("Not found."))


def _source_errors(data: FeedSourceIn, source: FeedSource) -> dict[str, str]:
    errors = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("Enter the source's name.")
    elif (
        FeedSource.unscoped.filter(name=name, province_id=source.province_id)
        .exclude(pk=source.pk)
        .exists()
    ):
        errors["name"] = _name_taken()
    if not data.unit_column.strip():
        errors["unit_column"] = _("Choose the column that holds the unit's code.")
    headers = [h.strip().lower() for h in data.columns]
    if not data.columns:
        errors["columns"] = _("Choose at least one column that holds an indicator.")
    elif data.unit_column.strip().lower() in headers:
        errors["columns"] = _("The unit's column cannot also hold an indicator.")
    elif any(not code.strip() for code in data.columns.values()):
        errors["columns"] = _("Enter the indicator's code for each indicator column.")
    elif message := _mapping_error(data.columns.values()):
        errors["columns"] = message
    if not 1 <= data.header_row <= 50:
        errors["header_row"] = _("The header row is a line from 1 to 50.")
    return errors


def _mapping_error(codes) -> str:
    codes = [code.strip() for code in codes]
    values = [code for code in codes if not denominator_of(code)]
    if len(set(values)) < len(values):
        return _("Each indicator's value can be read from one column only.")
    ratios = [denominator_of(code) for code in codes if denominator_of(code)]
    if len(set(ratios)) < len(ratios):
        return _("Each indicator's denominator can be read from one column only.")
    if lone := sorted(set(ratios) - set(values)):
        return _(
            "A denominator needs the column of its indicator's value too: %(codes)s."
        ) % {"codes": ", ".join(lone)}
    return ""


def _source_values(source: FeedSource) -> dict[str, Any]:
    return {
        "name": source.name,
        "unit_column": source.unit_column,
        "columns": source.columns,
        "sheet": source.sheet,
        "header_row": source.header_row,
    }


# The file between the preview and the import ---------------------------------------


def feed_upload_keep(*, user, content: bytes, filename: str) -> str:
    """Keep an uploaded export until it is imported; returns its id. Uploads
    left unimported longer than :data:`UPLOAD_KEPT`, by anyone, are removed
    meanwhile, so province data does not stay on the server."""
    feed_uploads_expire()
    suffix = "csv" if filename.lower().endswith(".csv") else "xlsx"
    upload_id = f"{secrets.token_hex(16)}.{suffix}"
    default_storage.save(_upload_path(user, upload_id), ContentFile(content))
    return upload_id


def feed_uploads_expire() -> int:
    """Remove every kept upload older than :data:`UPLOAD_KEPT` (one listing of
    the folder per person who uploaded); returns how many were removed."""
    if not default_storage.exists(UPLOADS):
        return 0
    oldest = timezone.now() - UPLOAD_KEPT
    removed = 0
    for folder in default_storage.listdir(UPLOADS)[0]:
        for name in default_storage.listdir(f"{UPLOADS}/{folder}")[1]:
            path = f"{UPLOADS}/{folder}/{name}"
            try:
                stale = default_storage.get_modified_time(path) < oldest
            except FileNotFoundError:  # removed meanwhile by another request
                continue
            if stale:
                default_storage.delete(path)
                removed += 1
    return removed


def feed_upload_read(*, user, upload_id: str) -> bytes | None:
    """The bytes of ``user``'s kept upload ``upload_id``, or None when there is
    no such upload (another person's, imported already, left too long, or a
    made-up id)."""
    if not UPLOAD_ID.fullmatch(upload_id or ""):
        return None
    path = _upload_path(user, upload_id)
    if not default_storage.exists(path) or _upload_stale(path):
        return None
    with default_storage.open(path, "rb") as kept:
        return kept.read()


def _upload_stale(path: str) -> bool:
    return default_storage.get_modified_time(path) < timezone.now() - UPLOAD_KEPT


def feed_upload_import(
    *,
    user,
    campaign: Campaign,
    source: FeedSource,
    upload_id: str,
    number_format: NumberFormat,
) -> FeedOutcome:
    """Import ``user``'s kept upload ``upload_id`` as :func:`feed_file_import`
    does, then remove it whatever the outcome (imported, replayed or refused).

    Raises :class:`SurveyError` when the upload is not there any more or was
    kept longer than :data:`UPLOAD_KEPT` (it is removed: the person uploads the
    file again and sees a fresh preview)."""
    permission_require(user=user, action="manage_feeds")
    _mine(user, source=source, campaign=campaign)
    if not UPLOAD_ID.fullmatch(upload_id or ""):
        raise SurveyError(_upload_gone())
    path = _upload_path(user, upload_id)
    if not default_storage.exists(path):
        raise SurveyError(_upload_gone())
    try:
        if _upload_stale(path):
            raise SurveyError(
                _(
                    "The file was uploaded more than a day ago and was not kept; "
                    "upload it again."
                )
            )
        with default_storage.open(path, "rb") as kept:
            content = kept.read()
        return feed_file_import(
            user=user,
            campaign=campaign,
            source=source,
            content=content,
            filename=upload_id,
            number_format=number_format,
        )
    finally:
        default_storage.delete(path)


def _upload_gone() -> str:
    return _("The file is no longer on the server; upload it again.")


def _upload_path(user, upload_id: str) -> str:
    return f"{UPLOADS}/{user.pk}/{upload_id}"


# Preview and import ------------------------------------------------------------


@dataclass(frozen=True)
class FeedPreview:
    """An export read and checked, nothing written: its rows and cells (with the
    reasons of refused and skipped cells), and the batch that already imported
    this very file, if any."""

    file: FeedFile
    check: SupplyCheck
    digest: str
    earlier: FeedBatch | None

    @property
    def can_import(self) -> bool:
        return not self.check.errors and self.earlier is None


def feed_file_preview(
    *,
    user,
    campaign: Campaign,
    source: FeedSource,
    content: bytes,
    filename: str,
    number_format: NumberFormat,
) -> FeedPreview:
    """Read and check an export of ``source`` as the import would, writing
    nothing. Raises :class:`CampaignInvalid` (``file``) for an unreadable file
    and :class:`SurveyError` when the campaign does not run."""
    permission_require(user=user, action="manage_feeds")
    _mine(user, source=source, campaign=campaign)
    read = read_feed_file(content, filename=filename, source=source)
    checked = supply_check(
        campaign=campaign,
        rows=read.rows,
        user=user,
        number_format=number_format,
        skip_blank=True,
    )
    earlier = FeedBatch.objects.filter(
        user=user, key=_file_key(content), status=FeedBatch.Status.ACCEPTED
    ).first()
    return FeedPreview(read, checked, _file_key(content), earlier)


def feed_file_import(
    *,
    user,
    campaign: Campaign,
    source: FeedSource,
    content: bytes,
    filename: str,
    number_format: NumberFormat,
) -> FeedOutcome:
    """Import an export of ``source``: all or nothing, recorded as a feed batch
    keyed by the file's SHA-256 (``replayed`` when it was imported already)."""
    permission_require(user=user, action="manage_feeds")
    _mine(user, source=source, campaign=campaign)
    read = read_feed_file(content, filename=filename, source=source)
    key = _file_key(content)
    digest = hashlib.sha256(
        "|".join(
            [
                key,
                campaign.code,
                str(source.pk),
                repr(sorted(read.columns)),
                str(number_format),
            ]
        ).encode()
    ).hexdigest()
    batch = FeedBatchIn(
        campaign=campaign,
        source=source.name,
        key=key,
        digest=digest,
        rows=read.rows,
        number_format=number_format,
        feed_source=source,
        skip_blank=True,
    )
    return feed_batch_receive(user=user, batch=batch)


def _file_key(content: bytes) -> str:
    return "file-" + hashlib.sha256(content).hexdigest()
