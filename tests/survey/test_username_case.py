"""User names are unique regardless of case: ``dieuphoi`` and ``DIEUPHOI`` are one
name, for the database, for logging in, for throttling, and for every form."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.admin.sites import site
from django.db import IntegrityError, connection, transaction
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import translation

from survey.models import User
from survey.services.accounts import AccountsInvalid, read_accounts_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]
PASSWORD = "Mat-khau-dieu-phoi-2025!"  # noqa: S105


@pytest.fixture
def dieuphoi():
    return User.objects.create_user("dieuphoi", password=PASSWORD)


def test_the_database_refuses_a_name_differing_only_in_case(dieuphoi):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("DIEUPHOI")
    User.objects.create_user("dieuphoi2")  # a different name is fine
    assert sorted(User.objects.values_list("username", flat=True)) == [
        "dieuphoi",
        "dieuphoi2",
    ]


@pytest.mark.parametrize("typed", ["DieuPhoi", "DIEUPHOI", "dieuphoi"])
def test_logging_in_ignores_case(client, dieuphoi, typed):
    response = client.post(reverse("login"), {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(dieuphoi.pk)


def test_logging_in_still_needs_the_password_and_an_existing_name(client, dieuphoi):
    for username, password in (("DieuPhoi", "sai"), ("dieuphoi.x", PASSWORD)):
        response = client.post(
            reverse("login"), {"username": username, "password": password}
        )
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session


def test_failures_typed_in_any_case_count_against_one_name(client, dieuphoi, settings):
    """Changing the case of the name does not buy more guesses."""
    assert settings.AXES_FAILURE_LIMIT == 5
    for typed in ("dieuphoi", "DieuPhoi", "DIEUPHOI", "dieuPhoi"):
        response = client.post(reverse("login"), {"username": typed, "password": "x"})
        assert response.status_code == 200
    response = client.post(
        reverse("login"), {"username": "dIEUPHOI", "password": "sai"}
    )
    assert response.status_code == 429
    response = client.post(
        reverse("login"), {"username": "dieuphoi", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_the_account_import_refuses_a_name_differing_only_in_case(dieuphoi):
    rows = "username,full_name,email,unit_code,role\n"
    rows += "DIEUPHOI,Điều phối,dp@skhcn.gov.vn,,coordinator\n"
    with translation.override("en"), pytest.raises(AccountsInvalid) as caught:
        read_accounts_file(rows.encode(), filename="a.csv")
    [problem] = caught.value.errors
    assert problem.column == "username"
    assert "DIEUPHOI already exists" in problem.message
    assert "capitals and small letters count as the same" in problem.message


def test_the_account_import_refuses_two_rows_differing_only_in_case():
    rows = "username,full_name,email,unit_code,role\n"
    rows += "bcd.an,An,an@x.vn,,committee\nBCD.AN,An,an2@x.vn,,committee\n"
    with pytest.raises(AccountsInvalid) as caught:
        read_accounts_file(rows.encode(), filename="a.csv")
    assert [p.row for p in caught.value.errors] == [3]
    ok = "username,full_name,email,unit_code,role\nbcd.an,An,an@x.vn,,committee\n"
    assert [r.username for r in read_accounts_file(ok.encode(), filename="a.csv")] == [
        "bcd.an"
    ]


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("quantri", "qt@x.vn", PASSWORD)
    client.force_login(admin)
    return client


def test_the_admin_refuses_to_add_a_name_differing_only_in_case(admin_client, dieuphoi):
    secret = "Cay-xanh-la-2025!"  # noqa: S105
    data = {"username": "DieuPhoi", "password1": secret, "password2": secret}
    data["usable_password"] = "true"
    page = admin_client.get(reverse("admin:survey_user_add"))
    for inline in page.context["inline_admin_formsets"]:  # no roles added here
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = admin_client.post(reverse("admin:survey_user_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"]
    assert not User.objects.filter(username="DieuPhoi").exists()

    data["username"] = "dieuphoi.moi"
    response = admin_client.post(reverse("admin:survey_user_add"), data)
    assert response.status_code == 302
    assert User.objects.filter(username="dieuphoi.moi").exists()


def test_a_user_form_refuses_a_rename_differing_only_in_case(dieuphoi):
    """The admin's change form is a model form: the constraint checks it, with
    a message in the person's language."""
    other = User.objects.create_user("thamdinh")
    form_class = modelform_factory(
        User, form=site._registry[User].form, fields=["username"]
    )
    with translation.override("vi"):
        form = form_class({"username": "DIEUPHOI"}, instance=other)
        assert not form.is_valid()
        message = " ".join(form.non_field_errors())
    assert "chữ hoa và chữ thường" in message
    form = form_class({"username": "ThamDinh"}, instance=other)  # its own name
    assert form.is_valid(), form.errors
    form.save()
    assert User.objects.get(pk=other.pk).username == "ThamDinh"


def test_the_migration_names_the_accounts_that_clash(dieuphoi):
    """An installation whose accounts differ only in case stops at the migration
    with their names, before the constraint is added."""
    migration = importlib.import_module(
        "survey.migrations.0010_username_unique_ignoring_case"
    )
    editor = SimpleNamespace(connection=connection)
    migration.refuse_case_duplicates(apps, editor)  # no clash yet
    with connection.cursor() as cursor:  # as before the migration (rolled back)
        cursor.execute("DROP INDEX survey_user_username_ci_unique")
    User.objects.create_user("DIEUPHOI")
    User.objects.create_user("DieuPhoi")
    User.objects.create_user("ThamDinh")

    with pytest.raises(migration.CaseDuplicates) as caught:
        migration.refuse_case_duplicates(apps, editor)

    assert "1 user name(s) exist in several cases: DIEUPHOI, DieuPhoi, dieuphoi" in (
        str(caught.value)
    )
