"""The demo: a province with its units, accounts, three campaigns and their
answers; a second, small province with two campaigns; a national coordinator;
the national frameworks both provinces use.

Reproducible with a seed; everything is written with bulk inserts so that `make run`
serves within minutes on a small machine.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from survey.bulk import bulk_insert
from survey.demo.answers import answer_values, evidence_reference, verified_values
from survey.demo.names import DEPARTMENTS, SECOND_DEPARTMENTS, SECOND_PROVINCE
from survey.demo.province import (
    FIRST_STAFF,
    SECOND_STAFF,
    national_account,
    province_accounts,
    province_units,
    second_province_units,
)
from survey.importers.framework import framework_import, read_framework_path
from survey.models import (
    Answer,
    AnswerComment,
    Assessment,
    Campaign,
    CampaignVersion,
    Evidence,
    FeedSource,
    Framework,
    FrameworkVersion,
    Node,
    Province,
    Unit,
    User,
)
from survey.province_scope import province_scope
from survey.results.compute import campaign_results_compute
from survey.results.points import answers_points
from survey.states import NOT_SUBMITTED, REVIEW_STARTED

FRAMEWORKS = Path(settings.BASE_DIR) / "fixtures" / "frameworks"
DEMO_PASSWORD = "demo-dti-2025"
YEARS = (2023, 2024, 2025)
GROUP_DEPT_TTHC = "Sở, ban, ngành có TTHC"
GROUP_DEPT_OTHER = "Sở, ban, ngành không có TTHC"
GROUP_COMMUNE = "Xã, phường"
GROUP_NAMES_EN = {
    GROUP_DEPT_TTHC: "Departments with administrative procedures",
    GROUP_DEPT_OTHER: "Departments without administrative procedures",
    GROUP_COMMUNE: "Communes and wards",
}
A = Assessment.State


@dataclass
class Seeded:
    units: int = 0
    users: int = 0
    assessments: int = 0
    answers: int = 0


@transaction.atomic
def demo_province_seed(
    *,
    seed: int = 2025,
    today: date | None = None,
    communes: int = 0,
    one_province: bool = False,
) -> Seeded:
    """The demo: a province, and unless ``one_province``, a small second one on
    the same national frameworks and a national coordinator. With one province
    the frameworks are the province's own, as an installation that serves a
    single province has them: nothing on the screens speaks of provinces."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    out = Seeded()
    versions = _frameworks(national=not one_province)
    units = province_units(communes)
    out.units = len(units)
    out.users = province_accounts(
        units=units, versions=versions, password=DEMO_PASSWORD
    )
    skills = {unit.code: _skill(rng, i) for i, unit in enumerate(units)}
    reviewer = FIRST_STAFF["reviewer"][0]
    for year in YEARS:
        campaign = _campaign(year, versions, today)
        assessments = _assessments(campaign, units, versions, rng)
        out.assessments += len(assessments)
        out.answers += _answers(campaign, assessments, skills, rng, reviewer)
        campaign_results_compute(campaign=campaign, freeze=campaign.is_published)
    _feed_sources()
    if one_province:
        return out
    _second_province(out, versions, today, random.Random(seed + 1))
    national_account(password=DEMO_PASSWORD)
    out.users += 1
    return out


SECOND_YEARS = (2024, 2025)


def _second_province(out: Seeded, versions, today: date, rng) -> None:
    """A small second province on the same national frameworks: its units and
    accounts, a published 2024 campaign and the open 2025 one, written in its
    scope so that every row belongs to it."""
    code, name_vi, name_en = SECOND_PROVINCE
    province = Province.objects.create(code=code, name_vi=name_vi, name_en=name_en)
    with province_scope(province.pk):
        units = second_province_units()
        out.units += len(units)
        out.users += province_accounts(
            units=units, versions=versions, password=DEMO_PASSWORD, staff=SECOND_STAFF
        )
        skills = {unit.code: _skill(rng, i + 2) for i, unit in enumerate(units)}
        reviewer = SECOND_STAFF["reviewer"][0]
        for year in SECOND_YEARS:
            campaign = _campaign(year, versions, today)
            assessments = _assessments(campaign, units, versions, rng)
            out.assessments += len(assessments)
            out.answers += _answers(campaign, assessments, skills, rng, reviewer)
            campaign_results_compute(campaign=campaign, freeze=campaign.is_published)


