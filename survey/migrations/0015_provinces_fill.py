"""Provinces: the rows of an existing installation join one province, made from
``DTI_PROVINCE_NAME`` (and ``DTI_PROVINCE_CODE``), that owns its units,
campaigns, frameworks, feed sources, memberships and audit trail.

The audit trail's append-only triggers are dropped while its events are told
their province, and put back at the end, as in 0009.
"""

from django.conf import settings
from django.db import migrations
from django.utils.text import slugify

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


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def one_province(apps, schema_editor):
    """Every existing row joins the installation's province."""
    Province = apps.get_model("survey", "Province")
    name = settings.DTI_PROVINCE_NAME
    code = (slugify(settings.DTI_PROVINCE_CODE or name) or "tinh")[:40]
    province = Province.objects.order_by("pk").first()
    if province is None:
        province = Province.objects.create(code=code, name_vi=name)
    for model in ("Unit", "Campaign", "FeedSource", "Framework"):
        apps.get_model("survey", model).objects.update(province=province)
    apps.get_model("survey", "Membership").objects.exclude(role="national").update(
        province=province
    )
    apps.get_model("survey", "AuditEvent").objects.update(province_id=province.pk)


class Migration(migrations.Migration):
    dependencies = [("survey", "0014_provinces")]

    operations = [
        migrations.RunPython(_run(NO_TRIGGERS), _run(TRIGGERS)),
        migrations.RunPython(one_province, migrations.RunPython.noop),
        migrations.RunPython(_run(TRIGGERS), _run(NO_TRIGGERS)),
    ]
