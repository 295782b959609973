"""The verify page in headless Chromium: a verdict saved without a reload and
confirmed at its item, errors at the item's fields once, a verdict on an answer
changed meanwhile refused with what changed, the keys j/k/a (never while typing),
filters in place, and no sideways scroll on a phone."""

import re
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "survey"))
from e2e_sessions import signed_in_context, wait_until  # noqa: E402
from worlds import VERIFICATION, build_world  # noqa: E402

from survey.models import Answer, Assessment, Campaign, Evidence  # noqa: E402
from survey.services.review import answer_verdict  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
R = Answer.ReviewStatus


@pytest.fixture
def world(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world(shape=VERIFICATION)
    world.fill()
    world.assessment = world.submit()
    Evidence.objects.create(
        answer=world.answer("1.2"), kind="document", doc_number="12/KH", summary="KH"
    )
    return world


def page_for(browser, live_server, user, **viewport):
    viewport = viewport or {"width": 1280, "height": 900}
    page = signed_in_context(browser, live_server, user, viewport=viewport).new_page()
    page.set_default_timeout(15_000)
    return page


def last_year_answer(world, code: str, **values) -> Answer:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        year=2024,
        name="Đánh giá DTI năm 2024",
        state=Campaign.State.PUBLISHED,
        opens_on=today - timedelta(days=400),
        deadline=today - timedelta(days=300),
    )
    assessment = Assessment.objects.create(
        campaign=campaign,
        unit=world.unit,
        version=world.version,
        state=Assessment.State.PUBLISHED,
    )
    return Answer.objects.create(
        assessment=assessment,
        node=world.nodes[code],
        self_points=Decimal("2.5"),
        verified_points=Decimal("2.5"),
        review_status=R.AGREED,
        **values,
    )


def verify_url(live_server, world) -> str:
    return f"{live_server.url}/assessments/{world.assessment.pk}/verify/"


def item_of(page, world, code: str):
    return page.locator(f"#ind-{world.nodes[code].pk}")


def test_a_verdict_is_saved_without_a_reload(browser, live_server, world):
    page = page_for(browser, live_server, world.reviewer)
    page.goto(verify_url(live_server, world))
    page.evaluate("window.stayed = true")
    item = item_of(page, world, "1.3")
    pk = world.nodes["1.3"].pk
    item.locator(f"#id_v{pk}-verdict_1").check()
    item.locator(f"#id_v{pk}-points").fill("9,5")
    item.locator("button.v-save").click()
    item.locator(".v-saved.failed, .error").first.wait_for()
    assert item.locator(".error").count() == 1  # explanation missing, shown once
    assert item.locator(f"[data-field='v{pk}-explanation'] .error").is_visible()
    item.locator(f"#id_v{pk}-explanation").fill("Thiếu biên bản")
    item.locator("button.v-save").click()
    item.locator(".v-saved.ok").wait_for()
    assert re.fullmatch(
        r"Đã lưu lúc \d\d:\d\d:\d\d", item.locator(".v-saved").inner_text()
    )
    assert item.locator(".error").count() == 0
    assert item.locator(".v-verified").inner_text() == "9,5"
    assert item.get_attribute("data-status") == "disagreed"
    assert item.locator(f"#id_v{pk}-verdict_1").is_checked()
    assert page.evaluate("window.stayed") is True
    answer = world.answer("1.3")
    assert (answer.review_status, answer.verified_points) == (
        R.DISAGREED,
        Decimal("9.5"),
    )
    page.screenshot(path=str(SHOTS / "verify-saved-desktop.png"))
    page.context.close()


def test_a_verdict_on_an_answer_changed_meanwhile_shows_what_changed(
    browser, live_server, world
):
    page = page_for(browser, live_server, world.reviewer)
    page.goto(verify_url(live_server, world))
    answer_verdict(  # another reviewer, on another page
        assessment=world.assessment,
        node=world.nodes["1.1"],
        user=world.coordinator,
        verdict="disagree",
        explanation="Chưa ban hành",
        values={"yes": False},
    )
    item = item_of(page, world, "1.1")
    item.locator("button.v-agree").click()
    conflict = item.locator(".v-conflict")
    conflict.wait_for()
    assert "Chưa ban hành" in conflict.inner_text()
    assert world.answer("1.1").review_status == R.DISAGREED  # not overwritten
    item.locator("button.v-agree").click()  # seen, and chosen again
    item.locator(".v-saved.ok").wait_for()
    assert world.answer("1.1").review_status == R.AGREED
    page.context.close()


def test_keys_move_between_items_and_agree_but_never_while_typing(
    browser, live_server, world
):
    page = page_for(browser, live_server, world.reviewer)
    page.goto(verify_url(live_server, world))
    expect_help = page.locator(".v-keys-help")
    assert expect_help.is_visible()
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == f"ind-{world.nodes['1.1'].pk}"
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == f"ind-{world.nodes['1.1'].pk}"
    page.keyboard.press("a")
    item_of(page, world, "1.1").locator(".v-saved.ok").wait_for()
    assert item_of(page, world, "1.1").locator("input[value=agree]").is_checked()
    assert world.answer("1.1").review_status == R.AGREED
    # After agreeing, the next item is the one shown.
    wait_until(page, f"document.activeElement.id === 'ind-{world.nodes['1.2'].pk}'")
    textarea = item_of(page, world, "1.2").locator("textarea").first
    textarea.fill("")
    textarea.type("jak")
    assert textarea.input_value() == "jak"
    assert world.answer("1.2").review_status == R.PENDING
    page.locator("button.v-next").click()
    assert page.evaluate("document.activeElement.id") == f"ind-{world.nodes['1.3'].pk}"
    page.context.close()


