"""The worlds the tests build, all through ``build_world``.

A world is a department framework version, an open campaign using it, units with their
assessments and the accounts that work on them. Its shape says which:

- QUESTIONNAIRE: pillar A (ratio, percentage, count, yes/no in a date window, level)
  and pillar B (checklist, text, points entered, date, money, yes/no only for units
  that provide procedures), each indicator with guidance and the evidence it asks for;
  one unit, which provides no procedures, with an editor and an approver.
- VERIFICATION: pillar 1 (general: yes/no, ratio, points entered), pillar 2 (security:
  yes/no, count against a target) and a bonus group; two units, their editors and
  approvers, a reviewer of every indicator of the first unit, a police reviewer scoped
  to the security pillar, a reviewer of the second unit, a coordinator and a committee
  viewer.
- STATES: one pillar with one yes/no indicator; a unit with an assessment and another
  unit without one.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from survey.models import (
    Answer,
    Assessment,
    Campaign,
    CampaignVersion,
    Evidence,
    Framework,
    FrameworkVersion,
    Membership,
    Node,
    Unit,
    User,
)
from survey.services.answers import SavedAnswer, answer_save
from survey.services.transitions import assessment_transition

PASSWORD = "mat-khau-dai-2025"
LEVELS = {
    "levels": [
        {"code": "cao", "vi": "Cao", "en": "High", "factor": 1},
        {"code": "thap", "vi": "Thấp", "en": "Low", "factor": 0.5},
    ]
}
CHECKS = {
    "checks": [
        {"code": "a", "vi": "Có quy chế", "en": "Regulation", "points": 4},
        {"code": "b", "vi": "Có kiểm tra", "en": "Checked", "points": 6},
    ]
}
SECURITY = ("2.1", "2.2")
# The values World.fill saves in a VERIFICATION world.
FILLED = {
    "1.1": {"yes": True},
    "1.2": {"number": Decimal(3), "denominator": Decimal(4)},
    "1.3": {"number": Decimal(15)},
    "2.1": {"yes": True},
    "2.2": {"number": Decimal(2)},
    "T.1": {"number": Decimal(1)},
}


@dataclass(frozen=True)
class Shape:
    """The nodes, units and accounts of a world."""

    # code: (kind, name, max points)
    groups: dict[str, tuple[str, str, int | None]]
    # code: (group, answer type, rule, rule params, max points, other Node fields)
    indicators: dict[str, tuple[str, str, str, dict, int | None, dict]]
    # (code, name, has an assessment): the world's unit first, then its other unit
    units: tuple[tuple[str, str, bool], ...]
    # name in World.users: (username, or "" for a generated one; role; unit index;
    # the indicators a reviewer is scoped to)
    accounts: dict[str, tuple[str, str, int | None, tuple[str, ...]]]
    ranking_group: str = ""
    provides_procedures: bool = True
    described: bool = False  # each indicator has guidance and asks for evidence


QUESTIONNAIRE = Shape(
    groups={"A": ("pillar", "Nhận thức số", None), "B": ("pillar", "Thể chế số", None)},
    indicators={
        "A.1": ("A", "ratio", "ratio", {}, 10, {}),
        "A.2": ("A", "percentage", "ratio", {}, 10, {"na_allowed": True}),
        "A.3": ("A", "count", "target", {"target": 10}, 20, {}),
        "A.4": (
            "A",
            "yes_no",
            "yes_no",
            {},
            20,
            {"date_from": date(2025, 1, 1), "date_to": date(2025, 3, 31)},
        ),
        "A.5": ("A", "level", "level", LEVELS, 20, {}),
        "B.1": ("B", "checklist", "checks", CHECKS, 10, {}),
        "B.2": ("B", "text", "none", {}, None, {}),
        "B.3": ("B", "points", "direct", {}, 60, {}),
        "B.4": (
            "B",
            "date",
            "none",
            {},
            None,
            {
                "date_from": date(2025, 1, 1),
                "date_to": date(2025, 12, 31),
                "date_window": "refuse",
            },
        ),
        "B.5": ("B", "money", "none", {}, None, {}),
        "B.6": ("B", "yes_no", "yes_no", {}, 10, {"requires_procedures": True}),
    },
    units=(("X-TANPHU", "Sở Tân Phú", True),),
    accounts={"editor": ("", "editor", 0, ()), "approver": ("", "approver", 0, ())},
    provides_procedures=False,
    described=True,
)
VERIFICATION = Shape(
    groups={
        "1": ("pillar", "Chung", None),
        "2": ("pillar", "An toàn thông tin", None),
        "T": ("bonus_group", "Điểm thưởng", 10),
    },
    indicators={
        "1.1": ("1", "yes_no", "yes_no", {}, 10, {}),
        "1.2": ("1", "ratio", "ratio", {}, 10, {}),
        "1.3": ("1", "points", "direct", {}, 20, {}),
        "2.1": ("2", "yes_no", "yes_no", {}, 10, {}),
        "2.2": ("2", "count", "target", {"target": 4}, 20, {}),
        "T.1": ("T", "count", "bonus", {"per_item": 5, "max": 10}, 10, {}),
    },
    units=(("S-TC", "Sở Tài chính", True), ("S-YT", "Sở Y tế", True)),
    accounts={
        "editor": ("stc-cv", "editor", 0, ()),
        "approver": ("stc-ld", "approver", 0, ()),
        "other_editor": ("syt-cv", "editor", 1, ()),
        "other_approver": ("syt-ld", "approver", 1, ()),
        "reviewer": ("thamdinh", "reviewer", 0, ()),
        "police": ("congan", "reviewer", 0, SECURITY),
        "other_reviewer": ("thamdinh-yt", "reviewer", 1, ()),
        "coordinator": ("dieuphoi", "coordinator", None, ()),
        "committee": ("bcd", "committee", None, ()),
    },
    ranking_group="Sở",
)
STATES = Shape(
    groups={"1": ("pillar", "Nhận thức số", None)},
    indicators={"1.1": ("1", "yes_no", "yes_no", {}, 10, {})},
    units=(
        ("S-KHCN", "Sở Khoa học và Công nghệ", True),
        ("S-TC", "Sở Tài chính", False),
    ),
    accounts={},
)


@dataclass
class World:
    """What ``build_world`` made; ``world.<name>`` is the account of that name."""

    version: FrameworkVersion
    campaign: Campaign
    unit: Unit
    assessment: Assessment
    other_unit: Unit | None = None
    other_assessment: Assessment | None = None
    nodes: dict[str, Node] = field(default_factory=dict)  # the indicators by code
    pillars: list[Node] = field(default_factory=list)  # the top nodes, in order
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)

    def user(self, role: str, *, unit: Unit | None = None) -> User:
        """A new account holding ``role`` for ``unit`` (default the world's unit)."""
        username = f"{role}-{User.objects.count()}"
        return make_user(username, role, unit or self.unit)

    def save(
        self,
        code: str,
        values: dict,
        *,
        version: int | None = None,
        user: User | None = None,
        assessment: Assessment | None = None,
    ) -> SavedAnswer:
        """Save ``values`` as the given version (default the stored one)."""
        assessment = assessment or self.assessment
        node = self.nodes[code]
        if version is None:
            stored = Answer.objects.filter(assessment=assessment, node=node)
            version = stored.values_list("version", flat=True).first() or 0
        return answer_save(
            assessment=assessment,
            node=node,
            values=values,
            expected_version=version,
            user=user or self.editor,
        )

    def fill(self, assessment: Assessment | None = None) -> None:
        """Every indicator of a VERIFICATION world answered with FILLED."""
        mine = assessment in (None, self.assessment)
        user = self.editor if mine else self.other_editor
        for code, values in FILLED.items():
            self.save(code, values, user=user, assessment=assessment)

    def submit(self, assessment: Assessment | None = None) -> Assessment:
        """The unit's approver marks the assessment ready and submits it."""
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

    def answer(self, code: str, assessment: Assessment | None = None) -> Answer:
        return Answer.objects.get(
            assessment=assessment or self.assessment, node=self.nodes[code]
        )


NO_UNIT_ROLES = Membership.PROVINCE_ROLES | Membership.NATIONAL_ROLES


def make_user(username: str, role: str, unit: Unit | None = None, **extra) -> User:
    """An account holding ``role``; province and national roles hold it for no
    unit."""
    user = User.objects.create_user(
        username,
        password=PASSWORD,
        email=f"{username}@example.gov.vn",
        full_name=extra.pop("full_name", username),
        **extra,
    )
    Membership.objects.create(
        user=user, unit=None if role in NO_UNIT_ROLES else unit, role=role
    )
    return user


def build_world(
    *,
    shape: Shape,
    code: str | None = None,
    deadline_days: int = 30,
    decision_number: str = "",
    extra_indicators: int = 0,
    evidence: bool = False,
) -> World:
    """A world of ``shape`` in an open campaign whose deadline is ``deadline_days``
    away; ``code`` renames its unit, ``extra_indicators`` adds count indicators to its
    first group and ``evidence`` gives every indicator a document of evidence."""
    version = _version()
    campaign = _campaign(
        version, deadline_days=deadline_days, decision_number=decision_number
    )
    units = [
        _unit(shape, campaign, version, code=(code if i == 0 else None), row=row)
        for i, row in enumerate(shape.units)
    ]
    world = World(version, campaign, *units[0])
    if len(units) > 1:
        world.other_unit, world.other_assessment = units[1]
    _nodes(world, shape, extra_indicators=extra_indicators)
    _accounts(world, shape, [unit for unit, _assessment in units])
    if evidence:
        _evidence(world)
    return world


def _unit(
    shape: Shape,
    campaign: Campaign,
    version: FrameworkVersion,
    *,
    code: str | None,
    row: tuple[str, str, bool],
) -> tuple[Unit, Assessment | None]:
    unit_code, name, assessed = row
    unit = Unit.objects.create(
        code=code or unit_code, name_vi=name, unit_type="department"
    )
    if not assessed:
        return unit, None
    assessment = Assessment.objects.create(
        campaign=campaign,
        unit=unit,
        version=version,
        ranking_group=shape.ranking_group,
        provides_procedures=shape.provides_procedures,
    )
    return unit, assessment


def _version() -> FrameworkVersion:
    framework, _ = Framework.objects.get_or_create(
        code="DTI-SO", defaults={"name_vi": "Bộ chỉ số cấp sở"}
    )
    return FrameworkVersion.objects.create(
        framework=framework,
        year=2025,
        number=FrameworkVersion.objects.count() + 1,
        unit_type="department",
    )


def _campaign(
    version: FrameworkVersion, *, deadline_days: int, decision_number: str
) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        year=2025,
        name="Đánh giá DTI năm 2025",
        state=Campaign.State.OPEN,
        opens_on=today - timedelta(days=30),
        deadline=today + timedelta(days=deadline_days),
        decision_number=decision_number,
    )
    CampaignVersion.objects.create(
        campaign=campaign, unit_type="department", version=version
    )
    return campaign


