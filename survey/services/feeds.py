"""Feeds: batches of province-supplied values sent by a provincial system through
the API, or read from a file it exported (survey.services.feed_files).

A batch is stored through :func:`survey.services.supply.values_supply`, so each
value is checked as the questionnaire checks it and the batch is all or nothing.
Each batch is kept as a :class:`FeedBatch` under the caller's idempotency key:

- the same key sent again with the same body gets the stored reply, marked
  ``replayed``, and writes nothing;
- the same key with another body is refused as a conflict;
- only an accepted batch holds its key: a refused batch is recorded (the feeds
  list shows it) but the caller may correct the values and send the same key
  again, which replaces the record of the refusal.

Two requests with the same key at once cannot both write: batches of a campaign
are received one at a time (its row is locked), and the key is unique per
account, so the second sees the first's batch and replays it.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from survey.errors import SurveyError
from survey.models import ApiToken, Campaign, FeedBatch, FeedSource
from survey.numbers import NumberFormat
from survey.permissions import permission_require
from survey.selectors.provinces import province_of
from survey.services.campaigns import CampaignInvalid
from survey.services.supply import SupplyOrigin, SupplyRow, values_supply

MAX_VALUES = 5000
ACCEPTED = FeedBatch.Status.ACCEPTED
REFUSED = FeedBatch.Status.REFUSED


@dataclass(frozen=True)
class FeedOutcome:
    """What became of a batch: ``kind`` is ``accepted``, ``replayed``,
    ``refused`` or ``conflict``; ``reply`` is what the caller is told."""

    kind: str
    reply: dict[str, Any]
    batch: FeedBatch | None = None


@dataclass(frozen=True)
class FeedBatchIn:
    """A batch to receive: its ``key`` and ``digest`` (of the whole request), the
    source's name, the rows and, per row key, the (indicator, unit) it names."""

    campaign: Campaign
    source: str
    key: str
    digest: str
    rows: list[SupplyRow]
    number_format: NumberFormat
    token: ApiToken | None = None
    feed_source: FeedSource | None = None
    # Files leave cells empty where they have no value; the API never does.
    skip_blank: bool = False


def feed_digest(data: Any) -> str:
    """SHA-256 of the canonical JSON of ``data`` (sorted keys, no spaces)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def feed_batch_receive(*, user, batch: FeedBatchIn) -> FeedOutcome:
    """Store ``batch`` for ``user`` (see the module docstring).

    Raises ``PermissionDenied`` when ``user`` may not supply values, and
    ``Http404`` for a campaign (or source) of another province than theirs."""
    permission_require(user=user, action="supply_values")
    province = province_of(user)
    owners = {batch.campaign.province_id}
    if batch.feed_source is not None:
        owners.add(batch.feed_source.province_id)
    if len(owners) > 1 or (province is not None and owners != {province.pk}):
        raise Http404(_("Not found."))
    try:
        with transaction.atomic():
            return _receive(user, batch)
    except IntegrityError:
        earlier = FeedBatch.objects.filter(user=user, key=batch.key).first()
        if earlier is None:
            raise
    if earlier.status == ACCEPTED:
        return _earlier_outcome(earlier, batch)
    # A refusal recorded meanwhile does not hold the key: receive again.
    with transaction.atomic():
        return _receive(user, batch)


def feed_too_large(*, key: str, count: int) -> FeedOutcome:
    """The refusal of a batch of more than :data:`MAX_VALUES` values."""
    message = _(
        "A batch holds at most %(max)s values; this one has %(count)s. "
        "Send it in several batches."
    ) % {"max": MAX_VALUES, "count": count}
    return FeedOutcome(
        "refused", {"key": key, "status": REFUSED, "message": message, "errors": []}
    )


def _receive(user, batch: FeedBatchIn) -> FeedOutcome:
    # Batches of a campaign are received one at a time: a second request with
    # the same key waits here and then finds the first one's batch.
    Campaign.objects.select_for_update().filter(pk=batch.campaign.pk).first()
    earlier = (
        FeedBatch.objects.select_for_update().filter(user=user, key=batch.key).first()
    )
    if earlier is not None and earlier.status == ACCEPTED:
        return _earlier_outcome(earlier, batch)
    origin = SupplyOrigin(source=batch.source, token=batch.token)
    try:
        result = values_supply(
            campaign=batch.campaign,
            rows=batch.rows,
            user=user,
            number_format=batch.number_format,
            origin=origin,
            skip_blank=batch.skip_blank,
        )
    except CampaignInvalid as invalid:
        reply = _refused(batch, errors=_row_list(batch, invalid.errors))
    except SurveyError as error:
        reply = _refused(batch, message=str(error.message))
    else:
        reply = {
            "key": batch.key,
            "status": ACCEPTED,
            "saved": result.saved,
            "unchanged": result.unchanged,
            "skipped": _row_list(batch, result.skipped),
            "reopened": result.reopened,
            "replayed": False,
        }
    stored = _record(user, batch, earlier, reply)
    return FeedOutcome(reply["status"], reply, stored)


def _refused(batch: FeedBatchIn, *, errors=(), message: str = "") -> dict:
    reply: dict[str, Any] = {"key": batch.key, "status": REFUSED}
    if message:
        reply["message"] = message
    reply["errors"] = list(errors)
    return reply


def _row_list(batch: FeedBatchIn, reasons: dict) -> list[dict]:
    """``reasons`` (row key → text) as the rows the caller sent, in order."""
    named = {row.key: row for row in batch.rows}
    return [
        {
            "row": key,
            "indicator": named[key].code or named[key].node.code,
            "unit": named[key].unit,
            "reason": str(reason),
        }
        for key, reason in sorted(reasons.items(), key=lambda item: _order(item[0]))
    ]


def _order(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def _record(user, batch: FeedBatchIn, earlier, reply: dict) -> FeedBatch:
    """Record the batch; a refusal recorded earlier under the key is replaced."""
    record = earlier or FeedBatch(user=user, key=batch.key)
    record.token = batch.token
    record.feed_source = batch.feed_source
    record.source = batch.source
    record.campaign = batch.campaign
    record.digest = batch.digest
    record.status = reply["status"]
    record.response = reply
    record.saved = reply.get("saved", 0)
    if record.pk:
        record.save()
    else:
        # A concurrent batch that took the key first makes this one fail as a
        # whole, values included (see feed_batch_receive).
        record.save(force_insert=True)
    return record


def _earlier_outcome(earlier: FeedBatch, batch: FeedBatchIn) -> FeedOutcome:
    if earlier.status == ACCEPTED and earlier.digest == batch.digest:
        return FeedOutcome("replayed", {**earlier.response, "replayed": True}, earlier)
    message = _(
        "This key was already used for a different batch of values; send these "
        "values with a new key."
    )
    reply = {"key": batch.key, "status": "conflict", "message": message}
    return FeedOutcome("conflict", reply, earlier)
