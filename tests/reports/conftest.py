"""Campaigns with stored results for the report tests, built in a few bulk inserts."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from survey.importers.framework import framework_import, read_framework_path
from survey.models import (
    Answer,
    Assessment,
    Campaign,
    CampaignVersion,
    Membership,
    Node,
    Unit,
    User,
)
from survey.results.compute import campaign_results_compute
from survey.results.points import answer_points

COMMUNE = Path(settings.BASE_DIR) / "fixtures" / "frameworks" / "commune-2025.csv"
TRICKY_NAMES = ["=1+1", "- Gạch đầu dòng", "@SUM(A1)", "+84 Xã", "\tXã tab"]


@pytest.fixture
def version():
    return framework_import(parsed=read_framework_path(COMMUNE))


def sample_values(node: Node, share: float) -> dict:
    """Typed values of ``node`` earning about ``share`` of its points (0 to 1)."""
    if node.answer_type == "yes_no":
        return {"yes": share >= 0.5}
    if node.answer_type == "ratio":
        return {"number": Decimal(round(40 * share)), "denominator": Decimal(40)}
    if node.answer_type == "level":
        levels = node.rule_params["levels"]
        return {"choice": levels[round(share * (len(levels) - 1))]["code"]}
    if node.answer_type == "checklist":
        checks = node.rule_params["checks"]
        return {"checks": [c["code"] for c in checks[: round(share * len(checks))]]}
    if node.answer_type == "percentage":
        return {"number": Decimal(round(100 * share))}
    return {"number": Decimal(round(30 * share))}


def make_campaign(
    version,
    n_units: int,
    *,
    year: int = 2025,
    names: list[str] | None = None,
    state: str = Campaign.State.OPEN,
    units: list[Unit] | None = None,
) -> Campaign:
    """``n_units`` communes in two ranking groups, a few verified answers with a
    disagreement and free-text comments, results computed and stored."""
    campaign = Campaign.objects.create(
        year=year,
        name=f"DTI {year}",
        opens_on=date(year + 1, 1, 1),
        deadline=date(year + 1, 3, 1),
        state=state,
        decision_number="12/QĐ-UBND" if state == Campaign.State.PUBLISHED else "",
        decision_date=date(year + 1, 4, 1)
        if state == Campaign.State.PUBLISHED
        else None,
    )
    CampaignVersion.objects.create(
        campaign=campaign, unit_type="commune", version=version
    )
    leaves = list(version.nodes.filter(kind="indicator").order_by("order", "id"))
    if units is None:
        names = names or []
        units = Unit.objects.bulk_create(
            Unit(
                code=f"X{u:03d}",
                name_vi=names[u] if u < len(names) else f"Xã số {u}",
                name_en=f"Commune {u}",
                unit_type="commune",
            )
            for u in range(n_units)
        )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            campaign=campaign,
            unit=unit,
            version=version,
            ranking_group="Xã" if u % 3 else "Phường",
            ranked=u != 4,
            state=Assessment.State.DRAFT if u == 2 else Assessment.State.SUBMITTED,
        )
        for u, unit in enumerate(units)
    )
    answers = []
    for u, assessment in enumerate(assessments):
        for j, node in enumerate(leaves):
            values = sample_values(node, (u * 7 + j + year) % 5 / 4)
            points, _error = answer_points(node=node, values=values, is_na=False)
            answer = Answer(
                assessment=assessment, node=node, self_points=points, **values
            )
            if j == 0 and points:
                answer.review_status = Answer.ReviewStatus.DISAGREED
                answer.verified_value = {"number": "0"}
                answer.verified_points = Decimal(0)
                answer.reviewer_explanation = '=HYPERLINK("x")'
            if j == 1:
                answer.comment = "- Gạch đầu dòng\n- Dòng hai"
            answers.append(answer)
    Answer.objects.bulk_create(answers)
    campaign_results_compute(
        campaign=campaign, freeze=state == Campaign.State.PUBLISHED
    )
    return campaign


@pytest.fixture
def coordinator():
    user = User.objects.create_user("dieuphoi", password="x")
    Membership.objects.create(user=user, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def committee():
    user = User.objects.create_user("bcd", password="x")
    Membership.objects.create(user=user, role=Membership.Role.COMMITTEE)
    return user


@pytest.fixture
def editor():
    user = User.objects.create_user("chuyenvien", password="x")
    unit = Unit.objects.create(code="EDIT", name_vi="Xã biên tập", unit_type="commune")
    Membership.objects.create(user=user, unit=unit, role=Membership.Role.EDITOR)
    return user