def _nodes(world: World, shape: Shape, *, extra_indicators: int) -> None:
    groups = {}
    for order, (code, (kind, name, max_points)) in enumerate(
        shape.groups.items(), start=1
    ):
        groups[code] = Node.objects.create(
            version=world.version,
            code=code,
            kind=kind,
            order=order,
            name_vi=name,
            max_points=max_points,
        )
    world.pillars = list(groups.values())
    indicators = dict(shape.indicators)
    first = next(iter(shape.groups))
    extra_row = (first, "count", "target", {"target": 5}, 5, {})
    for i in range(extra_indicators):
        indicators[f"{first}.9{i:03d}"] = extra_row
    described = {}
    for order, (code, (group, atype, rule, params, max_points, extra)) in enumerate(
        indicators.items(), start=10
    ):
        if shape.described:
            described = {
                "guidance_vi": f"Hướng dẫn {code}",
                "evidence_required": "Văn bản (số hiệu, ngày ban hành)",
            }
        world.nodes[code] = Node.objects.create(
            version=world.version,
            parent=groups[group],
            code=code,
            kind=Node.Kind.INDICATOR,
            order=order,
            name_vi=f"Chỉ số {code}",
            answer_type=atype,
            rule=rule,
            rule_params=params,
            max_points=max_points,
            **described,
            **extra,
        )


