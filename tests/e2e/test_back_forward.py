"""Reload, Back and Forward on a questionnaire step never bring back an older answer,
and a page that still shows one can never save it over the newer one.

Playwright starts Chromium without its back/forward cache; browsers that people use
keep one, so each sequence also runs in a Chromium with that cache on.
"""

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

TESTS = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(TESTS / "e2e"), str(TESTS / "survey")]
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from e2e_sessions import wait_until  # noqa: E402
from test_questionnaire import (  # noqa: E402
    logged_in_page,
    number_input,
    step_url,
    wait_for_saved,
)
from worlds import QUESTIONNAIRE, World, build_world  # noqa: E402  (tests/survey)

from survey.models import Answer  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
OWN_CONFLICT = "ở một thẻ khác hoặc ở một trang trước đó"  # "in another tab or…"


@pytest.fixture
def world(settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world(shape=QUESTIONNAIRE)


@pytest.fixture(scope="module")
def cached_browser(browser):
    """Chromium with the back/forward cache on, as people's browsers have it."""
    kept = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    yield kept
    kept.close()


@pytest.fixture(params=["http-cache", "back-forward-cache"])
def any_browser(request, browser):
    if request.param == "http-cache":
        return browser
    return request.getfixturevalue("cached_browser")


def stored_number(world, code: str) -> Decimal | None:
    answer = Answer.objects.filter(
        assessment=world.assessment, node=world.nodes[code]
    ).first()
    return None if answer is None else answer.number


def open_step_a_after_home(browser, live_server, world):
    """Step A (A.3 saved as 19) reached from the home page, so that Back has
    somewhere to go."""
    world.save("A.3", {"number": "19"})
    page = logged_in_page(browser, live_server, world.editor)
    page.goto(f"{live_server.url}/")
    page.goto(step_url(live_server, world, "A"))
    assert number_input(page, world, "A.3").input_value() == "19"
    return page


def back_and_forward(page, live_server, world) -> None:
    """Back to the home page and Forward to step A, as the browser's buttons do; a
    page restored from memory fires no load event, hence waiting only for the
    navigation to commit."""
    page.evaluate("window.shownBefore = true")
    page.evaluate("history.back()")  # what the browser's button does
    page.wait_for_url(f"{live_server.url}/", wait_until="commit")
    wait_until(page, "document.readyState === 'complete'")
    page.evaluate("history.forward()")
    page.wait_for_url(step_url(live_server, world, "A"), wait_until="commit")
    for _ in range(100):  # a page restored from memory loads itself again
        try:
            if page.evaluate("window.shownBefore === undefined"):
                break
        except Exception:  # noqa: BLE001  (the page is being replaced)
            pass
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the page kept from before was shown as it was")
    page.wait_for_load_state("load")


@pytest.mark.parametrize("reload", [True, False], ids=["reload", "no-reload"])
def test_back_and_forward_show_the_saved_answer_and_next_keeps_it(
    any_browser,
    live_server,
    world,
    reload,
):
    page = open_step_a_after_home(any_browser, live_server, world)
    number_input(page, world, "A.3").fill("20")
    wait_for_saved(page)
    assert stored_number(world, "A.3") == Decimal(20)
    if reload:
        page.reload()
        assert number_input(page, world, "A.3").input_value() == "20"

    back_and_forward(page, live_server, world)
    assert number_input(page, world, "A.3").input_value() == "20"
    page.get_by_role("button", name=re.compile("→")).click()  # Bước tiếp theo
    page.wait_for_url(step_url(live_server, world, "B"))
    assert stored_number(world, "A.3") == Decimal(20)
    page.context.close()


def test_a_stale_value_posted_by_next_shows_the_conflict_and_saves_nothing(
    browser,
    live_server,
    world,
):
    page = open_step_a_after_home(browser, live_server, world)
    number_input(page, world, "A.3").fill("20")
    wait_for_saved(page)
    # What a copy of the page from before the save would post: 19, version 1.
    node = world.nodes["A.3"].pk
    page.evaluate(
        """([node]) => {
            document.getElementById(`id_n${node}-number`).value = "19";
            document.getElementById(`id_n${node}-version`).value = "1";
        }""",
        [node],
    )
    page.get_by_role("button", name=re.compile("→")).click()
    page.locator(f"#ind-{node} .q-conflict").wait_for()
    assert page.url == step_url(live_server, world, "A")
    box = page.locator(f"#ind-{node}")
    assert OWN_CONFLICT in box.locator(".q-errors").inner_text()
    assert "<dd>20</dd>" in box.locator(".q-conflict").inner_html()  # saved
    assert number_input(page, world, "A.3").input_value() == "19"  # typed
    assert stored_number(world, "A.3") == Decimal(20)
    page.context.close()


def test_a_conflict_with_ones_own_other_tab_says_so(
    browser,
    live_server,
    world,
):
    first = logged_in_page(browser, live_server, world.editor)
    second = first.context.new_page()
    for page in (first, second):
        page.goto(step_url(live_server, world, "A"))
    number_input(second, world, "A.3").fill("21")
    wait_for_saved(second)
    number_input(first, world, "A.3").fill("22")
    slot = first.locator(f"#ind-{world.nodes['A.3'].pk} .q-conflict-slot")
    slot.get_by_role("button").first.wait_for()
    message = slot.locator("p").first.inner_text()
    assert OWN_CONFLICT in message
    assert "21" in message
    assert stored_number(world, "A.3") == Decimal(21)
    first.context.close()


def test_fields_the_browser_fills_back_in_show_the_saved_answer(
    any_browser,
    live_server,
    world,
):
    """Chromium puts back what a field held when the page was left, even on a page
    loaded afresh, beside the fresh version: Next would save it without a word."""
    page = open_step_a_after_home(any_browser, live_server, world)
    comment = page.locator(f"#id_n{world.nodes['A.3'].pk}-comment")
    comment.fill("Theo kế hoạch 12")
    wait_for_saved(page)
    world.save("A.3", {"comment": "Theo kế hoạch 15"}, user=world.approver)

    back_and_forward(page, live_server, world)
    assert comment.input_value() == "Theo kế hoạch 15"
    page.get_by_role("button", name=re.compile("→")).click()
    page.wait_for_url(step_url(live_server, world, "B"))
    answer = Answer.objects.get(assessment=world.assessment, node=world.nodes["A.3"])
    assert (answer.comment, answer.number) == ("Theo kế hoạch 15", Decimal(19))
    page.context.close()


def test_an_answer_kept_in_the_browser_by_a_conflict_survives_back_and_forward(
    browser,
    live_server,
    world,
):
    page = open_step_a_after_home(browser, live_server, world)
    world.save("A.3", {"number": "25"}, user=world.approver)
    number_input(page, world, "A.3").fill("21")
    slot = page.locator(f"#ind-{world.nodes['A.3'].pk} .q-conflict-slot")
    slot.get_by_role("button").first.wait_for()  # kept here, not sent again

    back_and_forward(page, live_server, world)
    expect(number_input(page, world, "A.3")).to_have_value("21")
    assert "25" in slot.inner_text()
    slot.get_by_role("button").first.click()  # keep mine
    wait_for_saved(page)
    assert stored_number(world, "A.3") == Decimal(21)
    page.context.close()


def test_a_page_shown_again_after_a_save_keeps_the_saved_answer(
    browser, live_server, world
):
    """A step that shows itself (pageshow) after an autosave was confirmed, as a
    slow page does when its load event comes after the save, keeps the saved
    answer and its version: Next saves nothing older."""
    page = open_step_a_after_home(browser, live_server, world)
    number_input(page, world, "A.3").fill("20")
    wait_for_saved(page)
    page.evaluate(
        "window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: false}))"
    )
    assert number_input(page, world, "A.3").input_value() == "20"
    page.get_by_role("button", name=re.compile("→")).click()  # Bước tiếp theo
    page.wait_for_url(step_url(live_server, world, "B"))
    assert stored_number(world, "A.3") == Decimal(20)
    page.context.close()
