"""Provinces: what belongs to one now must name it; a campaign's code and a
feed source's name are unique within their province."""

import django.db.models.deletion
from django.db import migrations, models

import survey.models.provinces


class Migration(migrations.Migration):
    dependencies = [("survey", "0015_provinces_fill")]

    operations = [
        migrations.AlterField(
            model_name="campaign",
            name="province",
            field=models.ForeignKey(
                default=survey.models.provinces.default_province,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="campaigns",
                to="survey.province",
                verbose_name="province",
            ),
        ),
        migrations.AlterField(
            model_name="feedsource",
            name="province",
            field=models.ForeignKey(
                default=survey.models.provinces.default_province,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="feed_sources",
                to="survey.province",
                verbose_name="province",
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="province",
            field=models.ForeignKey(
                default=survey.models.provinces.default_province,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="units",
                to="survey.province",
                verbose_name="province",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="province",
            field=models.ForeignKey(
                blank=True,
                default=survey.models.provinces.default_province,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="survey.province",
                verbose_name="province",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.UniqueConstraint(
                fields=("province", "code"), name="survey_campaign_code_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="feedsource",
            constraint=models.UniqueConstraint(
                fields=("province", "name"), name="survey_feedsource_name_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("province__isnull", False),
                        ("role__in", ["coordinator", "committee"]),
                        ("unit__isnull", True),
                    ),
                    models.Q(
                        ("province__isnull", False),
                        ("role__in", ["editor", "approver", "reviewer"]),
                        ("unit__isnull", False),
                    ),
                    models.Q(
                        ("province__isnull", True),
                        ("role", "national"),
                        ("unit__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="survey_membership_scope",
            ),
        ),
    ]
