"""The language menu in Chromium: picking a language changes nothing until the
button is pressed, and the keyboard alone can do both."""

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_the_language_changes_on_the_button_by_keyboard(live_server, page):
    page.goto(f"{live_server.url}/login/")
    assert page.evaluate("document.documentElement.lang") == "vi"
    page.focus("#language")
    page.keyboard.press("ArrowDown")  # English, picked but not yet asked for
    page.wait_for_timeout(300)
    assert page.url == f"{live_server.url}/login/"
    assert page.evaluate("document.documentElement.lang") == "vi"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Đổi"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.url == f"{live_server.url}/login/"
    assert page.locator("form.lang button").inner_text() == "Change"
