"""The list pages at scale: the campaign board, each role's home page and the list
to verify cost a fixed number of queries whatever the number of units, show a page
at a time, filter on the server, and count progress in the database as the review
page counts it one answer at a time."""

from datetime import timedelta
from decimal import Decimal

import pytest
import worlds
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from worlds import VERIFICATION, build_world, make_user, page_queries

from survey.models import Answer, Assessment, Membership, Node
from survey.selectors.questionnaire import (
    answer_is_given,
    assessment_progress,
    campaign_progress,
    questionnaire_steps,
)
from survey.text import UNSTORABLE
from survey.views.campaigns import PAGE_SIZE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english", "fast_hasher"),
]


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


def add_units(world, n: int, *, start: int = 0, state: str = "draft") -> list:
    """Units answered on two indicators (see ``worlds.add_units``)."""
    return worlds.add_units(world, n, start=start, state=state, answered=("1.1", "2.1"))


# Progress counted by the database -----------------------------------------------------


def per_answer(assessment) -> tuple[int, int]:
    """Progress as the review page counts it: each applicable indicator's answer."""
    answers = {a.node_id: a for a in assessment.answers.all()}
    nodes = [
        node
        for step in questionnaire_steps(assessment=assessment)
        for node in step.indicators
    ]
    return sum(answer_is_given(answers.get(n.pk), n) for n in nodes), len(nodes)


def test_aggregated_progress_equals_the_per_assessment_one(world):
    nodes = world.nodes
    procedures = Node.objects.create(
        version=world.version,
        parent=world.pillars[0],
        code="1.4",
        kind="indicator",
        order=40,
        name_vi="Thủ tục",
        answer_type="yes_no",
        rule="yes_no",
        max_points=5,
        requires_procedures=True,
    )
    heading = Node.objects.create(
        version=world.version,
        parent=world.pillars[1],
        code="2.H",
        kind="group",
        order=50,
        name_vi="Chỉ cho xã",
        applies_to=["commune"],
    )
    Node.objects.create(  # applies to every type, under a heading that does not
        version=world.version,
        parent=heading,
        code="2.H.1",
        kind="indicator",
        order=51,
        name_vi="Dưới nhóm của xã",
        answer_type="yes_no",
        rule="yes_no",
        max_points=5,
    )
    world.fill()  # every indicator of the first unit
    other = world.other_assessment
    Assessment.objects.filter(pk=other.pk).update(provides_procedures=False)
    Answer.objects.bulk_create(
        [
            Answer(assessment=other, node=nodes["1.1"], is_na=True),  # N/A: given
            Answer(assessment=other, node=nodes["1.2"], number=Decimal(1)),  # half
            Answer(assessment=other, node=nodes["2.1"], yes=False),
            Answer(assessment=other, node=procedures, yes=True),  # does not apply
        ]
    )
    [commune] = add_units(world, 1)
    Answer.objects.create(
        assessment=commune, node=Node.objects.get(code="2.H.1"), yes=True
    )
    assessments = list(
        Assessment.objects.filter(campaign=world.campaign).select_related("unit")
    )
    expected = {a.pk: per_answer(a) for a in assessments}
    assert expected[other.pk] == (2, 6)
    assert expected[commune.pk] == (3, 8)  # the commune's heading applies
    aggregated = assessment_progress(assessments=assessments)
    assert {pk: (p.answered, p.total) for pk, p in aggregated.items()} == expected
    whole = campaign_progress(campaign=world.campaign)
    assert {pk: (p.answered, p.total) for pk, p in whole.items()} == expected


def test_progress_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    add_units(world, 3)
    few = list(Assessment.objects.select_related("unit"))
    add_units(world, 40, start=3)
    many = list(Assessment.objects.select_related("unit"))
    with CaptureQueriesContext(connection) as small:
        assessment_progress(assessments=few)
    with django_assert_num_queries(len(small)):
        assert len(assessment_progress(assessments=many)) == len(many)


# Queries do not grow with the units ---------------------------------------------------


def pages(world):
    board = reverse("survey:campaign_board", args=[world.campaign.pk])
    home, review = reverse("survey:home"), reverse("survey:review_list")
    return [
        (world.coordinator, board),
        (world.committee, board),
        (world.coordinator, home),
        (world.committee, home),
        (world.reviewer, home),
        (world.editor, home),
        (world.reviewer, review),
        (world.coordinator, review),
    ]


