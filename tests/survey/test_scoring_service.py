"""survey.results.compute: one engine call per campaign, stored and frozen results."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

import scoring
from survey.importers.framework import framework_import, read_framework_path
from survey.models import (
    Answer,
    Assessment,
    Campaign,
    CampaignVersion,
    Membership,
    Node,
    Unit,
    UnitResult,
    User,
)
from survey.results.compute import (
    ResultsFrozen,
    campaign_results_compute,
    unit_explanation,
)
from survey.results.inputs import campaign_population, framework_spec
from survey.results.points import answer_points
from survey.services.transitions import campaign_transition
from tests.reports.conftest import sample_values

pytestmark = pytest.mark.django_db
COMMUNE = Path(settings.BASE_DIR) / "fixtures" / "frameworks" / "commune-2025.csv"


@pytest.fixture
def version():
    return framework_import(parsed=read_framework_path(COMMUNE))


@pytest.fixture
def coordinator():
    user = User.objects.create_user("dieuphoi")
    Membership.objects.create(user=user, role=Membership.Role.COORDINATOR)
    return user


def make_campaign(version, n_units: int, *, prefix: str = "X") -> Campaign:
    campaign = Campaign.objects.create(
        year=2025, name="DTI 2025", opens_on=date(2026, 1, 1), deadline=date(2026, 3, 1)
    )
    CampaignVersion.objects.create(
        campaign=campaign, unit_type="commune", version=version
    )
    leaves = list(version.nodes.filter(kind="indicator").order_by("order", "id"))
    for u in range(n_units):
        unit = Unit.objects.create(
            code=f"{prefix}{u}", name_vi=f"Xã {prefix}{u}", unit_type="commune"
        )
        assessment = Assessment.objects.create(
            campaign=campaign,
            unit=unit,
            version=version,
            ranking_group="Xã",
            state=Assessment.State.VERIFIED,
        )
        answers = []
        for j, node in enumerate(leaves):
            values = sample_values(node, (u + j) % 5 / 4)
            points, _error = answer_points(node=node, values=values, is_na=False)
            answers.append(
                Answer(assessment=assessment, node=node, self_points=points, **values)
            )
        Answer.objects.bulk_create(answers)
    return campaign


def test_results_are_stored_for_every_assessment_and_node(version):
    campaign = make_campaign(version, 4)
    written = campaign_results_compute(campaign=campaign)
    nodes = version.nodes.count()
    assert written == 4 * (nodes + 1)
    for assessment in campaign.assessments.all():
        total = assessment.results.get(node__isnull=True)
        leaves = assessment.results.filter(node__kind="indicator")
        assert total.final_points == sum(r.final_points for r in leaves)
        for answer in assessment.answers.exclude(node__rule="relative_best"):
            leaf = leaves.get(node=answer.node)
            assert leaf.self_points == leaf.final_points == answer.self_points
        assert total.applicable_max == Decimal(960)
        assert total.value == (total.final_points / 960).quantize(Decimal("0.000001"))
        assert total.level and total.rank


def test_queries_do_not_grow_with_the_number_of_units(version):
    small = make_campaign(version, 3)
    with CaptureQueriesContext(connection) as few:
        campaign_results_compute(campaign=small)
    large = make_campaign(version, 12, prefix="L")
    with CaptureQueriesContext(connection) as many:
        campaign_results_compute(campaign=large)
    reads = [_reads(few), _reads(many)]
    assert reads[0] == reads[1], [q["sql"][:80] for q in many.captured_queries]
    # Writes are bulk inserts: a statement per batch of rows, never one per unit.
    rows = UnitResult.objects.filter(assessment__campaign=large).count()
    inserts = len(many) - len(reads[1])
    assert inserts <= rows // 50 + 1


def _reads(context) -> list[str]:
    """Statements other than inserts (an ``executemany`` insert is logged as
    "N times: INSERT …")."""
    return [
        q["sql"].split(" ", 1)[0]
        for q in context.captured_queries
        if "INSERT" not in q["sql"].split(" ", 3)[:3]
    ]


def test_verified_answers_count_in_final_points_and_the_gap(version):
    campaign = make_campaign(version, 2)
    answer = Answer.objects.filter(
        assessment__unit__code="X1", node__answer_type="ratio", number__gt=0
    ).first()
    answer.review_status = Answer.ReviewStatus.DISAGREED
    answer.verified_value = {"number": "0", "denominator": "40"}
    answer.save()
    campaign_results_compute(campaign=campaign)
    total = UnitResult.objects.get(assessment=answer.assessment, node__isnull=True)
    assert total.self_points - total.final_points == answer.self_points
    assert total.verified_points == total.final_points


def test_self_assessed_level_and_rank_are_stored_as_the_engine_gives_them(version):
    """A unit whose every answer a reviewer set to 0 points keeps, beside its
    final level and rank, the higher ones its own answers would give."""
    campaign = make_campaign(version, 4)
    lowered = campaign.assessments.get(unit__code="X1")
    lowered.answers.update(
        review_status=Answer.ReviewStatus.DISAGREED, verified_points=Decimal(0)
    )
    campaign_results_compute(campaign=campaign)
    spec = framework_spec(version=version)
    assessments, population = campaign_population(
        campaign=campaign, version=version, spec=spec
    )
    results = scoring.score(spec, population)
    stored = {
        (r.assessment_id, r.node.code if r.node else scoring.ROOT_CODE): r
        for r in UnitResult.objects.filter(assessment__campaign=campaign)
        .select_related("node")
        .order_by()
    }
    assert len(stored) == len(assessments) * len(spec.nodes)
    for assessment in assessments:
        for node in spec.nodes:
            expected = results.node(str(assessment.pk), node.code)
            row = stored[assessment.pk, node.code]
            assert row.self_level == (expected.self_level or ""), node.code
            assert row.self_rank == expected.self_rank, node.code
            assert row.level == (expected.level or "")
    order = [lv["code"] for lv in sorted(version.levels, key=lambda v: v["min_value"])]
    total = UnitResult.objects.get(assessment=lowered, node__isnull=True)
    assert total.final_points == 0
    assert order.index(total.self_level) > order.index(total.level)
    assert total.self_rank < total.rank == 4
    others = UnitResult.objects.filter(
        assessment__campaign=campaign, node__isnull=True
    ).exclude(assessment=lowered)
    # The others were not verified: their own answers give their final level.
    assert all(r.self_level == r.level for r in others)


def test_na_removes_the_maximum(version):
    campaign = make_campaign(version, 1)
    answer = Answer.objects.filter(node__na_allowed=False).first()
    Node.objects.filter(pk=answer.node_id).update(na_allowed=True)
    Answer.objects.filter(pk=answer.pk).update(is_na=True)
    campaign_results_compute(campaign=campaign)
    total = UnitResult.objects.get(node__isnull=True)
    assert total.applicable_max == Decimal(960) - answer.node.max_points


def test_units_that_never_submitted_score_zero_after_the_deadline(version, coordinator):
    campaign = make_campaign(version, 2)
    Assessment.objects.filter(unit__code="X0").update(state=Assessment.State.DRAFT)
    campaign.state = Campaign.State.CLOSED
    campaign.save()
    campaign_results_compute(campaign=campaign)
    late = UnitResult.objects.get(assessment__unit__code="X0", node__isnull=True)
    on_time = UnitResult.objects.get(assessment__unit__code="X1", node__isnull=True)
    assert late.final_points == 0 and on_time.final_points > 0


def test_published_results_are_frozen(version, coordinator):
    campaign = make_campaign(version, 3)
    Campaign.objects.filter(pk=campaign.pk).update(
        state=Campaign.State.PRELIMINARY, decision_number="12/QĐ-UBND"
    )
    campaign.refresh_from_db()
    campaign_transition(campaign=campaign, action="publish", user=coordinator)
    before = list(
        UnitResult.objects.order_by("pk").values_list("final_points", flat=True)
    )
    assert before and UnitResult.objects.filter(frozen=False).count() == 0
    # A rule changed after publication (bypassing the frozen version's guard).
    Node.objects.filter(version=version, kind="indicator").update(max_points=1)
    with pytest.raises(ResultsFrozen):
        campaign_results_compute(campaign=campaign)
    after = list(
        UnitResult.objects.order_by("pk").values_list("final_points", flat=True)
    )
    assert after == before


def test_a_reopened_campaign_can_be_scored_again(version, coordinator):
    campaign = make_campaign(version, 2)
    Campaign.objects.filter(pk=campaign.pk).update(
        state=Campaign.State.PRELIMINARY, decision_number="12/QĐ-UBND"
    )
    campaign.refresh_from_db()
    campaign = campaign_transition(
        campaign=campaign, action="publish", user=coordinator
    )
    campaign = campaign_transition(
        campaign=campaign, action="reopen", user=coordinator, reason="Sai số liệu"
    )
    assert campaign_results_compute(campaign=campaign) > 0
    assert not UnitResult.objects.filter(frozen=True).exists()


def test_explanation_of_a_unit(version):
    campaign = make_campaign(version, 2)
    assessment = campaign.assessments.get(unit__code="X1")
    total = unit_explanation(assessment=assessment)
    assert total["code"] == "TOTAL" and total["max"] == 960
    node = version.nodes.filter(answer_type="ratio").first()
    leaf = unit_explanation(assessment=assessment, node=node)
    assert leaf["code"] == node.code and leaf["rule"] == "ratio"


def test_compute_results_command(version, coordinator):
    from django.core.management import CommandError, call_command

    campaign = make_campaign(version, 2)
    out = call_command("compute_results", str(campaign.year))
    assert "2 assessments scored" in out
    assert UnitResult.objects.filter(assessment__campaign=campaign).count() > 0
    Campaign.objects.filter(pk=campaign.pk).update(
        state=Campaign.State.PRELIMINARY, decision_number="12/QĐ-UBND"
    )
    campaign.refresh_from_db()
    campaign_transition(campaign=campaign, action="publish", user=coordinator)
    with pytest.raises(CommandError, match="frozen"):
        call_command("compute_results", str(campaign.pk))
    with pytest.raises(CommandError, match="No campaign"):
        call_command("compute_results", "1999")


def test_points_without_values_count_as_given(version):
    """Past years imported as points, and reviewers' points without a value."""
    campaign = make_campaign(version, 1)
    assessment = campaign.assessments.get()
    ratio = assessment.answers.filter(node__answer_type="ratio").first()
    yes_no = assessment.answers.filter(node__answer_type="yes_no").first()
    Answer.objects.filter(pk=ratio.pk).update(
        number=None, denominator=None, self_points=Decimal("7.25")
    )
    Answer.objects.filter(pk=yes_no.pk).update(
        review_status=Answer.ReviewStatus.DISAGREED, verified_points=Decimal("2")
    )
    campaign_results_compute(campaign=campaign)
    leaf = assessment.results.get(node=ratio.node)
    assert leaf.final_points == Decimal("7.25")
    judged = assessment.results.get(node=yes_no.node)
    assert judged.final_points == Decimal("2")
    assert judged.self_points == yes_no.self_points


def test_what_the_engine_noticed_while_scoring_goes_to_the_log(version, caplog):
    """A commune alone in its ranking group is compared with nobody on the
    indicators scored against the group's best: the log says so, per indicator."""
    alone = make_campaign(version, 1)
    with caplog.at_level("WARNING", logger="survey.results.compute"):
        campaign_results_compute(campaign=alone)
    noticed = [r for r in caplog.records if getattr(r, "diagnostic", "")]
    relative = set(
        version.nodes.filter(rule="relative_best").values_list("code", flat=True)
    )
    assert relative
    assert {r.diagnostic for r in noticed} <= {"relative_best_alone"}
    logged = {r.getMessage().split(" at ")[1].split(" for ")[0] for r in noticed}
    assert logged == relative
    caplog.clear()
    together = make_campaign(version, 4, prefix="Y")
    with caplog.at_level("WARNING", logger="survey.results.compute"):
        campaign_results_compute(campaign=together)
    assert not [r for r in caplog.records if getattr(r, "diagnostic", "")]
