"""A value supplied by the province cannot be overwritten by the unit (answer
service, autosave, step page, answer import); the unit sees it read-only with its
source and can comment on it; reviewers see where it came from."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from worlds import FILLED, VERIFICATION, build_world

from survey.files.issues import ImportFailed
from survey.importers.answers import ParsedAnswer, answers_import
from survey.models import Answer, AnswerComment
from survey.services.answer_checks import AnswerInvalid
from survey.services.api_tokens import api_token_create
from survey.services.supply import SupplyOrigin, SupplyRow, values_supply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
SOURCE = "Cổng DVC tỉnh"


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    world = build_world(shape=VERIFICATION)
    token, _text = api_token_create(
        actor=world.coordinator, owner=world.coordinator, name="dvc", days=30
    )
    values_supply(
        campaign=world.campaign,
        rows=[SupplyRow(key=0, unit="S-TC", code="2.2", raw={"value": "3"})],
        user=world.coordinator,
        origin=SupplyOrigin(source=SOURCE, token=token),
    )
    return world


def step_url(world, step="2"):
    return reverse("survey:questionnaire_step", args=[world.assessment.pk, step])


def test_the_service_refuses_a_change_at_the_field(world):
    with pytest.raises(AnswerInvalid) as caught:
        world.save("2.2", {"number": Decimal(4)})
    [(code, message)] = caught.value.errors["number"]
    assert code == "supplied"
    assert SOURCE in message and "cannot change it" in message
    assert world.answer("2.2").number == 3


def test_the_same_value_and_a_comment_are_accepted(world):
    saved = world.save("2.2", {"number": Decimal(3), "comment": "Số liệu từ DVC"})
    assert saved.changed
    answer = world.answer("2.2")
    assert (answer.number, answer.comment) == (3, "Số liệu từ DVC")
    assert answer.supplied_by_province and answer.supply_source == SOURCE


def test_autosave_refuses_the_change_at_the_field(world, client):
    client.force_login(world.editor)
    node = world.nodes["2.2"]
    body = {"answers": [{"node": node.pk, "version": 1, "values": {"number": "4"}}]}
    response = client.post(
        reverse("survey:answers_autosave", args=[world.assessment.pk]),
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 400
    [result] = response.json()["results"]
    assert result["status"] == "invalid"
    assert SOURCE in result["errors"]["number"][0]
    assert world.answer("2.2").number == 3


def test_the_step_shows_the_value_read_only_with_its_source(world, client):
    client.force_login(world.editor)
    response = client.get(step_url(world))
    forms = {f.node.code: f for f in response.context["form"].answer_forms}
    assert forms["2.2"]["number"].field.disabled
    assert not forms["2.2"]["comment"].field.disabled
    assert not forms["2.1"]["yes"].field.disabled
    page = response.content.decode()
    assert f"Source: {SOURCE}" in page
    assert "Comment on this value" in page
    assert "through token" not in page  # the unit needs no token


def test_a_step_post_with_another_value_is_refused_at_the_field(world, client):
    client.force_login(world.editor)
    prefix = f"n{world.nodes['2.2'].pk}-"
    other = f"n{world.nodes['2.1'].pk}-"
    data = {
        prefix + "version": "1",
        prefix + "number": "4",
        other + "version": "0",
        other + "yes": "true",
    }
    response = client.post(step_url(world), data)
    assert response.status_code == 200
    forms = {f.node.code: f for f in response.context["form"].answer_forms}
    assert SOURCE in forms["2.2"].errors["number"][0]
    assert world.answer("2.2").number == 3
    assert world.answer("2.1").yes is True  # the rest is saved


def test_a_step_post_without_the_locked_field_keeps_it(world, client):
    """Browsers do not send disabled fields: the stored value stays."""
    client.force_login(world.editor)
    prefix = f"n{world.nodes['2.2'].pk}-"
    response = client.post(
        step_url(world), {prefix + "version": "1", prefix + "comment": "Đúng"}
    )
    assert response.status_code == 302
    answer = world.answer("2.2")
    assert (answer.number, answer.comment) == (3, "Đúng")


def test_the_unit_can_comment_on_a_supplied_value(world, client):
    client.force_login(world.editor)
    node = world.nodes["2.2"]
    client.post(
        reverse("survey:comment_add", args=[world.assessment.pk, node.pk]),
        {"body": "Số liệu chưa đúng", "next": step_url(world)},
    )
    assert AnswerComment.objects.get(node=node).body == "Số liệu chưa đúng"


def test_the_answer_import_refuses_to_change_a_supplied_value(world):
    node = world.nodes["2.2"]
    changed = ParsedAnswer(node, {"number": Decimal(4)}, False, "", None, None)
    with pytest.raises(ImportFailed) as caught:
        answers_import(assessment=world.assessment, parsed=[changed])
    [issue] = caught.value.issues
    assert issue.code == "supplied_value" and SOURCE in issue.message("en")
    assert world.answer("2.2").number == 3


def test_the_answer_import_keeps_a_supplied_value_it_repeats(world):
    node, other = world.nodes["2.2"], world.nodes["2.1"]
    parsed = [
        ParsedAnswer(node, {"number": Decimal(3)}, False, "", None, None),
        ParsedAnswer(other, {"yes": True}, False, "", Decimal(10), None),
    ]
    assert answers_import(assessment=world.assessment, parsed=parsed) == 1
    answer = world.answer("2.2")
    assert answer.supplied_by_province and answer.supply_source == SOURCE
    assert world.answer("2.1").yes is True


def test_reviewers_see_where_a_value_came_from(world, client):
    for code, values in FILLED.items():
        if code != "2.2":
            world.save(code, values)
    world.assessment = world.submit()
    client.force_login(world.reviewer)
    response = client.get(reverse("survey:verify", args=[world.assessment.pk]))
    page = response.content.decode()
    prefix = Answer.objects.get(node=world.nodes["2.2"]).supplied_token.prefix
    assert f"Source: {SOURCE}" in page
    assert f"through token {prefix}…" in page


def test_the_refusal_reads_in_vietnamese(world):
    with translation.override("vi"), pytest.raises(AnswerInvalid) as caught:
        world.save("2.2", {"number": Decimal(4)})
    assert caught.value.errors["number"][0][1] == (
        "Giá trị này do tỉnh cung cấp từ Cổng DVC tỉnh; đơn vị không sửa được, "
        "hãy bình luận nếu thấy sai."
    )
