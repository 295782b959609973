"""The demo province: reproducible, varied and plausible."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum

from survey.models import (
    Answer,
    Assessment,
    Campaign,
    Evidence,
    FeedSource,
    Membership,
    Unit,
    UnitLineage,
    UnitResult,
    User,
)
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


def test_accounts_for_every_role(seeded):
    roles = set(Membership.objects.values_list("role", flat=True))
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


def test_ranks_are_competition_ranks_within_groups(seeded):
    totals = UnitResult.objects.filter(
        node__isnull=True, assessment__campaign__year=2024
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
