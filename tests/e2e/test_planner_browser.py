"""The scorecard's planner in headless Chromium, as a unit's editor of the demo:
a hypothetical answer changes the figures without a reload, the least-effort
path goes into the plan in one click, the plan is saved and exported; no console
error and no refusal by the Content-Security-Policy. Screenshots are kept in
docs/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings

from survey.demo.seed import DEMO_PASSWORD
from survey.models import Assessment, Campaign, ImprovementPlan, User
from survey.results.planner import cheapest_path
from tests.crawl.demo_roles import demo_seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
USERNAME = "x-tanphu-cv"
# Everything the Content-Security-Policy refuses is reported to the test.
RECORD_CSP = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolation([event.effectiveDirective, event.blockedURI].join(" "));
});
"""


def _assessment() -> Assessment:
    user = User.objects.get(username=USERNAME)
    shared = (Campaign.State.PRELIMINARY, Campaign.State.PUBLISHED)
    return (
        Assessment.objects.filter(
            unit__memberships__user=user, campaign__state__in=shared
        )
        .order_by("-campaign__year")
        .first()
    )


def _watch(page, problems: list[str]) -> None:
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"),
    )


def _type_first_step(page, assessment: Assessment) -> str:
    """Type the first change of the least-effort path that has an answer."""
    path = cheapest_path(assessment=assessment)
    step = next(s for s in path.steps if s.target)
    name, value = next(iter(step.target.items()))
    field = page.locator(f"[name='w-{step.code}-{name}']")
    if name == "yes":
        field.select_option("true")
    elif name == "choice":
        field.select_option(value)
    else:
        field.fill(str(value).replace(".", ","))
    return step.code


def test_planner_what_if_plan_and_export(live_server, browser):
    demo_seed()
    assessment = _assessment()
    assert assessment is not None
    base = live_server.url
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    problems: list[str] = []
    context.expose_function("cspViolation", lambda text: problems.append(text))
    context.add_init_script(RECORD_CSP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    _watch(page, problems)
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill(USERNAME)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/reports/assessments/{assessment.pk}/scorecard/")
    assert page.locator("#cheapest-h").is_visible()
    page.locator("nav.actions a[href$='/scorecard/what-if/']").click()
    page.wait_for_url("**/scorecard/what-if/")
    before = page.locator("[data-what-if='new']").inner_text()
    url_before = page.url
    code = _type_first_step(page, assessment)
    page.wait_for_function(
        "before => document.querySelector(\"[data-what-if='new']\").textContent"
        " !== before",
        arg=before,
    )
    assert page.url == url_before  # no reload
    assert page.locator(f"[data-new-points='{code}']").inner_text().strip()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "planner-what-if.png"), full_page=False)

    page.locator("button[value='add_path']").click()
    page.wait_for_load_state("networkidle")
    page.locator("button[value='save']").click()
    page.wait_for_url("**/scorecard/what-if/")
    assert page.locator("ul.messages li.success").is_visible()
    # the whole path is in the plan: its figures reach the next level
    level_now = page.locator("[data-what-if='level_new'] + small").inner_text()
    assert page.locator("[data-what-if='level_new']").inner_text() not in level_now
    plan = ImprovementPlan.objects.get(assessment=assessment)
    assert plan.version == 1 and len(plan.items) >= 1
    page.screenshot(path=str(SCREENSHOTS / "planner.png"), full_page=False)

    for extension in ("xlsx", "docx"):
        with page.expect_download() as download:
            page.locator(f"nav.actions a[href$='/plan.{extension}']").click()
        assert download.value.suggested_filename.endswith(f".{extension}")
    context.close()
    assert not problems, "\n".join(problems)
