"""User names are unique regardless of case; logins look them up the same way.

A database that already holds names differing only in case (``DIEUPHOI`` beside
``dieuphoi``) stops here with the list of them: rename or merge those accounts
first (the Django admin, or ``manage.py shell``), then migrate again.
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models.functions import Lower

import survey.models.accounts


class CaseDuplicates(Exception):
    pass


def refuse_case_duplicates(apps, schema_editor):
    User = apps.get_model("survey", "User")
    names: dict[str, list[str]] = {}
    users = User.objects.using(schema_editor.connection.alias)
    for name in users.order_by(Lower("username"), "username").values_list(
        "username", flat=True
    ):
        names.setdefault(name.lower(), []).append(name)
    clashes = [group for group in names.values() if len(group) > 1]
    if clashes:
        listed = "; ".join(", ".join(group) for group in clashes)
        raise CaseDuplicates(
            f"{len(clashes)} user name(s) exist in several cases: {listed}. "
            "Rename or merge these accounts so that no two differ only in case, "
            "then run migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [("survey", "0009_audit_hash_chain")]

    operations = [
        migrations.RunPython(refuse_case_duplicates, migrations.RunPython.noop),
        migrations.AlterModelManagers(
            name="user",
            managers=[("objects", survey.models.accounts.UserManager())],
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"),
                name="survey_user_username_ci_unique",
                violation_error_message=(
                    "A user with this user name already exists (capitals and small "
                    "letters count as the same)."
                ),
            ),
        ),
    ]
