"""Province-supplied values: checked as the questionnaire checks them, refused on
verified or published assessments, verdicts reopened when a value changes, and the
page open to reviewers within their scope."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from worlds import VERIFICATION, build_world

from survey.errors import SurveyError
from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    Node,
    Notification,
)
from survey.services.campaigns import CampaignInvalid
from survey.services.review import answer_verdict
from survey.services.supply import SupplyRow, province_values_supply, values_supply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]
A = Assessment.State
R = Answer.ReviewStatus


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


def supply(world, code, rows, user=None):
    return province_values_supply(
        campaign=world.campaign,
        node=world.nodes[code],
        rows=rows,
        user=user or world.coordinator,
    )


def in_review(world):
    """The first unit filled, submitted and in review."""
    world.fill()
    world.assessment = world.submit()
    return world


def agree(world, code):
    return answer_verdict(
        assessment=world.assessment,
        node=world.nodes[code],
        user=world.reviewer,
        verdict="agree",
    )


def percentage_node(world) -> Node:
    return Node.objects.create(
        version=world.version,
        parent=world.pillars[0],
        code="1.9",
        kind="indicator",
        order=99,
        name_vi="Tỷ lệ",
        answer_type="percentage",
        rule="ratio",
        max_points=10,
    )


# Checks of the values ------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "row", "message"),
    [
        ("2.2", {"value": "2,5"}, "Enter a whole number."),
        ("1.3", {"value": "25"}, "More points than the indicator's maximum."),
        (
            "1.2",
            {"value": "5", "denominator": "4"},
            "The numerator cannot be larger than the denominator.",
        ),
        ("2.2", {"value": "1e30"}, "This number is too large."),
        ("1.3", {"value": "-1"}, "Enter a number that is not negative."),
        ("2.2", {"value": "abc"}, "Enter a number."),
    ],
)
def test_supplied_values_are_checked_as_the_questionnaire_checks_them(
    world, code, row, message
):
    with pytest.raises(CampaignInvalid) as caught:
        supply(world, code, {"S-TC": row, "S-YT": {"value": "1", "denominator": "2"}})
    assert caught.value.errors == {"S-TC": message}
    assert not Answer.objects.exists()


def test_a_percentage_above_100_is_refused(world):
    node = percentage_node(world)
    with pytest.raises(CampaignInvalid) as caught:
        province_values_supply(
            campaign=world.campaign,
            node=node,
            rows={"S-TC": {"value": "100,5"}, "S-YT": {"value": "99,5"}},
            user=world.coordinator,
        )
    assert caught.value.errors == {"S-TC": "A percentage cannot be above 100."}
    assert not Answer.objects.exists()


def test_every_bad_row_is_reported_and_nothing_is_saved(world):
    with pytest.raises(CampaignInvalid) as caught:
        supply(world, "2.2", {"S-TC": {"value": "2,5"}, "S-YT": {"value": "1e30"}})
    assert set(caught.value.errors) == {"S-TC", "S-YT"}
    assert not Answer.objects.exists()


def test_a_huge_number_in_the_form_is_an_error_not_a_crash(client, world):
    client.force_login(world.coordinator)
    url = reverse("survey:supply", args=[world.campaign.pk])
    node = world.nodes["2.2"]
    response = client.post(url, {"node": node.pk, "value:S-TC": "1e30"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This number is too large." in page
    assert "Sở Tài chính" in page
    assert not Answer.objects.exists()


def test_an_imported_file_with_a_bad_row_saves_nothing(client, world):
    client.force_login(world.coordinator)
    content = b'unit_code,value\nS-TC,3\nS-YT,"2,5"\n'
    response = client.post(
        reverse("survey:supply", args=[world.campaign.pk]),
        {
            "node": world.nodes["2.2"].pk,
            "file": SimpleUploadedFile("dvc.csv", content),
        },
    )
    assert response.status_code == 200
    assert response.context["errors"] == {"S-YT": "Enter a whole number."}
    assert "Enter a whole number." in response.content.decode()
    assert not Answer.objects.exists()


# States ----------------------------------------------------------------------------


@pytest.mark.parametrize("state", [A.VERIFIED, A.PUBLISHED])
def test_verified_and_published_assessments_are_skipped(world, state):
    Assessment.objects.filter(pk=world.assessment.pk).update(state=state)
    result = supply(world, "2.2", {"S-TC": {"value": "3"}, "S-YT": {"value": "4"}})
    assert result.saved == 1
    assert set(result.skipped) == {"S-TC"}
    assert (
        "verified" in result.skipped["S-TC"] or "published" in (result.skipped["S-TC"])
    )
    assert list(Answer.objects.values_list("assessment__unit__code", flat=True)) == [
        "S-YT"
    ]


@pytest.mark.parametrize("state", [A.VERIFIED, A.PUBLISHED])
def test_a_bad_value_of_a_verified_assessment_refuses_the_supply(world, state):
    Assessment.objects.filter(pk=world.assessment.pk).update(state=state)
    with pytest.raises(CampaignInvalid) as caught:
        supply(world, "2.2", {"S-TC": {"value": "x"}, "S-YT": {"value": "4"}})
    assert caught.value.errors == {"S-TC": "Enter a number."}
    assert not Answer.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ANSWER_CHANGE)


def test_a_bad_value_of_a_verified_unit_is_shown_on_the_page(client, world):
    Assessment.objects.filter(pk=world.assessment.pk).update(state=A.VERIFIED)
    client.force_login(world.coordinator)
    url = reverse("survey:supply", args=[world.campaign.pk])
    node = world.nodes["2.2"]
    response = client.post(url, {"node": node.pk, "value:S-TC": "x", "value:S-YT": "4"})
    assert response.context["errors"] == {"S-TC": "Enter a number."}
    assert not Answer.objects.exists()


def test_skipped_units_are_shown_on_the_page(client, world):
    Assessment.objects.filter(pk=world.assessment.pk).update(state=A.VERIFIED)
    client.force_login(world.coordinator)
    url = reverse("survey:supply", args=[world.campaign.pk])
    node = world.nodes["2.2"]
    response = client.post(
        url, {"node": node.pk, "value:S-TC": "3", "value:S-YT": "4"}, follow=True
    )
    page = response.content.decode()
    assert "Sở Tài chính" in page
    assert "already verified" in page
    assert Answer.objects.get(node=node).assessment == world.other_assessment


@pytest.mark.parametrize("state", [Campaign.State.PUBLISHED, Campaign.State.DRAFT])
def test_a_published_or_draft_campaign_takes_no_values(world, state):
    Campaign.objects.filter(pk=world.campaign.pk).update(state=state)
    world.campaign.refresh_from_db()
    with pytest.raises(SurveyError):
        supply(world, "2.2", {"S-TC": {"value": "3"}})
    assert not Answer.objects.exists()


# Verdicts --------------------------------------------------------------------------


def test_a_new_value_reopens_the_verdict_and_tells_the_reviewers(world):
    in_review(world)
    agreed = agree(world, "2.2")
    assert (agreed.number, agreed.review_status) == (Decimal(2), R.AGREED)
    result = supply(world, "2.2", {"S-TC": {"value": "4"}})
    assert (result.saved, result.reopened) == (1, 1)
    answer = world.answer("2.2")
    assert answer.number == Decimal(4)
    assert answer.supplied_by_province
    assert answer.review_status == R.PENDING
    assert answer.verified_points is None
    assert answer.verified_value == {}
    event = AuditEvent.objects.filter(action="verdict", object_id=str(answer.pk))
    event = event.order_by("-id").first()
    assert event.actor == world.coordinator
    assert event.before["review_status"] == R.AGREED
    assert event.after["review_status"] == R.PENDING
    assert event.reason
    told = Notification.objects.filter(node=world.nodes["2.2"])
    # Both reviewers of the unit review the security indicator 2.2.
    assert {n.user for n in told} == {world.reviewer, world.police}
    assert all(n.assessment == world.assessment for n in told)
    assert all(n.text for n in told)


def test_the_police_reviewer_is_not_told_about_a_general_indicator(world):
    in_review(world)
    agree(world, "1.3")
    supply(world, "1.3", {"S-TC": {"value": "18"}})
    assert world.answer("1.3").review_status == R.PENDING
    told = Notification.objects.filter(node=world.nodes["1.3"])
    assert {n.user for n in told} == {world.reviewer}


def test_a_disagreement_is_reopened_too(world):
    in_review(world)
    answer_verdict(
        assessment=world.assessment,
        node=world.nodes["1.3"],
        user=world.reviewer,
        verdict="disagree",
        explanation="Thiếu hồ sơ",
        points=Decimal(10),
    )
    supply(world, "1.3", {"S-TC": {"value": "12"}})
    answer = world.answer("1.3")
    assert answer.review_status == R.PENDING
    assert answer.verified_points is None
    assert answer.reviewer_explanation == ""


def test_the_same_value_keeps_the_verdict(world):
    in_review(world)
    agree(world, "2.2")
    result = supply(world, "2.2", {"S-TC": {"value": "2"}})
    assert result.reopened == 0
    answer = world.answer("2.2")
    assert answer.review_status == R.AGREED
    assert answer.supplied_by_province
    assert not Notification.objects.filter(node=world.nodes["2.2"]).exists()


def test_a_pending_answer_changes_without_telling_anyone(world):
    in_review(world)
    result = supply(world, "2.2", {"S-TC": {"value": "3"}})
    assert (result.saved, result.reopened) == (1, 0)
    assert world.answer("2.2").review_status == R.PENDING
    assert not Notification.objects.exists()


# Who may open the page -------------------------------------------------------------


def test_a_reviewer_opens_the_page_and_sees_only_their_units(client, world):
    client.force_login(world.reviewer)
    url = reverse("survey:supply", args=[world.campaign.pk])
    response = client.get(url, {"node": world.nodes["1.3"].pk})
    assert response.status_code == 200
    assert [row["unit"].code for row in response.context["units"]] == ["S-TC"]


def test_a_scoped_reviewer_sees_only_their_indicators(client, world):
    client.force_login(world.police)
    url = reverse("survey:supply", args=[world.campaign.pk])
    response = client.get(url)
    assert response.status_code == 200
    codes = {node.code for node in response.context["indicators"]}
    assert codes == {"2.1", "2.2"}
    response = client.get(url, {"node": world.nodes["1.3"].pk})
    assert response.context["node"] is None


def test_a_reviewer_supplies_in_scope_and_is_refused_outside(client, world):
    client.force_login(world.reviewer)
    url = reverse("survey:supply", args=[world.campaign.pk])
    node = world.nodes["2.2"]
    response = client.post(url, {"node": node.pk, "value:S-YT": "3"})
    assert response.status_code == 200
    assert response.context["errors"] == {"S-YT": "This unit is outside your scope."}
    assert not Answer.objects.exists()
    response = client.post(url, {"node": node.pk, "value:S-TC": "3"})
    assert response.status_code == 302
    answer = Answer.objects.get(node=node)
    assert (answer.assessment, answer.number) == (world.assessment, Decimal(3))


def test_a_scoped_reviewer_cannot_supply_another_indicator(client, world):
    client.force_login(world.police)
    url = reverse("survey:supply", args=[world.campaign.pk])
    response = client.post(url, {"node": world.nodes["1.3"].pk, "value:S-TC": "3"})
    assert response.status_code == 200
    assert not Answer.objects.exists()
    with pytest.raises(CampaignInvalid) as caught:
        supply(world, "1.3", {"S-TC": {"value": "3"}}, user=world.police)
    assert caught.value.errors == {"S-TC": "This unit is outside your scope."}


@pytest.mark.parametrize("who", ["editor", "approver", "committee"])
def test_others_cannot_open_the_page(client, world, who):
    client.force_login(getattr(world, who))
    url = reverse("survey:supply", args=[world.campaign.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"node": world.nodes["2.2"].pk, "value:S-TC": "3"})
    assert response.status_code == 403
    assert not Answer.objects.exists()


# Many values at once -------------------------------------------------------------


def _rows(world, units, codes, value="3"):
    return [
        SupplyRow(key=(unit, code), unit=unit, code=code, raw={"value": value})
        for unit in units
        for code in codes
    ]


def _supply_queries(world, rows) -> int:
    with CaptureQueriesContext(connection) as queries:
        values_supply(campaign=world.campaign, rows=rows, user=world.coordinator)
    return len(queries)


def test_many_values_are_read_and_audited_in_a_few_queries(world):
    one = _supply_queries(world, _rows(world, ["S-TC"], ["2.2"]))
    four = _supply_queries(world, _rows(world, ["S-TC", "S-YT"], ["2.2", "T.1"], "2"))
    # One write per further answer; the reads, the new answers and the audit
    # events take the same queries for four values as for one.
    assert four <= one + 3
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.ANSWER_CHANGE)
    assert changes.count() == 5
    answers = Answer.objects.filter(supplied_by_province=True)
    assert {str(a.pk) for a in answers} == set(
        changes.values_list("object_id", flat=True)
    )
    assert world.answer("2.2").version == 2
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK")
