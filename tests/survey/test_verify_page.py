"""The verify page: items by pillar, filters and their counts, last year's answer,
verdicts saved through JSON with the answer's version (409 when it changed), and
who may use them."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from worlds import VERIFICATION, build_world

from survey.models import Answer, Assessment, Campaign, Evidence, Node
from survey.services.review import answer_verdict, answers_return
from survey.services.transitions import assessment_transition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
R = Answer.ReviewStatus
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def world():
    world = build_world(shape=VERIFICATION)
    world.fill()
    world.assessment = world.submit()
    return world


def verify_url(world) -> str:
    return reverse("survey:verify", args=[world.assessment.pk])


def verdict_url(world, code: str) -> str:
    return reverse("survey:verdict", args=[world.assessment.pk, world.nodes[code].pk])


def shown(response) -> list[str]:
    return [item.node.code for item in response.context["items"]]


def counts(response) -> dict[str, int]:
    return {f["name"]: f["count"] for f in response.context["filters"]}


def post_verdict(client, world, code, version=None, **fields):
    prefix = f"v{world.nodes[code].pk}-"
    if version is None:
        version = world.answer(code).version
    data = {prefix + "version": version, prefix + "verdict": "agree"}
    data.update({prefix + name: value for name, value in fields.items()})
    return client.post(verdict_url(world, code), data, **JSON)


def disagree(world, code: str, user=None) -> None:
    answer_verdict(
        assessment=world.assessment,
        node=world.nodes[code],
        user=user or world.reviewer,
        verdict="disagree",
        explanation="Thiếu",
        points=Decimal(0),
    )


# Pillars and filters ----------------------------------------------------------------


def test_items_stand_under_their_pillars_in_the_frameworks_order(client, world):
    client.force_login(world.reviewer)
    response = client.get(verify_url(world))
    groups = [
        (group["pillar"].code, [item.node.code for item in group["items"]])
        for group in response.context["groups"]
    ]
    assert groups == [
        ("1", ["1.1", "1.2", "1.3"]),
        ("2", ["2.1", "2.2"]),
        ("T", ["T.1"]),
    ]
    html = response.content.decode()
    assert html.index("An toàn thông tin") < html.index(f"ind-{world.nodes['2.1'].pk}")


def test_items_follow_the_tree_where_orders_count_among_siblings(client, world):
    """An indicator's order counts among its siblings: the second pillar's first
    indicator may have a lower order than the first pillar's, yet comes after."""
    for order, code in enumerate(["2.1", "T.1", "1.1", "2.2", "1.2", "1.3"]):
        Node.objects.filter(pk=world.nodes[code].pk).update(order=order)
    client.force_login(world.reviewer)
    response = client.get(verify_url(world))
    groups = [
        (group["pillar"].code, [item.node.code for item in group["items"]])
        for group in response.context["groups"]
    ]
    assert groups == [
        ("1", ["1.1", "1.2", "1.3"]),
        ("2", ["2.1", "2.2"]),
        ("T", ["T.1"]),
    ]


def test_each_filter_shows_its_items_and_every_filter_is_counted(client, world):
    disagree(world, "1.1")
    answer_verdict(
        assessment=world.assessment,
        node=world.nodes["2.1"],
        user=world.reviewer,
        verdict="agree",
    )
    Evidence.objects.create(
        answer=world.answer("1.3"), kind="document", doc_number="1/KH", summary="KH"
    )
    client.force_login(world.reviewer)
    response = client.get(verify_url(world))
    assert counts(response) == {
        "": 6,
        "pending": 4,
        "disagreed": 1,
        "returned": 0,
        "changed": 0,
        "evidence": 1,
    }
    assert shown(client.get(verify_url(world), {"show": "pending"})) == [
        "1.2",
        "1.3",
        "2.2",
        "T.1",
    ]
    assert shown(client.get(verify_url(world), {"show": "disagreed"})) == ["1.1"]
    assert shown(client.get(verify_url(world), {"show": "evidence"})) == ["1.3"]
    pillar = world.nodes["1.1"].parent_id
    response = client.get(verify_url(world), {"show": "pending", "pillar": pillar})
    assert shown(response) == ["1.2", "1.3"]
    assert counts(response)["pending"] == 2  # within the pillar chosen
    links = {p["pillar"].code: p["count"] for p in response.context["pillar_links"][1:]}
    assert links == {"1": 2, "2": 1, "T": 1}  # pending items per pillar
    html = response.content.decode()
    assert 'class="v-filter active" data-filter="pending"' in html