def _feed_sources() -> None:
    """Two provincial systems whose exports the coordinator imports: the
    public-service portal's statistics and the document management system's."""
    FeedSource.objects.get_or_create(
        name="Cổng Dịch vụ công tỉnh",
        defaults={
            "description": "Thống kê hồ sơ trực tuyến theo cơ quan, kết xuất hằng quý",
            "unit_column": "Mã cơ quan",
            "columns": {
                "Tỷ lệ sử dụng DVCTT (%)": "DV.2.02",
                "Tỷ lệ hồ sơ trực tuyến toàn trình (%)": "DV.2.03",
            },
        },
    )
    FeedSource.objects.get_or_create(
        name="Hệ thống quản lý văn bản và điều hành",
        defaults={
            "description": "Số văn bản đi ký số trên tổng số văn bản đi, theo cơ quan",
            "unit_column": "Mã đơn vị",
            "columns": {
                "Văn bản đi ký số": "DV.1.03",
                "Tổng văn bản đi": "DV.1.03:denominator",
            },
        },
    )


def _frameworks(*, national: bool) -> dict[tuple[str, int], FrameworkVersion]:
    plan = [
        ("department", 2023, "department-2024.csv"),
        ("department", 2024, "department-2024.csv"),
        ("department", 2025, "department-2025.csv"),
        ("commune", 2023, "commune-2025.csv"),
        ("commune", 2024, "commune-2025.csv"),
        ("commune", 2025, "commune-2025.csv"),
    ]
    versions = {}
    # National frameworks (no province): every province of the installation
    # assesses with them; with one province, the province's own.
    for unit_type, year, filename in plan:
        parsed = read_framework_path(FRAMEWORKS / filename, year=year)
        if year != 2025:
            parsed.meta.pop("previous_version", None)
            parsed.previous = None
            for node in parsed.nodes:
                node["continues_code"] = ""
        else:
            parsed.previous = versions.get((unit_type, 2024))
        versions[unit_type, year] = framework_import(parsed=parsed)
    _link_same_codes(versions[("commune", 2025)], versions[("commune", 2024)])
    _link_same_codes(versions[("commune", 2024)], versions[("commune", 2023)])
    _link_same_codes(versions[("department", 2024)], versions[("department", 2023)])
    if national:
        frameworks = Framework.unscoped.filter(versions__in=versions.values())
        frameworks.update(province=None)
    return versions


def _link_same_codes(current: FrameworkVersion, previous: FrameworkVersion) -> None:
    """The same set used two years running: each indicator continues its namesake."""
    old = dict(previous.nodes.values_list("code", "id"))
    nodes = list(current.nodes.filter(continues__isnull=True))
    for node in nodes:
        node.continues_id = old.get(node.code)
    Node.objects.bulk_update(nodes, ["continues"])
    current.previous = previous
    current.save(update_fields=["previous"])


def _skill(rng: random.Random, index: int) -> float:
    # Spread from "just starting" to "leading" so that every level occurs.
    return [0.2, 0.45, 0.6, 0.72, 0.86, 0.97][index % 6] + rng.uniform(-0.05, 0.05)


def _campaign(year: int, versions, today: date) -> Campaign:
    if year < 2025:
        campaign = Campaign.objects.create(
            year=year,
            name=f"Đánh giá DTI năm {year}",
            ranking_group_names_en=GROUP_NAMES_EN,
            state=Campaign.State.PUBLISHED,
            opens_on=date(year + 1, 1, 15),
            deadline=date(year + 1, 3, 15),
            decision_number=f"{512 - (2024 - year) * 14}/QĐ-UBND",
            decision_date=date(year + 1, 4, 10 - (2024 - year)),
        )
    else:
        campaign = Campaign.objects.create(
            year=year,
            name=f"Đánh giá DTI năm {year}",
            ranking_group_names_en=GROUP_NAMES_EN,
            state=Campaign.State.OPEN,
            opens_on=today - timedelta(days=30),
            deadline=today + timedelta(days=21),
        )
    for unit_type in ("department", "commune"):
        CampaignVersion.objects.create(
            campaign=campaign, unit_type=unit_type, version=versions[unit_type, year]
        )
    FrameworkVersion.objects.filter(campaign_uses__campaign=campaign).update(
        state=FrameworkVersion.State.FROZEN
    )
    return campaign


