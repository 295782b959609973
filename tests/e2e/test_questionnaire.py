"""The questionnaire in headless Chromium: autosave, reload, offline, conflicts."""

import re
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "survey"))
from test_answer_save import World, build_world  # noqa: E402

from survey.models import Answer  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SAVED = re.compile(r"\d{2}:\d{2}")  # "Saved at hh:mm", in whatever language


@pytest.fixture
def world(settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


def logged_in_page(browser, live_server, user):
    """A page in a new browser context whose session belongs to ``user``."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def step_url(live_server, world: World, step: str) -> str:
    return f"{live_server.url}/assessments/{world.assessment.pk}/fill/{step}/"


def number_input(page, world: World, code: str, field: str = "number"):
    return page.locator(f"#id_n{world.nodes[code].pk}-{field}")


def wait_for_saved(page) -> None:
    status = page.locator("#q-status")
    for _ in range(100):
        if SAVED.search(status.inner_text()) and "pending" not in (
            status.get_attribute("class") or ""
        ):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never saved: {status.inner_text()!r}")


def wait_for_value(world: World, code: str, field: str, expected) -> None:
    for _ in range(150):
        answer = Answer.objects.filter(
            assessment=world.assessment, node=world.nodes[code]
        ).first()
        if answer is not None and getattr(answer, field) == expected:
            return
        time.sleep(0.1)
    raise AssertionError(f"{code}.{field} never became {expected!r}")


def test_an_editor_fills_a_step_reloads_and_finds_the_answers(
    browser, live_server, world
):
    page = logged_in_page(browser, live_server, world.editor)
    page.goto(f"{live_server.url}/assessments/{world.assessment.pk}/fill/")
    assert page.url == step_url(live_server, world, "A")
    number_input(page, world, "A.1").fill("30")
    number_input(page, world, "A.1", "denominator").fill("1.200")
    assert page.locator(f"#ind-{world.nodes['A.1'].pk} [data-ratio]").inner_text() == (
        "2,5 %"
    )
    page.locator(f"#id_n{world.nodes['A.5'].pk}-choice_1").check()
    page.locator(f"#id_n{world.nodes['A.3'].pk}-comment").fill("Theo <b>báo cáo</b>")
    wait_for_saved(page)
    points = page.locator(f"#ind-{world.nodes['A.5'].pk} [data-points]")
    assert points.inner_text() == "10"
    page.screenshot(path=_screenshot("step-a-filled.png"), full_page=True)

    page.reload()
    assert number_input(page, world, "A.1").input_value() == "30"
    assert number_input(page, world, "A.1", "denominator").input_value() == "1.200"
    assert page.locator(f"#id_n{world.nodes['A.5'].pk}-choice_1").is_checked()
    comment = page.locator(f"#id_n{world.nodes['A.3'].pk}-comment")
    assert comment.input_value() == "Theo <b>báo cáo</b>"
    answer = Answer.objects.get(node=world.nodes["A.1"])
    assert (answer.number, answer.denominator) == (Decimal(30), Decimal(1200))

    page.get_by_role("button", name=re.compile("→")).click()  # next step
    page.wait_for_url(step_url(live_server, world, "B"))
    page.locator(f"#id_n{world.nodes['B.3'].pk}-number").fill("42,5")
    page.locator("button[value='A']").first.click()  # side menu, no wait
    page.wait_for_url(step_url(live_server, world, "A"))
    wait_for_value(world, "B.3", "number", Decimal("42.5"))
    page.context.close()


def test_changes_typed_offline_reach_the_server_when_online(
    browser, live_server, world
):
    page = logged_in_page(browser, live_server, world.editor)
    page.goto(step_url(live_server, world, "A"))
    page.context.set_offline(True)
    number_input(page, world, "A.3").fill("8")
    page.locator(f"#id_n{world.nodes['A.2'].pk}-number").fill("55,5")
    page.wait_for_timeout(2600)
    assert "pending" in (page.locator("#q-status").get_attribute("class") or "")
    assert not Answer.objects.exists()
    page.context.set_offline(False)
    wait_for_value(world, "A.3", "number", Decimal(8))
    wait_for_value(world, "A.2", "number", Decimal("55.5"))
    wait_for_saved(page)
    stored = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('dti:q:'))"
    )
    assert stored == []
    page.context.close()


def test_changes_typed_after_the_session_expired_are_sent_after_login(
    browser, live_server, world
):
    page = logged_in_page(browser, live_server, world.editor)
    page.goto(step_url(live_server, world, "A"))
    page.context.clear_cookies()  # the session expired
    number_input(page, world, "A.3").fill("6")
    login_link = page.locator("#q-status a")
    login_link.wait_for()
    assert login_link.get_attribute("target") == "_blank"
    assert not Answer.objects.exists()
    relogin = logged_in_page(browser, live_server, world.editor)
    cookies = relogin.context.cookies()
    relogin.context.close()
    page.context.add_cookies(cookies)
    wait_for_value(world, "A.3", "number", Decimal(6))
    page.context.close()


def test_two_people_editing_one_answer_the_stale_one_sees_the_conflict(
    browser, live_server, world
):
    mine = logged_in_page(browser, live_server, world.editor)
    theirs = logged_in_page(browser, live_server, world.approver)
    for page in (mine, theirs):
        page.goto(step_url(live_server, world, "A"))
    number_input(theirs, world, "A.3").fill("9")
    wait_for_saved(theirs)
    number_input(mine, world, "A.3").fill("4")
    slot = mine.locator(f"#ind-{world.nodes['A.3'].pk} .q-conflict-slot")
    slot.get_by_role("button").first.wait_for()
    assert "9" in slot.inner_text()
    mine.screenshot(path=_screenshot("conflict.png"), full_page=True)
    assert Answer.objects.get(node=world.nodes["A.3"]).number == Decimal(9)
    slot.get_by_role("button").first.click()  # keep mine
    wait_for_value(world, "A.3", "number", Decimal(4))
    mine.context.close()
    theirs.context.close()


def _screenshot(name: str) -> str:
    folder = Path(settings.BASE_DIR) / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / f"questionnaire-{name}")