def test_the_list_pages_cost_the_same_queries_at_any_size(client, world):
    add_units(world, 3, state="submitted")
    small = [page_queries(client, user, url)[0] for user, url in pages(world)]
    add_units(world, PAGE_SIZE + 20, start=3, state="submitted")
    large = [page_queries(client, user, url) for user, url in pages(world)]
    assert [n for n, _response in large] == small
    _n, board = large[0]
    assert len(board.context["rows"]) == PAGE_SIZE
    assert board.context["page"].paginator.count == PAGE_SIZE + 25


# Pagination and filters ---------------------------------------------------------------


def board(client, world, **params):
    client.force_login(world.coordinator)
    url = reverse("survey:campaign_board", args=[world.campaign.pk])
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def codes(response, key="rows") -> list[str]:
    rows = response.context[key]
    return [getattr(r, "assessment", r).unit.code for r in rows]


def test_the_board_pages_keep_the_filters_and_count_the_whole_campaign(client, world):
    add_units(world, PAGE_SIZE + 5)
    first = board(client, world, group="Xã")
    assert len(first.context["rows"]) == PAGE_SIZE
    assert "?group=X%C3%A3&amp;page=2" in first.content.decode()
    second = board(client, world, group="Xã", page=2)
    assert len(second.context["rows"]) == 5
    assert not set(codes(first)) & set(codes(second))
    assert {c[:2] for c in codes(first) + codes(second)} == {"X-"}
    counts = {value: n for value, _label, n in second.context["counts"]}
    assert counts["draft"] == PAGE_SIZE + 7  # the whole campaign, not the page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "s-tc"}, ["S-TC"]),
        ({"q": "Y tế"}, ["S-YT"]),
        ({"q": "X-0001"}, ["X-0001"]),
        ({"state": "submitted"}, ["S-TC"]),
        ({"unit_type": "department"}, ["S-TC", "S-YT"]),
        ({"unit_type": "commune", "q": "0000"}, ["X-0000"]),
        ({"group": "Sở"}, ["S-TC", "S-YT"]),
    ],
)
def test_each_board_filter_returns_the_right_rows(client, world, params, expected):
    world.fill()
    world.submit()
    add_units(world, 3)
    assert sorted(codes(board(client, world, **params))) == expected


def test_home_and_review_list_filters(client, world):
    world.fill()
    world.submit()
    add_units(world, 3, state="submitted")
    client.force_login(world.reviewer)
    home = reverse("survey:home")
    assert codes(client.get(home, {"q": "x-0002"})) == ["X-0002"]
    assert codes(client.get(home, {"year": 2025, "q": "S-TC"})) == ["S-TC"]
    choices = client.get(home).context["form"].fields["year"].choices
    assert [value for value, _label in choices] == ["", 2025]  # the campaigns' years
    assert 'value="2025">2025<' in client.get(home).content.decode()  # not "2.025"
    asked = client.get(home, {"year": 2024})  # no campaign: left out, said at the field
    assert sorted(codes(asked)) == sorted(codes(client.get(home)))
    assert asked.context["form"].errors["year"]
    review = reverse("survey:review_list")
    listed = client.get(review, {"q": "X-"})
    assert sorted(codes(listed, "assessments")) == ["X-0000", "X-0001", "X-0002"]
    assert codes(client.get(review, {"state": "in_review"}), "assessments") == []


@pytest.mark.parametrize(
    "params",
    [
        {"state": "nonsense"},
        {"unit_type": "planet"},
        {"group": "no such group"},
        {"year": "two thousand"},
        {"page": "last-but-one"},
        {"page": "999"},
        {"q": "x" * 500},
    ],
)
def test_bad_filter_input_is_left_out(client, world, params):
    add_units(world, 3)
    whole = sorted(codes(board(client, world)))
    response = board(client, world, **params)
    assert sorted(codes(response)) == whole
    client.force_login(world.reviewer)
    for name in ("survey:home", "survey:review_list"):
        assert client.get(reverse(name), params).status_code == 200


def test_text_no_field_can_hold_matches_nothing(client, world):
    client.force_login(world.reviewer)
    for name, key in (("survey:home", "rows"), ("survey:review_list", "assessments")):
        response = client.get(reverse(name), {"q": "S-TC\x00"})
        assert response.status_code == 200
        assert str(UNSTORABLE) in response.content.decode()
        assert not list(response.context[key])


# Permissions, both ways ---------------------------------------------------------------


