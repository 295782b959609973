"""The questionnaire in Chromium: save state, refused values kept, moving between
steps offline, returned items, the needs-attention filter, counters, evidence forms
that do not block one another, and pages that never scroll sideways on a phone."""

import re
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

TESTS = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(TESTS / "e2e"), str(TESTS / "survey")]
import offline_queue  # noqa: E402
from e2e_sessions import wait_until  # noqa: E402
from offline_queue import go_offline, go_online  # noqa: E402
from test_questionnaire import (  # noqa: E402
    PHONE,
    logged_in_page,
    number_input,
    shoot,
    step_url,
    wait_for_value,
)
from worlds import QUESTIONNAIRE, VERIFICATION, World, build_world  # noqa: E402

from survey.models import Answer, Evidence  # noqa: E402
from survey.services.review import answers_return  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SAVED_AT = re.compile(r"\d{2}:\d{2}:\d{2}")


@pytest.fixture
def world(settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world(shape=QUESTIONNAIRE)


@pytest.fixture
def returned(settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world(shape=VERIFICATION)
    world.fill()
    world.assessment = world.submit()
    answers_return(
        assessment=world.assessment,
        nodes=[world.nodes["1.2"]],
        user=world.reviewer,
        comment="Tỷ lệ chưa khớp với danh sách gửi kèm; bổ sung danh sách.",
    )
    answer = world.answer("1.2")
    answer.reviewer_explanation = "Mẫu số phải là tổng số cán bộ của đơn vị."
    answer.save(update_fields=["reviewer_explanation"])
    return world


def wait_for_status(page, pattern: re.Pattern) -> str:
    status = page.locator("#q-status")
    for _ in range(100):
        text = status.inner_text() if status.is_visible() else ""
        if pattern.search(text):
            return text
        page.wait_for_timeout(100)
    raise AssertionError(f"the status never matched {pattern}: {text!r}")


def queued(page) -> list[int]:
    return [row["node"] for row in offline_queue.queued(page)]


def test_the_status_says_unsaved_saving_then_saved_at_the_servers_time(
    browser, live_server, world
):
    page = logged_in_page(browser, live_server, world.editor)
    page.goto(step_url(live_server, world, "A"))
    assert not page.locator("#q-status").is_visible()  # no empty box on load
    number_input(page, world, "A.3").fill("7")
    assert page.locator("#q-status").inner_text() == "Chưa lưu"
    text = wait_for_status(page, SAVED_AT)
    assert text.startswith("Đã lưu lúc")
    wait_for_value(world, "A.3", "number", Decimal(7))
    page.context.close()


def test_a_refused_value_stays_after_reload_until_discarded(
    browser, live_server, world
):
    world.save("B.4", {"date": date(2025, 6, 1)})
    page = logged_in_page(browser, live_server, world.editor)
    page.goto(step_url(live_server, world, "B"))
    box = page.locator(f"#ind-{world.nodes['B.4'].pk}")
    field = box.locator("input[name$='-date']")
    field.fill("01/06/2031")  # outside the window: refused
    box.locator(".q-field-msg.error").wait_for()
    message = box.locator(".q-field-msg.error").inner_text()
    assert message
    assert len(queued(page)) == 1

    page.reload()
    expect(field).to_have_value("01/06/2031")  # once the browser's queue is read
    assert box.locator(".q-field-msg.error").inner_text() == message
    assert page.locator("#q-status.error").is_visible()
    box.locator(".q-discard").click()
    assert field.input_value() == "01/06/2025"
    assert queued(page) == []
    assert box.locator(".q-field-msg.error").count() == 0
    page.context.close()


def test_next_offline_shows_a_step_kept_in_the_browser_and_sends_later(
    browser, link, world
):
    page = logged_in_page(browser, link, world.editor)
    page.goto(step_url(link, world, "A"))
    review = f"/assessments/{world.assessment.pk}/review/"
    wait_until(
        page,
        f"caches.open('dti-pages-' + document.body.dataset.user)"
        f".then(c => c.match('{review}')).then(Boolean)",
    )
    go_offline(page.context, link)
    number_input(page, world, "A.3").fill("9")
    page.locator(".q-nav button[value='B']").click()
    page.wait_for_url(step_url(link, world, "B"))
    page.locator(f"#ind-{world.nodes['B.3'].pk}").wait_for()
    expect(page.locator("#q-status")).to_contain_text("trình duyệt")
    page.locator(f"#id_n{world.nodes['B.3'].pk}-number").fill("12")
    shoot(page, "offline-moved-desktop.png")

    # A step this browser no longer keeps (its copy was cleared): the person stays
    # and is told when it opens.
    page.evaluate(
        f"caches.open('dti-pages-' + document.body.dataset.user)"
        f".then(c => c.delete('{review}'))"
    )
    page.locator(".q-steps button[value='done']").click()
    page.wait_for_timeout(300)
    assert page.url == step_url(link, world, "B")
    assert "khi có kết nối" in page.locator("#q-status").inner_text()
    page.set_viewport_size(PHONE)
    shoot(page, "offline-stay-phone.png")
    assert not Answer.objects.exists()

    go_online(page.context, link)
    wait_for_value(world, "A.3", "number", Decimal(9))
    wait_for_value(world, "B.3", "number", Decimal(12))
    page.wait_for_url(re.compile(r"/review/$"))
    assert queued(page) == []
    page.context.close()


def test_a_returned_item_is_marked_where_it_stands(browser, live_server, returned):
    page = logged_in_page(browser, live_server, returned.editor)
    page.goto(step_url(live_server, returned, "1"))
    box = page.locator(f"#ind-{returned.nodes['1.2'].pk}")
    assert box.locator(".q-badge-returned").is_visible()
    assert "Mẫu số phải là tổng số" in box.locator(".q-returned").inner_text()
    assert "bổ sung danh sách" in box.locator(".q-thread").inner_text()
    assert page.locator(".q-step.has-returned").count() == 1
    assert "1" in page.locator(".q-step.current .q-mark-returned").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot(page, "returned-desktop.png")

    # The filter toggles in place: only the returned item is left.
    page.locator("[data-attention-toggle]").click()
    assert page.url.endswith("?attention=1")
    assert page.locator("#q-form").get_attribute("action").endswith("?attention=1")
    visible = page.locator("fieldset.indicator:visible")
    assert visible.count() == 1
    assert visible.first.get_attribute("id") == f"ind-{returned.nodes['1.2'].pk}"
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the step scrolls sideways ({width}px)"
    shoot(page, "returned-phone.png")

    # The reply box counts its characters and reaches the thread.
    reply = box.locator("textarea[name=body]")
    reply.fill("Đã bổ sung danh sách")
    pk = returned.nodes["1.2"].pk
    counter = box.locator(f".q-count[data-count-for='cm{pk}-body']")
    assert counter.inner_text().startswith("20 / 5000")
    with page.expect_navigation():
        box.locator(".q-thread button[type=submit]").click()
    assert "Đã bổ sung danh sách" in box.locator(".q-thread").inner_text()
    page.context.close()


def test_evidence_forms_do_not_block_one_another_or_the_answers(
    browser, live_server, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = logged_in_page(browser, live_server, world.editor)
    page.goto(step_url(live_server, world, "A"))
    first = page.locator(f"[data-ev-node='{world.nodes['A.1'].pk}']")
    second = page.locator(f"[data-ev-node='{world.nodes['A.3'].pk}']")
    first.locator("summary").click()
    first.locator("input[type=url]").fill("khong-phai-dia-chi")
    first.locator("button[value='link']").click()
    first.locator(".q-ev-msg.error").wait_for()
    error = first.locator(".q-ev-msg.error").inner_text()
    assert error and error.count(error.split(".")[0]) == 1  # said once

    second.locator("summary").click()
    summary = second.locator("textarea[name=summary]")
    summary.fill("Kế hoạch số 12")
    pk = world.nodes["A.3"].pk
    counter = second.locator(f".q-count[data-count-for='ev{pk}-summary']")
    assert counter.inner_text().startswith("14 / 2000")
    page.locator(f"#ev{pk}-doc_number").fill("12/KH-UBND")
    second.locator("button[value='document']").click()
    second.locator("[data-evidence]").first.wait_for()
    number_input(page, world, "A.3").fill("6")
    wait_for_value(world, "A.3", "number", Decimal(6))
    assert Evidence.objects.filter(answer__node=world.nodes["A.3"]).count() == 1
    assert first.locator(".q-ev-msg.error").inner_text() == error  # still there
    comment = page.locator(f"#id_n{pk}-comment")
    comment.fill("x" * 120)
    counter = page.locator(f".q-count[data-count-for='id_n{pk}-comment']")
    assert counter.inner_text().startswith("120 / 5000")
    page.context.close()


def test_no_questionnaire_page_scrolls_sideways_on_a_phone(browser, live_server, world):
    world.save("A.3", {"number": Decimal(8)})
    world.save("A.1", {"number": Decimal(3)})
    page = logged_in_page(browser, live_server, world.editor)
    page.set_viewport_size(PHONE)
    urls = {
        "step": step_url(live_server, world, "A"),
        "step-attention": step_url(live_server, world, "B") + "?attention=1",
        "review": f"{live_server.url}/assessments/{world.assessment.pk}/review/",
    }
    for name, url in urls.items():
        page.goto(url)
        page.evaluate(
            "document.querySelectorAll('details.q-ev-add').forEach(d => d.open = true)"
        )
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} scrolls sideways ({width}px)"
    shoot(page, "review-evidence-phone.png")
    assert page.locator(".q-no-evidence a").count() == 1
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot(page, "review-evidence-desktop.png")
    page.goto(urls["step"])
    shoot(page, "steps-desktop.png")
    page.context.close()
