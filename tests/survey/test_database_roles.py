"""The application's PostgreSQL role (``docs/database-roles.md``): it does what the
site does, and cannot rewrite, empty or unprotect the audit trail."""

import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from survey.models import AuditEvent, Unit, User
from survey.selectors.audit_chain import audit_chain_check

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="database roles and grants are PostgreSQL's (SQLite has none)",
)

APP = "app_role"  # the connection alias of the application's role
INSUFFICIENT_PRIVILEGE = "42501"


@pytest.fixture
def app_role(django_db_blocker):
    """A login role, unique to this run, granted by ``grant_app_role``, with a
    second connection that uses it; dropped afterwards."""
    role = f"dti_app_test_{uuid.uuid4().hex[:10]}"
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                " NOREPLICATION NOBYPASSRLS"
            )
        try:
            call_command("grant_app_role", role, stdout=_Null())
            connections.settings[APP] = {**connections.settings["default"]}
            connections.settings[APP]["USER"] = role
            connections.settings[APP]["PASSWORD"] = ""
            yield role
        finally:
            if APP in connections.settings:
                connections[APP].close()
                del connections[APP]
                del connections.settings[APP]
            with connection.cursor() as cursor:
                # A role that is not a superuser drops what belongs to the
                # roles it is a member of only.
                cursor.execute(f"GRANT {role} TO CURRENT_USER")
                cursor.execute(f"DROP OWNED BY {role}")
                cursor.execute(f"DROP ROLE {role}")


class _Null:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def _refused(statement: str) -> DatabaseError:
    """Run ``statement`` as the application's role; it must be refused for lack
    of privilege (not by a trigger or a constraint)."""
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(using=APP),
        connections[APP].cursor() as cursor,
    ):
        cursor.execute(statement)
    assert caught.value.__cause__.sqlstate == INSUFFICIENT_PRIVILEGE, caught.value
    return caught.value


@pytest.mark.django_db(transaction=True)
def test_the_app_role_runs_the_site_but_cannot_touch_the_trail(app_role):
    with connections[APP].cursor() as cursor:
        cursor.execute(
            "SELECT current_user, usesuper FROM pg_user WHERE usename = current_user"
        )
        assert cursor.fetchone() == (app_role, False)

    # What the site does: rows written, changed and deleted; events appended.
    unit = Unit.objects.using(APP).create(code="S-TEST", name_vi="Sở thử")
    Unit.objects.using(APP).filter(pk=unit.pk).update(name_vi="Sở thử nghiệm")
    user = User.objects.db_manager(APP).create_user("dieuphoi.thu")
    with transaction.atomic(using=APP):
        for n in range(3):
            AuditEvent.objects.using(APP).create(
                actor=user, action="account", object_type="survey.user",
                object_id=str(user.pk), after={"n": n},
            )  # fmt: skip
    Unit.objects.using(APP).filter(pk=unit.pk).delete()
    assert AuditEvent.objects.using(APP).count() == 3
    assert audit_chain_check().ok

    # What it cannot do.
    _refused("UPDATE survey_auditevent SET reason = 'sửa'")
    _refused("DELETE FROM survey_auditevent")
    _refused("TRUNCATE survey_auditevent")
    _refused("TRUNCATE survey_unit CASCADE")
    _refused("ALTER TABLE survey_auditevent DISABLE TRIGGER ALL")
    _refused("DROP TRIGGER survey_auditevent_append_only ON survey_auditevent")
    _refused("SET session_replication_role = replica")
    _refused("CREATE TABLE survey_extra (id int)")
    _refused("ALTER TABLE survey_unit ADD COLUMN extra int")
    _refused("DELETE FROM survey_auditchainhead")
    _refused("DELETE FROM django_migrations")
    assert AuditEvent.objects.count() == 3
    assert audit_chain_check().ok


@pytest.mark.django_db(transaction=True)
def test_grants_can_be_run_again_and_take_back_what_was_given_by_hand(app_role):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT ALL ON survey_auditevent TO {app_role}")
    call_command("grant_app_role", app_role, stdout=_Null())
    _refused("DELETE FROM survey_auditevent")
    _refused("TRUNCATE survey_auditevent")


@pytest.mark.django_db
def test_grant_app_role_prints_the_statements():
    lines = []

    class Out(_Null):
        def write(self, text: str) -> None:
            lines.append(text)

    call_command("grant_app_role", "postgres", "--print", stdout=Out())
    printed = "".join(lines)
    assert 'GRANT SELECT, INSERT ON "public"."survey_auditevent" TO "postgres";' in (
        printed
    )
    assert 'GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."survey_unit"' in printed
    assert "TRUNCATE" not in printed


@pytest.mark.django_db
def test_grant_app_role_needs_an_existing_role():
    with pytest.raises(CommandError, match="No role"):
        call_command("grant_app_role", f"dti_missing_{uuid.uuid4().hex[:8]}")
