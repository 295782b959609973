"""The audit trail is a hash chain: ``verify_audit`` finds the first event that was
changed, removed or rewritten, however it was done."""

import importlib
import threading
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from survey.audit_chain import GENESIS, link_hash
from survey.models import AuditChainHead, AuditEvent, User
from survey.services.audit import audit_event, audit_record

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="INSERT OR REPLACE is SQLite's statement"
)


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _lift_triggers() -> None:
    """What someone with the database's owner rights can do (undone with the
    test's transaction: DDL is transactional on both databases)."""
    if connection.vendor == "sqlite":
        _sql("DROP TRIGGER survey_auditevent_no_update")
        _sql("DROP TRIGGER survey_auditevent_no_delete")
    else:
        _sql("ALTER TABLE survey_auditevent DISABLE TRIGGER USER")


def _verify(*anchors: str) -> str:
    out = []
    call_command("verify_audit", *[f"--anchor={a}" for a in anchors], stdout=_Out(out))
    return "".join(out)


def _broken(*anchors: str) -> str:
    with pytest.raises(CommandError) as caught:
        _verify(*anchors)
    assert caught.value.returncode == 1
    return str(caught.value)


class _Out:
    def __init__(self, parts: list[str]) -> None:
        self.parts = parts

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass


@pytest.fixture
def trail() -> list[AuditEvent]:
    """Five events, written the ways the services write them."""
    user = User.objects.create_user("thamdinh.skhcn")
    with transaction.atomic():
        audit_record(
            actor=user,
            action="transition",
            object_type="survey.assessment",
            object_id="7",
            assessment_id=7,
            before={"state": "ready"},
            after={
                "state": "submitted",
                "note": "Đã rà soát",
                "n": [1, 2.5, 1e20, 2.0],
            },
            reason="Đủ minh chứng",
            ip="10.0.0.5",
        )
        AuditEvent.objects.bulk_create(
            [
                audit_event(
                    actor=user,
                    action="verdict",
                    object_type="survey.answer",
                    object_id=str(n),
                    after={"review_status": "agreed"},
                    ip="2001:db8::1",
                )
                for n in range(3)
            ]  # fmt: skip
        )
    audit_record(actor=None, action="export", object_type="report", object_id="2025")
    return list(AuditEvent.objects.order_by("seq"))


def test_events_are_chained_in_the_order_they_are_appended(trail):
    assert [e.seq for e in trail] == [1, 2, 3, 4, 5]
    assert trail[0].prev_hash == GENESIS
    for before, event in zip(trail, trail[1:], strict=False):
        assert event.prev_hash == before.hash
        assert event.hash == link_hash(before.hash, event)  # as read back
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (5, trail[-1].hash)
    assert _verify() == f"OK: 5 events, head 5:{trail[-1].hash}\n"


def test_an_empty_trail_verifies():
    assert _verify() == f"OK: 0 events, head 0:{GENESIS}\n"


@on_sqlite
def test_insert_or_replace_rewriting_an_event_is_reported(trail):
    """The append-only triggers do not see INSERT OR REPLACE; the chain does."""
    _sql(
        "INSERT OR REPLACE INTO survey_auditevent (id, at, actor_id, action,"
        " object_type, object_id, assessment_id, before, after, reason, ip, seq,"
        " prev_hash, hash) SELECT id, at, actor_id, action, object_type, object_id,"
        " assessment_id, before, after, 'Thiếu minh chứng', ip, seq, prev_hash, hash"
        " FROM survey_auditevent WHERE id = %s",
        [trail[1].pk],
    )
    assert AuditEvent.objects.get(pk=trail[1].pk).reason == "Thiếu minh chứng"

    message = _broken()

    assert f"BROKEN at event 2 (id {trail[1].pk}): content:" in message
    assert "1 event(s) before it are intact" in message


def test_a_value_changed_with_sql_is_reported(trail):
    _lift_triggers()
    _sql(
        "UPDATE survey_auditevent SET after = %s WHERE id = %s",
        ['{"review_status": "disagreed"}', trail[2].pk],
    )
    assert f"event 3 (id {trail[2].pk}): content:" in _broken()


