"""Reads of the JSON API (``survey/api/``): frameworks, campaigns, the
assessments a token's account may see and a unit's answers, as plain dicts that
the API's schemas check. Identifiers are codes; lists are sliced in the
database, each page in a fixed number of queries.
"""

from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from survey.answer_types import answer_type
from survey.models import (
    Answer,
    Assessment,
    Campaign,
    Evidence,
    Framework,
    FrameworkVersion,
    Node,
    Unit,
)
from survey.permissions import Decision, actions_anywhere, can, decide
from survey.selectors.scope import assessments_for, indicator_codes


class Mapped:
    """A queryset whose rows become dicts only once sliced: what the API's
    pagination counts and slices, converting just the page it shows."""

    def __init__(self, queryset: QuerySet, convert: Callable) -> None:
        self.queryset = queryset
        self.convert = convert

    def all(self) -> "Mapped":
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list:
        return [self.convert(row) for row in self.queryset[page]]


def _found(queryset: QuerySet, message: str, **lookup):
    """The one row of ``queryset`` matching ``lookup``; 404 with ``message``
    (translated, naming the code asked for) when there is none."""
    row = queryset.filter(**lookup).first()
    if row is None:
        raise Http404(message)
    return row


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def api_reader_require(*, user) -> None:
    """Frameworks are no secret inside the province, but read only by accounts
    that hold some role: a token of an account without one is refused (403)."""
    if not actions_anywhere(user=user):
        raise PermissionDenied


# Frameworks -------------------------------------------------------------------


def _version_row(version: FrameworkVersion) -> dict:
    return {
        "year": version.year,
        "number": version.number,
        "unit_type": version.unit_type,
        "state": version.state,
    }


def api_frameworks() -> list[dict]:
    frameworks = Framework.objects.prefetch_related(
        Prefetch(
            "versions", queryset=FrameworkVersion.objects.order_by("-year", "-number")
        )
    )
    return [
        {
            "code": framework.code,
            "name_vi": framework.name_vi,
            "name_en": framework.name_en,
            "versions": [_version_row(v) for v in framework.versions.all()],
        }
        for framework in frameworks
    ]


def api_framework_version(*, code: str, year: int, number: int) -> FrameworkVersion:
    message = _("There is no framework version %(code)s %(year)s v%(number)s.")
    return _found(
        FrameworkVersion.objects.select_related("framework"),
        message % {"code": code, "year": year, "number": number},
        framework__code=code,
        year=year,
        number=number,
    )


def _node_row(node: Node) -> dict:
    return {
        "code": node.code,
        "kind": node.kind,
        "parent": node.parent.code if node.parent_id else None,
        "order": node.order,
        "name_vi": node.name_vi,
        "name_en": node.name_en,
        "answer_type": node.answer_type,
        "max_points": _number(node.max_points),
        "effort": float(node.effort),
        "rule": node.rule,
        "rule_params": node.rule_params,
        "applies_to": list(node.applies_to or []),
        "requires_procedures": node.requires_procedures,
        "source": node.source,
    }


def _nodes(version: FrameworkVersion) -> QuerySet[Node]:
    return version.nodes.select_related("parent").order_by("order", "id")


def api_version_detail(*, version: FrameworkVersion) -> dict:
    return {
        "framework": version.framework.code,
        **_version_row(version),
        "legal_basis": version.legal_basis,
        "precision": version.precision,
        "levels": version.levels,
        "level_edges": version.level_edges,
        "nodes": [_node_row(node) for node in _nodes(version)],
    }


def _under_pillar(*, version: FrameworkVersion, pillar: str) -> list[int]:
    """Ids of the nodes under the pillar coded ``pillar`` (404 if it has none)."""
    rows = list(version.nodes.values_list("id", "parent_id", "code", "kind"))
    top = [pk for pk, _p, code, kind in rows if code == pillar and kind == "pillar"]
    if not top:
        raise Http404(
            _("This framework version has no pillar %(code)s.") % {"code": pillar}
        )
    children: dict[int | None, list[int]] = {}
    for pk, parent, _code, _kind in rows:
        children.setdefault(parent, []).append(pk)
    found, todo = [], list(top)
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo.extend(children.get(pk, ()))
    return found