STATES_2025 = [
    A.DRAFT,
    A.READY,
    A.SUBMITTED,
    A.IN_REVIEW,
    A.IN_REVIEW,
    A.RETURNED,
    A.VERIFIED,
    A.VERIFIED,
    A.DRAFT,
]
NEVER_SUBMITTED = {2024: "X-YENLUONG", 2025: "X-XUANHOA"}


def _assessments(campaign, units, versions, rng) -> list[Assessment]:
    departments = {
        code: (tthc, ranked)
        for code, _n, tthc, ranked in [*DEPARTMENTS, *SECOND_DEPARTMENTS]
    }
    rows = []
    for index, unit in enumerate(units):
        if unit.active_from > campaign.year or (unit.active_to or 9999) < campaign.year:
            continue
        tthc, ranked = departments.get(unit.code, (True, True))
        state = _state(campaign, unit, index)
        rows.append(
            Assessment(
                campaign=campaign,
                unit=unit,
                version=versions[unit.unit_type, campaign.year],
                ranking_group=_ranking_group(unit, tthc),
                ranked=ranked,
                provides_procedures=tthc,
                state=state,
                submitted_at=None if state in NOT_SUBMITTED else timezone.now(),
            )
        )
    return Assessment.objects.bulk_create(rows)


def _ranking_group(unit: Unit, tthc: bool) -> str:
    if unit.unit_type == "commune":
        return GROUP_COMMUNE
    return GROUP_DEPT_TTHC if tthc else GROUP_DEPT_OTHER


def _state(campaign: Campaign, unit: Unit, index: int) -> str:
    """Past years are published; this year's assessments are at every stage."""
    if NEVER_SUBMITTED.get(campaign.year) == unit.code:
        return A.DRAFT
    if campaign.year < 2025:
        return A.PUBLISHED
    return STATES_2025[index % len(STATES_2025)]


TREND = {2023: -0.1, 2024: -0.04, 2025: 0.0}
RETURN_COMMENT = "Cần bổ sung minh chứng (văn bản, số liệu)."


def _answers(campaign, assessments, skills, rng, reviewer: str) -> int:
    nodes_by_version: dict[int, list[Node]] = {}
    answers, evidence = [], []
    scoring = _Scoring()
    for assessment in assessments:
        version = assessment.version
        if version.pk not in nodes_by_version:
            nodes_by_version[version.pk] = list(
                version.nodes.filter(kind="indicator").select_related("parent")
            )
        skill = skills[assessment.unit.code] + TREND[campaign.year]
        skill += rng.gauss(0, 0.05)
        share = _answered_share(campaign, assessment, rng)
        own = []
        for node in nodes_by_version[version.pk]:
            if (
                not node.applies_to_unit(
                    unit_type=assessment.unit.unit_type,
                    provides_procedures=assessment.provides_procedures,
                )
                or rng.random() > share
            ):
                continue
            answer = _answer(assessment, node, skill, rng, campaign.year, scoring)
            own.append(answer)
            if rng.random() < 0.5 and not answer["is_na"]:
                evidence.append((answer, evidence_reference(rng, campaign.year)))
        if assessment.state == A.RETURNED:
            _return_at_least_one(own)
        answers += own
    scoring.apply()
    bulk_insert(Answer, answers)
    ids = {
        (assessment_id, node_id): pk
        for assessment_id, node_id, pk in Answer.objects.filter(
            assessment__campaign=campaign
        ).values_list("assessment_id", "node_id", "pk")
    }
    bulk_insert(
        Evidence,
        [
            {"answer_id": ids[a["assessment_id"], a["node_id"]], **ref}
            for a, ref in evidence
        ],
    )
    _return_comments(answers, reviewer)
    return len(answers)


