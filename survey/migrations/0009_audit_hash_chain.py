"""Each audit event carries a hash chained to the one before it; the existing
events are chained in the order they were written (by id).

The append-only triggers of 0002 are dropped while the columns are added and
filled, and put back at the end (SQLite rebuilds the table, losing them).
"""

from django.db import migrations, models

from survey.audit_chain import GENESIS, link_hash

TRIGGERS = {
    "sqlite": [
        """CREATE TRIGGER survey_auditevent_no_update BEFORE UPDATE ON survey_auditevent
           BEGIN SELECT RAISE(ABORT, 'survey_auditevent is append-only'); END""",
        """CREATE TRIGGER survey_auditevent_no_delete BEFORE DELETE ON survey_auditevent
           BEGIN SELECT RAISE(ABORT, 'survey_auditevent is append-only'); END""",
    ],
    "postgresql": [
        """CREATE TRIGGER survey_auditevent_append_only
           BEFORE UPDATE OR DELETE ON survey_auditevent
           FOR EACH ROW EXECUTE FUNCTION survey_auditevent_refuse()""",
    ],
}
NO_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS survey_auditevent_no_update",
        "DROP TRIGGER IF EXISTS survey_auditevent_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS survey_auditevent_append_only ON survey_auditevent",
    ],
}
BATCH = 2000


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def chain_existing_events(apps, schema_editor):
    db = schema_editor.connection.alias
    AuditEvent = apps.get_model("survey", "AuditEvent")
    AuditChainHead = apps.get_model("survey", "AuditChainHead")
    seq, prev, batch = 0, GENESIS, []
    for event in AuditEvent.objects.using(db).order_by("id").iterator(BATCH):
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = link_hash(prev, event)
        batch.append(event)
        if len(batch) == BATCH:
            AuditEvent.objects.using(db).bulk_update(
                batch, ["seq", "prev_hash", "hash"]
            )
            batch = []
    AuditEvent.objects.using(db).bulk_update(batch, ["seq", "prev_hash", "hash"])
    AuditChainHead.objects.using(db).create(pk=1, seq=seq, hash=prev)


class Migration(migrations.Migration):
    dependencies = [("survey", "0008_security_settings_throttle")]

    operations = [
        migrations.RunPython(_run(NO_TRIGGERS), _run(TRIGGERS)),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "seq",
                    models.PositiveBigIntegerField(
                        default=0, verbose_name="last sequence number"
                    ),
                ),
                (
                    "hash",
                    models.CharField(
                        default=GENESIS, max_length=64, verbose_name="last hash"
                    ),
                ),
            ],
            options={
                "verbose_name": "audit chain head",
                "verbose_name_plural": "audit chain head",
            },
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(
                null=True, verbose_name="sequence number"
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                default="", max_length=64, verbose_name="previous hash"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(
                db_index=True, editable=False, verbose_name="at"
            ),
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(
                unique=True, verbose_name="sequence number"
            ),
        ),
        migrations.RunPython(_run(TRIGGERS), _run(NO_TRIGGERS)),
    ]
