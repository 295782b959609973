"""The audit table refuses UPDATE and DELETE in the database itself."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE TRIGGER survey_auditevent_no_update BEFORE UPDATE ON survey_auditevent
       BEGIN SELECT RAISE(ABORT, 'survey_auditevent is append-only'); END""",
    """CREATE TRIGGER survey_auditevent_no_delete BEFORE DELETE ON survey_auditevent
       BEGIN SELECT RAISE(ABORT, 'survey_auditevent is append-only'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS survey_auditevent_no_update",
    "DROP TRIGGER IF EXISTS survey_auditevent_no_delete",
]
POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION survey_auditevent_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'survey_auditevent is append-only'; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER survey_auditevent_append_only
       BEFORE UPDATE OR DELETE ON survey_auditevent
       FOR EACH ROW EXECUTE FUNCTION survey_auditevent_refuse()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS survey_auditevent_append_only ON survey_auditevent",
    "DROP FUNCTION IF EXISTS survey_auditevent_refuse()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("survey", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
