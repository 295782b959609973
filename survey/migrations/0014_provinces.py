"""Provinces: the model, and a province column on what belongs to one (filled
in 0015, required in 0016: PostgreSQL refuses to alter a table in the
transaction that updated its rows)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("survey", "0013_campaign_code"),
    ]

    operations = [
        migrations.CreateModel(
            name="Province",
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
                    "code",
                    models.SlugField(max_length=40, unique=True, verbose_name="code"),
                ),
                (
                    "name_vi",
                    models.CharField(max_length=255, verbose_name="name (Vietnamese)"),
                ),
                (
                    "name_en",
                    models.CharField(
                        blank=True, max_length=255, verbose_name="name (English)"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="created at"),
                ),
            ],
            options={
                "verbose_name": "province",
                "verbose_name_plural": "provinces",
                "ordering": ["name_vi"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="membership",
            name="survey_membership_scope",
        ),
        migrations.AddField(
            model_name="auditevent",
            name="province_id",
            field=models.BigIntegerField(
                blank=True, db_index=True, null=True, verbose_name="province"
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="code",
            field=models.SlugField(editable=False, max_length=40, verbose_name="code"),
        ),
        migrations.AlterField(
            model_name="feedsource",
            name="name",
            field=models.CharField(max_length=120, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[
                    ("editor", "Unit editor"),
                    ("approver", "Unit approver"),
                    ("reviewer", "Reviewer"),
                    ("coordinator", "Coordinator"),
                    ("committee", "Committee viewer"),
                    ("national", "National coordinator"),
                ],
                max_length=12,
                verbose_name="role",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="province",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="campaigns",
                to="survey.province",
                verbose_name="province",
            ),
        ),
        migrations.AddField(
            model_name="feedsource",
            name="province",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="feed_sources",
                to="survey.province",
                verbose_name="province",
            ),
        ),
        migrations.AddField(
            model_name="framework",
            name="province",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for a national framework.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="frameworks",
                to="survey.province",
                verbose_name="province",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="province",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="survey.province",
                verbose_name="province",
            ),
        ),
        migrations.AddField(
            model_name="unit",
            name="province",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="units",
                to="survey.province",
                verbose_name="province",
            ),
        ),
    ]
