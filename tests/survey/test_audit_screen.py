"""The audit trail's search screen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from worlds import VERIFICATION, build_world

from survey.services.audit import audit_record
from survey.services.review import answer_verdict

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]


@pytest.fixture
def world():
    world = build_world(shape=VERIFICATION)
    world.fill()
    world.assessment = world.submit()
    answer_verdict(
        assessment=world.assessment,
        node=world.nodes["1.1"],
        user=world.reviewer,
        verdict="agree",
    )
    return world


def search(client, world, **params):
    client.force_login(world.coordinator)
    return client.get(reverse("survey:audit_search"), params)


def test_everything_is_listed_newest_first(client, world):
    events = list(search(client, world).context["page"])
    actions = {e.action for e in events}
    assert {"answer_change", "transition", "verdict"} <= actions
    assert events == sorted(events, key=lambda e: (e.at, e.id), reverse=True)


def test_filters(client, world):
    page = search(client, world, actor="thamdinh").context["page"]
    assert {e.actor.username for e in page} == {"thamdinh"}
    page = search(client, world, action="verdict").context["page"]
    assert [e.action for e in page] == ["verdict"]
    audit_record(
        actor=world.other_editor,
        action="answer_change",
        assessment_id=world.other_assessment.pk,
        object_type="survey.answer",
    )
    page = search(client, world, unit="S-YT").context["page"]
    assert [e.assessment_id for e in page] == [world.other_assessment.pk]
    today = timezone.localdate()
    tomorrow = (today + timedelta(days=1)).strftime("%d/%m/%Y")
    assert not list(search(client, world, date_from=tomorrow).context["page"])
    assert list(
        search(client, world, date_to=today.strftime("%d/%m/%Y")).context["page"]
    )


def test_pages_of_fifty(client, world):
    for i in range(120):
        audit_record(
            actor=world.coordinator,
            action="export",
            object_type="report",
            object_id=str(i),
        )
    response = search(client, world, action="export")
    assert response.context["page"].paginator.count == 120
    assert len(response.context["page"]) == 50
    response = search(client, world, action="export", page=3)
    assert len(response.context["page"]) == 20
    assert "action=export&amp;page=2" in response.content.decode()


@pytest.mark.parametrize("who", ["reviewer", "committee", "editor", "approver"])
def test_only_the_coordinator_searches(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("survey:audit_search")).status_code == 403
