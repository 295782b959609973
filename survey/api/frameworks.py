"""Frameworks, their versions and indicators, by code."""

from typing import Any

from ninja import Router, Schema
from ninja.pagination import paginate

from survey.api.common import ERRORS, Pages
from survey.selectors.api import (
    api_framework_version,
    api_frameworks,
    api_indicators,
    api_reader_require,
    api_version_detail,
)

router = Router(tags=["frameworks"])


class VersionRow(Schema):
    year: int
    number: int
    unit_type: str
    state: str


class FrameworkRow(Schema):
    code: str
    name_vi: str
    name_en: str
    versions: list[VersionRow]


class NodeRow(Schema):
    code: str
    kind: str
    parent: str | None
    order: int
    name_vi: str
    name_en: str
    answer_type: str
    max_points: float | None
    effort: float
    rule: str
    rule_params: dict[str, Any]
    applies_to: list[str]
    requires_procedures: bool
    source: str


class VersionDetail(VersionRow):
    framework: str
    legal_basis: str
    precision: int
    levels: list[dict[str, Any]]
    level_edges: str
    nodes: list[NodeRow]


VERSION = "/{code}/versions/{year}/{number}"


@router.get("", response={200: list[FrameworkRow], **ERRORS}, summary="Frameworks")
def framework_list(request):
    api_reader_require(user=request.user)
    return api_frameworks()


@router.get(
    VERSION,
    response={200: VersionDetail, **ERRORS},
    summary="A framework version: levels and its nodes, flattened",
)
def version_detail(request, code: str, year: int, number: int):
    api_reader_require(user=request.user)
    version = api_framework_version(code=code, year=year, number=number)
    return api_version_detail(version=version)


@router.get(
    VERSION + "/indicators",
    response={200: list[NodeRow], **ERRORS},
    summary="A framework version's indicators, optionally of one pillar",
)
@paginate(Pages)
def indicator_list(request, code: str, year: int, number: int, pillar: str = ""):
    api_reader_require(user=request.user)
    version = api_framework_version(code=code, year=year, number=number)
    return api_indicators(version=version, pillar=pillar or None)
