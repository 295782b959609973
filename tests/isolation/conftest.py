"""Two provinces side by side, A and B, each with everything a province holds:
a department and a commune, an account for every role, an open campaign on the
shared national framework and a published one on a framework of the province's
own, answers, an evidence file, comments, a feed source, an API token per
account, stored results and report exports.

Every name, code and text of a province carries its marker (``AKQW`` for A,
``BZQW`` for B; ``akqw-``/``bzqw-`` in lower-case codes), so that a page leaking
the other province's data shows it. The national framework carries neither.
The world is built once per module; each test's changes are rolled back.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from reports.models import ReportExport
from reports.services.exports import report_export_request
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
    Membership,
    Node,
    Province,
    Unit,
    User,
)
from survey.province_scope import province_scope
from survey.results.compute import campaign_results_compute
from survey.services.api_tokens import api_token_create

ROLES = (
    "coordinator",
    "committee",
    "reviewer",
    "scoped_reviewer",
    "editor",
    "approver",
)
# role name in the world: (membership role, unit: "dept" / None)
ACCOUNTS = {
    "coordinator": ("coordinator", None),
    "committee": ("committee", None),
    "reviewer": ("reviewer", "dept"),
    "scoped_reviewer": ("reviewer", "dept"),
    "editor": ("editor", "dept"),
    "approver": ("approver", "dept"),
}
INDICATORS = {
    "1.1": ("yes_no", "yes_no", {}, 10),
    "1.2": ("ratio", "ratio", {}, 10),
    "1.3": ("count", "target", {"target": 4}, 20),
}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class Side:
    """One province and what it holds."""

    marker: str  # "AKQW" / "BZQW"
    province: Province
    dept: Unit
    commune: Unit
    framework: Framework  # the province's own
    versions: dict[str, FrameworkVersion]  # unit type → the province's version
    open: Campaign  # on the national versions
    published: Campaign  # on the province's versions
    assessment: Assessment  # the department's, open campaign (draft)
    submitted: Assessment  # the commune's, open campaign (submitted)
    published_assessment: Assessment  # the department's, published campaign
    answers: list[Answer]
    evidence: Evidence
    comments: list[AnswerComment]
    feed: FeedSource
    exports: list[ReportExport]
    users: dict[str, User]
    tokens: dict[str, str]  # role → token text
    nodes: list[Node] = field(default_factory=list)  # the province's own nodes

    @property
    def lower(self) -> str:
        return self.marker.lower() + "-"

    def leaks(self, content: bytes | str) -> list[str]:
        """This side's markers found in ``content`` (decoded, or unzipped)."""
        text = readable(content)
        return [m for m in (self.marker, self.lower) if m in text]


@dataclass
class Iso:
    a: Side
    b: Side
    national: User  # the national coordinator
    national_versions: dict[str, FrameworkVersion]

    def sides(self):
        """(mine, theirs) both ways."""
        return ((self.a, self.b), (self.b, self.a))


def readable(content: bytes | str) -> str:
    """The text of a response body: an Office file's XML parts, else the bytes
    decoded."""
    if isinstance(content, str):
        return content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith((".xml", ".rels", ".txt", ".csv"))
            )
    return content.decode("utf-8", "replace")


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _nodes(version: FrameworkVersion, label: str) -> list[Node]:
    pillar = Node.objects.create(
        version=version, code="1", kind="pillar", order=1, name_vi=f"Trụ cột {label}"
    )
    made = [pillar]
    for order, (code, (atype, rule, params, points)) in enumerate(
        INDICATORS.items(), start=10
    ):
        made.append(
            Node.objects.create(
                version=version,
                parent=pillar,
                code=code,
                kind=Node.Kind.INDICATOR,
                order=order,
                name_vi=f"Chỉ số {label} {code}",
                answer_type=atype,
                rule=rule,
                rule_params=params,
                max_points=points,
            )
        )
    return made


def _versions(framework: Framework, label: str) -> dict[str, FrameworkVersion]:
    versions = {}
    for number, unit_type in enumerate(("department", "commune"), start=1):
        version = FrameworkVersion.objects.create(
            framework=framework, year=2025, number=number, unit_type=unit_type
        )
        _nodes(version, label)
        versions[unit_type] = version
    return versions


def _campaign(*, code: str, name: str, year: int, state: str, versions) -> Campaign:
    today = timezone.localdate()
    published = state == Campaign.State.PUBLISHED
    campaign = Campaign.objects.create(
        code=code,
        year=year,
        name=name,
        state=state,
        opens_on=today - timedelta(days=30),
        deadline=today + timedelta(days=30),
        decision_number="12/QĐ-UBND" if published else "",
        decision_date=date(year + 1, 4, 1) if published else None,
    )
    for unit_type, version in versions.items():
        FrameworkVersion.objects.filter(pk=version.pk).update(
            state=FrameworkVersion.State.FROZEN
        )
        CampaignVersion.objects.create(
            campaign=campaign, unit_type=unit_type, version=version
        )
    return campaign


VALUES = {
    "1.1": {"yes": True},
    "1.2": {"number": 3, "denominator": 4},
    "1.3": {"number": 2},
}


def _answers(assessment: Assessment, marker: str) -> list[Answer]:
    rows = []
    for node in assessment.version.nodes.filter(kind=Node.Kind.INDICATOR):
        rows.append(
            Answer.objects.create(
                assessment=assessment,
                node=node,
                comment=f"Ý kiến {marker} {node.code}",
                reviewer_explanation=f"Giải trình {marker}",
                **VALUES[node.code],
            )
        )
    return rows


