"""The demo province at any size: ``seed_demo --communes N`` adds numbered
communes, seeded and scored like the demo's own."""

import pytest
from django.core.management import call_command
from django.db import transaction

from survey.models import Answer, Assessment, Membership, Unit, UnitResult
from survey.results.points import answer_points
from survey.services.answer_checks import VALUE_FIELDS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def larger(django_db_setup, django_db_blocker):
    """A province with more communes than the demo's own (numbered ones added)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", seed=7, communes=70)
        yield
        transaction.set_rollback(True)


def test_a_province_of_any_size(larger):
    # The first province's communes; the demo's second province has its own (SH-).
    active = Unit.objects.filter(unit_type="commune", active_to__isnull=True).exclude(
        code__startswith="SH-"
    )
    assert active.count() == 70
    numbered = active.filter(code__startswith="X-0")
    assert numbered.count() == 70 - 61
    unit = numbered.order_by("code").last()
    assert (unit.code, unit.name_vi) == ("X-0070", "Xã Số 70")
    assert set(Membership.objects.filter(unit=unit).values_list("role", flat=True)) == {
        "editor",
        "approver",
        "reviewer",
    }
    assessments = Assessment.objects.filter(unit=unit)
    assert sorted(assessments.values_list("campaign__year", flat=True)) == [
        2023,
        2024,
        2025,
    ]
    assert Answer.objects.filter(assessment__unit=unit).count() > 3 * 20
    assert (
        UnitResult.objects.filter(assessment__unit=unit, node__isnull=True).count() == 3
    )


def test_seeded_points_are_the_points_a_save_gives(larger):
    """The seed scores its answers an indicator at a time; each equals the points
    that saving the answer alone gives."""
    sample = (
        Answer.objects.filter(assessment__campaign__year=2025)
        .select_related("node", "assessment__version")
        .order_by("pk")[::7]
    )
    assert len(sample) > 500
    for answer in sample:
        values = {name: getattr(answer, name) for name in VALUE_FIELDS}
        points, error = answer_points(
            node=answer.node,
            values=values,
            is_na=answer.is_na,
            precision=answer.assessment.version.precision,
        )
        assert (answer.self_points, answer.points_error) == (points, error), answer
