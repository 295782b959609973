"""What the questionnaire shows a unit about its own progress: each step's state in
the step list, the "needs attention" filter, returned items where they stand, and
the review page's check of required evidence."""

from decimal import Decimal

import pytest
from django.urls import reverse
from test_questionnaire_views import form_data
from worlds import QUESTIONNAIRE, VERIFICATION, World, build_world, page_queries

from survey.models import Answer
from survey.services.review import answer_comment_add, answers_return
from survey.services.submission import (
    assessment_completeness,
    assessment_submission_check,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]


def step_url(world: World, step: str) -> str:
    return reverse("survey:questionnaire_step", args=[world.assessment.pk, step])


def review_url(world: World) -> str:
    return reverse("survey:assessment_review", args=[world.assessment.pk])


@pytest.fixture
def returned() -> World:
    """A submitted assessment whose 1.2 the reviewer returned, with a reply."""
    world = build_world(shape=VERIFICATION)
    world.fill()
    world.assessment = world.submit()
    answers_return(
        assessment=world.assessment,
        nodes=[world.nodes["1.2"]],
        user=world.reviewer,
        comment="Bổ sung danh sách đơn vị",
    )
    answer_comment_add(
        assessment=world.assessment,
        node=world.nodes["1.2"],
        user=world.editor,
        body="Đã bổ sung",
    )
    world.assessment.refresh_from_db()
    return world


def test_the_step_list_shows_answered_of_applicable_per_step(client):
    world = build_world(shape=QUESTIONNAIRE)
    world.save("A.3", {"number": Decimal(8)})
    world.save("A.1", {"number": Decimal(3)})  # no denominator: cannot be scored
    client.force_login(world.editor)
    response = client.get(step_url(world, "B"))
    rows = {s.name: st for s, st in response.context["step_rows"]}
    assert (rows["A"].answered, rows["A"].total, rows["A"].invalid) == (1, 5, 1)
    assert (rows["B"].answered, rows["B"].returned) == (0, 0)
    assert response.context["progress"].answered == 1
    html = response.content.decode()
    assert "answered 1 of 5" in html
    assert "1 invalid answer" in html
    assert f"1 of {response.context['progress'].total} answered" in html


def test_the_step_page_counts_its_queries_whatever_the_number_of_indicators(client):
    small = build_world(shape=QUESTIONNAIRE)
    Answer.objects.create(assessment=small.assessment, node=small.nodes["A.1"])
    few, _ = page_queries(client, small.editor, step_url(small, "A"))
    large = build_world(shape=QUESTIONNAIRE, code="L", extra_indicators=40)
    for code in list(large.nodes)[:30]:
        Answer.objects.create(assessment=large.assessment, node=large.nodes[code])
    many, _ = page_queries(client, large.editor, step_url(large, "A"))
    assert many == few


def test_needs_attention_keeps_returned_missing_and_invalid_items(client, returned):
    client.force_login(returned.editor)
    response = client.get(step_url(returned, "1"), {"attention": "1"})
    html = response.content.decode()
    assert 'class="q-form q-attention-only"' in html
    flagged = {
        f.node.code for f in response.context["form"].answer_forms if f.needs_attention
    }
    assert flagged == {"1.2"}  # 1.1 and 1.3 are answered and not returned
    assert html.count('data-attention="1"') == 1
    plain = client.get(step_url(returned, "1")).content.decode()
    assert "q-attention-only" not in plain
    assert "?attention=1" in plain  # the filter is a link: it works without script


def test_the_filter_stays_on_when_moving_to_the_next_step(client, returned):
    client.force_login(returned.editor)
    page = client.get(step_url(returned, "1"), {"attention": "1"})
    assert f'action="{step_url(returned, "1")}?attention=1"' in page.content.decode()
    data = {**form_data(page), "wizard_goto_step": "2"}
    response = client.post(step_url(returned, "1") + "?attention=1", data)
    assert response["Location"] == step_url(returned, "2") + "?attention=1"
    response = client.post(step_url(returned, "1"), data)
    assert response["Location"] == step_url(returned, "2")


def test_a_returned_item_shows_its_badge_explanation_and_thread(client, returned):
    answer = returned.answer("1.2")
    answer.reviewer_explanation = "Thiếu danh sách kèm theo"
    answer.save(update_fields=["reviewer_explanation"])
    client.force_login(returned.editor)
    response = client.get(step_url(returned, "1"))
    html = response.content.decode()
    assert 'class="q-badge q-badge-returned">Returned<' in html
    assert "Returned for correction by" in html
    assert "Thiếu danh sách kèm theo" in html
    assert "Bổ sung danh sách đơn vị" in html and "Đã bổ sung" in html
    rows = {s.name: st for s, st in response.context["step_rows"]}
    assert (rows["1"].returned, rows["2"].returned) == (1, 0)
    assert "has-returned" in html
    assert f"cm-form-{returned.nodes['1.2'].pk}" in html  # a reply goes to the thread


def test_a_reply_from_the_step_reaches_the_thread_and_comes_back(client, returned):
    client.force_login(returned.editor)
    node = returned.nodes["1.2"]
    target = step_url(returned, "1") + f"#ind-{node.pk}"
    response = client.post(
        reverse("survey:comment_add", args=[returned.assessment.pk, node.pk]),
        {"body": "Đính kèm danh sách", "next": target},
    )
    assert response.status_code == 302 and response["Location"] == target
    assert "Đính kèm danh sách" in client.get(step_url(returned, "1")).content.decode()


def test_another_units_editor_sees_none_of_it(client, returned):
    client.force_login(returned.other_editor)
    response = client.get(step_url(returned, "1"), {"attention": "1"})
    assert response.status_code == 404


def test_the_review_page_lists_answers_lacking_required_evidence(client):
    world = build_world(shape=QUESTIONNAIRE)
    world.save("A.3", {"number": Decimal(8)})
    world.save("A.2", {"is_na": True})  # N/A asks for no evidence
    client.force_login(world.editor)
    response = client.get(review_url(world))
    html = response.content.decode()
    node = world.nodes["A.3"]
    assert f"#ind-{node.pk}" in html
    assert "1 answered indicator asks for evidence and has none attached." in html
    gaps = {g.review.step.name: g.no_evidence for g in response.context["gaps"]}
    assert [row.node.code for row in gaps["A"]] == ["A.3"]
    # The page and submission read the same completeness.
    completeness = assessment_completeness(assessment=world.assessment)
    assert completeness.no_evidence_ids == frozenset({node.pk})


def test_evidence_attached_clears_the_check_and_submission_warns_without_it():
    world = build_world(shape=QUESTIONNAIRE, evidence=True)
    world.save("A.3", {"number": Decimal(8)})
    assert assessment_completeness(assessment=world.assessment).no_evidence == 0
    bare = build_world(shape=QUESTIONNAIRE, code="X")
    bare.save("A.3", {"number": Decimal(8)})
    warning = assessment_submission_check(
        assessment=bare.assessment, action="mark_ready"
    )
    assert "1 answered indicator asks for evidence and has none attached." in warning


def test_the_status_box_is_empty_and_hidden_until_there_is_news(client):
    world = build_world(shape=QUESTIONNAIRE)
    client.force_login(world.editor)
    html = client.get(step_url(world, "A")).content.decode()
    assert (
        '<p class="q-status" id="q-status" role="status" aria-live="polite"></p>'
        in (html)
    )
    assert 'class="messages"' not in html  # no empty list of messages either