def _indicators(*, version: FrameworkVersion, pillar: str | None) -> QuerySet[Node]:
    nodes = _nodes(version).filter(kind=Node.Kind.INDICATOR)
    if pillar:
        nodes = nodes.filter(pk__in=_under_pillar(version=version, pillar=pillar))
    return nodes


def api_indicators(*, version: FrameworkVersion, pillar: str | None) -> Mapped:
    return Mapped(_indicators(version=version, pillar=pillar), _node_row)


# Campaigns --------------------------------------------------------------------


def _campaigns(user) -> QuerySet[Campaign]:
    """Campaigns ``user`` may read: a draft is the coordinators' work in
    progress, listed to them only."""
    campaigns = Campaign.objects.prefetch_related("versions__version__framework")
    if not can(user=user, action="manage_campaign"):
        campaigns = campaigns.exclude(state=Campaign.State.DRAFT)
    return campaigns


def _campaign_row(campaign: Campaign) -> dict:
    return {
        "code": campaign.code,
        "year": campaign.year,
        "name": campaign.name,
        "state": campaign.state,
        "opens_on": campaign.opens_on,
        "deadline": campaign.deadline,
        "decision_number": campaign.decision_number,
        "decision_date": campaign.decision_date,
        "versions": [
            {
                "unit_type": used.unit_type,
                "framework": used.version.framework.code,
                "year": used.version.year,
                "number": used.version.number,
            }
            for used in sorted(campaign.versions.all(), key=lambda u: u.unit_type)
        ],
    }


def api_campaigns(*, user, year: int | None) -> list[dict]:
    campaigns = _campaigns(user)
    if year is not None:
        campaigns = campaigns.filter(year=year)
    return [_campaign_row(campaign) for campaign in campaigns]


def api_campaign(*, code: str, user=None) -> Campaign:
    """The campaign called ``code`` (404 if none); given ``user``, only one they
    may read (a draft only for coordinators)."""
    campaign = _found(Campaign.objects.all(), _campaign_missing(code), code=code)
    # Asked only of a draft: reads of a running campaign stay as cheap as before.
    if (
        user is not None
        and campaign.state == Campaign.State.DRAFT
        and not can(user=user, action="manage_campaign")
    ):
        raise Http404(_campaign_missing(code))
    return campaign


def _campaign_missing(code: str) -> str:
    return _("There is no campaign with the code %(code)s.") % {"code": code}


def api_campaign_detail(*, user, code: str) -> dict:
    return _campaign_row(_found(_campaigns(user), _campaign_missing(code), code=code))


# Assessments and answers ------------------------------------------------------


def _assessment_row(assessment: Assessment) -> dict:
    return {
        "unit": assessment.unit.code,
        "unit_name": assessment.unit.name_vi,
        "unit_name_en": assessment.unit.name_en,
        "unit_type": assessment.unit.unit_type,
        "ranking_group": assessment.ranking_group,
        "state": assessment.state,
        "submitted_at": assessment.submitted_at,
    }


def api_assessments(
    *,
    user,
    campaign: Campaign,
    unit: str | None = None,
    group: str | None = None,
    state: str | None = None,
) -> Mapped:
    """The campaign's assessments ``user`` may see, filtered, by unit code."""
    rows = assessments_for(user=user, action="view_assessment").filter(
        campaign=campaign
    )
    if unit:
        rows = rows.filter(unit__code=unit)
    if group:
        rows = rows.filter(ranking_group=group)
    if state:
        rows = rows.filter(state=state)
    return Mapped(rows.order_by("unit__code"), _assessment_row)


