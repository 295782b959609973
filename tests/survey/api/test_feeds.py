"""The feed of province-supplied values (POST /api/feeds/values): checked as the
questionnaire checks values, all or nothing with every bad row listed, idempotent
by the caller's key, within the token's account's scope, each value recording
where it came from."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone, translation
from worlds import VERIFICATION, build_world

from survey.models import (
    Answer,
    ApiToken,
    Assessment,
    AuditEvent,
    Campaign,
    FeedBatch,
)
from survey.numbers import EN
from survey.services.api_tokens import api_token_create, api_token_revoke
from survey.services.feeds import FeedBatchIn, feed_batch_receive, feed_digest
from survey.services.supply import SupplyRow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]
URL = "/api/feeds/values"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


def token_of(user) -> str:
    return api_token_create(actor=user, owner=user, name="dvc", days=30)[1]


def post(client, text, body, **extra):
    return client.post(
        URL,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {text}", "Accept-Language": "en"},
        **extra,
    )


def batch(key="k-1", values=None, **extra):
    body = {
        "campaign": "2025",
        "source": "Cổng DVC tỉnh",
        "key": key,
        "values": values
        if values is not None
        else [
            {"indicator": "1.1", "unit": "S-TC", "value": True},
            {"indicator": "1.2", "unit": "S-TC", "value": 3, "denominator": "4"},
            {"indicator": "2.2", "unit": "S-YT", "value": "2"},
        ],
    }
    return {**body, **extra}


def test_an_accepted_batch_stores_every_value_with_its_source(client, world):
    text = token_of(world.coordinator)
    response = post(client, text, batch())
    assert response.status_code == 200, response.content
    assert response.json() == {
        "key": "k-1",
        "status": "accepted",
        "saved": 3,
        "unchanged": 0,
        "skipped": [],
        "reopened": 0,
        "replayed": False,
    }
    token = ApiToken.objects.get()
    answer = world.answer("1.2")
    assert (answer.number, answer.denominator) == (Decimal(3), Decimal(4))
    assert answer.supplied_by_province and answer.supply_source == "Cổng DVC tỉnh"
    assert answer.supplied_token == token and answer.supplied_at is not None
    assert world.answer("1.1").yes is True
    assert world.answer("2.2", world.other_assessment).number == 2
    events = AuditEvent.objects.filter(action=AuditEvent.Action.ANSWER_CHANGE)
    assert events.count() == 3
    assert all("Cổng DVC tỉnh" in e.reason for e in events)
    stored = FeedBatch.objects.get()
    assert (stored.status, stored.saved, stored.token) == ("accepted", 3, token)


def test_the_same_key_and_body_replays_the_reply_and_writes_nothing(client, world):
    text = token_of(world.coordinator)
    first = post(client, text, batch()).json()
    events = AuditEvent.objects.count()
    again = post(client, text, batch())
    assert again.status_code == 200
    assert again.json() == {**first, "replayed": True}
    assert AuditEvent.objects.count() == events
    assert FeedBatch.objects.count() == 1


def test_the_same_key_with_another_body_is_a_conflict(client, world):
    text = token_of(world.coordinator)
    post(client, text, batch())
    changed = batch(values=[{"indicator": "2.2", "unit": "S-YT", "value": "3"}])
    response = post(client, text, changed)
    assert response.status_code == 409
    assert response.json()["status"] == "conflict"
    assert "new key" in response.json()["message"]
    assert world.answer("2.2", world.other_assessment).number == 2


def test_a_sent_again_unchanged_batch_under_a_new_key_counts_unchanged(client, world):
    text = token_of(world.coordinator)
    post(client, text, batch())
    reply = post(client, text, batch(key="k-2")).json()
    assert (reply["saved"], reply["unchanged"]) == (0, 3)


def test_every_bad_row_is_listed_and_nothing_is_written(client, world):
    text = token_of(world.coordinator)
    values = [
        {"indicator": "2.2", "unit": "S-TC", "value": "2"},
        {"indicator": "2.2", "unit": "S-YT", "value": "2.5"},
        {"indicator": "9.9", "unit": "S-TC", "value": "1"},
        {"indicator": "1.1", "unit": "X-NONE", "value": True},
        {"indicator": "1.1", "unit": "S-TC", "value": "maybe"},
        {"indicator": "1.2", "unit": "S-TC", "value": "5", "denominator": "4"},
        {"indicator": "2.2", "unit": "S-TC", "value": "3"},
    ]
    response = post(client, text, batch(values=values))
    assert response.status_code == 422
    reply = response.json()
    assert reply["status"] == "refused" and reply["key"] == "k-1"
    assert [(e["row"], e["indicator"], e["unit"]) for e in reply["errors"]] == [
        (1, "2.2", "S-YT"),
        (2, "9.9", "S-TC"),
        (3, "1.1", "X-NONE"),
        (4, "1.1", "S-TC"),
        (5, "1.2", "S-TC"),
        (6, "2.2", "S-TC"),
    ]
    reasons = [e["reason"] for e in reply["errors"]]
    assert reasons[0] == "Enter a whole number."
    assert "no indicator" in reasons[1]
    assert "no assessment" in reasons[2]
    assert reasons[3] == "Write yes or no."
    assert "larger than the denominator" in reasons[4]
    assert "given twice" in reasons[5]
    assert not Answer.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ANSWER_CHANGE)
    assert FeedBatch.objects.get().status == "refused"


def test_a_refused_batch_does_not_hold_its_key(client, world):
    text = token_of(world.coordinator)
    bad = batch(values=[{"indicator": "2.2", "unit": "S-TC", "value": "x"}])
    assert post(client, text, bad).status_code == 422
    good = batch(values=[{"indicator": "2.2", "unit": "S-TC", "value": "3"}])
    response = post(client, text, good)
    assert response.status_code == 200
    assert response.json()["saved"] == 1
    assert FeedBatch.objects.get().status == "accepted"


@pytest.mark.parametrize(
    ("number_format", "text", "stored"),
    [
        ("vi", "1,5", Decimal("1.5")),
        ("en", "1.5", Decimal("1.5")),
        # Under a stated format a number has one reading: 1.500 is one and a half.
        ("en", "1.500", Decimal("1.5")),
        ("vi", "12,25", Decimal("12.25")),
        ("en", 12.25, Decimal("12.25")),
    ],
)
def test_numbers_are_read_in_the_format_stated(
    client, world, number_format, text, stored
):
    body = batch(
        values=[{"indicator": "1.3", "unit": "S-TC", "value": text}],
        number_format=number_format,
    )
    response = post(client, token_of(world.coordinator), body)
    assert response.status_code == 200, response.content
    assert world.answer("1.3").number == stored


@pytest.mark.parametrize(("number_format", "text"), [("en", "1,5"), ("vi", "1.5")])
def test_a_number_in_the_other_format_is_refused(client, world, number_format, text):
    body = batch(
        values=[{"indicator": "1.3", "unit": "S-TC", "value": text}],
        number_format=number_format,
    )
    response = post(client, token_of(world.coordinator), body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["reason"].startswith("Enter a number as")


def test_the_default_format_is_english(client, world):
    body = batch(values=[{"indicator": "1.3", "unit": "S-TC", "value": "1,5"}])
    assert post(client, token_of(world.coordinator), body).status_code == 422


# Who may send ------------------------------------------------------------------


def test_a_reviewer_sends_values_for_the_units_they_review(client, world):
    text = token_of(world.reviewer)
    mine = batch(values=[{"indicator": "2.2", "unit": "S-TC", "value": "2"}])
    assert post(client, text, mine).status_code == 200
    theirs = batch(
        key="k-2", values=[{"indicator": "2.2", "unit": "S-YT", "value": "2"}]
    )
    response = post(client, text, theirs)
    assert response.status_code == 422
    assert response.json()["errors"][0]["reason"] == "This unit is outside your scope."


def test_a_reviewer_scoped_to_a_pillar_sends_only_its_indicators(client, world):
    text = token_of(world.police)
    assert post(client, text, batch(values=[_row("2.2", "S-TC")])).status_code == 200
    response = post(client, text, batch(key="k-2", values=[_row("1.3", "S-TC")]))
    assert response.status_code == 422
    assert not Answer.objects.filter(node=world.nodes["1.3"]).exists()


def _row(code, unit, value="2"):
    return {"indicator": code, "unit": unit, "value": value}


@pytest.mark.parametrize("role", ["editor", "committee", "approver"])
def test_units_and_the_committee_may_not_send(client, world, role):
    response = post(client, token_of(getattr(world, role)), batch())
    assert response.status_code == 403
    assert "may not supply" in response.json()["detail"]
    assert not Answer.objects.exists() and not FeedBatch.objects.exists()


def test_expired_and_revoked_tokens_are_refused(client, world):
    token, text = api_token_create(
        actor=world.coordinator, owner=world.coordinator, name="a", days=1
    )
    api_token_revoke(actor=world.coordinator, token=token)
    assert post(client, text, batch()).status_code == 401
    token, text = api_token_create(
        actor=world.coordinator, owner=world.coordinator, name="b", days=1
    )
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert post(client, text, batch()).status_code == 401
    assert client.post(URL, batch(), content_type="application/json").status_code == 401
    assert not Answer.objects.exists()


# Campaigns and assessments -------------------------------------------------------


@pytest.mark.parametrize("state", [Campaign.State.DRAFT, Campaign.State.PUBLISHED])
def test_a_campaign_that_does_not_run_takes_no_values(client, world, state):
    Campaign.objects.filter(pk=world.campaign.pk).update(state=state)
    response = post(client, token_of(world.coordinator), batch())
    assert response.status_code == 422
    assert "while the campaign runs" in response.json()["message"]
    assert not Answer.objects.exists()


def test_an_unknown_campaign_is_not_found(client, world):
    response = post(client, token_of(world.coordinator), batch(campaign="1999"))
    assert response.status_code == 404
    assert response.json()["detail"] == "There is no campaign with this code."


def test_a_verified_assessment_is_skipped_with_a_reason(client, world):
    Assessment.objects.filter(pk=world.assessment.pk).update(
        state=Assessment.State.VERIFIED
    )
    reply = post(client, token_of(world.coordinator), batch()).json()
    assert reply["saved"] == 1
    assert [(s["row"], s["unit"]) for s in reply["skipped"]] == [
        (0, "S-TC"),
        (1, "S-TC"),
    ]
    assert "already verified" in reply["skipped"][0]["reason"]


def test_a_bad_value_of_a_verified_assessment_refuses_the_batch(client, world):
    Assessment.objects.filter(pk=world.assessment.pk).update(
        state=Assessment.State.VERIFIED
    )
    values = [
        {"indicator": "2.2", "unit": "S-YT", "value": "4"},
        {"indicator": "2.2", "unit": "S-TC", "value": "x"},
        {"indicator": "1.1", "unit": "S-TC", "value": True},
    ]
    response = post(client, token_of(world.coordinator), batch(values=values))
    assert response.status_code == 422
    reply = response.json()
    assert reply["status"] == "refused"
    assert [(e["row"], e["unit"], e["reason"]) for e in reply["errors"]] == [
        (1, "S-TC", "Enter a number.")
    ]
    assert not Answer.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ANSWER_CHANGE)
    assert FeedBatch.objects.get().status == "refused"


def test_more_than_5000_values_are_refused(client, world):
    values = [_row("2.2", "S-TC")] * 5001
    response = post(client, token_of(world.coordinator), batch(values=values))
    assert response.status_code == 422
    assert "at most 5000 values" in response.json()["message"]
    assert not Answer.objects.exists() and not FeedBatch.objects.exists()


# Two requests at once ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_the_same_key_at_once_write_once():
    world = build_world(shape=VERIFICATION)
    body = batch(values=[_row("2.2", "S-TC", "3")])
    rows = [SupplyRow(key=0, unit="S-TC", code="2.2", raw={"value": "3"})]
    start, outcomes, errors = threading.Barrier(2), [], []

    def receive() -> None:
        try:
            start.wait()
            outcomes.append(
                feed_batch_receive(
                    user=world.coordinator,
                    batch=FeedBatchIn(
                        campaign=world.campaign,
                        source="Cổng DVC tỉnh",
                        key="same",
                        digest=feed_digest(body),
                        rows=rows,
                        number_format=EN,
                    ),
                ).kind
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=receive) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert sorted(outcomes) == ["accepted", "replayed"]
    assert FeedBatch.objects.count() == 1
    changes = AuditEvent.objects.filter(action=AuditEvent.Action.ANSWER_CHANGE)
    assert changes.count() == 1
