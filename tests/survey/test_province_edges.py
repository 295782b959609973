"""Edges of the wall between provinces: reports built outside a request, accounts
without a role, names of other provinces' people, the administration site."""

from datetime import date

import pytest
from django.urls import reverse

from reports.selectors import previous_totals
from survey import province_scope
from survey.models import Campaign, Membership, Province, Unit, User
from survey.selectors.accounts import province_accounts
from survey.selectors.audit import username_exists

pytestmark = pytest.mark.django_db


def _campaign(province, year, state=Campaign.State.PUBLISHED) -> Campaign:
    return Campaign.objects.create(
        province=province,
        year=year,
        name=f"{province.code} {year}",
        opens_on=date(year, 1, 1),
        deadline=date(year, 3, 1),
        state=state,
        decision_number="1/QĐ",
    )


@pytest.fixture
def provinces():
    return (
        Province.objects.create(code="mot", name_vi="tỉnh Một"),
        Province.objects.create(code="hai", name_vi="tỉnh Hai"),
    )


def test_a_report_built_by_the_worker_reads_its_own_provinces_earlier_years(
    provinces,
):
    first, second = provinces
    _campaign(first, 2023)
    _campaign(second, 2023)
    _campaign(second, 2024)
    running = _campaign(first, 2025, state=Campaign.State.OPEN)
    # The task worker works outside any province.
    assert province_scope.current() is province_scope.UNSCOPED
    years, _totals = previous_totals(campaign=running)
    assert years == [2023]


def _coordinator(province, name="dp") -> User:
    user = User.objects.create_user(name, password="x")
    Membership.objects.create(user=user, role="coordinator", province=province)
    return user


def test_with_one_province_an_account_without_a_role_stays_listed():
    [only] = Province.objects.all()  # the installation's, made by the migrations
    _coordinator(only)
    loner = User.objects.create_user("loner", password="x")
    with province_scope.province_scope(only.pk):
        assert loner in province_accounts()


def test_with_several_provinces_another_provinces_people_are_not_listed(provinces):
    first, second = provinces
    _coordinator(first)
    theirs = _coordinator(second, name="their-dp")
    with province_scope.province_scope(first.pk):
        assert theirs not in province_accounts()
        assert not username_exists("their-dp")
        assert username_exists("dp")


def test_a_superuser_with_a_province_role_sees_every_province_in_the_admin(
    client, provinces
):
    first, second = provinces
    Unit.objects.create(
        code="U-MOT", name_vi="Sở Một", unit_type="department", province=first
    )
    Unit.objects.create(
        code="U-HAI", name_vi="Sở Hai", unit_type="department", province=second
    )
    admin = User.objects.create_superuser("root", password="x")
    Membership.objects.create(user=admin, role="coordinator", province=first)
    client.force_login(admin)
    page = client.get(reverse("admin:survey_unit_changelist")).content.decode()
    assert "U-MOT" in page and "U-HAI" in page
    # Outside the administration site, they work in their province.
    assert "U-HAI" not in client.get(reverse("survey:home")).content.decode()
