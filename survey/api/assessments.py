"""A unit's answers, verdicts and evidence metadata, for those allowed to see
them."""

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from survey.api.common import ERRORS, Pages
from survey.selectors.api import (
    api_answers,
    api_assessment,
    api_assessments,
    api_campaign,
)

router = Router(tags=["assessments"])


class AssessmentRow(Schema):
    unit: str
    unit_name: str
    unit_name_en: str
    unit_type: str
    ranking_group: str
    state: str
    submitted_at: dt.datetime | None


class Value(Schema):
    is_na: bool
    yes: bool | None = None
    number: float | None = None
    denominator: float | None = None
    choice: str | None = None
    checks: list[str] | None = None
    date: dt.date | None = None
    text: str | None = None


class EvidenceRow(Schema):
    kind: str
    doc_number: str
    doc_date: dt.date | None
    file_name: str
    size: int
    content_type: str
    uploaded_at: dt.datetime
    summary: str | None
    link: str | None
    download_url: str | None


class AnswerRow(Schema):
    indicator: str
    name_vi: str
    name_en: str
    answer_type: str
    answered: bool
    value: Value | None = None
    comment: str | None = None
    self_points: float | None = None
    review_status: str | None = None
    verified_points: float | None = None
    verified_value: dict | None = None
    reviewer_explanation: str | None = None
    supplied_by_province: bool = False
    supply_source: str = ""
    supplied_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    evidence: list[EvidenceRow]


@router.get(
    "/{code}/assessments",
    response={200: list[AssessmentRow], **ERRORS},
    summary="The campaign's assessments the token's account may see",
)
@paginate(Pages)
def assessment_list(
    request, code: str, unit: str = "", group: str = "", state: str = ""
):
    campaign = api_campaign(code=code, user=request.user)
    return api_assessments(
        user=request.user, campaign=campaign, unit=unit, group=group, state=state
    )


@router.get(
    "/{code}/assessments/{unit_code}/answers",
    response={200: list[AnswerRow], **ERRORS},
    summary="A unit's answers, verdicts and evidence, indicator by indicator",
)
@paginate(Pages)
def answer_list(
    request, code: str, unit_code: str, indicator: str = "", pillar: str = ""
):
    campaign = api_campaign(code=code, user=request.user)
    assessment = api_assessment(
        user=request.user, campaign=campaign, unit_code=unit_code
    )
    return api_answers(
        user=request.user,
        assessment=assessment,
        indicator=indicator or None,
        pillar=pillar or None,
        absolute=request.build_absolute_uri,
    )
