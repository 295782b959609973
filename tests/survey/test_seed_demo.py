"""The demo: its first province reproducible, varied and plausible; a small
second province on the same national frameworks; a national coordinator.

Each test reads in the first province's scope (as its people would), unless it
says otherwise."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from survey.models import (
    Answer,
    Assessment,
    Campaign,
    Evidence,
    FeedSource,
    Framework,
    Membership,
    Province,
    Unit,
    UnitLineage,
    UnitResult,
    User,
)
from survey.province_scope import province_scope
from survey.services.supply import supply_indicators
from survey.services.supply_reading import denominator_of

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seed for the whole module, removed again at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", seed=7)
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def first_province(seeded):
    """The first province, the one made from the settings, in scope."""
    province = Province.objects.order_by("pk").first()
    with province_scope(province.pk):
        yield province


def test_units_and_the_merged_commune(seeded):
    assert 24 <= Unit.objects.filter(unit_type="department").count() <= 30
    assert (
        Unit.objects.filter(unit_type="commune", active_to__isnull=True).count() == 61
    )
    merge = UnitLineage.objects.filter(kind="merge", year=2025)
    assert merge.count() == 2
    merged = merge.first().successor
    assert sorted(merged.predecessors.values_list("active_to", flat=True)) == [
        2024,
        2024,
    ]


def test_the_first_province_is_named_from_the_settings(first_province):
    assert first_province.name_vi == settings.DTI_PROVINCE_NAME
    assert Unit.objects.count() == Unit.unscoped.filter(province=first_province).count()


def test_accounts_for_every_role(seeded):
    roles = set(Membership.unscoped.values_list("role", flat=True))
    assert roles == {value for value, _ in Membership.Role.choices}
    assert User.objects.get(username="dieuphoi").check_password("demo-dti-2025")


def test_campaigns_and_states(seeded):
    assert dict(Campaign.objects.values_list("year", "state")) == {
        2023: "published",
        2024: "published",
        2025: "open",
    }
    states_2025 = set(
        Assessment.objects.filter(campaign__year=2025).values_list("state", flat=True)
    )
    assert states_2025 >= {
        "draft",
        "ready",
        "submitted",
        "in_review",
        "returned",
        "verified",
    }
    returned = Answer.objects.filter(review_status="returned")
    assert returned.exists()
    assert not returned.exclude(assessment__state="returned").exists()


def test_answers_are_varied_and_plausible(seeded):
    answers = Answer.objects.all()
    assert answers.filter(is_na=True).exists()
    assert Evidence.objects.filter(kind="document").exists()
    reviewed = answers.filter(verified_points__isnull=False).aggregate(
        own=Sum("self_points"), verified=Sum("verified_points")
    )
    ratio = reviewed["verified"] / reviewed["own"]
    assert Decimal("0.6") < ratio < Decimal("0.9")  # self-assessment runs high


def test_results_every_level_and_year_over_year_moves_both_ways(seeded):
    totals = UnitResult.objects.filter(node__isnull=True)
    levels = set(totals.values_list("level", flat=True))
    assert levels == {"khoi_dong", "hinh_thanh", "nang_cao", "dan_dat"}
    frozen = totals.filter(assessment__campaign__state="published")
    assert frozen.exists() and not frozen.filter(frozen=False).exists()
    by_unit = {}
    for unit, year, value in totals.values_list(
        "assessment__unit__code", "assessment__campaign__year", "value"
    ):
        by_unit.setdefault(unit, {})[year] = value
    changes = [v[2024] - v[2023] for v in by_unit.values() if {2023, 2024} <= set(v)]
    assert any(c > 0 for c in changes) and any(c < 0 for c in changes)


def test_a_unit_that_never_submitted_scores_zero_when_published(seeded):
    never = Assessment.objects.get(campaign__year=2024, unit__code="X-YENLUONG")
    assert never.state == "draft"
    total = never.results.get(node__isnull=True)
    assert total.final_points == 0 and total.level == "khoi_dong"


def test_ranks_are_competition_ranks_within_groups(first_province):
    totals = UnitResult.objects.filter(
        node__isnull=True,
        assessment__campaign__year=2024,
        assessment__campaign__province=first_province,
    )
    for group in totals.values_list("assessment__ranking_group", flat=True).distinct():
        ranked = totals.filter(assessment__ranking_group=group, rank__isnull=False)
        rows = sorted(ranked.values_list("value", "rank"), key=lambda r: -r[0])
        for position, (value, rank) in enumerate(rows, start=1):
            ties_before = sum(1 for v, _r in rows if v > value)
            assert rank == ties_before + 1, (group, position)
    unranked = totals.filter(assessment__ranked=False)
    assert unranked.exists() and not unranked.filter(rank__isnull=False).exists()


def test_the_demo_feed_sources_map_indicators_the_running_campaign_takes(seeded):
    campaign = Campaign.objects.get(year=2025)
    takes = {node.code for node in supply_indicators(campaign=campaign)}
    sources = FeedSource.objects.all()
    assert sources.count() == 2
    for source in sources:
        assert source.unit_column
        codes = {denominator_of(code) or code for code in source.columns.values()}
        assert codes and codes <= takes


def test_the_frameworks_are_national_and_used_by_both_provinces(seeded):
    frameworks = Framework.unscoped.all()
    assert frameworks.exists() and not frameworks.filter(province__isnull=False)
    used = Campaign.unscoped.values_list(
        "province__code", "versions__version__framework"
    )
    by_province = {}
    for province, framework in used:
        by_province.setdefault(province, set()).add(framework)
    assert by_province["son-ha"] == set(frameworks.values_list("pk", flat=True))
    assert len(by_province) == 2 and len(set(map(frozenset, by_province.values()))) == 1


def test_a_small_second_province_with_its_own_people_and_campaigns(seeded):
    second = Province.objects.get(code="son-ha")
    assert (second.name_vi, second.name_en) == ("tỉnh Sơn Hà", "Son Ha province")
    with province_scope(second.pk):
        units = Unit.objects.all()
        assert units.filter(unit_type="department").count() == 4
        assert units.filter(unit_type="commune").count() == 6
        assert all(
            code.startswith("SH-") for code in units.values_list("code", flat=True)
        )
        assert dict(Campaign.objects.values_list("year", "state")) == {
            2024: "published",
            2025: "open",
        }
        states_2025 = set(
            Assessment.objects.filter(campaign__year=2025).values_list(
                "state", flat=True
            )
        )
        assert states_2025 >= {"draft", "ready", "submitted", "in_review", "verified"}
        assert (
            Answer.objects.filter(assessment__campaign__province=second).count() > 500
        )
        totals = UnitResult.objects.filter(
            node__isnull=True, assessment__campaign__province=second
        )
        assert totals.filter(assessment__campaign__year=2024, frozen=True).count() == 10
        roles = {
            (m.user.username, m.role)
            for m in Membership.objects.filter(unit__isnull=True).select_related("user")
        }
        assert roles == {("sonha-dieuphoi", "coordinator"), ("sonha-bcd", "committee")}
        editor = Membership.objects.get(unit__code="SH-SNV", role="editor").user
        assert editor.username == "sh-snv-cv"
        assert User.objects.get(username="sh-snv-ld").check_password("demo-dti-2025")
        reviewer = Membership.objects.filter(role="reviewer").values("user__username")
        assert {r["user__username"] for r in reviewer} == {"sonha-thamdinh"}
    # Nobody of one province holds a role in the other.
    first_people = set(
        Membership.unscoped.exclude(province=second)
        .filter(province__isnull=False)
        .values_list("user", flat=True)
    )
    second_people = set(
        Membership.unscoped.filter(province=second).values_list("user", flat=True)
    )
    assert first_people and second_people and not first_people & second_people


def test_the_national_coordinator_belongs_to_no_province(seeded):
    (membership,) = Membership.unscoped.filter(user__username="quocgia")
    assert (membership.role, membership.unit, membership.province) == (
        "national",
        None,
        None,
    )
    assert membership.user.check_password("demo-dti-2025")


def test_demo_accounts_lists_each_province_then_the_national_one(seeded):
    from io import StringIO

    out = StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    first = Province.objects.order_by("pk").first().name_vi
    order = [first, "dieuphoi", "tỉnh Sơn Hà", "sonha-dieuphoi", "sh-", "quocgia"]
    positions = [text.index(word) for word in order]
    assert positions == sorted(positions)
