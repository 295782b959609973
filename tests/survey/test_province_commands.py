"""``manage.py province_add`` and ``manage.py national_coordinator``."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from survey.models import AuditEvent, Membership, Province, User

pytestmark = [pytest.mark.django_db]


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_province_is_added_with_its_first_coordinator(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = run(
            "province_add",
            "lao-cai",
            "Lào Cai",
            "--name-en",
            "Lao Cai",
            "--coordinator",
            "dieuphoi.lc",
            "--email",
            "dp@laocai.gov.vn",
        )
    province = Province.objects.get(code="lao-cai")
    assert (province.name_vi, province.name_en) == ("Lào Cai", "Lao Cai")
    membership = Membership.unscoped.get(user__username="dieuphoi.lc")
    assert (membership.role, membership.province, membership.unit) == (
        Membership.Role.COORDINATOR,
        province,
        None,
    )
    user = membership.user
    assert user.email == "dp@laocai.gov.vn"
    # No password anyone knows: a link to choose one, printed and mailed.
    link = re.search(r"(http\S+/password-reset/\S+/)", out).group(1)
    assert [m.to for m in mailoutbox] == [["dp@laocai.gov.vn"]]
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    assert page.status_code == 200
    assert b"new_password1" in page.content
    assert AuditEvent.objects.filter(
        object_type="survey.user", object_id=str(user.pk), province_id=province.pk
    ).exists()


def test_a_province_without_a_coordinator_and_bad_input(client):
    assert "added" in run("province_add", "yen-bai", "Yên Bái")
    assert Province.objects.filter(code="yen-bai").exists()
    with pytest.raises(CommandError, match="exists already"):
        run("province_add", "yen-bai", "Yên Bái")
    with pytest.raises(CommandError, match="letters, digits"):
        run("province_add", "yen bai", "Yên Bái")
    with pytest.raises(CommandError, match="--email goes with"):
        run("province_add", "ha-giang", "Hà Giang", "--email", "a@b.vn")
    assert not Province.objects.filter(code="ha-giang").exists()


def test_a_coordinator_of_another_province_is_refused_and_nothing_is_added():
    run("province_add", "lao-cai", "Lào Cai", "--coordinator", "dp")
    with pytest.raises(CommandError, match="another province"):
        run("province_add", "yen-bai", "Yên Bái", "--coordinator", "dp")
    assert not Province.objects.filter(code="yen-bai").exists()


def test_the_national_coordinator_is_made_or_set():
    out = run("national_coordinator", "quocgia", "--email", "qg@mic.gov.vn")
    assert "national coordinator" in out and "/password-reset/" in out
    user = User.objects.get(username="quocgia")
    membership = Membership.unscoped.get(user=user)
    assert (membership.role, membership.province, membership.unit) == (
        Membership.Role.NATIONAL,
        None,
        None,
    )
    assert not user.has_usable_password() or not user.check_password("")
    # Again: nothing changes, and an existing account keeps its password.
    out = run("national_coordinator", "QuocGia")
    assert "existing account" in out and "password-reset" not in out
    assert Membership.unscoped.filter(user=user).count() == 1


def test_a_provincial_account_cannot_be_made_national():
    run("province_add", "lao-cai", "Lào Cai", "--coordinator", "dp")
    with pytest.raises(CommandError, match="another province or nationally"):
        run("national_coordinator", "dp")
    roles = Membership.unscoped.filter(user__username="dp")
    assert list(roles.values_list("role", flat=True)) == ["coordinator"]
