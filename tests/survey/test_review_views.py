"""The verification screens through the test client."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from worlds import VERIFICATION, build_world

from survey.models import (
    Answer,
    AnswerComment,
    Assessment,
    AuditEvent,
    Evidence,
    Notification,
)
from survey.services.review import answer_comment_add, answers_return
from survey.services.transitions import assessment_transition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
R = Answer.ReviewStatus


@pytest.fixture
def world():
    world = build_world(shape=VERIFICATION)
    world.fill()
    world.assessment = world.submit()
    return world


def url(name, world, *args):
    return reverse(f"survey:{name}", args=[world.assessment.pk, *args])


def as_user(client, user):
    client.force_login(user)
    return client


def test_the_review_screen_shows_only_the_reviewers_scope(client, world):
    response = as_user(client, world.police).get(url("verify", world))
    assert response.status_code == 200
    codes = [item.node.code for item in response.context["items"]]
    assert codes == ["2.1", "2.2"]
    client.force_login(world.reviewer)
    codes = [
        item.node.code for item in client.get(url("verify", world)).context["items"]
    ]
    assert codes == ["1.1", "1.2", "1.3", "2.1", "2.2", "T.1"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_reviewer", 404),
        ("other_editor", 404),
        ("editor", 403),
        ("approver", 403),
        ("committee", 403),
        ("coordinator", 200),
    ],
)
def test_who_may_open_the_review_screen(client, world, who, status):
    assert (
        as_user(client, getattr(world, who)).get(url("verify", world)).status_code
        == status
    )


def test_anonymous_people_go_to_the_login_page(client, world):
    response = client.get(url("verify", world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_screen_shows_answer_points_evidence_and_history(client, world):
    answer = world.answer("1.2")
    Evidence.objects.create(
        answer=answer, kind="document", doc_number="12/KH-UBND", summary="Kế hoạch"
    )
    response = as_user(client, world.reviewer).get(url("verify", world))
    item = next(i for i in response.context["items"] if i.node.code == "1.2")
    assert item.value == "3 / 4"
    html = response.content.decode()
    assert "12/KH-UBND" in html
    assert [event.action for event, _c in item.history] == ["answer_change"]


def test_agreeing_through_the_screen(client, world):
    response = as_user(client, world.reviewer).post(
        url("verdict", world, world.nodes["1.1"].pk),
        {f"v{world.nodes['1.1'].pk}-verdict": "agree"},
    )
    assert response.status_code == 302
    assert world.answer("1.1").review_status == R.AGREED
    assert Assessment.objects.get(pk=world.assessment.pk).state == "in_review"


def test_disagreeing_with_a_value_typed_the_vietnamese_way(client, world):
    node = world.nodes["2.2"]
    prefix = f"v{node.pk}-"
    client.force_login(world.police)
    response = client.post(
        url("verdict", world, node.pk),
        {
            prefix + "verdict": "disagree",
            prefix + "explanation": "Chỉ có 1 đợt diễn tập",
            prefix + "number": "1",
        },
    )
    assert response.status_code == 302
    answer = world.answer("2.2")
    assert (answer.review_status, answer.verified_points) == (
        R.DISAGREED,
        Decimal("5.00"),
    )


def test_a_disagreement_without_explanation_is_shown_at_the_field(client, world):
    node = world.nodes["1.3"]
    prefix = f"v{node.pk}-"
    response = as_user(client, world.reviewer).post(
        url("verdict", world, node.pk),
        {prefix + "verdict": "disagree", prefix + "points": "10,5"},
    )
    assert response.status_code == 400
    form = next(i.form for i in response.context["items"] if i.node == node)
    assert form.errors["explanation"] == ["Explain why you disagree."]
    assert world.answer("1.3").review_status == R.PENDING


def test_points_above_the_maximum_are_shown_at_the_field(client, world):
    node = world.nodes["1.3"]
    prefix = f"v{node.pk}-"
    response = as_user(client, world.reviewer).post(
        url("verdict", world, node.pk),
        {
            prefix + "verdict": "disagree",
            prefix + "explanation": "x",
            prefix + "points": "25",
        },
    )
    assert response.status_code == 400
    form = next(i.form for i in response.context["items"] if i.node == node)
    assert "between 0 and 20" in form.errors["points"][0]


def test_a_verdict_outside_ones_scope_is_not_found(client, world):
    node = world.nodes["1.1"]
    response = as_user(client, world.police).post(
        url("verdict", world, node.pk), {f"v{node.pk}-verdict": "agree"}
    )
    assert response.status_code == 404
    response = as_user(client, world.other_reviewer).post(
        url("verdict", world, node.pk), {f"v{node.pk}-verdict": "agree"}
    )
    assert response.status_code == 404
    assert world.answer("1.1").review_status == R.PENDING


def test_returning_through_the_screen(client, world):
    nodes = [world.nodes["1.2"].pk, world.nodes["1.3"].pk]
    response = as_user(client, world.reviewer).post(
        url("return_items", world),
        {"nodes": nodes, "comment": "Bổ sung minh chứng", "confirmed": "1"},
    )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=world.assessment.pk).state == "returned"
    assert AnswerComment.objects.count() == 2


def test_the_police_cannot_return_general_items_through_the_screen(client, world):
    response = as_user(client, world.police).post(
        url("return_items", world), {"nodes": [world.nodes["1.2"].pk], "comment": "x"}
    )
    assert response.status_code == 404
    assert Assessment.objects.get(pk=world.assessment.pk).state == "submitted"


def test_a_return_without_comment_says_so(client, world):
    response = as_user(client, world.reviewer).post(
        url("return_items", world), {"nodes": [world.nodes["1.2"].pk]}, follow=True
    )
    assert "Say what the unit must correct." in response.content.decode()
    assert Assessment.objects.get(pk=world.assessment.pk).state == "submitted"


def test_agree_with_the_rest(client, world):
    response = as_user(client, world.police).post(
        url("agree_remaining", world), {"confirmed": "1"}
    )
    assert response.status_code == 302
    statuses = dict(
        Answer.objects.filter(assessment=world.assessment).values_list(
            "node__code", "review_status"
        )
    )
    assert statuses["2.1"] == statuses["2.2"] == R.AGREED
    assert statuses["1.1"] == R.PENDING


def test_the_reviewer_sees_what_changed_after_a_return(client, world):
    answers_return(
        assessment=world.assessment,
        nodes=[world.nodes["1.2"]],
        user=world.reviewer,
        comment="Bổ sung",
    )
    world.assessment.refresh_from_db()
    world.save("1.2", {"number": Decimal(4), "denominator": Decimal(4)})
    world.assessment.refresh_from_db()
    assessment_transition(
        assessment=world.assessment, action="resubmit", user=world.approver
    )
    response = as_user(client, world.reviewer).get(url("verify", world))
    item = next(i for i in response.context["items"] if i.node.code == "1.2")
    assert (item.change["old"], item.change["new"]) == ("3 / 4", "4 / 4")
    assert item.change["by"] == world.editor
    others = [i.change for i in response.context["items"] if i.node.code != "1.2"]
    assert others == [None] * 5
    assert "3 / 4 → <strong>4 / 4</strong>" in response.content.decode()


def test_the_unit_sees_returned_items_and_comments(client, world):
    answers_return(
        assessment=world.assessment,
        nodes=[world.nodes["1.2"]],
        user=world.reviewer,
        comment="Bổ sung danh sách",
    )
    response = as_user(client, world.editor).get(url("threads", world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bổ sung danh sách" in html
    assert [node.code for node, _a, _c in response.context["rows"]] == ["1.2"]
    assert (
        as_user(client, world.other_editor).get(url("threads", world)).status_code
        == 404
    )


def test_the_police_see_only_their_threads(client, world):
    answer_comment_add(
        assessment=world.assessment,
        node=world.nodes["1.1"],
        user=world.editor,
        body="a",
    )
    answer_comment_add(
        assessment=world.assessment,
        node=world.nodes["2.1"],
        user=world.editor,
        body="b",
    )
    response = as_user(client, world.police).get(url("threads", world))
    assert [node.code for node, _a, _c in response.context["rows"]] == ["2.1"]


def test_writing_in_a_thread(client, world):
    node = world.nodes["2.1"]
    response = as_user(client, world.editor).post(
        url("comment_add", world, node.pk), {"body": "Đã có quy chế"}
    )
    assert response.status_code == 302
    assert AnswerComment.objects.get().body == "Đã có quy chế"
    response = as_user(client, world.police).post(
        url("comment_new", world), {"node": world.nodes["1.1"].pk, "body": "x"}
    )
    assert response.status_code == 404
    response = client.post(
        url("comment_add", world, node.pk),
        {"body": "Cần văn bản", "next": "https://evil.example/"},
    )
    assert response.url.startswith(url("threads", world))


def test_evidence_downloads_are_scoped_and_recorded(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = Evidence.objects.create(
        answer=world.answer("2.1"),
        kind="file",
        file=SimpleUploadedFile("quy-che.pdf", b"%PDF-1.4 test"),
        original_name="Quy chế ATTT.pdf",
    )
    link = reverse("survey:evidence_file", args=[world.assessment.pk, evidence.pk])
    response = as_user(client, world.police).get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    event = AuditEvent.objects.get(action="download")
    assert (event.actor, event.assessment_id) == (world.police, world.assessment.pk)
    for who, status in (("other_editor", 404), ("committee", 403), ("editor", 200)):
        assert as_user(client, getattr(world, who)).get(link).status_code == status
    outside = Evidence.objects.create(
        answer=world.answer("1.1"), kind="file", file=SimpleUploadedFile("a.pdf", b"x")
    )
    link = reverse("survey:evidence_file", args=[world.assessment.pk, outside.pk])
    assert as_user(client, world.police).get(link).status_code == 404


def test_the_inbox_lists_and_marks_read(client, world):
    answer_comment_add(
        assessment=world.assessment,
        node=world.nodes["1.1"],
        user=world.reviewer,
        body="Cần bổ sung",
    )
    client.force_login(world.editor)
    response = client.get(reverse("survey:notifications"))
    assert "New comment on indicator 1.1" in response.content.decode()
    client.post(reverse("survey:notifications"))
    assert not Notification.objects.filter(
        user=world.editor, read_at__isnull=True
    ).exists()


def test_the_list_of_assessments_to_verify(client, world):
    response = as_user(client, world.police).get(reverse("survey:review_list"))
    assert [a.pk for a in response.context["assessments"]] == [world.assessment.pk]
    response = as_user(client, world.other_reviewer).get(reverse("survey:review_list"))
    assert list(response.context["assessments"]) == []
