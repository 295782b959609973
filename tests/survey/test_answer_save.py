"""answer_save: typed checks, points, optimistic locking, editability, audit."""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone
from worlds import QUESTIONNAIRE, World, build_world

from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
)
from survey.selectors.questionnaire import answer_is_given
from survey.services.answer_access import AnswerLocked
from survey.services.answer_checks import AnswerInvalid, answer_fields
from survey.services.answers import AnswerStale, answer_save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]


@pytest.fixture
def world() -> World:
    return build_world(shape=QUESTIONNAIRE)


def test_a_ratio_is_saved_with_its_points_and_a_new_version(world):
    saved = world.save("A.1", {"number": Decimal("30"), "denominator": Decimal("40")})
    answer = saved.answer
    assert (answer.version, answer.self_points, answer.points_error) == (
        1,
        Decimal("7.50"),
        "",
    )
    assert answer.updated_by == world.editor
    saved = world.save("A.1", {"number": Decimal("40")})
    assert saved.answer.version == 2
    assert saved.answer.self_points == Decimal("10.00")
    assert saved.answer.denominator == Decimal("40")


@pytest.mark.parametrize(
    ("code", "values", "field", "error_code"),
    [
        ("A.1", {"number": "-1", "denominator": "4"}, "number", "negative_value"),
        ("A.1", {"number": "5", "denominator": "4"}, "number", "numerator_above"),
        ("A.1", {"number": "0", "denominator": "0"}, "denominator", "zero_denom"),
        ("A.2", {"number": "100.5"}, "number", "percentage_above_100"),
        ("A.3", {"number": "2.5"}, "number", "not_whole"),
        ("A.3", {"number": "abc"}, "number", "not_a_number"),
        ("A.3", {"number": "1e30"}, "number", "too_large"),
        ("A.5", {"choice": "rat_cao"}, "choice", "unknown_level"),
        ("B.1", {"checks": ["a", "z"]}, "checks", "unknown_check"),
        ("B.2", {"text": "x" * 5001}, "text", "too_long"),
        ("B.3", {"number": "61"}, "number", "points_above_max"),
        ("B.4", {"date": date(2024, 12, 31)}, "date", "date_refused"),
        ("A.1", {"is_na": True}, "is_na", "na_not_allowed"),
    ],
)
def test_bad_input_is_refused_at_its_field(world, code, values, field, error_code):
    with pytest.raises(AnswerInvalid) as refused:
        world.save(code, values)
    [(got_code, message)] = refused.value.errors[field]
    assert got_code.startswith(error_code)
    assert str(message)
    assert not Answer.objects.filter(assessment=world.assessment).exists()


def test_numerator_above_a_stored_denominator_is_refused(world):
    world.save("A.1", {"number": "3", "denominator": "4"})
    with pytest.raises(AnswerInvalid) as refused:
        world.save("A.1", {"number": "5"})
    assert "number" in refused.value.errors
    assert Answer.objects.get().number == Decimal("3")


def test_a_numerator_alone_is_saved_with_a_warning(world):
    saved = world.save("A.1", {"number": "3"})
    assert saved.answer.version == 1
    assert saved.answer.points_error == "denominator_missing"
    assert saved.answer.self_points is None
    [(code, _message)] = saved.warnings["denominator"]
    assert code == "denominator_missing"


def test_a_date_outside_a_warning_window_is_saved_with_a_warning(world):
    saved = world.save("A.4", {"yes": True, "date": date(2025, 5, 2)})
    assert saved.answer.date == date(2025, 5, 2)
    assert saved.answer.self_points == Decimal("20.00")
    [(code, message)] = saved.warnings["date"]
    assert code == "date_warning"
    assert "01/01/2025" in str(message)


def test_na_where_allowed_scores_nothing_and_keeps_values(world):
    world.save("A.2", {"number": "50"})
    saved = world.save("A.2", {"is_na": True})
    assert saved.answer.is_na
    assert saved.answer.number == Decimal("50")
    assert answer_is_given(saved.answer, world.nodes["A.2"])


def test_every_answer_type_is_stored(world):
    world.save("A.5", {"choice": "thap"})
    world.save("B.1", {"checks": ["a", "b"]})
    world.save("B.2", {"text": "Có ứng dụng"})
    world.save("B.3", {"number": "42.5"})
    world.save("B.4", {"date": date(2025, 11, 5)})
    world.save("B.5", {"number": "1250000"})
    points = dict(
        Answer.objects.values_list("node__code", "self_points").order_by("node__code")
    )
    assert points == {
        "A.5": Decimal("10.00"),
        "B.1": Decimal("10.00"),
        "B.2": None,
        "B.3": Decimal("42.50"),
        "B.4": None,
        "B.5": None,
    }


def test_fields_depend_on_the_answer_type(world):
    assert answer_fields(world.nodes["A.1"]) == ("number", "denominator", "comment")
    assert answer_fields(world.nodes["A.2"]) == ("number", "is_na", "comment")
    assert answer_fields(world.nodes["A.4"]) == ("yes", "date", "comment")


def test_a_stale_version_raises_with_the_current_values(world):
    world.save("A.3", {"number": "4"})  # version 1
    world.save("A.3", {"number": "6"}, user=world.approver)  # version 2
    with pytest.raises(AnswerStale) as stale:
        world.save("A.3", {"number": "5"}, version=1)
    assert stale.value.version == 2
    assert stale.value.current["number"] == "6"
    assert Answer.objects.get().number == Decimal("6")


def test_resending_the_stored_values_with_an_old_version_succeeds(world):
    first = world.save("A.3", {"number": "4"}, version=0)
    again = world.save("A.3", {"number": "4"}, version=0)
    assert (again.answer.version, again.changed) == (first.answer.version, False)


