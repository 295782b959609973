"""The questionnaire without a network, in headless Chromium (docs/offline.md).

A questionnaire opened once online keeps working offline: every step and the review
page come from the service worker's copies, answers and evidence wait in the
browser's queue (IndexedDB), the browser can be closed and opened again offline, and
when the network returns everything arrives, with conflicts offered, not
overwritten. The queue belongs to one account and one assessment.
"""

import contextlib
import re
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

TESTS = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(TESTS / "e2e"), str(TESTS / "survey")]
from e2e_sessions import profile_context, session_cookies  # noqa: E402
from offline_queue import go_offline, go_online, kept_pages, queued  # noqa: E402
from test_questionnaire import (  # noqa: E402
    PDF,
    PHONE,
    build_small,
    field,
    logged_in_page,
    shoot,
    small_url,
    step_url,
)
from worlds import QUESTIONNAIRE, VERIFICATION, build_world  # noqa: E402

from survey.models import Answer, AuditEvent, Evidence, Membership  # noqa: E402
from survey.services.answers import answer_save  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def opened():
    """Browser contexts to close after the test, passed or failed: a page left open
    would go on sending to the next test's server."""
    contexts = []
    yield contexts.append
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()


def eventually(check, what: str, seconds: float = 20.0, *, page=None):
    """Wait for ``check()``; with ``page``, the browser's events (a dialog) are
    handled meanwhile."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if page is not None:
            page.wait_for_timeout(100)
        else:
            time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def first_page(context):
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(15_000)
    return page


def wait_kept(page, paths: set[str]) -> None:
    eventually(lambda: paths <= set(kept_pages(page)), f"pages kept: {paths}")


def stored(small, code: str):
    return Answer.objects.filter(
        assessment=small.assessment, node=small.nodes[code]
    ).first()


def test_a_questionnaire_filled_offline_arrives_when_the_network_returns(
    browser, link, settings, tmp_path, opened
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    small = build_small()
    pk = small.assessment.pk
    profile = tmp_path / "profile"
    context = profile_context(browser, profile, viewport={"width": 1280, "height": 900})
    opened(context)
    context.add_cookies(session_cookies(link, small.editor))
    page = first_page(context)

    # Online, once: the worker keeps every step and the review page.
    page.goto(small_url(link, small, "1"))
    wait_kept(
        page,
        {
            f"/assessments/{pk}/fill/1/",
            f"/assessments/{pk}/fill/2/",
            f"/assessments/{pk}/review/",
        },
    )

    # Offline: a reload shows the kept copy, which says so.
    go_offline(context, link)
    page.reload()
    assert page.locator("html").get_attribute("data-offline-copy")
    note = page.locator(".offline-note").inner_text()
    assert "lưu trong trình duyệt" in note
    field(page, small, "1.1", "yes_0").check()
    field(page, small, "1.2", "number").fill("45")
    field(page, small, "1.2", "denominator").fill("50")
    # A small file chosen offline waits in the queue, shown under its indicator.
    evidence = page.locator(f"[data-ev-node='{small.nodes['1.1'].pk}']")
    evidence.locator("summary").click()
    evidence.locator("input[type=file]").set_input_files(
        {"name": "Kế hoạch CĐS.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    evidence.locator("button[value='file']").click()
    pending = evidence.locator("[data-ev-pending]")
    pending.wait_for()
    assert "Chưa gửi: Kế hoạch CĐS.pdf" in pending.inner_text()
    queue = page.locator("#q-queue")
    eventually(
        lambda: "2 câu trả lời, 1 minh chứng" in queue.inner_text(), "queue of step 1"
    )
    assert "Chưa gửi: 3" in page.locator("[data-queue-badge]").inner_text()
    shoot(page, "offline-step.png")

    # Every step moves offline, from the kept copies.
    page.locator(".q-nav button.primary").click()
    page.wait_for_url(small_url(link, small, "2"))
    assert page.locator("html").get_attribute("data-offline-copy")
    field(page, small, "2.1", "number").fill("1.500")
    field(page, small, "2.2", "date").fill("20/03/2025")
    eventually(lambda: len(queued(page)) == 4, "four answers queued")
    page.locator(".q-nav button[value='done']").click()
    page.wait_for_url(re.compile(r"/review/$"))
    assert page.locator("html").get_attribute("data-offline-copy")
    actions = page.locator("form[data-needs-network] button")
    assert actions.count() >= 1
    assert all(actions.nth(i).is_disabled() for i in range(actions.count()))
    assert "cần kết nối" in page.locator("[data-network-msg]").first.inner_text()
    page.set_viewport_size(PHONE)
    shoot(page, "offline-review-phone.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not Answer.objects.filter(assessment=small.assessment).exists()

    # Meanwhile someone else saves 2.1 on the server.
    answer_save(
        assessment=small.assessment,
        node=small.nodes["2.1"],
        values={"number": Decimal(1800)},
        expected_version=0,
        user=small.approver,
    )

    # The browser is closed, and started again without a network.
    context.close()
    context = profile_context(
        browser, profile, offline=True, viewport={"width": 1280, "height": 900}
    )
    opened(context)
    go_offline(context, link)
    page = first_page(context)
    page.goto(small_url(link, small, "2"))
    assert page.locator("html").get_attribute("data-offline-copy")
    expect(field(page, small, "2.1", "number")).to_have_value("1.500")
    expect(field(page, small, "2.2", "date")).to_have_value("20/03/2025")
    eventually(
        lambda: "Chưa gửi: 5" in page.locator("[data-queue-badge]").inner_text(),
        "five waiting after the restart",
    )
    shoot(page, "offline-reopened.png")
    assert stored(small, "1.1") is None

    # Back online: everything arrives; the other person's 2.1 is offered, not
    # overwritten.
    go_online(context, link)
    eventually(lambda: stored(small, "2.2"), "2.2 sent")
    eventually(
        lambda: Evidence.objects.filter(answer__assessment=small.assessment).exists(),
        "the file sent",
    )
    assert stored(small, "1.1").yes is True
    assert (stored(small, "1.2").number, stored(small, "1.2").denominator) == (45, 50)
    assert stored(small, "2.2").date == date(2025, 3, 20)
    assert stored(small, "2.1").number == Decimal(1800)
    item = Evidence.objects.get(answer__assessment=small.assessment)
    assert item.kind == "file"
    assert item.answer.node == small.nodes["1.1"]
    assert item.file.read() == PDF
    # The page is loaded again from the server and shows the conflict.
    eventually(
        lambda: page.locator("html").get_attribute("data-offline-copy") is None,
        "the page loaded again from the server",
    )
    conflict = page.locator(f"#ind-{small.nodes['2.1'].pk} .q-conflict-slot")
    conflict.locator("button").first.wait_for()
    assert "1.800" in conflict.inner_text()
    assert field(page, small, "2.1", "number").input_value() == "1.500"
    shoot(page, "offline-conflict.png")
    conflict.get_by_role("button", name="Giữ câu trả lời của tôi").click()
    eventually(lambda: stored(small, "2.1").number == Decimal(1500), "2.1 kept")
    eventually(lambda: not queued(page), "the queue emptied")
    assert queued(page, "files") == []
    eventually(
        lambda: not page.locator("[data-queue-badge]").is_visible(), "badge gone"
    )

    # The audit trail shows each of them, by the editor.
    events = AuditEvent.objects.filter(
        assessment_id=pk, actor=small.editor, action="answer_change"
    )
    answers = {str(stored(small, code).pk) for code in ("1.1", "1.2", "2.1", "2.2")}
    audited = set(
        events.filter(object_type="survey.answer").values_list("object_id", flat=True)
    )
    assert answers <= audited
    assert events.filter(object_type="survey.evidence", object_id=str(item.pk)).exists()
    context.close()


def test_logging_out_with_changes_not_sent_warns_then_clears_them(
    browser, link, settings, opened
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world(shape=QUESTIONNAIRE)
    page = logged_in_page(browser, link, world.editor)
    opened(page.context)
    page.goto(step_url(link, world, "A"))
    wait_kept(page, {f"/assessments/{world.assessment.pk}/fill/A/"})
    page.route("**/answers/", lambda route: route.abort())  # saves cannot get through
    page.locator(f"#id_n{world.nodes['A.3'].pk}-number").fill("7")
    eventually(lambda: len(queued(page)) == 1, "one change queued")

    # Without the server, logging out is refused and nothing is cleared.
    go_offline(page.context, link)
    page.locator("form[data-logout] button").click()
    message = page.locator("form[data-logout] ~ [data-network-msg], [data-network-msg]")
    message.first.wait_for()
    assert "cần kết nối" in message.first.inner_text()
    go_online(page.context, link)
    assert len(queued(page)) == 1

    # With it: a warning that names the count; cancelled, nothing happens.
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("form[data-logout] button").click()
    eventually(lambda: asked, "the warning", page=page)
    assert "1 thay đổi" in asked[0]
    assert "/fill/A/" in page.url
    assert len(queued(page)) == 1

    # Accepted: logged out, and this browser keeps nothing of that account.
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("form[data-logout] button").click()
    user = str(world.editor.pk)
    counts = page.evaluate("user => DTIStore.count(user)", user)
    assert counts == {"answers": 0, "files": 0}
    assert not page.evaluate("user => caches.has(DTIStore.pageCache(user))", user)
    assert not Answer.objects.filter(node=world.nodes["A.3"]).exists()
    page.context.close()


def test_a_queue_is_sent_only_by_its_account_and_only_to_its_assessment(
    browser, link, settings, opened
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world(shape=VERIFICATION)
    # The editor also fills the other unit's assessment: same framework, same
    # indicators, so a change sent to the wrong one would be accepted there.
    Membership.objects.create(user=world.editor, unit=world.other_unit, role="editor")
    mine, other = world.assessment, world.other_assessment
    node = world.nodes["2.2"]
    page = logged_in_page(browser, link, world.editor)
    opened(page.context)
    context = page.context
    page.goto(f"{link.url}/assessments/{other.pk}/fill/2/")
    wait_kept(page, {f"/assessments/{other.pk}/review/"})
    page.goto(step_url(link, world, "2"))
    wait_kept(page, {f"/assessments/{mine.pk}/fill/2/"})
    go_offline(context, link)
    page.reload()
    page.locator(f"#id_n{node.pk}-number").fill("3")
    eventually(lambda: len(queued(page)) == 1, "queued offline")
    page.close()

    # Online again, the same person opens the other assessment: nothing of the
    # first one's queue goes there.
    go_online(context, link)
    page = first_page(context)
    page.goto(f"{link.url}/assessments/{other.pk}/fill/2/")
    page.wait_for_timeout(3000)
    assert queued(page) == []
    assert not Answer.objects.filter(assessment=other, node=node).exists()

    # The session ends without logging out and someone else signs in here: the
    # editor's queue is neither sent nor shown to them, nor the editor's copies.
    context.clear_cookies()
    context.add_cookies(session_cookies(link, world.approver))
    page.goto(step_url(link, world, "2"))
    page.wait_for_timeout(3000)
    assert queued(page) == []
    assert not AuditEvent.objects.filter(
        actor=world.approver, action="answer_change"
    ).exists()
    assert not Answer.objects.filter(assessment=other, node=node).exists()
    # Still waiting for the editor, unless the editor's own page got it to the
    # editor's own assessment as it closed.
    editor_rows = page.evaluate(
        "([u, a]) => DTIStore.all('answers', u, a)",
        [str(world.editor.pk), str(mine.pk)],
    )
    sent = Answer.objects.filter(assessment=mine, node=node, number=3).exists()
    assert len(editor_rows) == 1 or sent
    if not sent:
        assert page.locator(f"#id_n{node.pk}-number").input_value() == ""
    go_offline(context, link)
    page.goto(f"{link.url}/assessments/{other.pk}/review/")  # the editor's copy
    assert page.locator("h1").inner_text() == "Không có kết nối"
    assert page.locator("#q-form").count() == 0
    go_online(context, link)

    # The editor comes back: the change goes to its own assessment.
    context.clear_cookies()
    context.add_cookies(session_cookies(link, world.editor))
    page.goto(step_url(link, world, "2"))
    eventually(
        lambda: Answer.objects.filter(assessment=mine, node=node, number=3).exists(),
        "sent to its own assessment",
    )
    assert not Answer.objects.filter(assessment=other, node=node).exists()
    context.close()


def test_a_page_left_open_never_sends_its_changes_as_the_next_person(
    browser, link, settings, opened
):
    """The editor's page stays open after their session ended; the approver signs
    in on the same browser. The page's changes are refused, kept for the editor."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world(shape=QUESTIONNAIRE)
    page = logged_in_page(browser, link, world.editor)
    opened(page.context)
    context = page.context
    page.goto(step_url(link, world, "A"))
    context.route("**/answers/", lambda route: route.abort())
    page.locator(f"#id_n{world.nodes['A.3'].pk}-number").fill("7")
    eventually(lambda: len(queued(page)) == 1, "queued")
    page.wait_for_timeout(2500)  # the first send failed

    context.clear_cookies()
    context.add_cookies(session_cookies(link, world.approver))
    context.unroute("**/answers/")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    status = page.locator("#q-status.error")
    status.wait_for()
    assert "tài khoản khác" in status.inner_text()
    assert not Answer.objects.filter(node=world.nodes["A.3"]).exists()
    assert len(queued(page)) == 1
    context.close()
