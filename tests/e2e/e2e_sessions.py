"""A browser context already logged in as a person of the test's world, and a wait
that keeps to the site's Content-Security-Policy."""

import os
import time

from django.conf import settings
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CONTEXT = {"locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


def session_cookies(live_server, user, *, language: str = "") -> list[dict]:
    """Cookies of a new session of ``user`` (and of ``language``, when given)."""
    client = Client()
    client.force_login(user)
    cookies = {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value
    }
    if language:
        cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return [{"name": k, "value": v, "url": live_server.url} for k, v in cookies.items()]


def signed_in_context(browser, live_server, user, *, language: str = "", **options):
    """A new Chromium context (Vietnamese locale, Vietnam's time zone, ``options``)
    whose session belongs to ``user``; ``language`` sets the site's language cookie."""
    context = browser.new_context(**{**CONTEXT, **options})
    context.add_cookies(session_cookies(live_server, user, language=language))
    return context


def profile_context(browser, profile, **options):
    """A Chromium context on the profile folder ``profile``: what it keeps (cookies,
    service worker, caches, IndexedDB) is there again when the folder is opened
    anew, as after closing the browser and starting it again."""
    return browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        **{**CONTEXT, **options},
    )


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
