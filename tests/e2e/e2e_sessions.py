"""A browser context already logged in as a person of the test's world, and a wait
that keeps to the site's Content-Security-Policy."""

import time

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


def wait_until(page, expression: str, *, timeout: float = 15.0) -> None:
    """Wait until the JavaScript ``expression`` is true in the page.

    Playwright's ``wait_for_function`` turns its string into a function with
    ``eval`` inside the page, which the site's Content-Security-Policy refuses;
    ``page.evaluate`` goes through the browser's debugging protocol instead.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {expression}")
        page.wait_for_timeout(50)