def _accounts(world: World, shape: Shape, units: list[Unit]) -> None:
    for name, (username, role, index, scope) in shape.accounts.items():
        unit = None if index is None else units[index]
        if username:
            world.users[name] = make_user(username, role, unit)
        else:
            world.users[name] = world.user(role, unit=unit)
        if scope:
            membership = Membership.objects.get(user=world.users[name])
            membership.indicators.set([world.nodes[code] for code in scope])


def _evidence(world: World) -> None:
    for node in world.nodes.values():
        answer = Answer.objects.create(assessment=world.assessment, node=node)
        Evidence.objects.create(
            answer=answer,
            kind="document",
            doc_number="12/KH-UBND",
            doc_date=date(2025, 2, 1),
            summary="Kế hoạch chuyển đổi số",
        )


def page_queries(client, user, url, params=None) -> tuple[int, object]:
    """``(queries, response)`` of a page opened by ``user``, counted on a second
    opening (the first fills what a process keeps between requests)."""
    client.force_login(user)
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), response


def add_units(
    world: World,
    n: int,
    *,
    start: int = 0,
    state: str = "draft",
    unit_type: str = "commune",
    answered: tuple[str, ...] = (),
) -> list[Assessment]:
    """``n`` more units (``X-0000``…) in the world's campaign, made in bulk for
    tests at scale: each with an assessment in ``state``, a "yes" answer to the
    indicators ``answered``, and the world's reviewer."""
    units = Unit.objects.bulk_create(
        Unit(code=f"X-{i:04d}", name_vi=f"Xã {i:04d}", unit_type=unit_type)
        for i in range(start, start + n)
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            campaign=world.campaign,
            unit=unit,
            version=world.version,
            ranking_group="Xã",
            state=state,
        )
        for unit in units
    )
    Answer.objects.bulk_create(
        Answer(assessment=a, node=world.nodes[code], yes=True)
        for a in assessments
        for code in answered
    )
    Membership.objects.bulk_create(
        Membership(user=world.reviewer, unit=unit, role="reviewer") for unit in units
    )
    return assessments