def api_assessment(*, user, campaign: Campaign, unit_code: str) -> Assessment:
    """The unit's assessment in the campaign, if ``user`` may see it: 404 when
    there is none or it lies outside their scope, 403 when their role never
    grants it."""
    missing = _("There is no assessment of the unit %(code)s in this campaign.") % {
        "code": unit_code
    }
    unit = _found(Unit.objects.all(), missing, code=unit_code)
    # Outside the account's scope reads exactly like a unit that does not exist.
    decision = decide(user=user, action="view_assessment", unit=unit)
    if decision is Decision.NOT_FOUND:
        raise Http404(missing)
    if decision is Decision.FORBIDDEN:
        raise PermissionDenied
    return _found(
        Assessment.objects.select_related("unit", "version"),
        missing,
        campaign=campaign,
        unit=unit,
    )


def api_answers(
    *,
    user,
    assessment: Assessment,
    indicator: str | None,
    pillar: str | None,
    absolute: Callable[[str], str],
) -> Mapped:
    """The assessment's indicators in the framework's order, each with the
    unit's answer, its verdict and its evidence; those ``user`` may see only
    (a reviewer scoped to indicators, theirs). Free text only for those who may
    read it; evidence files only as the URL of their download page, for those
    who may download them. ``absolute`` makes a path a full URL."""
    unit = assessment.unit
    nodes = _indicators(version=assessment.version, pillar=pillar)
    codes = indicator_codes(user=user, action="view_assessment", unit=unit)
    if codes is not None:
        nodes = nodes.filter(code__in=codes)
    if indicator:
        nodes = nodes.filter(code=indicator)
    answers = Answer.objects.filter(assessment=assessment).prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("id"))
    )
    nodes = nodes.prefetch_related(Prefetch("answers", answers, to_attr="mine"))
    may = {
        "text": can(user=user, action="read_free_text", unit=unit),
        "files": can(user=user, action="download_evidence", unit=unit),
    }

    def convert(node: Node) -> dict:
        answer = node.mine[0] if node.mine else None
        return _answer_row(
            node, answer, assessment=assessment, may=may, absolute=absolute
        )

    return Mapped(nodes, convert)


def _answer_row(node, answer, *, assessment, may, absolute) -> dict:
    row = {"indicator": node.code, "name_vi": node.name_vi, "name_en": node.name_en}
    row["answer_type"] = node.answer_type
    if answer is None:
        return row | {"answered": False, "evidence": []}
    verified = dict(answer.verified_value or {})
    if not may["text"]:
        verified.pop("text", None)
    return row | {
        "answered": True,
        "value": _value(node, answer, text=may["text"]),
        "comment": answer.comment if may["text"] else None,
        "self_points": _number(answer.self_points),
        "review_status": answer.review_status,
        "verified_points": _number(answer.verified_points),
        "verified_value": verified,
        "reviewer_explanation": answer.reviewer_explanation if may["text"] else None,
        "supplied_by_province": answer.supplied_by_province,
        "supply_source": answer.supply_source,
        "supplied_at": answer.supplied_at,
        "updated_at": answer.updated_at,
        "evidence": [
            _evidence_row(item, assessment=assessment, may=may, absolute=absolute)
            for item in answer.evidence.all()
        ],
    }


def _value(node: Node, answer: Answer, *, text: bool) -> dict:
    """The answer's fields of its type, typed; dates of a date window too."""
    fields = set(answer_type(node).fields)
    if answer.date is not None:
        fields.add("date")
    value: dict = {"is_na": answer.is_na}
    for name in fields:
        if name == "text" and not text:
            continue
        found = getattr(answer, name)
        value[name] = _number(found) if isinstance(found, Decimal) else found
    return value


def _evidence_row(item: Evidence, *, assessment, may, absolute) -> dict:
    row = {
        "kind": item.kind,
        "doc_number": item.doc_number,
        "doc_date": item.doc_date,
        "file_name": item.original_name,
        "size": item.size,
        "content_type": item.content_type,
        "uploaded_at": item.created_at,
        "summary": item.summary if may["text"] else None,
        "link": item.url if may["files"] and item.url else None,
        "download_url": None,
    }
    if may["files"] and item.file:
        path = reverse("survey:evidence_file", args=[assessment.pk, item.pk])
        row["download_url"] = absolute(path)
    return row