def test_an_address_changed_with_sql_is_reported(trail):
    _lift_triggers()
    _sql(
        "UPDATE survey_auditevent SET ip = %s WHERE id = %s", ["10.9.9.9", trail[0].pk]
    )
    assert f"event 1 (id {trail[0].pk}): content:" in _broken()


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="only SQLite stores an address as free text"
)
def test_an_address_rewritten_as_the_hex_of_its_bytes_is_reported(trail):
    _lift_triggers()
    _sql(
        "UPDATE survey_auditevent SET ip = %s WHERE id = %s", ["0a000005", trail[0].pk]
    )
    assert f"event 1 (id {trail[0].pk}): content:" in _broken()


def test_an_event_rehashed_after_a_change_breaks_the_next_link(trail):
    changed = trail[1]
    changed.reason = "sửa"
    new_hash = link_hash(changed.prev_hash, changed)
    _lift_triggers()
    _sql(
        "UPDATE survey_auditevent SET reason = %s, hash = %s WHERE id = %s",
        ["sửa", new_hash, changed.pk],
    )
    assert f"event 3 (id {trail[2].pk}): link:" in _broken()


def test_a_deleted_event_is_reported(trail):
    _lift_triggers()
    _sql("DELETE FROM survey_auditevent WHERE id = %s", [trail[2].pk])
    message = _broken()
    assert f"event 4 (id {trail[3].pk}): gap: events missing before it" in message
    assert "(sequence 3)" in message


def test_events_deleted_from_the_end_are_reported(trail):
    _lift_triggers()
    _sql("DELETE FROM survey_auditevent WHERE seq > 3")
    message = _broken()
    assert "BROKEN at event 5: tail: the head names event 5, the trail ends at 3" in (
        message
    )
    assert "2 event(s) missing at the end" in message


def test_a_rewritten_chain_shows_against_a_head_recorded_earlier(trail):
    """Whoever knows the method can rehash the chain from a change on, and its
    head; a head written down outside the database still shows it."""
    recorded = f"{trail[-1].seq}:{trail[-1].hash}"
    _lift_triggers()
    prev = trail[0].hash
    for event in trail[1:]:
        event.reason = "viết lại"
        event.prev_hash, event.hash = prev, link_hash(prev, event)
        prev = event.hash
        _sql(
            "UPDATE survey_auditevent SET reason = %s, prev_hash = %s, hash = %s"
            " WHERE id = %s",
            [event.reason, event.prev_hash, event.hash, event.pk],
        )
    AuditChainHead.objects.filter(pk=1).update(hash=prev)

    assert _verify().startswith("OK: 5 events")
    message = _broken(recorded)
    assert f"event 5 (id {trail[-1].pk}): anchor:" in message


def test_an_anchor_past_the_end_is_reported(trail):
    message = _broken(f"9:{'a' * 64}")
    assert "event 9, recorded earlier, is missing" in message


def test_a_malformed_anchor_is_refused(trail):
    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        _verify("5:abc")


def test_the_migration_chains_the_events_written_before_it():
    """Events written before the chain existed get numbers and hashes in id order."""
    migration = importlib.import_module("survey.migrations.0009_audit_hash_chain")
    _lift_triggers()
    for n in range(4):
        _sql(
            "INSERT INTO survey_auditevent (at, action, object_type, object_id, reason,"
            " after, seq, prev_hash, hash) VALUES (%s, %s, 'report', %s, '', %s, %s,"
            " '', '')",
            [f"2025-03-0{n + 1} 08:00:00", "export", str(n), '{"b": 1, "a": 2}',
             100 - n],
        )  # fmt: skip
    AuditChainHead.objects.all().delete()

    migration.chain_existing_events(apps, SimpleNamespace(connection=connection))

    events = list(AuditEvent.objects.order_by("id"))
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert _verify().startswith("OK: 4 events, head 4:")


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    """Requests appending at once never share a predecessor."""
    threads, per_thread, errors = 4, 8, []
    start = threading.Barrier(threads)

    def append(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(
                        actor=None, action="export", object_type="report",
                        object_id=f"{n}-{i}",
                    )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, threads * per_thread + 1))
    assert _verify().startswith(f"OK: {threads * per_thread} events")
