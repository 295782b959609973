"""The audit trail as people read it: labelled values, evidence named as such,
filters applied when they can be read (and said at the field otherwise), and the
address of the request on every event, whichever service writes it."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from worlds import VERIFICATION, build_world

from survey.models import AuditEvent, Evidence
from survey.selectors.audit import audit_rows
from survey.services.audit import audit_record, request_ip
from survey.services.evidence import evidence_add_document, evidence_delete
from survey.services.review import answer_verdict
from survey.text import UNSTORABLE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english", "fast_hasher"),
]

IP = "203.0.113.5"


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


def search(client, world, **params):
    client.force_login(world.coordinator)
    response = client.get(reverse("survey:audit_search"), params)
    assert response.status_code == 200
    return response


def rows_of(response) -> list:
    return response.context["rows"]


# Every event kind records the request's address ------------------------------------


def test_every_event_of_a_request_records_its_address(client, world):
    start = AuditEvent.objects.count()
    a = world.assessment
    client.force_login(world.editor)
    item = {"node": world.nodes["2.1"].pk, "version": 0, "values": {"yes": "true"}}
    saved = client.post(
        reverse("survey:answers_autosave", args=[a.pk]),
        json.dumps({"answers": [item]}),
        content_type="application/json",
        REMOTE_ADDR=IP,
    )
    assert saved.status_code == 200, saved.content
    for code, values in (
        ("1.1", {"yes": True}),
        ("1.2", {"number": 3, "denominator": 4}),
        ("1.3", {"number": 15}),
        ("2.2", {"number": 2}),
        ("T.1", {"number": 1}),
    ):
        world.save(code, values, user=world.editor)  # outside a request: no address
    evidence_url = reverse("survey:evidence_add", args=[a.pk])
    client.post(
        evidence_url,
        {"node": world.nodes["2.1"].pk, "kind": "link", "url": "https://a.vn/kh"},
        REMOTE_ADDR=IP,
    )
    evidence = Evidence.objects.get(url="https://a.vn/kh")
    client.post(
        reverse("survey:evidence_delete", args=[a.pk, evidence.pk]),
        {"confirmed": "1"},
        REMOTE_ADDR=IP,
    )
    client.force_login(world.approver)
    action = reverse("survey:assessment_action", args=[a.pk])
    client.post(action, {"action": "mark_ready"}, REMOTE_ADDR=IP)
    client.post(action, {"action": "submit", "confirmed": "1"}, REMOTE_ADDR=IP)
    client.force_login(world.reviewer)
    node = world.nodes["1.1"]
    client.post(
        reverse("survey:verdict", args=[a.pk, node.pk]),
        {f"v{node.pk}-verdict": "agree"},
        REMOTE_ADDR=IP,
    )
    client.force_login(world.coordinator)
    client.post(
        reverse("survey:campaign_settings", args=[world.campaign.pk]),
        {
            "name": "Đánh giá 2025 (sửa)",
            "deadline": world.campaign.deadline.strftime("%d/%m/%Y"),
            "non_submission": world.campaign.non_submission,
        },
        REMOTE_ADDR=IP,
    )
    events = list(AuditEvent.objects.order_by("id")[start:])
    # force_login logs in without a request; the login view's events are tested
    # with the login page
    by_request = [
        e
        for e in events
        if e.action != "login" and (e.action != "answer_change" or e.ip)
    ]
    kinds = {(e.action, e.object_type) for e in by_request}
    assert {
        ("answer_change", "survey.answer"),
        ("answer_change", "survey.evidence"),
        ("transition", "survey.assessment"),
        ("verdict", "survey.answer"),
        ("transition", "survey.campaign"),
    } <= kinds
    assert {e.ip for e in by_request} == {IP}
    outside = [e for e in events if e.action == "answer_change" and not e.ip]
    assert len(outside) == 5  # saved by a service outside any request


def test_the_address_comes_from_one_function():
    class Request:
        META = {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "10.0.0.1"}

    assert request_ip(Request()) == "198.51.100.7"  # no proxy trusted by default
    assert request_ip(None) is None


def test_an_address_given_wins(world):
    event = audit_record(actor=None, action="export", object_type="report", ip=IP)
    assert event.ip == IP
    assert audit_record(actor=None, action="export", object_type="report").ip is None


# Values as people read them --------------------------------------------------------


def test_answers_verdicts_and_evidence_read_as_people_read_them(client, world):
    world.fill()
    evidence = evidence_add_document(
        assessment=world.assessment,
        node=world.nodes["2.1"],
        user=world.editor,
        doc_number="12/KH-UBND",
        summary="Kế hoạch chuyển đổi số",
    )
    evidence_delete(evidence=evidence, user=world.editor)
    world.submit()
    answer_verdict(
        assessment=world.assessment,
        node=world.nodes["2.1"],
        user=world.reviewer,
        verdict="agree",
    )
    response = search(client, world)
    rows = {(r.what, r.target): r for r in rows_of(response)}
    unit = f"{world.unit} · 2025"
    assert rows[("Answer changed", f"{unit} · 1.2")].changes == [
        ("Value", "—", "3 / 4")
    ]
    assert rows[("Answer changed", f"{unit} · 2.1")].changes == [("Value", "—", "Yes")]
    assert rows[("Add evidence", f"{unit} · 2.1")].changes == [
        ("Evidence", "", "12/KH-UBND – Kế hoạch chuyển đổi số")
    ]
    assert rows[("Remove evidence", f"{unit} · 2.1")].changes == [
        ("Evidence", "12/KH-UBND – Kế hoạch chuyển đổi số", "—")
    ]
    verdict = rows[("Verdict", f"{unit} · 2.1")].changes
    assert ("Review status", "Pending", "Agreed") in verdict
    changes = [
        c for r in rows_of(response) if r.what == "State changed" for c in r.changes
    ]
    assert ("State", "Ready for approval", "Submitted") in changes
    page = response.content.decode()
    assert "{&#x27;" not in page and "{'" not in page  # no raw dictionaries
    assert "survey.evidence" not in page


def test_events_are_read_in_a_fixed_number_of_queries(world):
    """Whatever their number, the events of a page cost one query per kind of
    object they name."""
    world.fill()
    evidence_add_document(
        assessment=world.assessment,
        node=world.nodes["2.1"],
        user=world.editor,
        doc_number="1/KH",
    )
    world.submit()
    audit_record(actor=world.coordinator, action="login", obj=world.coordinator)
    kinds = ("survey.answer", "survey.evidence", "survey.assessment", "survey.user")
    one = [AuditEvent.objects.filter(object_type=k).first() for k in kinds]
    with CaptureQueriesContext(connection) as few:
        audit_rows(events=one)
    world.fill(world.other_assessment)
    world.submit(world.other_assessment)
    for _i in range(30):
        audit_record(actor=world.editor, action="login", obj=world.editor)
    every = list(AuditEvent.objects.all())
    assert len(every) > 3 * len(one)
    with CaptureQueriesContext(connection) as many:
        assert len(audit_rows(events=every)) == len(every)
    assert len(many) == len(few)


def test_rows_read_without_a_request(world):
    world.fill()
    rows = audit_rows(events=list(AuditEvent.objects.all()))
    assert all(r.changes for r in rows)


# Filters applied only when they can be read ----------------------------------------


def test_a_filter_that_cannot_be_read_is_left_out_and_said_at_its_field(client, world):
    world.fill()
    world.submit()
    response = search(client, world, action="transition", date_from="31/02/2025")
    assert {r.event.action for r in rows_of(response)} == {"transition"}  # applied
    assert response.context["form"].errors["date_from"]
    assert "Enter a valid date." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"unit": "NO-SUCH"}, "unit", "No unit has this code: not applied."),
        ({"actor": "nobody"}, "actor", "No account has this user name: not applied."),
        (
            {"date_from": "10/03/2025", "date_to": "01/03/2025"},
            "date_to",
            "This date is before the first one: not applied.",
        ),
        ({"action": "shutdown"}, "action", "Select a valid choice."),
    ],
)
def test_each_filter_that_cannot_apply_says_why(client, world, params, field, message):
    world.fill()
    client.force_login(world.coordinator)
    url = reverse("survey:audit_search")
    everything = client.get(url).context["page"].paginator.count
    response = client.get(url, params)
    assert response.context["page"].paginator.count == everything
    assert any(message in e for e in response.context["form"].errors[field])
    assert message in response.content.decode()


def test_the_other_filters_still_apply(client, world):
    world.fill()
    world.fill(world.other_assessment)
    response = search(client, world, unit="S-YT", actor="nobody")
    assert {r.event.assessment_id for r in rows_of(response)} == {
        world.other_assessment.pk
    }


def test_text_no_field_can_hold_matches_nothing(client, world):
    world.fill()
    response = search(client, world, actor="dieu\x00phoi")
    assert not rows_of(response)
    assert str(UNSTORABLE) in response.content.decode()


@pytest.mark.parametrize("who", ["reviewer", "committee", "editor", "approver"])
def test_only_the_coordinator_reads_the_trail(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("survey:audit_search")).status_code == 403
