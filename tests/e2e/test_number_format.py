"""Decimals typed in headless Chromium are stored as typed, in the format the page
showed, whatever language the session has chosen since."""

import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "survey"))
from e2e_sessions import signed_in_context  # noqa: E402
from worlds import QUESTIONNAIRE, World, build_world  # noqa: E402

from survey.models import Answer  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world(shape=QUESTIONNAIRE)


def browser_context(browser, live_server, user, language: str):
    """A browser whose session belongs to ``user`` and speaks ``language``."""
    return signed_in_context(browser, live_server, user, language=language)


def open_step(context, live_server, world: World, step: str):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/assessments/{world.assessment.pk}/fill/{step}/")
    return page


def field(page, world: World, code: str, name: str = "number"):
    return page.locator(f"#id_n{world.nodes[code].pk}-{name}")


def stored(world: World, code: str, expected, tries: int = 150):
    """The stored number once it equals ``expected`` (waits for the autosave)."""
    number = None
    for _ in range(tries):
        answer = Answer.objects.filter(
            assessment=world.assessment, node=world.nodes[code]
        ).first()
        number = answer.number if answer else None
        if number == expected:
            return number
        time.sleep(0.1)
    return number


def error_of(page, world: World, code: str) -> str:
    locator = page.locator(f"#ind-{world.nodes[code].pk} .q-field-msg.error")
    locator.wait_for()
    return locator.inner_text()


def test_decimals_on_a_vietnamese_and_an_english_page(browser, live_server, world):
    vi = open_step(
        browser_context(browser, live_server, world.editor, "vi"),
        live_server,
        world,
        "A",
    )
    assert vi.locator("#q-form").get_attribute("data-number-format") == "vi"
    field(vi, world, "A.2").fill("35,5")
    field(vi, world, "A.1").fill("1.250")
    field(vi, world, "A.1", "denominator").fill("2.000")
    assert stored(world, "A.2", Decimal("35.5")) == Decimal("35.5")
    assert stored(world, "A.1", Decimal(1250)) == Decimal(1250)
    # A dot decimal is refused on a Vietnamese page, with how to type it.
    field(vi, world, "A.2").fill("12.5")
    assert error_of(vi, world, "A.2") == "Nhập số theo dạng 1.234,5."
    assert stored(world, "A.2", Decimal("12.5"), tries=20) == Decimal("35.5")

    en = open_step(
        browser_context(browser, live_server, world.editor, "en"),
        live_server,
        world,
        "A",
    )
    assert en.locator("#q-form").get_attribute("data-number-format") == "en"
    assert field(en, world, "A.1").input_value() == "1,250"
    field(en, world, "A.2").fill("12.5")
    assert stored(world, "A.2", Decimal("12.5")) == Decimal("12.5")
    # "35,5" on an English page is refused, never stored as 355.
    field(en, world, "A.2").fill("35,5")
    assert error_of(en, world, "A.2") == "Enter a number as 1,234.5."
    assert stored(world, "A.2", Decimal(355), tries=20) == Decimal("12.5")


def test_a_second_tab_switching_to_english_changes_nothing(browser, live_server, world):
    context = browser_context(browser, live_server, world.editor, "vi")
    tab_a = open_step(context, live_server, world, "A")
    assert tab_a.locator("#q-form").get_attribute("data-number-format") == "vi"
    tab_b = open_step(context, live_server, world, "B")
    tab_b.locator("select[name=language]").select_option("en")
    with tab_b.expect_navigation():
        tab_b.locator("form:has(select[name=language]) button").click()
    assert tab_b.locator("html").get_attribute("lang") == "en"
    # Tab A still shows its Vietnamese page; what it types is read as Vietnamese.
    field(tab_a, world, "A.2").fill("1,5")
    assert stored(world, "A.2", Decimal("1.5")) == Decimal("1.5")
    # The step form posted by tab A ("Next") reads its own format too.
    field(tab_a, world, "A.3").fill("7")
    field(tab_a, world, "A.2").fill("35,5")
    tab_a.get_by_role("button", name="Bước tiếp theo →").click()
    tab_a.wait_for_url("**/fill/B/")
    assert stored(world, "A.2", Decimal("35.5")) == Decimal("35.5")
    assert stored(world, "A.3", Decimal(7)) == Decimal(7)
