"""Database constraints, frozen framework versions and small model rules."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    CampaignVersion,
    Framework,
    FrameworkVersion,
    Membership,
    Node,
    Unit,
    UnitLineage,
    User,
)
from survey.models.frameworks import FrozenVersionError
from survey.services.frameworks import framework_version_copy

pytestmark = pytest.mark.django_db

FROZEN = FrameworkVersion.State.FROZEN
DRAFT = FrameworkVersion.State.DRAFT


@pytest.fixture
def framework():
    return Framework.objects.create(code="DTI-SO", name_vi="Bộ chỉ số DTI cấp sở")


@pytest.fixture
def version(framework):
    return FrameworkVersion.objects.create(
        framework=framework,
        year=2025,
        unit_type="department",
        legal_basis="QĐ 3019/QĐ-UBND",
        precision=1,
    )


@pytest.fixture
def unit():
    return Unit.objects.create(
        code="S-KHCN", name_vi="Sở Khoa học và Công nghệ", unit_type="department"
    )


@pytest.fixture
def campaign():
    return Campaign.objects.create(
        year=2025,
        name="Đánh giá DTI năm 2025",
        opens_on=date(2026, 1, 15),
        deadline=date(2026, 3, 15),
    )


def node(version, code, *, parent=None, kind="indicator", **fields):
    return Node.objects.create(
        version=version, parent=parent, code=code, kind=kind, name_vi=f"Mục {code}",
        **fields,
    )  # fmt: skip


def assert_refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


# -- constraints


def test_node_code_is_unique_within_a_version(version):
    node(version, "1.1")
    assert_refused_by_database(lambda: node(version, "1.1"))
    assert Node.objects.filter(version=version, code="1.1").count() == 1


def test_the_same_node_code_may_appear_in_two_versions(framework, version):
    later = FrameworkVersion.objects.create(
        framework=framework, year=2025, number=2, unit_type="department"
    )
    node(version, "1.1")
    node(later, "1.1")
    assert Node.objects.filter(code="1.1").count() == 2


def test_framework_version_number_is_unique_per_framework_and_year(framework, version):
    assert_refused_by_database(
        lambda: FrameworkVersion.objects.create(
            framework=framework, year=2025, number=1, unit_type="commune"
        )
    )
    FrameworkVersion.objects.create(framework=framework, year=2024, unit_type="commune")


def test_one_assessment_per_unit_and_campaign(campaign, unit, version):
    Assessment.objects.create(campaign=campaign, unit=unit, version=version)
    assert_refused_by_database(
        lambda: Assessment.objects.create(campaign=campaign, unit=unit, version=version)
    )
    other = Unit.objects.create(
        code="S-TC", name_vi="Sở Tài chính", unit_type="department"
    )
    Assessment.objects.create(campaign=campaign, unit=other, version=version)
    assert Assessment.objects.count() == 2


def test_one_answer_per_indicator_and_assessment(campaign, unit, version):
    indicator = node(version, "1.1")
    assessment = Assessment.objects.create(
        campaign=campaign, unit=unit, version=version
    )
    Answer.objects.create(assessment=assessment, node=indicator, yes=True)
    assert_refused_by_database(
        lambda: Answer.objects.create(assessment=assessment, node=indicator, yes=False)
    )
    Answer.objects.create(assessment=assessment, node=node(version, "1.2"))
    assert Answer.objects.get(node=indicator).yes is True


def test_one_framework_version_per_unit_type_in_a_campaign(
    campaign, framework, version
):
    CampaignVersion.objects.create(
        campaign=campaign, unit_type="department", version=version
    )
    other = FrameworkVersion.objects.create(
        framework=framework, year=2025, number=2, unit_type="department"
    )
    assert_refused_by_database(
        lambda: CampaignVersion.objects.create(
            campaign=campaign, unit_type="department", version=other
        )
    )
    CampaignVersion.objects.create(
        campaign=campaign, unit_type="commune", version=other
    )


@pytest.mark.parametrize(
    ("role", "with_unit", "allowed"),
    [
        ("coordinator", False, True),
        ("coordinator", True, False),
        ("committee", False, True),
        ("committee", True, False),
        ("editor", True, True),
        ("editor", False, False),
        ("approver", True, True),
        ("approver", False, False),
        ("reviewer", True, True),
        ("reviewer", False, False),
    ],
)
def test_membership_scope(unit, role, with_unit, allowed):
    user = User.objects.create_user("nguoidung")

    def create():
        Membership.objects.create(
            user=user, role=role, unit=unit if with_unit else None
        )

    if allowed:
        create()
        assert Membership.objects.filter(user=user, role=role).exists()
    else:
        assert_refused_by_database(create)
        assert not Membership.objects.exists()


def test_membership_is_unique_per_user_unit_and_role(unit):
    user = User.objects.create_user("nguoidung")
    Membership.objects.create(user=user, unit=unit, role="editor")
    assert_refused_by_database(
        lambda: Membership.objects.create(user=user, unit=unit, role="editor")
    )
    Membership.objects.create(user=user, unit=unit, role="approver")


def test_a_unit_cannot_be_its_own_predecessor(unit):
    assert_refused_by_database(
        lambda: UnitLineage.objects.create(
            predecessor=unit, successor=unit, kind="rename", year=2025
        )
    )
    merged = Unit.objects.create(code="X-MOI", name_vi="Xã Mới", unit_type="commune")
    UnitLineage.objects.create(
        predecessor=unit, successor=merged, kind="merge", year=2025
    )
    assert UnitLineage.objects.get().successor == merged


def test_lineage_pair_is_unique(unit):
    merged = Unit.objects.create(code="X-MOI", name_vi="Xã Mới", unit_type="commune")
    UnitLineage.objects.create(
        predecessor=unit, successor=merged, kind="merge", year=2025
    )
    assert_refused_by_database(
        lambda: UnitLineage.objects.create(
            predecessor=unit, successor=merged, kind="rename", year=2026
        )
    )


def test_unit_predecessors_follow_the_lineage(unit):
    merged = Unit.objects.create(code="X-MOI", name_vi="Xã Mới", unit_type="commune")
    UnitLineage.objects.create(
        predecessor=unit, successor=merged, kind="merge", year=2025
    )
    assert list(merged.predecessors.all()) == [unit]
    assert list(unit.successors.all()) == [merged]


# -- frozen framework versions


@pytest.fixture
def frozen(version):
    """``version`` with one indicator, frozen the way opening a campaign freezes it."""
    node(version, "1.1", max_points=Decimal("5"))
    FrameworkVersion.objects.filter(pk=version.pk).update(state=FROZEN)
    version.refresh_from_db()
    return version


def test_frozen_version_error_is_a_validation_error():
    assert issubclass(FrozenVersionError, ValidationError)


def test_saving_a_frozen_version_is_refused(frozen):
    frozen.legal_basis = "QĐ 999/QĐ-UBND"
    with pytest.raises(FrozenVersionError):
        frozen.save()
    assert FrameworkVersion.objects.get(pk=frozen.pk).legal_basis == "QĐ 3019/QĐ-UBND"


def test_a_frozen_version_cannot_be_unfrozen_by_saving_it(frozen):
    frozen.state = DRAFT
    frozen.legal_basis = "QĐ 999/QĐ-UBND"
    with pytest.raises(FrozenVersionError):
        frozen.save()
    assert FrameworkVersion.objects.get(pk=frozen.pk).state == FROZEN


def test_a_draft_version_can_be_saved_and_frozen(version):
    version.legal_basis = "QĐ 999/QĐ-UBND"
    version.save()
    version.state = FROZEN
    version.save()
    assert FrameworkVersion.objects.get(pk=version.pk).state == FROZEN


def test_changing_a_node_of_a_frozen_version_is_refused(frozen):
    indicator = frozen.nodes.get()
    indicator.max_points = Decimal("10")
    with pytest.raises(FrozenVersionError):
        indicator.save()
    assert Node.objects.get(pk=indicator.pk).max_points == Decimal("5")


def test_adding_a_node_to_a_frozen_version_is_refused(frozen):
    with pytest.raises(FrozenVersionError):
        node(frozen, "1.2")
    assert frozen.nodes.count() == 1


@pytest.fixture
def tree(framework, version):
    """A 2025 version whose indicators continue those of 2024, children made first."""
    last_year = FrameworkVersion.objects.create(
        framework=framework, year=2024, unit_type="department"
    )
    old = node(last_year, "4.22.11", max_points=Decimal("2"))
    # A child created before its parent has the smaller id; the copy must cope.
    late_child = node(version, "1.2.1", max_points=Decimal("1.5"), rule="yes_no")
    pillar = node(version, "1", kind="pillar")
    component = node(version, "1.2", kind="component", parent=pillar, capped=True)
    late_child.parent = component
    late_child.save()
    node(
        version,
        "1.1",
        parent=pillar,
        max_points=Decimal("2"),
        answer_type="ratio",
        rule="tiers",
        rule_params={"tiers": [[0.5, 0.5], [1, 1]]},
        applies_to=["department"],
        requires_procedures=True,
        continues=old,
        order=3,
    )
    node(version, "T", kind="bonus_group", max_points=Decimal("3"), rule="bonus")
    FrameworkVersion.objects.filter(pk=version.pk).update(state=FROZEN)
    version.refresh_from_db()
    return version


def shape(version):
    """The tree of ``version`` by code, without ids of its own nodes."""
    return {
        n.code: (
            n.parent.code if n.parent else None,
            n.kind,
            n.order,
            n.max_points,
            n.capped,
            n.answer_type,
            n.rule,
            n.rule_params,
            n.applies_to,
            n.requires_procedures,
            n.continues_id,
            n.name_vi,
        )
        for n in version.nodes.select_related("parent")
    }


def test_copy_makes_a_draft_with_the_next_number_and_the_same_tree(tree):
    copy = framework_version_copy(version=tree)

    assert copy.pk != tree.pk
    assert (copy.framework, copy.year, copy.number) == (tree.framework, 2025, 2)
    assert copy.state == DRAFT
    assert (copy.unit_type, copy.legal_basis, copy.precision, copy.levels) == (
        tree.unit_type,
        tree.legal_basis,
        tree.precision,
        tree.levels,
    )
    assert shape(copy) == shape(tree)
    assert len(shape(copy)) == 5
    assert not set(copy.nodes.values_list("pk", flat=True)) & set(
        tree.nodes.values_list("pk", flat=True)
    )
    assert not copy.nodes.exclude(parent=None).exclude(parent__version=copy).exists()
    continued = copy.nodes.get(code="1.1").continues
    assert (continued.code, continued.version.year) == ("4.22.11", 2024)
    assert AuditEvent.objects.filter(
        action="framework", object_id=str(copy.pk)
    ).exists()


def test_a_copy_can_be_edited_while_the_original_stays_frozen(tree):
    copy = framework_version_copy(version=tree)

    indicator = copy.nodes.get(code="1.1")
    indicator.max_points = Decimal("4")
    indicator.save()
    node(copy, "1.3", parent=copy.nodes.get(code="1"))
    copy.legal_basis = "QĐ 999/QĐ-UBND"
    copy.save()

    assert tree.nodes.get(code="1.1").max_points == Decimal("2")
    assert not tree.nodes.filter(code="1.3").exists()
    assert FrameworkVersion.objects.get(pk=tree.pk).state == FROZEN


def test_copying_again_takes_the_next_free_number(tree):
    framework_version_copy(version=tree)
    third = framework_version_copy(version=tree)
    assert third.number == 3


# -- campaign and node rules


def test_campaign_refuses_a_deadline_before_opening(campaign):
    campaign.deadline = date(2026, 1, 14)
    with pytest.raises(ValidationError) as caught:
        campaign.full_clean()
    assert set(caught.value.message_dict) == {"deadline"}


def test_campaign_may_close_on_the_day_it_opens(campaign):
    campaign.deadline = campaign.opens_on
    campaign.full_clean()


def test_a_published_campaign_needs_its_decision(campaign):
    campaign.state = Campaign.State.PUBLISHED
    with pytest.raises(ValidationError) as caught:
        campaign.full_clean()
    assert set(caught.value.message_dict) == {"decision_number"}
    campaign.decision_number = "512/QĐ-UBND"
    campaign.full_clean()


@pytest.mark.parametrize(
    ("applies_to", "requires_procedures", "unit_type", "provides", "expected"),
    [
        ([], False, "department", False, True),
        ([], False, "commune", True, True),
        (["commune"], False, "commune", False, True),
        (["commune"], False, "department", True, False),
        (["department", "district"], False, "district", False, True),
        ([], True, "department", True, True),
        ([], True, "department", False, False),
        (["commune"], True, "commune", False, False),
        (["commune"], True, "commune", True, True),
        (["commune"], True, "department", True, False),
    ],
)
def test_node_applies_to_unit(
    applies_to, requires_procedures, unit_type, provides, expected
):
    indicator = Node(
        code="2.1",
        kind="indicator",
        applies_to=applies_to,
        requires_procedures=requires_procedures,
    )
    assert (
        indicator.applies_to_unit(unit_type=unit_type, provides_procedures=provides)
        is expected
    )