class _Scoring:
    """Points of the generated answers (rows for ``bulk_insert``), scored one
    indicator at a time once all are made: one engine pass per indicator instead of
    one per answer."""

    def __init__(self) -> None:
        self.own: dict[int, tuple[Node, int, list]] = {}
        self.verified: dict[int, tuple[Node, int, list]] = {}
        self.agreed: list[dict] = []

    def add_own(self, answer: dict, node: Node, values: dict, precision: int):
        self.own.setdefault(node.pk, (node, precision, []))[2].append(
            (answer, values, answer["is_na"])
        )

    def add_verified(self, answer: dict, node: Node, values: dict, precision: int):
        self.verified.setdefault(node.pk, (node, precision, []))[2].append(
            (answer, values, False)
        )

    def apply(self) -> None:
        for node, precision, rows in self.own.values():
            for (answer, _v, _na), (points, error) in _scored(node, precision, rows):
                answer["self_points"], answer["points_error"] = points, error
        for node, precision, rows in self.verified.values():
            for (answer, _v, _na), (points, _error) in _scored(node, precision, rows):
                answer["verified_points"] = (
                    points if points is not None else answer["self_points"]
                )
        for answer in self.agreed:
            answer["verified_points"] = answer["self_points"]


def _scored(node: Node, precision: int, rows: list):
    points = answers_points(
        node=node,
        rows=[(values, is_na) for _a, values, is_na in rows],
        precision=precision,
    )
    return zip(rows, points, strict=True)


def _answered_share(campaign, assessment, rng) -> float:
    """How much of the questionnaire is answered. Submission needs every applicable
    indicator answered, so only drafts and ready assessments have gaps."""
    if NEVER_SUBMITTED.get(campaign.year) == assessment.unit.code:
        return 0.1
    if assessment.state == A.DRAFT:
        return rng.uniform(0.4, 0.9)
    if assessment.state == A.READY:
        return 0.98
    return 1.0


def _answer(assessment, node, skill, rng, year, scoring: _Scoring) -> dict:
    precision = assessment.version.precision
    is_na = node.na_allowed and rng.random() < 0.12
    values = {} if is_na else answer_values(node, skill, rng, year)
    answer = {
        "assessment_id": assessment.pk,
        "node_id": node.pk,
        "is_na": is_na,
        "version": 1,
        **values,
    }
    scoring.add_own(answer, node, values, precision)
    # Verified and published assessments have a verdict on every indicator, as
    # verification requires; one in review has about half of them.
    if assessment.state in REVIEW_STARTED and (
        assessment.state != A.IN_REVIEW or rng.random() < 0.5
    ):
        if is_na:
            _agree(answer)
            scoring.agreed.append(answer)
        else:
            verified = _review(answer, node, values, rng)
            scoring.add_verified(answer, node, verified, precision)
    if assessment.state == A.RETURNED and not is_na and rng.random() < 0.08:
        _mark_returned(answer)
    return answer


def _agree(answer: dict) -> None:
    """Agreed: verified points are its own, set by ``_Scoring.apply``."""
    answer["review_status"] = Answer.ReviewStatus.AGREED


def _mark_returned(answer: dict) -> None:
    answer["review_status"] = Answer.ReviewStatus.RETURNED
    answer["reviewer_explanation"] = RETURN_COMMENT


def _return_at_least_one(answers: list[dict]) -> None:
    """A returned assessment has something to correct: one item at least."""
    returned = Answer.ReviewStatus.RETURNED
    if answers and not any(a.get("review_status") == returned for a in answers):
        _mark_returned(next((a for a in answers if not a["is_na"]), answers[0]))


def _return_comments(answers: list[dict], username: str) -> None:
    """The reviewer's message on each returned item, as returning it writes."""
    reviewer = User.objects.get(username=username)
    AnswerComment.objects.bulk_create(
        [
            AnswerComment(
                assessment_id=a["assessment_id"],
                node_id=a["node_id"],
                author=reviewer,
                kind=AnswerComment.Kind.RETURN,
                body=RETURN_COMMENT,
            )
            for a in answers
            if a.get("review_status") == Answer.ReviewStatus.RETURNED
        ]
    )


def _review(answer: dict, node: Node, values: dict, rng) -> dict:
    """The reviewer's verdict; returns the verified values to be scored."""
    verified, agreed = verified_values(node, values, rng)
    answer["verified_value"] = {k: _jsonable(v) for k, v in verified.items()}
    if agreed:
        answer["review_status"] = Answer.ReviewStatus.AGREED
    else:
        answer["review_status"] = Answer.ReviewStatus.DISAGREED
        answer["reviewer_explanation"] = (
            "Minh chứng chưa đầy đủ; chấm theo số liệu đã xác minh."
        )
    return verified


def _jsonable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value.__class__.__name__ == "Decimal":
        return str(value)
    return value
