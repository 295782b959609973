"""The questionnaire through the test client: wizard steps, autosave, review, actions.

Each test names the rule of issue 4 ("What must never happen") that it checks.
"""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats
from worlds import QUESTIONNAIRE, World, build_world

from survey.models import (
    Answer,
    Assessment,
    Campaign,
    Evidence,
    FrameworkVersion,
    Node,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]


@pytest.fixture
def world() -> World:
    return build_world(shape=QUESTIONNAIRE)


@pytest.fixture
def editor_client(client, world):
    client.force_login(world.editor)
    return client


def step_url(world: World, step: str) -> str:
    return reverse("survey:questionnaire_step", args=[world.assessment.pk, step])


def save_url(world: World) -> str:
    return reverse("survey:answers_autosave", args=[world.assessment.pk])


def post_json(client, url: str, answers: list[dict]):
    return client.post(
        url, json.dumps({"answers": answers}), content_type="application/json"
    )


def item(world: World, code: str, values: dict, version: int = 0) -> dict:
    return {"node": world.nodes[code].pk, "version": version, "values": values}


def form_data(response, **changes) -> dict:
    """What a browser posts for the step shown in ``response``, with ``changes``
    (keyed ``<code>:<field>``) applied."""
    data = {}
    for answer_form in response.context["form"].answer_forms:
        for name, bound in answer_form._bound_items():
            value = bound.value()
            key = f"{answer_form.node.code}:{name}"
            value = changes.pop(key, value)
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
                continue
            if value in (None, "", []) and hasattr(bound.field, "choices"):
                continue  # nothing ticked: browsers send nothing
            if isinstance(value, Decimal | date):
                value = formats.localize_input(value)
            data[bound.html_name] = "" if value is None else value
    assert not changes, f"unknown fields {changes}"
    return data


def stored(world: World, code: str) -> Answer | None:
    return Answer.objects.filter(
        assessment=world.assessment, node=world.nodes[code]
    ).first()


# Steps: built from the framework, moving freely, never resetting ----------------------


def test_steps_are_the_pillars_and_leave_out_what_does_not_apply(world, editor_client):
    response = editor_client.get(step_url(world, "B"))
    assert response.status_code == 200
    steps = [step.name for step in response.context["steps"]]
    assert steps == ["A", "B"]
    codes = [f.node.code for f in response.context["form"].answer_forms]
    assert codes == ["B.1", "B.2", "B.3", "B.4", "B.5"]  # B.6 needs procedures


def test_the_bare_url_goes_to_the_step_last_shown(world, editor_client):
    editor_client.get(step_url(world, "B"))
    response = editor_client.get(
        reverse("survey:questionnaire", args=[world.assessment.pk]) + "?reset"
    )
    assert response.url == step_url(world, "B")


def test_a_plain_get_never_resets_anything(world, editor_client):
    world.save("A.3", {"number": "4"})
    world.save("B.2", {"text": "Đã ban hành"})
    before = list(Answer.objects.values_list("node_id", "version", "number", "text"))
    for url in (
        reverse("survey:questionnaire", args=[world.assessment.pk]) + "?reset",
        step_url(world, "A"),
        step_url(world, "done"),
        step_url(world, "nope"),
        reverse("survey:assessment_review", args=[world.assessment.pk]),
    ):
        editor_client.get(url, follow=True)
    after = list(Answer.objects.values_list("node_id", "version", "number", "text"))
    assert after == before
    response = editor_client.get(step_url(world, "A"))
    assert 'value="4"' in response.content.decode()


@pytest.mark.parametrize(
    ("goto", "expected"),
    [("B", "B"), ("", "A"), ("done", "review")],
)
def test_every_post_saves_before_moving(world, editor_client, goto, expected):
    page = editor_client.get(step_url(world, "A"))
    data = form_data(page, **{"A.3:number": "7", "A.5:choice": "cao"})
    if goto:
        data["wizard_goto_step"] = goto
    response = editor_client.post(step_url(world, "A"), data)
    assert response.status_code == 302
    if expected == "review":
        assert response.url.endswith(f"/assessments/{world.assessment.pk}/review/")
    else:
        assert response.url == step_url(world, expected)
    assert stored(world, "A.3").number == Decimal("7")
    assert stored(world, "A.5").self_points == Decimal("20.00")


