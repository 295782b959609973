"""A small province for the verification, campaign and account tests.

One department framework: pillar 1 (general: yes/no, ratio, points entered) and
pillar 2 (security: yes/no, count against a target), a bonus group, an open campaign,
two units, their editors and approvers, a reviewer of every indicator of the first
unit, a police reviewer scoped to the security pillar, a coordinator and a committee
viewer.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from survey.models import (
    Answer,
    Assessment,
    Campaign,
    CampaignVersion,
    Framework,
    FrameworkVersion,
    Membership,
    Node,
    Unit,
    User,
)
from survey.services.answers import answer_save
from survey.services.transitions import assessment_transition

PASSWORD = "mat-khau-dai-2025"
# code: (parent, answer type, rule, params, max points)
INDICATORS = {
    "1.1": ("1", "yes_no", "yes_no", {}, 10),
    "1.2": ("1", "ratio", "ratio", {}, 10),
    "1.3": ("1", "points", "direct", {}, 20),
    "2.1": ("2", "yes_no", "yes_no", {}, 10),
    "2.2": ("2", "count", "target", {"target": 4}, 20),
    "T.1": ("T", "count", "bonus", {"per_item": 5, "max": 10}, 10),
}
SECURITY = ("2.1", "2.2")


@dataclass
class World:
    version: FrameworkVersion
    campaign: Campaign
    unit: Unit
    other_unit: Unit
    assessment: Assessment
    other_assessment: Assessment
    nodes: dict[str, Node] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def save(self, code: str, values: dict, *, user=None, assessment=None) -> Answer:
        assessment = assessment or self.assessment
        node = self.nodes[code]
        stored = Answer.objects.filter(assessment=assessment, node=node).first()
        return answer_save(
            assessment=assessment,
            node=node,
            values=values,
            expected_version=stored.version if stored else 0,
            user=user or self.editor,
        ).answer

    def fill(self, assessment=None) -> None:
        mine = assessment in (None, self.assessment)
        user = self.editor if mine else self.other_editor
        for code, values in FILLED.items():
            self.save(code, values, user=user, assessment=assessment)

    def submit(self, assessment=None) -> Assessment:
        assessment = assessment or self.assessment
        mine = assessment == self.assessment
        approver = self.approver if mine else self.other_approver
        assessment.refresh_from_db()
        assessment = assessment_transition(
            assessment=assessment, action="mark_ready", user=approver
        )
        return assessment_transition(
            assessment=assessment, action="submit", user=approver
        )

    def answer(self, code: str, assessment=None) -> Answer:
        return Answer.objects.get(
            assessment=assessment or self.assessment, node=self.nodes[code]
        )


FILLED = {
    "1.1": {"yes": True},
    "1.2": {"number": Decimal(3), "denominator": Decimal(4)},
    "1.3": {"number": Decimal(15)},
    "2.1": {"yes": True},
    "2.2": {"number": Decimal(2)},
    "T.1": {"number": Decimal(1)},
}


def make_user(username: str, role: str, unit: Unit | None = None, **extra) -> User:
    user = User.objects.create_user(
        username,
        password=PASSWORD,
        email=f"{username}@example.gov.vn",
        full_name=extra.pop("full_name", username),
        **extra,
    )
    Membership.objects.create(
        user=user, unit=None if role in Membership.PROVINCE_ROLES else unit, role=role
    )
    return user


def build_world(*, deadline_days: int = 30) -> World:
    framework, _ = Framework.objects.get_or_create(
        code="DTI-SO", defaults={"name_vi": "Bộ chỉ số cấp sở"}
    )
    version = FrameworkVersion.objects.create(
        framework=framework,
        year=2025,
        number=FrameworkVersion.objects.count() + 1,
        unit_type="department",
    )
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        year=2025,
        name="Đánh giá DTI năm 2025",
        state=Campaign.State.OPEN,
        opens_on=today - timedelta(days=30),
        deadline=today + timedelta(days=deadline_days),
    )
    CampaignVersion.objects.create(
        campaign=campaign, unit_type="department", version=version
    )
    unit = Unit.objects.create(
        code="S-TC", name_vi="Sở Tài chính", unit_type="department"
    )
    other = Unit.objects.create(code="S-YT", name_vi="Sở Y tế", unit_type="department")
    assessment = Assessment.objects.create(
        campaign=campaign, unit=unit, version=version, ranking_group="Sở"
    )
    other_assessment = Assessment.objects.create(
        campaign=campaign, unit=other, version=version, ranking_group="Sở"
    )
    world = World(version, campaign, unit, other, assessment, other_assessment)
    tops = {
        "1": Node.objects.create(
            version=version, code="1", kind="pillar", order=1, name_vi="Chung"
        ),
        "2": Node.objects.create(
            version=version,
            code="2",
            kind="pillar",
            order=2,
            name_vi="An toàn thông tin",
        ),
        "T": Node.objects.create(
            version=version,
            code="T",
            kind="bonus_group",
            order=3,
            name_vi="Điểm thưởng",
            max_points=10,
        ),
    }
    world.nodes.update(tops)
    for order, (code, (parent, atype, rule, params, max_points)) in enumerate(
        INDICATORS.items(), start=10
    ):
        world.nodes[code] = Node.objects.create(
            version=version,
            parent=tops[parent],
            code=code,
            kind="indicator",
            order=order,
            name_vi=f"Chỉ số {code}",
            answer_type=atype,
            rule=rule,
            rule_params=params,
            max_points=max_points,
        )
    users = world.users
    users["editor"] = make_user("stc-cv", "editor", unit)
    users["approver"] = make_user("stc-ld", "approver", unit)
    users["other_editor"] = make_user("syt-cv", "editor", other)
    users["other_approver"] = make_user("syt-ld", "approver", other)
    users["reviewer"] = make_user("thamdinh", "reviewer", unit)
    users["police"] = make_user("congan", "reviewer", unit)
    police = Membership.objects.get(user=users["police"])
    police.indicators.set([world.nodes[code] for code in SECURITY])
    users["other_reviewer"] = make_user("thamdinh-yt", "reviewer", other)
    users["coordinator"] = make_user("dieuphoi", "coordinator")
    users["committee"] = make_user("bcd", "committee")
    return world
