"""The audit trail: append-only in the database itself, and logins recorded."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, IntegrityError
from django.forms.models import model_to_dict

from survey.models import AuditEvent, User
from survey.services.audit import audit_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]

PASSWORD = "Mat-khau-2025!"  # noqa: S105


@pytest.fixture
def user():
    return User.objects.create_user("bientap.skhcn", password=PASSWORD)


@pytest.fixture
def event(user):
    return audit_record(
        actor=user,
        action="transition",
        object_type="survey.assessment",
        object_id="7",
        assessment_id=7,
        before={"state": "ready"},
        after={"state": "submitted", "action": "submit"},
        reason="Đã rà soát đủ minh chứng",
        ip="10.0.0.5",
    )


def stored(event) -> dict:
    fresh = AuditEvent.objects.get(pk=event.pk)
    return model_to_dict(fresh) | {"at": fresh.at}


def _orm_update(event):
    AuditEvent.objects.filter(pk=event.pk).update(reason="sửa lại")


def _orm_delete(event):
    AuditEvent.objects.filter(pk=event.pk).delete()


def _instance_save(event):
    event.reason = "sửa lại"
    event.after = {"state": "draft"}
    event.save()


def _instance_delete(event):
    event.delete()


def _bulk_update(event):
    event.reason = "sửa lại"
    AuditEvent.objects.bulk_update([event], ["reason"])


def _sql_update(event):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE survey_auditevent SET reason = %s WHERE id = %s", ["sửa", event.pk]
        )


def _sql_delete(event):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM survey_auditevent WHERE id = %s", [event.pk])


def _sql_delete_all(event):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM survey_auditevent")


@pytest.mark.parametrize(
    "change",
    [
        _orm_update,
        _orm_delete,
        _instance_save,
        _instance_delete,
        _bulk_update,
        _sql_update,
        _sql_delete,
        _sql_delete_all,
    ],
    ids=lambda change: change.__name__.lstrip("_"),
)
def test_the_database_refuses_to_change_an_event(event, change):
    before = stored(event)

    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        change(event)

    assert "append-only" in str(caught.value)
    assert type(caught.value).__module__ == "django.db.utils"  # wrapped by Django
    assert stored(event) == before
    assert AuditEvent.objects.count() == 1


def test_events_can_be_appended(event, user):
    audit_record(actor=None, action="export", object_type="report", object_id="2025")
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(action="download", object_type="evidence", object_id=str(n))
            for n in range(3)
        ]  # fmt: skip
    )
    AuditEvent.objects.create(action="import", object_type="framework", object_id="1")
    assert AuditEvent.objects.count() == 6
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "download", "download", "download", "export", "import", "transition",
    ]  # fmt: skip
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [
        1, 2, 3, 4, 5, 6,
    ]  # fmt: skip


def test_an_event_written_past_the_chain_is_refused(event):
    """SQL that leaves out the sequence number and hashes cannot append."""
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO survey_auditevent"
            " (at, action, object_type, object_id, reason, prev_hash, hash)"
            " VALUES (%s, %s, %s, %s, %s, '', '')",
            [event.at, "import", "framework", "1", ""],
        )
    assert AuditEvent.objects.count() == 1


def test_audit_record_takes_type_and_id_from_the_object(user):
    event = audit_record(actor=user, action="framework", obj=user)
    assert (event.object_type, event.object_id) == ("survey.user", str(user.pk))
    assert event.actor == user


def test_logging_in_records_a_login_event(client, user):
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert event.action == AuditEvent.Action.LOGIN
    assert event.actor == user
    assert (event.object_type, event.object_id) == ("survey.user", str(user.pk))
    assert event.ip == "127.0.0.1"


@pytest.mark.parametrize("username", ["bientap.skhcn", "khong.ton.tai"])
def test_a_failed_login_records_login_failed(client, user, username):
    response = client.post("/login/", {"username": username, "password": "sai"})

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert event.action == AuditEvent.Action.LOGIN_FAILED
    assert event.actor is None
    assert (event.object_type, event.object_id) == ("user", username)
    assert event.ip == "127.0.0.1"
    assert "sai" not in repr(model_to_dict(event))