def test_a_filter_shows_nothing_a_role_could_not_see(client, world):
    world.fill()
    world.submit()
    add_units(world, 3, state="submitted")
    for user, visible in (
        (world.editor, ["S-TC"]),
        (world.other_editor, ["S-YT"]),
        (world.police, ["S-TC"]),
    ):
        client.force_login(user)
        assert codes(client.get(reverse("survey:home"), {"q": "S"})) == visible
        assert codes(client.get(reverse("survey:home"), {"q": "X-"})) == []
    client.force_login(world.police)
    listed = client.get(reverse("survey:review_list"), {"q": "S"})
    assert codes(listed, "assessments") == ["S-TC"]
    client.force_login(world.other_reviewer)
    listed = client.get(reverse("survey:review_list"), {"q": "S-TC"})
    assert codes(listed, "assessments") == []


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("committee", 200), ("reviewer", 403), ("editor", 403)],
)
def test_who_pages_the_board(client, world, who, status):
    add_units(world, PAGE_SIZE + 1)
    client.force_login(getattr(world, who))
    url = reverse("survey:campaign_board", args=[world.campaign.pk])
    assert client.get(url, {"page": 2, "state": "draft"}).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("reviewer", 200), ("coordinator", 200), ("editor", 403), ("committee", 403)],
)
def test_who_pages_the_list_to_verify(client, world, who, status):
    client.force_login(getattr(world, who))
    response = client.get(reverse("survey:review_list"), {"page": 2, "q": "S"})
    assert response.status_code == status


def test_a_unit_reviewer_among_thousands_keeps_their_scope(client, world):
    world.fill()
    world.submit()
    add_units(world, 5, state="submitted")
    scoped = make_user("congan-xa", "reviewer", world.unit)
    Membership.objects.get(user=scoped).indicators.set([world.nodes["2.1"]])
    client.force_login(scoped)
    page = client.get(reverse("survey:home")).content.decode()
    assert reverse("survey:verify", args=[world.assessment.pk]) in page
    assert codes(client.get(reverse("survey:review_list")), "assessments") == ["S-TC"]


# Sorting and searching ----------------------------------------------------------------


def test_sorting_and_searching_cost_the_same_queries_at_any_size(client, world):
    url = reverse("survey:campaign_board", args=[world.campaign.pk])
    home = reverse("survey:home")
    asked = [
        (world.coordinator, url, {"sort": "-progress", "q": "xa"}),
        (world.coordinator, url, {"sort": "saved", "reviewer": world.reviewer.pk}),
        (world.coordinator, url, {"sort": "-deadline", "state": "draft"}),
        (world.coordinator, home, {"sort": "progress", "q": "xa"}),
        (world.editor, home, {"sort": "-state"}),
        (world.reviewer, home, {"sort": "unit", "q": "Xa 00"}),
    ]
    add_units(world, 3)
    small = [page_queries(client, u, link, params)[0] for u, link, params in asked]
    add_units(world, PAGE_SIZE + 20, start=3)
    large = [page_queries(client, u, link, params) for u, link, params in asked]
    assert [n for n, _response in large] == small
    assert len(large[0][1].context["rows"]) == PAGE_SIZE  # sorted, then paged


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("unit", ["S-TC", "S-YT", "X-0000", "X-0001", "X-0002"]),
        ("-unit", ["X-0002", "X-0001", "X-0000", "S-YT", "S-TC"]),
        ("state", ["S-YT", "X-0000", "X-0001", "X-0002", "S-TC"]),  # draft first
        ("-progress", ["S-TC", "X-0000", "X-0001", "X-0002", "S-YT"]),
        ("progress", ["S-YT", "X-0000", "X-0001", "X-0002", "S-TC"]),
        ("deadline", ["X-0002", "S-TC", "S-YT", "X-0000", "X-0001"]),
        ("saved", ["X-0000", "X-0002", "X-0001", "S-TC", "S-YT"]),  # never saved last
    ],
)
def test_the_board_sorts_by_each_column(client, world, sort, expected):
    world.fill()
    world.submit()  # S-TC: every answer, submitted
    worlds.add_units(world, 3, answered=("1.1",))
    Assessment.objects.filter(unit__code="X-0002").update(
        extended_until=world.campaign.deadline - timedelta(days=1)
    )
    Assessment.objects.filter(unit__code__in=["S-TC", "S-YT"]).update(
        extended_until=world.campaign.deadline
    )
    Answer.objects.filter(assessment__unit__code__startswith="X").update(
        updated_at=timezone.now() - timedelta(days=10)
    )
    Answer.objects.filter(assessment__unit__code="X-0001").update(
        updated_at=timezone.now() - timedelta(days=5)
    )
    response = board(client, world, sort=sort)
    got = codes(response)
    if sort == "saved":  # S-TC and S-YT (none) after the communes, oldest first
        assert got[:3] == ["X-0000", "X-0002", "X-0001"] or got[:3] == [
            "X-0002",
            "X-0000",
            "X-0001",
        ]
        assert got[3:] == ["S-TC", "S-YT"]
    else:
        assert got == expected
    page = response.content.decode()
    key = sort.lstrip("-")
    direction = "descending" if sort.startswith("-") else "ascending"
    assert f'aria-sort="{direction}"' in page
    assert page.count("aria-sort=") == 1
    # the header of the sorted column turns the order round
    turned = key if sort.startswith("-") else f"-{key}"
    assert f"?sort={turned}" in page