def test_going_back_saves_without_making_the_step_complete(world, editor_client):
    page = editor_client.get(step_url(world, "B"))
    data = form_data(page, **{"B.3:number": "12.5"})
    data["wizard_goto_step"] = "A"
    response = editor_client.post(step_url(world, "B"), data)
    assert response.url == step_url(world, "A")
    assert stored(world, "B.3").number == Decimal("12.5")
    assert Answer.objects.count() == 1  # untouched indicators stay unanswered


def test_vietnamese_number_and_date_formats_are_read(world, editor_client, settings):
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    page = editor_client.get(step_url(world, "B"))
    data = form_data(page, **{"B.5:number": "1.250.000", "B.4:date": "05/11/2025"})
    editor_client.post(step_url(world, "B"), data)
    assert stored(world, "B.5").number == Decimal("1250000")
    assert stored(world, "B.4").date == date(2025, 11, 5)
    html = editor_client.get(step_url(world, "B")).content.decode()
    assert 'value="1.250.000"' in html
    assert 'value="05/11/2025"' in html


def test_bad_input_is_shown_at_its_field_and_the_rest_is_saved(world, editor_client):
    page = editor_client.get(step_url(world, "A"))
    data = form_data(
        page,
        **{
            "A.1:number": "50",
            "A.1:denominator": "40",
            "A.3:number": "mười",
            "A.2:number": "80",
            "A.5:choice": "thap",
        },
    )
    data["wizard_goto_step"] = "B"
    response = editor_client.post(step_url(world, "A"), data)
    assert response.status_code == 200  # stays: nothing typed is dropped
    forms = {f.node.code: f for f in response.context["form"].answer_forms}
    assert forms["A.1"].errors["number"] == [
        "The numerator cannot be larger than the denominator."
    ]
    assert forms["A.3"].errors["number"] == ["Enter a number."]
    html = response.content.decode()
    assert 'value="mười"' in html
    assert 'aria-invalid="true"' in html
    assert stored(world, "A.2").number == Decimal("80")
    assert stored(world, "A.5").choice == "thap"
    assert stored(world, "A.1") is None and stored(world, "A.3") is None


def test_very_long_text_and_dates_out_of_window_are_refused_at_the_field(
    world, editor_client
):
    page = editor_client.get(step_url(world, "B"))
    data = form_data(
        page, **{"B.2:text": "x" * 6000, "B.4:date": "31/12/2024", "B.3:number": "5"}
    )
    response = editor_client.post(step_url(world, "B"), data)
    forms = {f.node.code: f for f in response.context["form"].answer_forms}
    assert "at most 5000 characters" in forms["B.2"].errors["text"][0]
    assert "01/01/2025" in forms["B.4"].errors["date"][0]
    assert stored(world, "B.3").number == Decimal("5")


def test_a_warning_window_saves_and_warns(world, editor_client):
    page = editor_client.get(step_url(world, "A"))
    data = form_data(page, **{"A.4:yes": "true", "A.4:date": "02/05/2025"})
    editor_client.post(step_url(world, "A"), data)
    assert stored(world, "A.4").date == date(2025, 5, 2)
    html = editor_client.get(step_url(world, "A")).content.decode()
    assert "outside the expected period (01/01/2025 – 31/03/2025)" in html


def test_html_in_comments_is_shown_as_text(world, editor_client):
    script = '<script>alert("x")</script><b>đậm</b>'
    world.save("A.3", {"number": "2", "comment": script})
    for url in (
        step_url(world, "A"),
        reverse("survey:assessment_review", args=[world.assessment.pk]),
    ):
        html = editor_client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_stale_step_post_shows_both_answers_and_keeps_theirs(world, client):
    client.force_login(world.editor)
    page = client.get(step_url(world, "A"))
    world.save("A.3", {"number": "9"}, user=world.approver)
    data = form_data(page, **{"A.3:number": "4"})
    response = client.post(step_url(world, "A"), data)
    assert response.status_code == 200
    [conflicted] = [f for f in response.context["form"].answer_forms if f.conflict]
    assert conflicted.node.code == "A.3"
    html = response.content.decode()
    assert 'value="4"' in html  # mine, still in the field
    assert "<dd>9</dd>" in html  # theirs
    assert stored(world, "A.3").number == Decimal("9")
    # Saving again (the form now carries the server's version) keeps mine.
    again = form_data(response)
    client.post(step_url(world, "A"), again)
    assert stored(world, "A.3").number == Decimal("4")


