"""Step pages and versions: never kept by the browser, a stale step POST never
overwrites, and a conflict with one's own earlier save says so."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from worlds import QUESTIONNAIRE, World, build_world

from survey.models import Answer
from survey.wizard import answer_conflict_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
OWN = "You changed this answer in another tab or on an earlier page at"


@pytest.fixture
def world() -> World:
    return build_world(shape=QUESTIONNAIRE)


def step_url(world: World, step: str = "A") -> str:
    return reverse("survey:questionnaire_step", args=[world.assessment.pk, step])


def stored(world: World, code: str) -> Answer:
    return Answer.objects.get(assessment=world.assessment, node=world.nodes[code])


def post_a3(client, world: World, *, number: str, version: int, goto: str = "B"):
    """What step A's page posts for A.3 when the person presses Next."""
    prefix = f"n{world.nodes['A.3'].pk}-"
    data = {
        prefix + "version": str(version),
        prefix + "number": number,
        prefix + "comment": "",
        "wizard_goto_step": goto,
    }
    return client.post(step_url(world), data)


def autosave(client, world: World, *, number: str, version: int):
    body = {
        "answers": [
            {
                "node": world.nodes["A.3"].pk,
                "version": version,
                "values": {"number": number},
            }
        ]
    }
    url = reverse("survey:answers_autosave", args=[world.assessment.pk])
    return client.post(url, json.dumps(body), content_type="application/json")


def test_each_answer_form_carries_the_stored_version(world, client):
    world.save("A.3", {"number": "19"})
    world.save("A.3", {"number": "20"})
    client.force_login(world.editor)
    html = client.get(step_url(world)).content.decode()
    prefix = f"n{world.nodes['A.3'].pk}-"
    assert f'name="{prefix}version" value="2"' in html


def test_step_pages_and_the_review_page_are_never_kept_by_the_browser(world, client):
    world.save("A.3", {"number": "20"})
    client.force_login(world.editor)
    review = reverse("survey:assessment_review", args=[world.assessment.pk])
    conflict = post_a3(client, world, number="19", version=0)
    assert conflict.status_code == 200  # the page shown again, with the conflict
    for response in (client.get(step_url(world)), client.get(review), conflict):
        assert "no-store" in response["Cache-Control"]


def test_a_stale_step_post_of_ones_own_older_page_says_so_and_saves_nothing(
    world, client
):
    world.save("A.3", {"number": "19"})
    client.force_login(world.editor)
    assert autosave(client, world, number="20", version=1).status_code == 200

    response = post_a3(client, world, number="19", version=1)  # the older page
    assert response.status_code == 200  # not moved on to step B
    assert stored(world, "A.3").number == Decimal(20)
    [conflicted] = [f for f in response.context["form"].answer_forms if f.conflict]
    [message] = conflicted.non_field_errors()
    assert re.fullmatch(rf"{OWN} \d\d:\d\d\. Saved value: 20\.", message)
    html = response.content.decode()
    pk = world.nodes["A.3"].pk
    shown = html[html.index(f'id="ind-{pk}"') :].split("</fieldset>")[0]
    assert "someone else" not in shown.lower() and message in shown
    assert f'name="n{pk}-number" value="19"' in shown  # typed
    assert "<dd>20</dd>" in shown  # saved


def test_a_stale_step_post_after_someone_elses_save_names_them(world, client):
    world.save("A.3", {"number": "19"})
    world.save("A.3", {"number": "20"}, user=world.approver)
    client.force_login(world.editor)
    response = post_a3(client, world, number="19", version=1)
    assert stored(world, "A.3").number == Decimal(20)
    [conflicted] = [f for f in response.context["form"].answer_forms if f.conflict]
    [message] = conflicted.non_field_errors()
    assert message.startswith(f"{world.approver} saved a different answer at ")
    assert OWN not in message


def test_autosave_conflict_with_ones_own_save_says_so(world, client):
    client.force_login(world.editor)
    autosave(client, world, number="20", version=0)  # another tab
    response = autosave(client, world, number="19", version=0)
    assert response.status_code == 409
    [result] = response.json()["results"]
    assert result["mine"] is True
    assert re.fullmatch(rf"{OWN} \d\d:\d\d\. Saved value: 20\.", result["message"])
    assert stored(world, "A.3").number == Decimal(20)


def test_autosave_conflict_with_someone_elses_save_names_them(world, client):
    client.force_login(world.approver)
    autosave(client, world, number="20", version=0)
    client.force_login(world.editor)
    [result] = autosave(client, world, number="19", version=0).json()["results"]
    assert result["mine"] is False
    assert result["message"].startswith(f"{world.approver} saved a different answer")


def test_the_message_gives_the_date_of_an_older_save_and_every_value(world):
    world.save("A.3", {"number": "20"})
    answer = stored(world, "A.3")
    Answer.objects.filter(pk=answer.pk).update(
        updated_at=timezone.now() - timedelta(days=2), updated_by=None
    )
    answer.refresh_from_db()
    theirs = [("Numerator (a)", "30"), ("Denominator (b)", "1,200"), ("Comment", "")]
    with translation.override("en"):
        message = answer_conflict_message(
            answer=answer, user=world.editor, theirs=theirs
        )
    assert re.fullmatch(
        r"A different answer was saved at \d\d:\d\d \d\d/\d\d/\d{4}\. "
        r"Saved value: Numerator \(a\): 30; Denominator \(b\): 1,200\.",
        message,
    )
