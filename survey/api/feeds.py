"""The feed of province-supplied values sent by provincial systems.

``POST /api/feeds/values`` stores a batch of values (many indicators × many
units), all or nothing, idempotent by the caller's key (survey.services.feeds).
"""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StrictFloat, StrictInt

from survey.api.common import ERRORS, Error, Invalid
from survey.models import Campaign, FeedSource
from survey.numbers import number_format_named
from survey.selectors.provinces import province_of
from survey.services.feeds import (
    MAX_VALUES,
    FeedBatchIn,
    feed_batch_receive,
    feed_digest,
    feed_too_large,
)
from survey.services.supply import SupplyRow
from survey.text import UNSTORABLE, all_storable

router = Router(tags=["feeds"])
STATUS = {"accepted": 200, "replayed": 200, "refused": 422, "conflict": 409}


class FeedValueIn(Schema):
    indicator: str = Field(..., max_length=40, description="The indicator's code.")
    unit: str = Field(..., max_length=40, description="The unit's code.")
    # Strict: true is not 1 and 1 is not true (a yes/no indicator refuses a
    # number row by row, survey.services.supply_reading.parse_supplied).
    value: bool | StrictInt | StrictFloat | str | None = Field(
        ...,
        description=(
            "A number (JSON number, or text in `number_format`), or true/false "
            "for a yes/no indicator."
        ),
    )
    denominator: StrictInt | StrictFloat | str | None = Field(
        None, description="For a ratio: the denominator (a number, never true/false)."
    )


class FeedBatchBody(Schema):
    campaign: str = Field(..., max_length=40, description="The campaign's code.")
    source: str = Field(..., min_length=1, max_length=120)
    key: str = Field(
        ..., min_length=1, max_length=120, description="Your idempotency key."
    )
    number_format: Literal["en", "vi"] = Field(
        "en",
        description='Numbers sent as text: "en" 1,234.5 (default), "vi" 1.234,5.',
    )
    values: list[FeedValueIn]


class FeedRow(Schema):
    row: int = Field(..., description="The value's position in `values`, from 0.")
    indicator: str
    unit: str
    reason: str


class FeedReply(Schema):
    key: str
    status: str
    saved: int | None = None
    unchanged: int | None = None
    skipped: list[FeedRow] | None = None
    reopened: int | None = None
    replayed: bool | None = None
    message: str | None = None
    errors: list[FeedRow] | None = None


@router.post(
    "values",
    # A refused batch (422) is a FeedReply; a body that does not fit the schema
    # or is not JSON gets the API's usual reply for bad input; one too large, 413.
    response={
        **ERRORS,
        200: FeedReply,
        409: FeedReply,
        413: Error,
        422: FeedReply | Invalid,
    },
    exclude_none=True,
    summary="Send a batch of province-supplied values",
)
def feed_values(request, body: FeedBatchBody):
    """Store every value of the batch, or none: a refused batch lists every bad
    row. The same `key` sent again with the same body gets the stored reply
    (`replayed: true`) and writes nothing; with another body, 409."""
    if len(body.values) > MAX_VALUES:
        outcome = feed_too_large(key=body.key, count=len(body.values))
        return Status(422, outcome.reply)
    if not all_storable([body.source, body.key]):
        return Status(
            422,
            FeedReply(key="", status="refused", message=str(UNSTORABLE), errors=[]),
        )
    unstorable = _unstorable_rows(body.values)
    if unstorable:
        # Not recorded: the database could not keep these values even in a reply.
        return Status(422, FeedReply(key=body.key, status="refused", errors=unstorable))
    if not all_storable([body.campaign]):
        raise HttpError(404, _("There is no campaign with this code."))
    # Codes are unique within a province: the token's province names the campaign.
    province = province_of(request.user)
    campaigns = Campaign.objects.filter(code=body.campaign)
    if province is not None:
        campaigns = campaigns.filter(province=province)
    found = list(campaigns[:2])
    campaign = found[0] if len(found) == 1 else None
    if campaign is None:
        raise HttpError(404, _("There is no campaign with this code."))
    batch = FeedBatchIn(
        campaign=campaign,
        source=body.source.strip(),
        key=body.key,
        digest=feed_digest(body.dict()),
        rows=[_row(i, value) for i, value in enumerate(body.values)],
        number_format=number_format_named(body.number_format),
        token=request.api_token,
        feed_source=FeedSource.objects.filter(
            name=body.source.strip(), province_id=campaign.province_id
        ).first(),
    )
    try:
        outcome = feed_batch_receive(user=request.user, batch=batch)
    except PermissionDenied:
        raise HttpError(
            403, _("This account may not supply values for the province.")
        ) from None
    return Status(STATUS[outcome.kind], outcome.reply)


def _unstorable_rows(values: list[FeedValueIn]) -> list[FeedRow]:
    """The rows holding text the database cannot store, each with the reason."""
    return [
        FeedRow(row=i, indicator=v.indicator, unit=v.unit, reason=str(UNSTORABLE))
        for i, v in enumerate(values)
        if not all_storable([v.indicator, v.unit, v.value, v.denominator])
    ]


def _row(index: int, value: FeedValueIn) -> SupplyRow:
    raw = value.value
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    return SupplyRow(
        key=index,
        unit=value.unit.strip(),
        code=value.indicator.strip(),
        raw={"value": raw, "denominator": value.denominator},
    )
