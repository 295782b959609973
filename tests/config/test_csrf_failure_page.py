"""A form refused for a missing or stale CSRF token is answered with the site's own
page, in the person's language, under the Content-Security-Policy: Django's built-in
page is in English and styles itself with a <style> that the policy refuses."""

import pytest
from django.conf import settings
from django.test import Client

from tests.crawl.page_policy import inline_code, policy_faults

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "title"),
    [("vi", "Biểu mẫu chưa được gửi"), ("en", "The form was not sent")],
)
def test_a_refused_form_gets_the_sites_page(language, title):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post("/login/", {"username": "a", "password": "b"})
    html = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{title}</h1>" in html
    assert inline_code(html) == []
    assert policy_faults(response["Content-Security-Policy"]) == []