def build_side(marker: str, national: dict[str, FrameworkVersion]) -> Side:
    low = marker.lower()
    province = Province.objects.create(
        code=f"{low}-tinh", name_vi=f"Tỉnh {marker}", name_en=f"Province {marker}"
    )
    with province_scope(province.pk):
        dept = Unit.objects.create(
            code=f"{marker}-SO", name_vi=f"Sở {marker}", unit_type="department"
        )
        commune = Unit.objects.create(
            code=f"{marker}-XA", name_vi=f"Xã {marker}", unit_type="commune"
        )
        framework = Framework.objects.create(
            code=f"{marker}-KHUNG", province=province, name_vi=f"Khung {marker}"
        )
        versions = _versions(framework, marker)
        open_campaign = _campaign(
            code=f"{low}-2025",
            name=f"Đợt mở {marker}",
            year=2025,
            state=Campaign.State.OPEN,
            versions=national,
        )
        published = _campaign(
            code=f"{low}-2024",
            name=f"Đợt công bố {marker}",
            year=2024,
            state=Campaign.State.PUBLISHED,
            versions=versions,
        )
        assessments = {}
        for campaign, by_type in ((open_campaign, national), (published, versions)):
            for unit in (dept, commune):
                assessments[campaign.pk, unit.pk] = Assessment.objects.create(
                    campaign=campaign,
                    unit=unit,
                    version=by_type[unit.unit_type],
                    ranking_group=f"Nhóm {marker}",
                    state=(
                        Assessment.State.DRAFT
                        if campaign == open_campaign and unit == dept
                        else Assessment.State.SUBMITTED
                    ),
                )
        answers = []
        for assessment in assessments.values():
            answers += _answers(assessment, marker)
        users = {}
        for name, (role, unit) in ACCOUNTS.items():
            user = User.objects.create_user(
                f"{low}-{name}",
                password="x",
                email=f"{low}-{name}@example.gov.vn",
                full_name=f"Người {marker} {name}",
            )
            membership = Membership.objects.create(
                user=user, role=role, unit=dept if unit else None
            )
            if name in ("reviewer", "scoped_reviewer"):
                Membership.objects.create(user=user, role=role, unit=commune)
            if name == "scoped_reviewer":
                for held in Membership.objects.filter(user=user):
                    held.indicators.set(
                        Node.objects.filter(code="1.1", kind=Node.Kind.INDICATOR)
                    )
            users[name] = user
            assert membership.province_id == province.pk
        assessment = assessments[open_campaign.pk, dept.pk]
        first = answers[0]
        evidence = Evidence(
            answer=first,
            kind="file",
            original_name=f"{low}-chung-cu.pdf",
            content_type="application/pdf",
            size=12,
            summary=f"Chứng cứ {marker}",
            doc_number=f"{marker}/KH",
            created_by=users["editor"],
        )
        evidence.file.save(
            f"{low}-chung-cu.pdf", ContentFile(f"%PDF {marker}".encode()), save=True
        )
        comments = [
            AnswerComment.objects.create(
                assessment=a,
                node=a.version.nodes.get(code="1.1"),
                author=users["reviewer"],
                body=f"Trao đổi {marker}",
            )
            for a in (assessment, assessments[open_campaign.pk, commune.pk])
        ]
        feed = FeedSource.objects.create(
            name=f"Nguồn {marker}",
            description=f"Hệ thống {marker}",
            unit_column=f"Mã {marker}",
            columns={f"Cột {marker}": "1.3"},
            created_by=users["coordinator"],
        )
        tokens = {}
        for name, user in users.items():
            _token, text = api_token_create(
                actor=user, owner=user, name=f"{low}-khoa-{name}", days=30
            )
            tokens[name] = text
        campaign_results_compute(campaign=open_campaign)
        campaign_results_compute(campaign=published, freeze=True)
        exports = [
            report_export_request(
                campaign=campaign,
                kind=kind,
                lang="vi",
                committee=False,
                user=users["coordinator"],
            )
            for campaign in (published, open_campaign)
            for kind in ("workbook", "annex")
        ]
    return Side(
        marker=marker,
        province=province,
        dept=dept,
        commune=commune,
        framework=framework,
        versions=versions,
        open=open_campaign,
        published=published,
        assessment=assessment,
        submitted=assessments[open_campaign.pk, commune.pk],
        published_assessment=assessments[published.pk, dept.pk],
        answers=answers,
        evidence=evidence,
        comments=comments,
        feed=feed,
        exports=exports,
        users=users,
        tokens=tokens,
        nodes=list(Node.objects.filter(version__framework=framework)),
    )


def build_iso() -> Iso:
    framework = Framework.objects.create(
        code="DTI-QG", province=None, name_vi="Bộ chỉ số quốc gia"
    )
    national_versions = _versions(framework, "quốc gia")
    a = build_side("AKQW", national_versions)
    b = build_side("BZQW", national_versions)
    national = User.objects.create_user(
        "quoc-gia", password="x", full_name="Điều phối quốc gia"
    )
    Membership.objects.create(
        user=national, role=Membership.Role.NATIONAL, unit=None, province=None
    )
    return Iso(a=a, b=b, national=national, national_versions=national_versions)


@pytest.fixture(scope="module")
def iso(django_db_setup, django_db_blocker, tmp_path_factory):
    """The two provinces, built once for a module and rolled back at its end."""
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast, TASKS=IMMEDIATE),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_iso()
        transaction.set_rollback(True)
