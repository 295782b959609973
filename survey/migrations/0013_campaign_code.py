from django.db import migrations, models


def codes_fill(apps, schema_editor):
    Campaign = apps.get_model("survey", "Campaign")
    taken = set()
    for campaign in Campaign.objects.order_by("year", "id"):
        code, n = str(campaign.year), 1
        while code in taken:
            n += 1
            code = f"{campaign.year}-{n}"
        taken.add(code)
        campaign.code = code
        campaign.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("survey", "0012_api_tokens_feeds_plans_effort")]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="code",
            field=models.SlugField(
                db_index=False,
                default="",
                editable=False,
                max_length=40,
                verbose_name="code",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(codes_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="campaign",
            name="code",
            field=models.SlugField(
                editable=False, max_length=40, unique=True, verbose_name="code"
            ),
        ),
    ]