def test_returned_and_changed_since_return(client, world):
    answers_return(
        assessment=world.assessment,
        nodes=[world.nodes["1.2"], world.nodes["1.3"]],
        user=world.reviewer,
        comment="Bổ sung",
    )
    client.force_login(world.reviewer)
    assert shown(client.get(verify_url(world), {"show": "returned"})) == ["1.2", "1.3"]
    world.assessment.refresh_from_db()
    world.save("1.2", {"number": Decimal(4), "denominator": Decimal(4)})
    assessment_transition(
        assessment=Assessment.objects.get(pk=world.assessment.pk),
        action="resubmit",
        user=world.approver,
    )
    response = client.get(verify_url(world), {"show": "changed"})
    assert shown(response) == ["1.2"]
    assert "4 / 4" in response.content.decode()


@pytest.mark.parametrize(
    "params", [{"show": "nothing"}, {"pillar": "x"}, {"pillar": "999999"}, {"show": ""}]
)
def test_a_filter_that_names_nothing_shows_every_item(client, world, params):
    client.force_login(world.reviewer)
    response = client.get(verify_url(world), params)
    assert response.status_code == 200
    assert len(shown(response)) == 6


def test_a_filter_that_matches_nothing_says_so(client, world):
    client.force_login(world.reviewer)
    response = client.get(verify_url(world), {"show": "disagreed"})
    assert shown(response) == []
    assert "No indicator matches this filter." in response.content.decode()


# Last year --------------------------------------------------------------------------


def last_year(world) -> Assessment:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        year=2024,
        name="Đánh giá DTI năm 2024",
        state=Campaign.State.PUBLISHED,
        opens_on=today - timedelta(days=400),
        deadline=today - timedelta(days=300),
    )
    return Assessment.objects.create(
        campaign=campaign,
        unit=world.unit,
        version=world.version,
        state=Assessment.State.PUBLISHED,
    )


def test_last_years_answer_and_points_stand_beside_this_years(client, world):
    before = last_year(world)
    Answer.objects.create(
        assessment=before,
        node=world.nodes["1.1"],
        yes=False,
        self_points=Decimal(0),
        verified_points=Decimal(0),
        review_status=R.AGREED,
    )
    Answer.objects.create(
        assessment=before,
        node=world.nodes["1.3"],
        number=Decimal(12),
        self_points=Decimal(12),
        verified_points=Decimal("7.5"),
        review_status=R.DISAGREED,
    )
    client.force_login(world.reviewer)
    response = client.get(verify_url(world))
    items = {item.node.code: item for item in response.context["items"]}
    assert items["1.1"].previous_value == "No"
    assert items["1.3"].previous.verified_points == Decimal("7.5")
    assert items["1.2"].previous is None
    html = response.content.decode()
    assert "Last year (2024)" in html and "No answer last year." in html


def test_another_units_answers_are_not_last_year(client, world):
    before = last_year(world)
    before.unit = world.other_unit
    before.save()
    Answer.objects.create(assessment=before, node=world.nodes["1.1"], yes=False)
    client.force_login(world.reviewer)
    response = client.get(verify_url(world))
    assert all(item.previous is None for item in response.context["items"])


# Verdicts through JSON --------------------------------------------------------------


def test_a_verdict_sent_as_json_is_confirmed_with_its_new_state(client, world):
    client.force_login(world.reviewer)
    version = world.answer("1.1").version
    response = post_verdict(client, world, "1.1", version=version)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "agreed" and data["status_display"] == "Agreed"
    assert data["verified_points"] == "10"
    assert data["saved_at"].startswith("Saved at ")
    assert data["version"] == version + 1 == world.answer("1.1").version
    assert data["progress"] == "1 of 6 indicators have a verdict."
    assert data["remaining"] == 5
    assert data["remaining_button"] == "Agree with the 5 pending items in my scope"


