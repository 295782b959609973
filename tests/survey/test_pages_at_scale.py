"""Pages that list every unit or every indicator, at scale: reviewer assignment
and the list of accounts show a page at a time and cost a fixed number of queries
whatever the number of units; reviewers are assigned to every unit a filter finds
without listing them; the verification screen renders its verdict forms as
Django's form templates would, and its filters cost the same queries whatever the
items hold."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from worlds import (
    QUESTIONNAIRE,
    VERIFICATION,
    add_units,
    build_world,
    page_queries,
)

from survey.forms.questionnaire import AnswerForm
from survey.forms.review import VerdictForm
from survey.models import Evidence, Membership
from survey.services.review import answer_comment_add, answer_verdict
from survey.views.accounts import MEMBERSHIPS_SHOWN, PAGE_SIZE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english", "fast_hasher"),
]


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


# Reviewer assignment ----------------------------------------------------------------


def assign_url(world) -> str:
    return reverse("survey:reviewer_assign", args=[world.campaign.pk])


def test_reviewer_assignment_costs_the_same_at_any_size(client, world):
    small, response = page_queries(client, world.coordinator, assign_url(world))
    assert len(response.context["unit_page"]) == 2
    add_units(world, PAGE_SIZE * 3)
    large, response = page_queries(client, world.coordinator, assign_url(world))
    assert large == small
    assert len(response.context["unit_page"]) == PAGE_SIZE
    assert len(response.context["assignments"]) == PAGE_SIZE
    assert response.context["unit_page"].paginator.count == PAGE_SIZE * 3 + 2
    assert response.content.count(b'name="units"') == PAGE_SIZE


def test_reviewer_assignment_filters_units_and_assignments(client, world):
    add_units(world, 30)
    add_units(world, 5, start=100, unit_type="district")
    _n, response = page_queries(
        client, world.coordinator, assign_url(world), {"q": "X-01"}
    )
    assert [u.code for u in response.context["unit_page"]] == [
        f"X-{i:04d}" for i in range(100, 105)
    ]
    assert {m.unit.code for m in response.context["assignments"]} == {
        f"X-{i:04d}" for i in range(100, 105)
    }
    _n, response = page_queries(
        client, world.coordinator, assign_url(world), {"unit_type": "district"}
    )
    assert response.context["unit_page"].paginator.count == 5


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a\x00b"},
        {"unit_type": "castle"},
        {"state": "nowhere", "page": "-3"},
        {"group": "x" * 500, "page": "abc", "apage": "999"},
    ],
)
def test_reviewer_assignment_is_harmless_on_bad_input(client, world, params):
    add_units(world, 3)
    _n, response = page_queries(client, world.coordinator, assign_url(world), params)
    if "q" in params:
        assert response.context["unit_page"].paginator.count == 0
    else:
        assert response.context["unit_page"].paginator.count == 5


def test_every_unit_the_filter_finds_gets_the_reviewer(client, world):
    add_units(world, 12)
    add_units(world, 4, start=100, unit_type="district")
    client.force_login(world.coordinator)
    response = client.post(
        f"{assign_url(world)}?unit_type=district",
        {"reviewer": world.police.pk, "every_filtered": "on"},
    )
    assert response.status_code == 302
    assert response.url.endswith("?unit_type=district")
    codes = set(
        Membership.objects.filter(
            user=world.police, unit__code__startswith="X-"
        ).values_list("unit__code", flat=True)
    )
    assert codes == {f"X-{i:04d}" for i in range(100, 104)}


def assign_every_unit(client, world, **data) -> int:
    client.force_login(world.coordinator)
    body = {"reviewer": world.police.pk, "every_filtered": "on", **data}
    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"{assign_url(world)}?unit_type=commune", body)
    assert response.status_code == 302
    return len(captured)


def test_assigning_many_units_costs_the_same_and_replaces_the_scope(client, world):
    security = [world.nodes["2.1"].pk]
    add_units(world, 5)
    small = assign_every_unit(client, world, indicators=security)
    # 200 more: one INSERT of memberships on SQLite (999 parameters, 4 columns)
    add_units(world, 200, start=100)
    large = assign_every_unit(client, world, indicators=security)
    assert large == small
    assign_every_unit(client, world)
    memberships = Membership.objects.filter(
        user=world.police, unit__code__startswith="X-"
    )
    assert memberships.count() == 205
    assert not Membership.indicators.through.objects.filter(
        membership__in=memberships
    ).exists()


def test_assigning_without_a_unit_is_refused(client, world):
    client.force_login(world.coordinator)
    response = client.post(assign_url(world), {"reviewer": world.police.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["units"]
    assert not Membership.objects.filter(
        user=world.police, unit=world.other_unit
    ).exists()


def test_only_the_coordinator_assigns_reviewers(client, world):
    for user in (world.reviewer, world.committee, world.editor):
        client.force_login(user)
        assert client.get(assign_url(world)).status_code == 403
        response = client.post(
            f"{assign_url(world)}?unit_type=department",
            {"reviewer": world.police.pk, "every_filtered": "on"},
        )
        assert response.status_code == 403
    assert not Membership.objects.filter(
        user=world.police, unit=world.other_unit
    ).exists()


# The list of accounts -----------------------------------------------------------------


def test_account_list_shows_a_few_roles_of_a_reviewer_of_many_units(client, world):
    url = reverse("survey:account_list")
    small, _response = page_queries(client, world.coordinator, url)
    add_units(world, 1200)
    large, response = page_queries(client, world.coordinator, url)
    assert large == small
    reviewer = next(u for u in response.context["page"] if u == world.reviewer)
    assert len(reviewer.memberships_shown) == MEMBERSHIPS_SHOWN
    assert reviewer.membership_count == 1201
    assert "1,201 roles in all" in response.content.decode()


def test_account_list_is_the_coordinators(client, world):
    client.force_login(world.reviewer)
    assert client.get(reverse("survey:account_list")).status_code == 403


# The verdict forms ----------------------------------------------------------------


def _normal(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).replace("> <", "><").strip()


def _fields(form) -> str:
    visible = "".join(f"{f.label_tag()} {f} {f.errors}" for f in form.visible_fields())
    return visible + "".join(str(f) for f in form.hidden_fields())


@pytest.mark.parametrize("shape", [VERIFICATION, QUESTIONNAIRE])
def test_verdict_forms_render_as_django_templates_do(shape):
    """The plain renderer writes what Django's form templates write (spaces
    aside), for every answer type, with values and with errors."""
    world = build_world(shape=shape)
    initial = {"verdict": "disagree", "explanation": 'a <b> & "c"', "points": 2}
    for node in world.nodes.values():
        bad = {f"v{node.pk}-verdict": "maybe", f"v{node.pk}-points": "x"}
        for form in (
            VerdictForm(node=node, initial=initial),
            VerdictForm(bad, node=node),
        ):
            form.is_valid()
            plain = _fields(form)
            form.renderer = DjangoTemplates()
            assert _normal(plain) == _normal(_fields(form))
            assert "&lt;b&gt;" in plain or form.is_bound


def test_answer_forms_render_as_django_templates_do():
    """The same for the questionnaire's fields (label or legend, help text,
    errors and widget of every answer type)."""
    world = build_world(shape=QUESTIONNAIRE)
    errors = 0
    for node in world.nodes.values():
        bad = {f"n{node.pk}-{name}": "x\x01" for name in ("number", "date", "yes")}
        for form in (
            AnswerForm(node=node, answer=None),
            AnswerForm(bad, node=node, answer=None),
        ):
            form.is_valid()
            errors += sum(bool(f.errors) for f in form)
            plain = "".join(f.as_field_group() for f in form)
            form.renderer = DjangoTemplates()
            assert _normal(plain) == _normal("".join(f.as_field_group() for f in form))
    assert errors >= 3


# The verify page's filters ----------------------------------------------------------


def test_filters_cost_the_same_queries_whatever_the_items_hold(client):
    world = build_world(shape=VERIFICATION, extra_indicators=20)
    world.fill()
    world.assessment = world.submit()
    """Counted once from the items read: more evidence, comments, verdicts and
    history never add a query."""
    url = reverse("survey:verify", args=[world.assessment.pk])
    params = {"show": "evidence", "pillar": world.nodes["1.1"].parent_id}
    before, _response = page_queries(client, world.reviewer, url, params)
    for code in ("1.1", "1.2", "1.3", "2.1"):
        Evidence.objects.create(
            answer=world.answer(code), kind="document", doc_number="1", summary="KH"
        )
        answer_comment_add(
            assessment=world.assessment,
            node=world.nodes[code],
            user=world.reviewer,
            body="Xem lại",
        )
    for code in ("1.1", "1.2"):
        answer_verdict(
            assessment=world.assessment,
            node=world.nodes[code],
            user=world.reviewer,
            verdict="disagree",
            explanation="Thiếu",
            points=Decimal(0),
        )
    after, response = page_queries(client, world.reviewer, url, params)
    assert [i.node.code for i in response.context["items"]] == ["1.1", "1.2", "1.3"]
    assert after == before
    assert after <= 30
