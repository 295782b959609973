"""Grants for the application's PostgreSQL role (``docs/database-roles.md``)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

# Tables the application may only read and append to: the audit trail.
APPEND_ONLY = frozenset({"survey_auditevent"})
# The chain's head: read, created once, moved forward at each append.
NO_DELETE = frozenset({"survey_auditchainhead"})
# Written by migrations only.
READ_ONLY = frozenset({"django_migrations"})


def app_role_grants(
    *, role: str, schema: str, tables: list[str], sequences: list[str], quote
) -> list[str]:
    """The statements that leave ``role`` with what the site needs and no more:
    no TRUNCATE, no DDL, no ownership; SELECT and INSERT only on the audit trail."""
    r, s = quote(role), quote(schema)
    statements = [
        # Run before any grant, so that what an earlier run granted goes too.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
        f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC",
        f"REVOKE CREATE ON SCHEMA {s} FROM {r}",
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
    ]
    for table in sorted(tables):
        if table in APPEND_ONLY:
            rights = "SELECT, INSERT"
        elif table in NO_DELETE:
            rights = "SELECT, INSERT, UPDATE"
        elif table in READ_ONLY:
            rights = "SELECT"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f"GRANT {rights} ON {s}.{quote(table)} TO {r}")
    statements += [
        f"GRANT USAGE, SELECT ON SEQUENCE {s}.{quote(seq)} TO {r}"
        for seq in sorted(sequences)
    ]
    return statements


class Command(BaseCommand):
    help = (
        "Grant the application's PostgreSQL role what the site needs on every table "
        "of the schema, and nothing else (no TRUNCATE, no DDL; only SELECT and "
        "INSERT on the audit trail). Run it as the owner role after each migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="The role the site connects as, e.g. dti_app")
        parser.add_argument(
            "--print",
            action="store_true",
            dest="only_print",
            help="Print the statements instead of running them.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role: str, only_print: bool, database: str, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's; this is SQLite.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"No role {role} (create it first: roles.sql)")
            cursor.execute("SELECT current_schema()")
            [schema] = cursor.fetchone()
            cursor.execute(
                "SELECT c.relname, c.relkind FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'S')",
                [schema],
            )
            found = cursor.fetchall()
        statements = app_role_grants(
            role=role,
            schema=schema,
            tables=[name for name, kind in found if kind != "S"],
            sequences=[name for name, kind in found if kind == "S"],
            quote=connection.ops.quote_name,
        )
        if only_print:
            self.stdout.write(";\n".join(statements) + ";")
            return
        with transaction.atomic(using=database), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"Granted {role} its rights on {len(found)} tables and sequences of "
            f"schema {schema}."
        )
