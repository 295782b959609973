"""The main screens of every kind of person keep to the Content-Security-Policy in
headless Chromium, while they are used and not only as they load.

Chromium fires `securitypolicyviolation` at the document for everything the policy
refuses (an inline handler, a style attribute, a `<style>`, an inline script, a
request elsewhere); a script added to every page hands each event to the test. The
screens: the editor's questionnaire step with an answer saved by the autosave, the
reviewer's verify page with a verdict saved in place, the coordinator's campaign
board and dashboards, the committee's dashboard, scorecard and report, and the
admin site as a superuser sees it.

One test walks all the roles, on the demo seeded once (as in test_crawl_browser).
"""

from __future__ import annotations

import re

import pytest
from e2e_sessions import signed_in_context

from survey.models import Assessment, Campaign, Unit, User
from tests.crawl.demo_roles import (
    OPEN_YEAR,
    demo_seed,
    first_province,
    username_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
RECORD = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolation([event.effectiveDirective, event.blockedURI,
    event.sourceFile + ":" + event.lineNumber, event.sample].join(" "));
});
"""
SAVED = re.compile(r"\d{2}:\d{2}")  # "Saved at hh:mm", in whatever language


def _open(browser, live_server, role_id: str, violations: list[str]):
    """A page signed in as the role's demo account (a superuser for "admin"),
    recording violations."""
    if role_id == "admin":
        user = User.objects.create_superuser("quantri", password="Quan-tri-2025")
    else:
        user = User.objects.get(username=username_for(role_id))
    context = signed_in_context(browser, live_server, user)
    context.expose_function(
        "cspViolation", lambda text: violations.append(f"{role_id}: {text}")
    )
    context.add_init_script(RECORD)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{role_id}: {error}"))
    page.on(
        "console",
        lambda m: m.type == "error" and errors.append(f"{role_id}: {m.text}"),
    )
    return page, errors


def _visit(page, live_server, path: str) -> None:
    response = page.goto(f"{live_server.url}{path}", wait_until="networkidle")
    assert response is not None and response.status == 200, path
    page.wait_for_timeout(200)  # the events of the last resources


def _editor_saves_an_answer(page, live_server, own: Assessment) -> None:
    _visit(page, live_server, f"/assessments/{own.pk}/fill/")
    comment = page.locator("textarea[id$='-comment']").first
    comment.fill("Theo kế hoạch số 12/KH")
    status = page.locator("#q-status")
    for _ in range(100):
        if SAVED.search(status.inner_text()):
            break
        page.wait_for_timeout(100)
    assert SAVED.search(status.inner_text()), status.inner_text()
    _visit(page, live_server, f"/assessments/{own.pk}/review/")


def _reviewer_agrees(page, live_server, assessment: Assessment) -> None:
    _visit(page, live_server, f"/assessments/{assessment.pk}/verify/")
    pending = page.locator("[data-status='pending']:has(button.v-agree)").first
    item = page.locator(f"#{pending.get_attribute('id')}")  # its status changes
    item.locator("button.v-agree").click()
    item.locator(".v-saved.ok").wait_for()


def _screens() -> dict[str, list]:
    campaign = Campaign.objects.get(year=OPEN_YEAR, province=first_province())
    published = (
        Campaign.objects.filter(state="published", province=first_province())
        .order_by("-year")
        .first()
    )
    editor = User.objects.get(username=username_for("commune-editor-draft"))
    own = Assessment.objects.get(campaign=campaign, unit__memberships__user=editor)
    in_review = Assessment.objects.filter(campaign=campaign, state="in_review").first()
    shared = Assessment.objects.filter(campaign=published).first()
    unit = Unit.objects.first()
    return {
        "commune-editor-draft": [lambda p, s: _editor_saves_an_answer(p, s, own)],
        "reviewer": [lambda p, s: _reviewer_agrees(p, s, in_review)],
        "coordinator": [
            "/",
            f"/campaigns/{campaign.pk}/",
            f"/reports/campaigns/{campaign.pk}/",
            f"/reports/campaigns/{published.pk}/",
        ],
        "admin": [
            "/admin/",
            "/admin/survey/unit/",
            f"/admin/survey/unit/{unit.pk}/change/",
            "/admin/survey/user/add/",
        ],
        "committee": [
            f"/reports/campaigns/{published.pk}/",
            f"/reports/assessments/{shared.pk}/scorecard/",
            f"/reports/assessments/{shared.pk}/self-report/",
        ],
    }


def _refused(browser, live_server) -> list[str]:
    """What the recording sees of a style attribute and a handler that a script
    writes into a page: proof that it would see them written by a template."""
    seen: list[str] = []
    page, _errors = _open(browser, live_server, "committee", seen)
    _visit(page, live_server, "/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<p style="color: red" onclick="void 0">x</p>\')'
    )
    page.locator("main p[onclick]").click()
    page.wait_for_timeout(300)
    page.context.close()
    return seen


def test_main_screens_of_every_role_keep_to_the_policy(browser, live_server):
    demo_seed()
    violations: list[str] = []
    errors: list[str] = []
    for role_id, screens in _screens().items():
        page, found = _open(browser, live_server, role_id, violations)
        for screen in screens:
            if callable(screen):
                screen(page, live_server)
            else:
                _visit(page, live_server, screen)
        errors += found
        page.context.close()
    assert not violations, "\n".join(violations)
    assert not errors, "\n".join(errors)
    probe = _refused(browser, live_server)
    assert any(" style-src-attr " in f" {v} " for v in probe), probe
    assert any(" script-src-attr " in f" {v} " for v in probe), probe
