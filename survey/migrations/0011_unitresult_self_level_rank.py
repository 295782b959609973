"""Stored results keep the level and rank the unit's own answers would give.

Rows stored before this migration (a published campaign's frozen results) get an
empty level and no rank; screens show "—" for them until the results are computed
again.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("survey", "0010_username_unique_ignoring_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="unitresult",
            name="self_level",
            field=models.CharField(
                blank=True,
                max_length=40,
                verbose_name="self-assessed maturity level",
            ),
        ),
        migrations.AddField(
            model_name="unitresult",
            name="self_rank",
            field=models.PositiveIntegerField(
                null=True, verbose_name="self-assessed rank"
            ),
        ),
    ]