def test_filters_apply_in_place_and_count_again(browser, live_server, world):
    page = page_for(browser, live_server, world.reviewer)
    page.goto(verify_url(live_server, world))
    page.evaluate("window.stayed = true")
    pending = page.locator("a.v-filter[data-filter='pending']")
    assert pending.locator(".v-count").inner_text() == "6"
    item_of(page, world, "1.1").locator("button.v-agree").click()
    item_of(page, world, "1.1").locator(".v-saved.ok").wait_for()
    assert pending.locator(".v-count").inner_text() == "5"
    remaining = page.locator("form.v-remaining button")
    assert "Thống nhất với 5 chỉ số" in remaining.inner_text()
    assert "5" in remaining.get_attribute("data-confirm")
    pending.click()
    assert "show=pending" in page.url
    assert not item_of(page, world, "1.1").is_visible()
    assert item_of(page, world, "1.2").is_visible()
    page.locator("a.v-filter[data-filter='evidence']").click()
    visible = page.locator("section.v-item:visible")
    assert visible.count() == 1
    assert page.evaluate("window.stayed") is True
    page.screenshot(path=str(SHOTS / "verify-filters-desktop.png"))
    page.context.close()


def test_without_script_the_filters_are_links(browser, live_server, world):
    client = Client()
    client.force_login(world.reviewer)
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
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
    page.goto(verify_url(live_server, world))
    page.locator("a.v-filter[data-filter='evidence']").click()
    page.wait_for_url(re.compile(r"show=evidence"))
    assert page.locator("section.v-item").count() == 1
    item = item_of(page, world, "1.2")
    item.locator("input[value=disagree]").check()  # then Agree pressed: agree wins
    with page.expect_navigation():
        item.locator("button.v-agree").click()
    assert world.answer("1.2").review_status == R.AGREED
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_two_columns_on_a_desktop_stacked_on_a_phone(
    browser, live_server, world, width
):
    last_year_answer(world, "1.2", number=Decimal(1), denominator=Decimal(4))
    page = page_for(browser, live_server, world.reviewer, width=width, height=844)
    page.goto(verify_url(live_server, world))
    assert "Năm trước (2024)" in item_of(page, world, "1.2").inner_text()
    phone = width < 900
    if phone:
        page.screenshot(path=str(SHOTS / "verify-phone.png"))
    item = item_of(page, world, "1.2")
    now = item.locator(".v-now").bounding_box()
    before = item.locator(".v-before").bounding_box()
    if phone:
        assert before["y"] > now["y"]  # stacked
        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        )
        history = item.locator("details.v-history summary")
        assert history.count() == 1
        history.click()
        item.locator("button.v-agree").click()
        item.locator(".v-saved.ok").wait_for()
        assert page.evaluate(
            "document.documentElement.scrollWidth <= window.innerWidth"
        )
        item.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "verify-phone-saved.png"))
        side = item.locator(".v-side").bounding_box()
        before = item.locator(".v-before").bounding_box()  # after the scroll
        assert side["y"] > before["y"] + before["height"] - 1  # the verdict under
    else:
        assert before["x"] > now["x"] and abs(before["y"] - now["y"]) < 5
        # The verdict beside them: three columns, Agree on one line at the top.
        side = item.locator(".v-side").bounding_box()
        assert side["x"] > before["x"] + before["width"] - 1
        assert abs(side["y"] - now["y"]) < 5
        agree = item.locator("button.v-agree").bounding_box()
        assert agree["y"] - side["y"] < 5 and agree["height"] < 45
        # The verified points and value only once "disagree" is chosen.
        points = item.locator("[data-name=points]")
        assert not points.is_visible()
        assert item.locator("[data-name=explanation] textarea").is_visible()
        item.locator("input[value=disagree]").check()
        assert points.is_visible()
        assert item.locator("[data-name=number]").is_visible()
        item.locator("input[value=agree]").check()
        assert item.bounding_box()["height"] < 500
        item.evaluate("element => element.scrollIntoView()")
        page.screenshot(path=str(SHOTS / "verify-desktop.png"))
    page.context.close()


def test_the_verdict_that_verifies_the_unit_closes_the_other_forms(
    browser, live_server, world
):
    for code in ("1.1", "1.2", "2.1", "2.2", "T.1"):
        answer_verdict(
            assessment=world.assessment,
            node=world.nodes[code],
            user=world.reviewer,
            verdict="agree",
        )
    page = page_for(browser, live_server, world.reviewer)
    page.goto(verify_url(live_server, world))
    page.evaluate("window.stayed = true")
    closed = page.locator(".v-closed")
    assert not closed.is_visible()
    assert page.locator("form.v-verdict:visible").count() == 6
    item = item_of(page, world, "1.3")
    item.locator("button.v-agree").click()
    item.locator(".v-saved.ok").wait_for()
    closed.wait_for()
    assert "đã được thẩm định" in closed.inner_text()
    assert page.locator(".v-state").inner_text() == "Đã thẩm định"
    assert page.locator("form.v-verdict:visible button:visible").count() == 0
    assert page.locator("form.v-verdict:visible").count() == 1  # its confirmation
    assert item.locator(".v-saved.ok").is_visible()
    for hidden in ("form.v-return", "details.v-comment-box"):
        assert page.locator(f"{hidden}:visible").count() == 0
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "verify-verified-desktop.png"))
    page.keyboard.press("j")
    page.keyboard.press("a")  # nothing left to agree with
    assert page.evaluate("window.stayed") is True
    assert Assessment.objects.get(pk=world.assessment.pk).state == "verified"
    page.reload()
    assert closed.is_visible()
    assert page.locator("form.v-verdict").count() == 0
    page.context.close()
