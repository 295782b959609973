"""The language menu changes the language when its button is pressed, not on a pick."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _menu(page: str) -> str:
    match = re.search(r'<form action="/i18n/setlang/".*?</form>', page, re.S)
    assert match, "no language menu"
    return match.group(0)


@pytest.mark.parametrize(("language", "label"), [("vi", "Đổi"), ("en", "Change")])
def test_the_menu_has_a_button_and_no_automatic_submit(language, label, settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    menu = _menu(client.get(reverse("login")).content.decode())
    assert "onchange" not in menu
    assert re.search(rf'<button type="submit">\s*{label}\s*</button>', menu)
    assert 'aria-label="' in menu and 'name="language"' in menu


def test_pressing_the_button_changes_the_language_and_stays_on_the_page():
    client = Client()
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/password-reset/"}
    )
    assert response.status_code == 302 and response["Location"] == "/password-reset/"
    page = client.get("/password-reset/").content.decode()
    assert '<html lang="en">' in page