def test_answers_survive_logout_and_login(world, client):
    client.force_login(world.editor)
    post_json(client, save_url(world), [item(world, "A.3", {"number": "6"})])
    client.logout()
    client.force_login(world.editor)
    response = client.get(step_url(world, "A"))
    [shown] = [f for f in response.context["form"].answer_forms if f.answer]
    assert (shown.node.code, shown["number"].value()) == ("A.3", Decimal(6))


def test_a_submitted_assessment_is_read_only(world, editor_client):
    world.save("A.3", {"number": "6"})
    Assessment.objects.filter(pk=world.assessment.pk).update(state="submitted")
    page = editor_client.get(step_url(world, "A"))
    assert "has been submitted" in page.content.decode()
    assert all(
        field.disabled
        for f in page.context["form"].answer_forms
        for field in f.fields.values()
        if field.label
    )
    data = form_data(page, **{"A.3:number": "1"})
    editor_client.post(step_url(world, "A"), data)
    assert stored(world, "A.3").number == Decimal("6")


# Access -------------------------------------------------------------------------------


def test_another_units_assessment_is_404_everywhere(world, client):
    other = build_world(shape=QUESTIONNAIRE, code="X-KHAC")
    client.force_login(other.editor)
    pk = world.assessment.pk
    urls = [
        reverse("survey:questionnaire", args=[pk]),
        step_url(world, "A"),
        reverse("survey:assessment_review", args=[pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(step_url(world, "A"), {}).status_code == 404
    action = reverse("survey:assessment_action", args=[pk])
    assert client.post(action, {"action": "mark_ready"}).status_code == 404
    response = post_json(client, save_url(world), [item(world, "A.3", {"number": "1"})])
    assert response.status_code == 404
    assert response.json()["error"]
    assert not Answer.objects.filter(assessment=world.assessment).exists()


@pytest.mark.parametrize("state", ["draft", "ready"])
def test_an_editor_submitting_gets_403(world, client, state):
    Assessment.objects.filter(pk=world.assessment.pk).update(state=state)
    client.force_login(world.editor)
    url = reverse("survey:assessment_action", args=[world.assessment.pk])
    assert client.post(url, {"action": "submit"}).status_code == 403
    world.assessment.refresh_from_db()
    assert world.assessment.state == state


COMPLETE = {
    "A.1": {"number": "1", "denominator": "2"},
    "A.2": {"is_na": True},  # N/A counts as an answer
    "A.3": {"number": "4"},
    "A.4": {"yes": True},
    "A.5": {"choice": "cao"},
    "B.1": {"checks": ["a"]},
    "B.2": {"text": "Có"},
    "B.3": {"number": "10"},
    "B.4": {"date": date(2025, 6, 1)},
    "B.5": {"number": "100"},
}


def fill_all(world: World, *, leave_out: tuple[str, ...] = ()) -> None:
    for code, values in COMPLETE.items():
        if code not in leave_out:
            world.save(code, values)


def test_editor_marks_ready_and_approver_submits(world, client):
    fill_all(world)
    url = reverse("survey:assessment_action", args=[world.assessment.pk])
    client.force_login(world.editor)
    response = client.post(url, {"action": "mark_ready"})
    assert response.status_code == 302
    world.assessment.refresh_from_db()
    assert world.assessment.state == "ready"
    client.force_login(world.approver)
    review = client.get(reverse("survey:assessment_review", args=[world.assessment.pk]))
    assert [t.action for t in review.context["actions"]] == ["back_to_draft", "submit"]
    client.post(url, {"action": "submit", "confirmed": "1"})
    world.assessment.refresh_from_db()
    assert world.assessment.state == "submitted"


def test_marking_ready_with_missing_answers_is_allowed_with_a_warning(world, client):
    fill_all(world, leave_out=("A.3", "B.2"))
    client.force_login(world.editor)
    url = reverse("survey:assessment_action", args=[world.assessment.pk])
    response = client.post(url, {"action": "mark_ready"}, follow=True)
    world.assessment.refresh_from_db()
    assert world.assessment.state == "ready"
    html = response.content.decode()
    assert "2 applicable indicators are not answered." in html
    assert "Marked ready, but it is not complete" in html


def test_submitting_with_a_missing_answer_is_refused_with_links(world, client):
    fill_all(world, leave_out=("B.2",))
    Assessment.objects.filter(pk=world.assessment.pk).update(state="ready")
    client.force_login(world.approver)
    url = reverse("survey:assessment_action", args=[world.assessment.pk])
    response = client.post(url, {"action": "submit"}, follow=True)
    world.assessment.refresh_from_db()
    assert world.assessment.state == "ready"
    html = response.content.decode()
    assert "cannot be submitted yet: 1 applicable indicator is not answered." in html
    assert f'href="{step_url(world, "B")}#ind-{world.nodes["B.2"].pk}"' in html
    world.save("B.2", {"text": "Có"})
    client.post(url, {"action": "submit", "confirmed": "1"})
    world.assessment.refresh_from_db()
    assert world.assessment.state == "submitted"


def test_an_unknown_action_is_refused(world, client):
    client.force_login(world.approver)
    url = reverse("survey:assessment_action", args=[world.assessment.pk])
    assert client.post(url, {"action": "verify"}).status_code == 403


# Autosave (JSON) ----------------------------------------------------------------------


def test_autosave_returns_the_new_version_and_points(world, editor_client):
    response = post_json(
        editor_client,
        save_url(world),
        [item(world, "A.1", {"number": "30", "denominator": "40", "comment": ""})],
    )
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result == {
        "node": world.nodes["A.1"].pk,
        "status": "ok",
        "version": 1,
        "points": "7.5",
        "warnings": {},
    }
    assert response.json()["saved_at"]


def test_one_bad_answer_never_keeps_the_others_from_saving(world, editor_client):
    response = post_json(
        editor_client,
        save_url(world),
        [
            item(world, "A.3", {"number": "abc"}),
            item(world, "A.2", {"number": "120"}),
            item(world, "B.2", {"text": "Có"}),
            {"node": 999999, "version": 0, "values": {}},
        ],
    )
    assert response.status_code == 400
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["invalid", "invalid", "ok", "invalid"]
    assert results[0]["errors"] == {"number": ["Enter a number."]}
    assert results[1]["errors"] == {"number": ["A percentage cannot be above 100."]}
    assert stored(world, "B.2").text == "Có"


def test_a_stale_autosave_gets_409_with_both_values(world, client):
    client.force_login(world.approver)
    post_json(client, save_url(world), [item(world, "A.3", {"number": "9"})])
    client.force_login(world.editor)
    response = post_json(
        client, save_url(world), [item(world, "A.3", {"number": "4", "comment": "x"})]
    )
    assert response.status_code == 409
    [result] = response.json()["results"]
    assert result["status"] == "conflict"
    assert result["version"] == 1
    assert result["yours"] == {"number": "4", "comment": "x"}
    assert result["theirs"]["number"] == "9"
    assert ["Number", "9"] in result["theirs_display"]
    assert result["updated_by"] == str(world.approver)
    assert stored(world, "A.3").number == Decimal("9")
    # The person keeps theirs by resending with the server's version.
    response = post_json(
        client, save_url(world), [item(world, "A.3", {"number": "4"}, version=1)]
    )
    assert response.json()["results"][0]["version"] == 2


def test_two_people_on_different_answers_never_block(world, client):
    client.force_login(world.editor)
    first = post_json(client, save_url(world), [item(world, "A.3", {"number": "4"})])
    client.force_login(world.approver)
    second = post_json(client, save_url(world), [item(world, "B.3", {"number": "9"})])
    assert (first.status_code, second.status_code) == (200, 200)


def test_a_resent_save_is_confirmed_not_refused(world, editor_client):
    payload = [item(world, "A.3", {"number": "4"})]
    post_json(editor_client, save_url(world), payload)
    response = post_json(editor_client, save_url(world), payload)  # reply was lost
    assert response.status_code == 200
    assert response.json()["results"][0]["version"] == 1


def test_an_expired_session_gets_401_json_never_a_redirect(world, client):
    response = post_json(client, save_url(world), [item(world, "A.3", {"number": "4"})])
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["login_url"] == reverse("login")
    assert not Answer.objects.exists()


def test_autosave_refuses_a_locked_assessment(world, editor_client):
    Assessment.objects.filter(pk=world.assessment.pk).update(state="in_review")
    response = post_json(
        editor_client, save_url(world), [item(world, "A.3", {"number": "4"})]
    )
    assert response.status_code == 403
    assert response.json()["results"][0]["status"] == "locked"


def test_autosave_refuses_unreadable_requests(world, editor_client):
    response = editor_client.post(
        save_url(world), "not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert editor_client.get(save_url(world)).status_code == 405


# "__node__" is replaced by a real indicator's id.
VALUES = '{"answers": [{"node": __node__, "values": %s}]}'
MALFORMED = {
    "infinity": '{"answers": [{"node": Infinity}]}',
    "minus-infinity": '{"answers": [{"node": -Infinity}]}',
    "nan": '{"answers": [{"node": NaN}]}',
    "float-overflow": '{"answers": [{"node": 1e400}]}',
    "float": '{"answers": [{"node": 12.5}]}',
    "huge-int": '{"answers": [{"node": 99999999999999999999999}]}',
    "int-past-64-bits": '{"answers": [{"node": 9223372036854775808}]}',
    "very-long-int": '{"answers": [{"node": 1' + "0" * 5000 + "}]}",
    "zero": '{"answers": [{"node": 0}]}',
    "negative": '{"answers": [{"node": -3}]}',
    "boolean": '{"answers": [{"node": true}]}',
    "string": '{"answers": [{"node": "__node__"}]}',
    "no-node": '{"answers": [{"values": {}}]}',
    "deep-list": "[" * 100_000 + "]" * 100_000,
    "deep-object": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "deep-values": '{"answers": [{"node": __node__, "values": {"number": '
    + "[" * 100_000
    + "]" * 100_000
    + "}}]}",
    "answers-not-a-list": '{"answers": {"node": __node__}}',
    "item-not-an-object": '{"answers": [__node__]}',
    "top-level-list": "[]",
    "values-not-an-object": VALUES % '["1"]',
    "value-infinity": VALUES % '{"number": Infinity}',
    "value-overflow": VALUES % '{"number": 1e400}',
    "value-object": VALUES % '{"number": {"a": 1}}',
    "nested-list": VALUES % '{"checks": [["a"]]}',
    "version-text": '{"answers": [{"node": __node__, "version": "x", "values": {}}]}',
    "version-huge": '{"answers": [{"node": __node__, "version": 1e400}]}',
    "not-utf8": b'{"answers": [{"node": "\xff"}]}',
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_autosave_answers_400_never_500_to_malformed_json(world, editor_client, body):
    node = str(world.nodes["A.3"].pk)
    if isinstance(body, str):
        body = body.replace("__node__", node).encode()
    response = editor_client.post(
        save_url(world), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"error": "The request could not be read."}
    assert not Answer.objects.filter(assessment=world.assessment).exists()


def test_autosave_says_why_it_refused_in_vietnamese(world, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(world.editor)
    response = client.post(
        save_url(world),
        '{"answers": [{"node": Infinity}]}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Không đọc được yêu cầu."


def test_autosave_still_reads_what_the_script_sends(world, editor_client):
    """Strings, numbers, booleans, null and lists of choices stay accepted."""
    body = {
        "answers": [
            {"node": world.nodes["B.1"].pk, "version": 0, "values": {"checks": []}},
            {
                "node": world.nodes["A.3"].pk,
                "version": 0,
                "values": {"number": 4, "is_na": False, "comment": None},
            },
        ]
    }
    response = editor_client.post(
        save_url(world), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert stored(world, "A.3").number == Decimal("4")


def test_the_csrf_endpoint_gives_a_token(client):
    response = client.get(reverse("survey:csrf_token"))
    assert len(response.json()["token"]) >= 32
    assert "no-cache" in response["Cache-Control"]


# Review and list ----------------------------------------------------------------------


def test_review_lists_missing_answers_with_links_and_points(world, editor_client):
    world.save("A.3", {"number": "5"})  # 10 of 20 points
    world.save("A.2", {"is_na": True})
    response = editor_client.get(
        reverse("survey:assessment_review", args=[world.assessment.pk])
    )
    step_a, step_b = response.context["steps"]
    assert (step_a.answered, len(step_a.rows)) == (2, 5)
    assert step_a.points == Decimal("10.00")
    assert step_a.max_points == Decimal("70")  # A.2 is N/A
    assert [row.node.code for row in step_b.missing] == [
        "B.1",
        "B.2",
        "B.3",
        "B.4",
        "B.5",
    ]
    html = response.content.decode()
    anchor = f"{step_url(world, 'A')}#ind-{world.nodes['A.1'].pk}"
    assert f'href="{anchor}"' in html
    assert response.context["missing"] == 8


def test_home_lists_state_progress_deadline_and_points(world, editor_client):
    world.save("A.3", {"number": "5"})
    response = editor_client.get(reverse("survey:home"))
    [row] = response.context["rows"]
    assessment, progress, totals = row.assessment, row.progress, row.totals
    assert row.fill
    assert (progress.answered, progress.total, totals.self_assessed.points) == (
        1,
        10,
        Decimal("10.00"),
    )
    html = response.content.decode()
    assert reverse("survey:questionnaire", args=[assessment.pk]) in html
    assert formats.date_format(world.campaign.deadline, "SHORT_DATE_FORMAT") in html


# Queries do not grow with the number of indicators ------------------------------------


def _queries(client, world: World) -> tuple[int, int]:
    client.force_login(world.editor)
    url = step_url(world, "A")
    with CaptureQueriesContext(connection) as get:
        page = client.get(url)
    assert page.status_code == 200
    data = form_data(page, **{"A.3:number": "3"})
    with CaptureQueriesContext(connection) as post:
        response = client.post(url, data)
    assert response.status_code == 302
    return len(get.captured_queries), len(post.captured_queries)


def _more_evidence(world: World) -> None:
    """A link and a file beside each indicator's document, carried evidence to
    confirm, and last year's assessment with evidence to offer (half of it found
    through ``continues`` links to renamed codes, half through the same code)."""
    answers = list(Answer.objects.filter(assessment=world.assessment).order_by("pk"))
    last = FrameworkVersion.objects.create(
        framework=world.version.framework,
        year=2024,
        number=FrameworkVersion.objects.count() + 1,
        unit_type="department",
    )
    campaign = Campaign.objects.create(
        year=2024,
        name="DTI 2024",
        state="closed",
        opens_on=date(2024, 1, 1),
        deadline=date(2024, 12, 31),
    )
    previous = Assessment.objects.create(
        campaign=campaign, unit=world.unit, version=last, state="verified"
    )
    rows = []
    for i, answer in enumerate(answers):
        node = world.nodes_by_pk[answer.node_id]
        renamed = i % 2 == 0
        old = Node.objects.create(
            version=last,
            code=f"{node.code}-cu" if renamed else node.code,
            kind="indicator",
            order=i,
            name_vi=node.name_vi,
        )
        if renamed:
            Node.objects.filter(pk=node.pk).update(continues=old)
        old_answer = Answer.objects.create(assessment=previous, node=old)
        rows += [
            Evidence(answer=old_answer, kind="document", doc_number="1/KH"),
            Evidence(answer=answer, kind="link", url="https://a.vn/x"),
            Evidence(
                answer=answer,
                kind="file",
                file="evidence/2025/x.pdf",
                original_name="x.pdf",
                size=10,
            ),
        ]
    Evidence.objects.bulk_create(rows)
    carried = Evidence.objects.filter(answer__assessment=previous).first()
    Evidence.objects.create(
        answer=answers[0], kind="document", carried_from=carried, confirmed=False
    )


def test_step_get_and_post_queries_do_not_grow_with_indicators(client):
    small = build_world(
        shape=QUESTIONNAIRE, extra_indicators=5, evidence=True, code="X-NHO"
    )
    large = build_world(
        shape=QUESTIONNAIRE, extra_indicators=95, evidence=True, code="X-LON"
    )
    assert len(small.nodes) == 16 and len(large.nodes) == 106  # A: 10 and 100
    for world in (small, large):
        world.nodes_by_pk = {node.pk: node for node in world.nodes.values()}
        _more_evidence(world)
    assert _queries(client, small) == _queries(client, large)
    step = client.get(step_url(large, "A")).content.decode()
    assert step.count("Last year this indicator had 1 item of evidence") == 99
    assert step.count("from last year: still valid?") == 1
    assert step.count("data-evidence=") == 100 * 3 + 1


def test_large_ids_are_written_without_thousand_separators(world, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(world.editor)
    Node.objects.create(
        pk=1234567,
        version=world.version,
        parent=world.pillars[0],
        code="A.99",
        kind="indicator",
        order=99,
        name_vi="Chỉ số mã lớn",
        answer_type="count",
        rule="target",
        rule_params={"target": 5},
        max_points=5,
    )
    html = client.get(step_url(world, "A")).content.decode()
    assert 'id="ind-1234567"' in html
    assert 'data-node="1234567"' in html
    review = reverse("survey:assessment_review", args=[world.assessment.pk])
    assert "#ind-1234567" in client.get(review).content.decode()
