"""The header names the signed-in person's province only when the installation
holds several; with one, the screens stay as they were."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from worlds import VERIFICATION, build_world, make_user

from survey.context_processors import navigation
from survey.models import Membership, Province, User
from survey.selectors.provinces import province_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
MARK = 'class="province"'


def _header(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("survey:home"))
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index("<header") : page.index("</header>")]


def _second_province() -> Province:
    return Province.objects.create(
        code="son-ha", name_vi="tỉnh Sơn Hà", name_en="Son Ha province"
    )


def _national() -> User:
    user = User.objects.create_user("quocgia", password="x", full_name="Quốc Gia")
    Membership.objects.create(user=user, role=Membership.Role.NATIONAL, province=None)
    return user


def test_one_province_names_none(client):
    world = build_world(shape=VERIFICATION)
    for user in (world.editor, world.coordinator):
        header = _header(client, user)
        assert MARK not in header
        assert settings.DTI_PROVINCE_NAME not in header


def test_several_provinces_each_person_sees_their_own(client):
    world = build_world(shape=VERIFICATION)
    second = _second_province()
    other = User.objects.create_user("sonha-dieuphoi", password="x")
    Membership.objects.create(
        user=other, role=Membership.Role.COORDINATOR, province=second
    )

    mine = _header(client, world.editor)
    assert f"{MARK}>{settings.DTI_PROVINCE_NAME}<" in mine
    assert "Son Ha" not in mine
    theirs = _header(client, other)
    assert f"{MARK}>Son Ha province<" in theirs
    assert settings.DTI_PROVINCE_NAME not in theirs
    assert f"{MARK}>National<" in _header(client, _national())


def test_the_province_costs_one_query_at_most_once_a_request():
    world = build_world(shape=VERIFICATION)
    _second_province()
    request = RequestFactory().get("/")
    request.user = world.coordinator
    province_of(world.coordinator)  # as ProvinceMiddleware found it for the request
    navigation(request)  # the menu's own queries are not the point here
    del request._dti_province_label
    with CaptureQueriesContext(connection) as captured:
        first = navigation(request)["nav_province"]
        again = navigation(request)["nav_province"]
    label_queries = [q for q in captured if "survey_province" in q["sql"]]
    assert len(label_queries) == 1
    assert first == again == settings.DTI_PROVINCE_NAME


def test_a_person_without_a_province_and_not_national_sees_none(client):
    build_world(shape=VERIFICATION)
    _second_province()
    nobody = make_user("nobody", Membership.Role.COORDINATOR)
    Membership.objects.filter(user=nobody).delete()
    assert MARK not in _header(client, nobody)
