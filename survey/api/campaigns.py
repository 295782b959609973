"""Campaigns, by code (the year, with a suffix when a year has several)."""

from datetime import date

from ninja import Router, Schema

from survey.api.common import ERRORS
from survey.selectors.api import (
    api_campaign_detail,
    api_campaigns,
    api_reader_require,
)

router = Router(tags=["campaigns"])


class VersionUsed(Schema):
    unit_type: str
    framework: str
    year: int
    number: int


class CampaignRow(Schema):
    code: str
    year: int
    name: str
    state: str
    opens_on: date
    deadline: date
    decision_number: str
    decision_date: date | None
    versions: list[VersionUsed]


@router.get("", response={200: list[CampaignRow], **ERRORS}, summary="Campaigns")
def campaign_list(request, year: int | None = None):
    """Every campaign but drafts, which only coordinators see."""
    api_reader_require(user=request.user)
    return api_campaigns(user=request.user, year=year)


@router.get("/{code}", response={200: CampaignRow, **ERRORS}, summary="A campaign")
def campaign_detail(request, code: str):
    api_reader_require(user=request.user)
    return api_campaign_detail(user=request.user, code=code)