def test_the_verdict_that_verifies_the_assessment_says_it_closes_the_page(
    client, world
):
    client.force_login(world.reviewer)
    data = post_verdict(client, world, "1.1").json()
    assert (data["reviewable"], data["state"]) == (True, "in_review")
    for code in ("1.2", "1.3", "2.1", "2.2"):
        post_verdict(client, world, code)
    data = post_verdict(client, world, "T.1").json()
    assert (data["reviewable"], data["state"]) == (False, "verified")
    assert data["remaining"] == 0
    page = client.get(verify_url(world))
    assert "the assessment is verified" in page.content.decode()
    assert b'class="v-verdict"' not in page.content


def test_a_refused_verdict_names_its_fields_once(client, world):
    client.force_login(world.reviewer)
    response = post_verdict(client, world, "1.3", verdict="disagree", points="10,5")
    assert response.status_code == 400
    pk = world.nodes["1.3"].pk
    assert response.json()["errors"] == {
        f"v{pk}-explanation": ["Explain why you disagree."]
    }
    assert world.answer("1.3").review_status == R.PENDING


def test_a_verdict_on_an_answer_changed_meanwhile_is_refused_with_409(client, world):
    client.force_login(world.police)
    shown_version = world.answer("2.2").version
    disagree(world, "2.2", user=world.police)  # another page, another verdict
    response = post_verdict(client, world, "2.2", version=shown_version)
    assert response.status_code == 409
    data = json.loads(response.content)
    assert data["conflict"] and data["status"] == "disagreed"
    assert ["Review status", "Disagreed"] in data["current"]
    assert world.answer("2.2").review_status == R.DISAGREED  # not overwritten
    again = post_verdict(client, world, "2.2", version=data["version"])
    assert again.status_code == 200
    assert world.answer("2.2").review_status == R.AGREED


def test_a_verdict_on_an_answer_the_unit_corrected_meanwhile_is_refused(client, world):
    answers_return(
        assessment=world.assessment,
        nodes=[world.nodes["1.2"]],
        user=world.reviewer,
        comment="Bổ sung",
    )
    shown_version = world.answer("1.2").version
    world.assessment.refresh_from_db()
    world.save("1.2", {"number": Decimal(4), "denominator": Decimal(4)})
    client.force_login(world.reviewer)
    response = post_verdict(client, world, "1.2", version=shown_version)
    assert response.status_code == 409
    assert ["Unit's answer", "4 / 4"] in response.json()["current"]
    assert world.answer("1.2").review_status == R.RETURNED


def test_a_stale_verdict_without_script_is_shown_again_with_409(client, world):
    client.force_login(world.reviewer)
    node = world.nodes["1.1"]
    shown_version = world.answer("1.1").version
    disagree(world, "1.1")
    response = client.post(
        verdict_url(world, "1.1"),
        {f"v{node.pk}-version": shown_version, f"v{node.pk}-verdict": "agree"},
    )
    assert response.status_code == 409
    form = next(i.form for i in response.context["items"] if i.node == node)
    assert "changed since the page was shown" in form.non_field_errors()[0]
    assert form["version"].value() == str(world.answer("1.1").version)


def test_a_verdict_without_script_still_redirects_to_its_item(client, world):
    client.force_login(world.reviewer)
    node = world.nodes["1.1"]
    response = client.post(
        verdict_url(world, "1.1"),
        {
            f"v{node.pk}-version": world.answer("1.1").version,
            f"v{node.pk}-verdict": "agree",
        },
    )
    assert response.status_code == 302
    assert response.url.endswith(f"#ind-{node.pk}")


# Who may -----------------------------------------------------------------------------


def test_a_reviewer_outside_the_indicators_scope_is_refused(client, world):
    client.force_login(world.police)
    response = post_verdict(client, world, "1.1")
    assert response.status_code == 404  # the gate's answer outside a scope
    assert world.answer("1.1").review_status == R.PENDING
    response = client.get(verify_url(world), {"pillar": world.nodes["1.1"].parent_id})
    assert shown(response) == ["2.1", "2.2"]  # a filter never widens the scope


@pytest.mark.parametrize(
    ("who", "status"),
    [("editor", 403), ("approver", 403), ("committee", 403), ("other_reviewer", 404)],
)
def test_who_may_not_post_verdicts_or_filter(client, world, who, status):
    client.force_login(getattr(world, who))
    assert post_verdict(client, world, "1.1").status_code == status
    assert world.answer("1.1").review_status == R.PENDING
    assert client.get(verify_url(world), {"show": "pending"}).status_code == status
