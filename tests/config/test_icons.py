"""The icons that browsers and phones ask for at the root of the site are there."""

import pytest
from django.test import Client

from survey.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "content_type", "magic"),
    [
        ("/favicon.ico", "image/x-icon", b"\x00\x00\x01\x00"),
        ("/apple-touch-icon.png", "image/png", b"\x89PNG"),
        ("/apple-touch-icon-precomposed.png", "image/png", b"\x89PNG"),
    ],
)
def test_a_root_icon_is_served_without_signing_in(path, content_type, magic):
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(magic)
    assert "max-age=86400" in response["Cache-Control"]


def test_a_root_icon_refuses_a_post():
    assert Client().post("/favicon.ico").status_code == 405


def test_every_page_names_its_icons(client):
    client.force_login(User.objects.create_user("khach"))
    page = client.get("/login/", follow=True).content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg"' in page
    assert 'rel="apple-touch-icon" href="/static/img/apple-touch-icon.png"' in page
