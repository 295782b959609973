"""A browser context already logged in as a person of the test's world."""

from django.conf import settings
from django.test import Client


def signed_in_context(browser, live_server, user, *, language: str = "", **options):
    """A new Chromium context (Vietnamese locale, Vietnam's time zone, ``options``)
    whose session belongs to ``user``; ``language`` sets the site's language cookie."""
    client = Client()
    client.force_login(user)
    options = {"locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh", **options}
    context = browser.new_context(**options)
    cookies = {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value
    }
    if language:
        cookies[settings.LANGUAGE_COOKIE_NAME] = language
    context.add_cookies(
        [{"name": k, "value": v, "url": live_server.url} for k, v in cookies.items()]
    )
    return context
