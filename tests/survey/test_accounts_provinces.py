"""Accounts per province: a coordinator creates, lists, changes and assigns only
the people and units of their province."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from two_provinces import province_user, two_provinces

from survey.errors import PermissionRefused
from survey.models import Membership, User
from survey.province_scope import province_scope
from survey.selectors.accounts import province_reviewers
from survey.services.accounts import account_set_active, reviewer_assign

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
HEADER = "username,full_name,email,unit_code,role\n"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def world():
    return two_provinces()


def import_accounts(client, rows: str):
    upload = SimpleUploadedFile("tai-khoan.csv", (HEADER + rows).encode())
    return client.post(reverse("survey:account_import"), {"file": upload})


def test_accounts_created_by_a_coordinator_join_their_province(client, world):
    client.force_login(world.coordinator_a)
    response = import_accounts(
        client,
        "cv-a,An,an@a.gov.vn,SO-A,editor\nbcd-a,Bình,binh@a.gov.vn,,committee\n",
    )
    assert response.status_code == 302
    assert Membership.unscoped.get(user__username="cv-a").province == world.a
    assert Membership.unscoped.get(user__username="bcd-a").province == world.a


def test_a_unit_of_another_province_is_unknown(client, world):
    client.force_login(world.coordinator_a)
    response = import_accounts(client, "cv-x,An,an@a.gov.vn,SO-B,editor\n")
    assert response.status_code == 200
    assert "Unknown unit code: SO-B" in response.content.decode()
    assert not User.objects.filter(username="cv-x").exists()


def test_a_coordinator_cannot_grant_the_national_role(client, world):
    client.force_login(world.coordinator_a)
    for word in ("national", "Quốc gia"):
        response = import_accounts(client, f"qg-x,An,an@a.gov.vn,,{word}\n")
        assert "given by the installation" in response.content.decode()
    assert not User.objects.filter(username="qg-x").exists()


def test_the_list_shows_only_the_provinces_people(client, world):
    province_user("cv-b", Membership.Role.EDITOR, unit=world.unit_b)
    province_user("cv-a", Membership.Role.EDITOR, unit=world.unit_a)
    client.force_login(world.coordinator_a)
    page = client.get(reverse("survey:account_list")).content.decode()
    assert "cv-a" in page and "dieuphoi_a" in page
    assert "cv-b" not in page and "dieuphoi_b" not in page and "quocgia" not in page


def test_an_account_of_another_province_is_not_found(client, world):
    other = province_user("cv-b", Membership.Role.EDITOR, unit=world.unit_b)
    mine = province_user("cv-a", Membership.Role.EDITOR, unit=world.unit_a)
    client.force_login(world.coordinator_a)
    url = reverse("survey:account_active", args=[other.pk])
    assert client.post(url, {"active": "0"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active
    url = reverse("survey:account_active", args=[mine.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    mine.refresh_from_db()
    assert not mine.is_active
    with pytest.raises(PermissionRefused):
        account_set_active(account=other, active=False, user=world.coordinator_a)


def test_reviewers_are_assigned_within_the_province_only(world):
    reviewer_a = province_user("td-a", Membership.Role.REVIEWER, unit=world.unit_a)
    reviewer_b = province_user("td-b", Membership.Role.REVIEWER, unit=world.unit_b)
    with province_scope(world.a.pk):
        assert list(province_reviewers()) == [reviewer_a]
    with pytest.raises(PermissionRefused):
        reviewer_assign(
            reviewer=reviewer_a,
            units=[world.unit_b],
            indicators=[],
            user=world.coordinator_a,
        )
    with pytest.raises(PermissionRefused):
        reviewer_assign(
            reviewer=reviewer_b,
            units=[world.unit_a],
            indicators=[],
            user=world.coordinator_a,
        )
    assert not Membership.unscoped.filter(user=reviewer_b, unit=world.unit_a).exists()
    count = reviewer_assign(
        reviewer=reviewer_a,
        units=[world.unit_a],
        indicators=[],
        user=world.coordinator_a,
    )
    assert count == 1
