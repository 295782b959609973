"""One definition of a unit's total and maximum on every screen: the review page, the
home page and the dashboard show the engine's roll-up (a capped group, bonus and
penalty groups outside the maximum), each labelled with what it is."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

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
from survey.results.compute import campaign_results_compute
from survey.results.inputs import framework_spec
from survey.results.points import answer_points
from survey.results.totals import _best_holders, assessment_totals
from tests.reports.conftest import sample_values

pytestmark = pytest.mark.django_db
FRAMEWORKS = Path(settings.BASE_DIR) / "fixtures" / "frameworks"
# AT.07 holds 10 + 4 + 10 points under a cap of 20; THUONG (bonus) and TRU
# (penalty) sit outside the maximum: 1,000 applicable, never 1,004 or 1,024.
MAXIMUM = Decimal(1000)


def _answer(node: Node, share: float) -> dict:
    if node.code == "THUONG.01":
        return {"number": Decimal(3)}  # 15 bonus points, capped at 10
    if node.code == "TRU.01":
        return {"number": Decimal(1)}  # 5 points off
    if node.answer_type == "points":
        return {"number": node.max_points * Decimal(str(share))}
    return sample_values(node, share)


@pytest.fixture
def world():
    # 2025 continues 2024's version, which must be there first.
    framework_import(parsed=read_framework_path(FRAMEWORKS / "department-2024.csv"))
    version = framework_import(
        parsed=read_framework_path(FRAMEWORKS / "department-2025.csv")
    )
    campaign = Campaign.objects.create(
        year=2025, name="DTI 2025", opens_on=date(2026, 1, 1), deadline=date(2026, 3, 1)
    )
    CampaignVersion.objects.create(
        campaign=campaign, unit_type="department", version=version
    )
    leaves = list(version.nodes.filter(kind="indicator").order_by("order", "id"))
    assessments = []
    for code, share in (("SO-TC", 1.0), ("SO-YT", 0.5)):
        unit = Unit.objects.create(code=code, name_vi=code, unit_type="department")
        assessment = Assessment.objects.create(
            campaign=campaign,
            unit=unit,
            version=version,
            ranking_group="Sở",
            provides_procedures=True,
        )
        for node in leaves:
            values = _answer(node, share)
            points, _error = answer_points(node=node, values=values, is_na=False)
            Answer.objects.create(
                assessment=assessment, node=node, self_points=points, **values
            )
        assessments.append(assessment)
    campaign_results_compute(campaign=campaign)
    return campaign, assessments


def _user(name: str, role: str, unit: Unit | None = None) -> User:
    user = User.objects.create_user(name, password="x")
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def _number(text: str) -> Decimal:
    return Decimal(text.strip().replace(".", "").replace(",", "."))


def _figure(html: str, name: str) -> Decimal:
    match = re.search(rf'data-figure="{name}"[^>]*>([^<]*)<', html)
    assert match, name
    return _number(match.group(1))


def _self_cell(html: str) -> tuple[Decimal, Decimal]:
    match = re.search(r'data-figure="self"[^>]*>([^<]*)</td>', html)
    points, maximum = match.group(1).split("/")
    return _number(points), _number(maximum)


def test_review_home_and_dashboard_show_one_total_and_one_maximum(client, world):
    campaign, (full, half) = world
    stored = UnitResult.objects.get(assessment=full, node__isnull=True)
    assert stored.applicable_max == MAXIMUM
    editor = _user("chuyenvien", Membership.Role.EDITOR, full.unit)
    coordinator = _user("dieuphoi", Membership.Role.COORDINATOR)

    client.force_login(editor)
    review = client.get(reverse("survey:assessment_review", args=[full.pk]))
    html = review.content.decode()
    assert _figure(html, "self-max") == _figure(html, "total-max") == MAXIMUM
    assert _figure(html, "self-points") == stored.final_points
    assert _figure(html, "total-points") == stored.final_points
    step_max = {s.step.node.code: s.max_points for s in review.context["steps"]}
    assert step_max["AT"] == Decimal(120)  # the capped AT.07 counts 20, not 24
    home = client.get(reverse("survey:home")).content.decode()
    assert _self_cell(home) == (stored.final_points, MAXIMUM)

    client.force_login(coordinator)
    dashboard = client.get(reverse("reports:dashboard", args=[campaign.pk]))
    row = re.search(
        r'data-unit="SO-TC">.*?data-figure="points">([^<]*)<.*?'
        r'data-figure="max">([^<]*)<',
        dashboard.content.decode(),
        re.S,
    )
    assert (_number(row.group(1)), _number(row.group(2))) == (
        stored.final_points,
        MAXIMUM,
    )
    # Bonus (+10, capped from 15) and penalty (−5) move the points, never the maximum.
    own = assessment_totals(assessments=[full, half])
    assert own[full.pk].self_assessed.points == stored.final_points
    assert own[full.pk].parts["THUONG"].points == Decimal(10)
    assert own[full.pk].parts["TRU"].points == Decimal(-5)
    half_stored = UnitResult.objects.get(assessment=half, node__isnull=True)
    assert own[half.pk].self_assessed.points == half_stored.final_points


def test_each_figure_says_what_it_is(client, world):
    campaign, (full, _half) = world
    editor = _user("chuyenvien", Membership.Role.EDITOR, full.unit)
    coordinator = _user("dieuphoi", Membership.Role.COORDINATOR)
    with translation.override("vi"):
        self_label, final_label = _("Self-assessed points"), _("Final points")
        provisional = _("provisional")
    client.force_login(editor)
    review = client.get(reverse("survey:assessment_review", args=[full.pk]))
    assert self_label in review.content.decode()
    home = client.get(reverse("survey:home")).content.decode()
    assert self_label in home and final_label in home
    # The campaign is open: its unit does not see a result yet, the province does.
    assert 'data-status="provisional"' not in home
    client.force_login(coordinator)
    home = client.get(reverse("survey:home")).content.decode()
    assert home.count('data-status="provisional"') == 2
    assert f"({provisional})" in home
    dashboard = client.get(reverse("reports:dashboard", args=[campaign.pk]))
    html = dashboard.content.decode()
    assert 'data-results="provisional"' in html and final_label in html


def test_a_pages_units_alone_get_the_figures_the_whole_campaign_gives(world):
    """A page of units is scored with the others' answers to the indicators that
    compare units (the best in the group) only, and gets the same figures."""
    _campaign, (full, half) = world
    together = assessment_totals(assessments=[full, half])
    alone = assessment_totals(assessments=[half])
    assert alone[half.pk].self_assessed == together[half.pk].self_assessed
    assert alone[half.pk].parts == together[half.pk].parts
    # The half-filled unit's relative indicators are judged against the full one.
    stored = UnitResult.objects.get(assessment=half, node__isnull=True)
    assert alone[half.pk].self_assessed.points == stored.final_points


def test_a_change_to_the_groups_best_answer_moves_the_other_units_figures(world):
    """The units holding their group's best are kept between pages; changing the
    best answer finds them again, and a page's figures follow."""
    _campaign, (full, half) = world
    before = assessment_totals(assessments=[half])[half.pk].self_assessed
    assert _holders(half) == [full.pk]
    theirs = Answer.objects.filter(
        assessment=half, node__rule="relative_best", number__gt=0
    ).first()
    assert theirs is not None
    best = Answer.objects.get(assessment=full, node=theirs.node)
    assert best.number > theirs.number
    best.number = Decimal(0)  # the half-filled unit now holds the group's best
    best.save()
    assert half.pk in _holders(half)  # found again: it now holds a best too
    after = assessment_totals(assessments=[half])[half.pk].self_assessed
    cache.clear()
    whole = assessment_totals(assessments=[full, half])[half.pk].self_assessed
    assert after == whole
    assert after.points > before.points


def _holders(assessment: Assessment) -> list[int]:
    spec = framework_spec(version=assessment.version)
    columns, _params = spec.compiled.by_rule["relative_best"]
    compared = [spec.leaf_codes[col] for col in columns]
    return _best_holders(
        assessment.campaign, assessment.version, spec, {assessment.pk}, compared, []
    )