def test_the_sort_and_filters_stay_across_pages(client, world):
    add_units(world, PAGE_SIZE + 5)
    first = board(client, world, sort="-unit", group="Xã")
    page = first.content.decode()
    assert "?sort=-unit&amp;group=X%C3%A3&amp;page=2" in page
    second = board(client, world, sort="-unit", group="Xã", page=2)
    assert codes(second) == [f"X-{i:04d}" for i in range(4, -1, -1)]
    # a header link keeps the filters and starts again at the first page
    assert "?sort=unit&amp;group=X%C3%A3" in second.content.decode()
    assert "page=2&amp;sort" not in second.content.decode()


@pytest.mark.parametrize(
    "params",
    [{"sort": "unit__name_vi"}, {"sort": "-pk"}, {"sort": "password"}, {"sort": ""}],
)
def test_a_sort_outside_the_whitelist_is_left_out(client, world, params):
    add_units(world, 3)
    response = board(client, world, **params)
    assert codes(response) == ["S-TC", "S-YT", "X-0000", "X-0001", "X-0002"]
    if params["sort"]:
        assert response.context["form"].errors["sort"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Xa 0001", ["X-0001"]),  # "Xã 0001" typed without its accent
        ("xã 0001", ["X-0001"]),
        ("SO Y TE", ["S-YT"]),  # "Sở Y tế"
        ("tai chinh", ["S-TC"]),  # "Sở Tài chính"
        ("s-tc", ["S-TC"]),
        ("dong", []),
    ],
)
def test_the_search_ignores_accents_and_case(client, world, q, expected):
    add_units(world, 3)
    assert codes(board(client, world, q=q)) == expected
    client.force_login(world.coordinator)
    assert sorted(codes(client.get(reverse("survey:home"), {"q": q}))) == expected


def test_the_board_filters_by_reviewer(client, world):
    add_units(world, 2)  # reviewed by world.reviewer
    scoped = {a.unit.code for a in Assessment.objects.select_related("unit")}
    response = board(client, world, reviewer=world.reviewer.pk)
    assert set(codes(response)) <= scoped
    assert "X-0000" in codes(response)
    other = board(client, world, reviewer=world.other_reviewer.pk)
    assert codes(other) == ["S-YT"]
    names = dict(response.context["form"].fields["reviewer"].choices)
    assert world.other_reviewer.pk in names
    stranger = make_user("nobody", "editor", world.unit)
    ignored = board(client, world, reviewer=stranger.pk)  # not a reviewer: left out
    assert ignored.context["form"].errors["reviewer"]
    assert len(codes(ignored)) == 4


def test_the_home_page_sorts_for_every_role(client, world):
    world.fill()
    add_units(world, 2)
    client.force_login(world.committee)
    home = reverse("survey:home")
    got = codes(client.get(home, {"sort": "-progress"}))
    assert got[0] == "S-TC"  # every indicator answered
    assert codes(client.get(home, {"sort": "-unit"}))[0] == "X-0001"
    client.force_login(world.editor)
    assert codes(client.get(home, {"sort": "-unit"})) == ["S-TC"]


def test_the_home_page_filters_by_group(client, world):
    add_units(world, 2)
    client.force_login(world.coordinator)
    home = reverse("survey:home")
    response = client.get(home, {"group": "Xã", "sort": "-unit"})
    assert codes(response) == ["X-0001", "X-0000"]
    choices = [
        value for value, _label in response.context["form"].fields["group"].choices
    ]
    assert choices == ["", "Sở", "Xã"]
    ignored = client.get(home, {"group": "Phường"})  # no such group: left out
    assert ignored.context["form"].errors["group"]
    assert len(codes(ignored)) == 4
    client.force_login(world.editor)  # a unit's staff: their own unit's group only
    own = client.get(home).context["form"].fields["group"].choices
    assert [value for value, _label in own] == ["", "Sở"]
