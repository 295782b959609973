"""A sample of the demo province's pages in headless Chromium, as three roles.

The demo is seeded exactly as `make run` loads it. The sign-in pages are opened
without an account, then each role signs in through the login form and opens its
sample: the home page, and as it may, the campaign board, the dashboard, a
verification page, a questionnaire step. Every request the browser makes is
recorded: none may leave this machine (no CDN, no font or analytics service), none
may answer 5xx, and no page may log an error to the console or throw.

One test walks all the roles: the live server needs a transactional database, which
is emptied after every test, and the demo takes long enough to seed that it is
seeded once. A failure names the role and the URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from survey.demo.seed import DEMO_PASSWORD
from survey.models import Assessment, Campaign, User
from tests.crawl.demo_roles import (
    OPEN_YEAR,
    demo_seed,
    first_province,
    username_for,
)

pytestmark = pytest.mark.e2e
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
LOCAL_SCHEMES = {"data", "blob", "about"}


def _samples() -> dict[str, tuple[str, list[str]]]:
    campaign = Campaign.objects.get(year=OPEN_YEAR, province=first_province())
    in_review = Assessment.objects.filter(campaign=campaign, state="in_review")
    verify = [
        f"/assessments/{in_review.filter(unit__unit_type=kind).first().pk}/verify/"
        for kind in ("department", "commune")
    ]
    editor = User.objects.get(username=username_for("commune-editor-draft"))
    own = Assessment.objects.get(campaign=campaign, unit__memberships__user=editor)
    client = Client()
    client.force_login(editor)
    first_step = client.get(f"/assessments/{own.pk}/fill/")["Location"]
    return {
        "coordinator": (
            username_for("coordinator"),
            [
                "/",
                f"/campaigns/{campaign.pk}/",
                f"/reports/campaigns/{campaign.pk}/",
                verify[0],
            ],
        ),
        "reviewer": (username_for("reviewer"), ["/", *verify]),
        "commune-editor-draft": (
            editor.username,
            ["/", first_step, f"/assessments/{own.pk}/review/"],
        ),
    }


def _watch(page, problems: list[str]) -> list[str]:
    """Records what goes wrong in `problems`; returns the list of requests made."""
    requested: list[str] = []

    def on_request(request):
        requested.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme not in LOCAL_SCHEMES and parts.hostname not in LOCAL_HOSTS:
            problems.append(f"request to another host: {request.url}")

    def on_response(response):
        if response.status >= 500:
            problems.append(f"{response.status} {response.url}")

    def on_console(message):
        if message.type == "error":
            problems.append(f"console error on {page.url}: {message.text}")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return requested


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/")


def _walk(page, base: str, role_id: str, username: str, paths: list[str]) -> None:
    """Sign in (without a username, stay anonymous) and open the paths; what goes
    wrong meanwhile is recorded by `_watch`."""
    if username:
        _log_in(page, base, username)
    for path in paths:
        response = page.goto(f"{base}{path}", wait_until="networkidle")
        assert response is not None and response.status == 200, (role_id, path)
        assert page.locator("main h1").count() >= 1, (role_id, path)


@pytest.mark.django_db(transaction=True)
def test_sample_pages_stay_on_this_machine_without_errors(live_server, browser):
    demo_seed()
    base = live_server.url
    problems: list[str] = []
    walks = [("anonymous", "", ["/login/", "/password-reset/"])]
    walks += [(role_id, *sample) for role_id, sample in _samples().items()]
    for role_id, username, paths in walks:
        context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        page = context.new_page()
        page.set_default_timeout(15_000)
        found: list[str] = []
        requested = _watch(page, found)
        _walk(page, base, role_id, username, paths)
        context.close()
        # The recording works: every page loaded the style sheet through it.
        assert any(url.endswith("/css/app.css") for url in requested), role_id
        problems += [f"{role_id}: {problem}" for problem in found]
    assert not problems, "\n".join(problems)