def test_a_first_save_against_an_answer_created_meanwhile_is_stale(world):
    world.save("A.3", {"number": "4"}, version=0)
    with pytest.raises(AnswerStale):
        world.save("A.3", {"number": "7"}, version=0)


def test_different_answers_never_block_each_other(world):
    world.save("A.3", {"number": "4"}, version=0, user=world.editor)
    world.save("A.1", {"number": "1", "denominator": "2"}, version=0)
    assert set(Answer.objects.values_list("version", flat=True)) == {1}


def test_people_without_a_unit_role_cannot_edit(world):
    other = build_world(shape=QUESTIONNAIRE, code="X-KHAC")
    stranger = other.editor
    for user in (stranger, world.user("coordinator"), world.user("reviewer")):
        with pytest.raises(AnswerLocked):
            world.save("A.3", {"number": "4"}, user=user)


@pytest.mark.parametrize("state", ["submitted", "in_review", "verified", "published"])
def test_submitted_assessments_cannot_be_edited(world, state):
    Assessment.objects.filter(pk=world.assessment.pk).update(state=state)
    world.assessment.refresh_from_db()
    with pytest.raises(AnswerLocked) as locked:
        world.save("A.3", {"number": "4"})
    assert locked.value.code == "state"


def test_returned_assessments_accept_only_returned_items(world):
    world.save("A.3", {"number": "4"})
    world.save("A.5", {"choice": "thap"})
    Answer.objects.filter(node__code="A.3").update(review_status="returned")
    Assessment.objects.filter(pk=world.assessment.pk).update(state="returned")
    world.assessment.refresh_from_db()
    assert world.save("A.3", {"number": "8"}).answer.number == Decimal("8")
    with pytest.raises(AnswerLocked) as locked:
        world.save("A.5", {"choice": "cao"})
    assert locked.value.code == "not_returned"


def test_returned_items_are_locked_once_the_campaign_is_published(world):
    world.save("A.3", {"number": "4"})
    Answer.objects.filter(node__code="A.3").update(review_status="returned")
    Assessment.objects.filter(pk=world.assessment.pk).update(state="returned")
    Campaign.objects.filter(pk=world.assessment.campaign_id).update(state="published")
    world.assessment.refresh_from_db()
    with pytest.raises(AnswerLocked) as locked:
        world.save("A.3", {"number": "8"})
    assert locked.value.code == "published"
    assert Answer.objects.get(node__code="A.3").number == Decimal("4")


def test_after_the_deadline_only_an_extension_allows_editing(world):
    today = timezone.localdate()
    Campaign.objects.filter(pk=world.campaign.pk).update(
        deadline=today - timedelta(days=1)
    )
    world.assessment.refresh_from_db()
    world.assessment.campaign.refresh_from_db()
    with pytest.raises(AnswerLocked) as locked:
        world.save("A.3", {"number": "4"})
    assert locked.value.code == "deadline"
    world.assessment.extended_until = today
    world.assessment.save()
    assert world.save("A.3", {"number": "4"}).answer.version == 1


def test_a_closed_campaign_refuses_edits(world):
    Campaign.objects.filter(pk=world.campaign.pk).update(state="closed")
    world.assessment.campaign.refresh_from_db()
    with pytest.raises(AnswerLocked) as locked:
        world.save("A.3", {"number": "4"})
    assert locked.value.code == "campaign_closed"


def test_an_indicator_of_another_version_is_refused(world):
    other = build_world(shape=QUESTIONNAIRE, code="X-KHAC")
    with pytest.raises(AnswerInvalid):
        answer_save(
            assessment=world.assessment,
            node=other.nodes["A.3"],
            values={"number": "1"},
            expected_version=0,
            user=world.editor,
        )


def _events():
    return list(AuditEvent.objects.filter(action="answer_change").order_by("at", "id"))


def test_each_edit_within_minutes_by_one_person_is_its_own_event(world):
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start):
        world.save("A.3", {"number": "4"})
    with mock.patch(
        "django.utils.timezone.now", return_value=start + timedelta(minutes=4)
    ):
        world.save("A.3", {"number": "5"})
        world.save("A.3", {"number": "6"})
    events = _events()
    assert [(e.before["number"], e.after["number"]) for e in events] == [
        (None, "4"),
        ("4", "5"),
        ("5", "6"),
    ]
    assert {e.actor for e in events} == {world.editor}
    assert {e.assessment_id for e in events} == {world.assessment.pk}


def test_a_later_edit_or_another_person_starts_a_new_event(world):
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start):
        world.save("A.3", {"number": "4"})
    with mock.patch(
        "django.utils.timezone.now", return_value=start + timedelta(minutes=6)
    ):
        world.save("A.3", {"number": "5"})
        world.save("A.3", {"number": "6"}, user=world.approver)
    events = _events()
    assert [(e.before["number"], e.after["number"]) for e in events] == [
        (None, "4"),
        ("4", "5"),
        ("5", "6"),
    ]


def test_edits_on_either_side_of_a_change_of_state_are_separate_events(world):
    from survey.services.audit import audit_record

    world.save("A.3", {"number": "4"})
    audit_record(
        actor=world.approver,
        action="transition",
        obj=world.assessment,
        assessment_id=world.assessment.pk,
        after={"state": "returned"},
    )
    world.save("A.3", {"number": "5"})
    assert [e.after["number"] for e in _events()] == ["4", "5"]


def test_an_unchanged_save_writes_nothing(world):
    world.save("A.3", {"number": "4"})
    world.save("A.3", {"number": "4.0000"})
    assert Answer.objects.get().version == 1
    assert len(_events()) == 1
