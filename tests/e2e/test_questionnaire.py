"""The questionnaire in headless Chromium: autosave, reload, offline, conflicts."""

import re
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "survey"))
from e2e_sessions import (  # noqa: E402
    profile_context,
    session_cookies,
    signed_in_context,
)
from offline_queue import (  # noqa: E402
    go_offline,
    go_online,
    queued,  # noqa: E402
)
from worlds import LEVELS, QUESTIONNAIRE, World, build_world  # noqa: E402

from survey.models import (  # noqa: E402
    Answer,
    Assessment,
    Campaign,
    Framework,
    FrameworkVersion,
    Membership,
    Node,
    Unit,
    User,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SAVED = re.compile(r"\d{2}:\d{2}")  # "Saved at hh:mm", in whatever language


@pytest.fixture
def world(settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world(shape=QUESTIONNAIRE)


def logged_in_page(browser, live_server, user):
    """A page in a new browser context whose session belongs to ``user``."""
    page = signed_in_context(browser, live_server, user).new_page()
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


def test_changes_typed_offline_reach_the_server_when_online(browser, link, world):
    page = logged_in_page(browser, link, world.editor)
    page.goto(step_url(link, world, "A"))
    go_offline(page.context, link)
    number_input(page, world, "A.3").fill("8")
    page.locator(f"#id_n{world.nodes['A.2'].pk}-number").fill("55,5")
    page.wait_for_timeout(2600)
    assert "pending" in (page.locator("#q-status").get_attribute("class") or "")
    assert not Answer.objects.exists()
    go_online(page.context, link)
    wait_for_value(world, "A.3", "number", Decimal(8))
    wait_for_value(world, "A.2", "number", Decimal("55.5"))
    wait_for_saved(page)
    assert queued(page) == []
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


def shoot(page, name: str) -> None:
    """A full-page screenshot from the top (sticky parts sit where they belong)."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=_screenshot(name), full_page=True)


def _screenshot(name: str) -> str:
    folder = Path(settings.BASE_DIR) / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / f"questionnaire-{name}")


# A whole assessment of a small framework, evidence, interruption, submission ----------

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PHONE = {"width": 390, "height": 844}
# code: (pillar, answer type, rule, params, max points, extra)
SMALL = {
    "1.1": ("1", "yes_no", "yes_no", {}, 10, {}),
    "1.2": ("1", "ratio", "ratio", {}, 10, {}),
    "1.3": ("1", "level", "level", LEVELS, 20, {}),
    "2.1": ("2", "number", "target", {"target": 2000}, 20, {}),
    "2.2": (
        "2",
        "date",
        "none",
        {},
        None,
        {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)},
    ),
}


@dataclass
class Small:
    assessment: Assessment
    editor: User
    approver: User
    nodes: dict[str, Node]


def build_small() -> Small:
    """Two pillars with yes/no, ratio, level, number and date indicators."""
    framework = Framework.objects.create(code="DTI-XA", name_vi="Bộ chỉ số cấp xã")
    version = FrameworkVersion.objects.create(
        framework=framework, year=2025, unit_type="commune"
    )
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        year=2025,
        name="DTI cấp xã 2025",
        state="open",
        opens_on=today - timedelta(days=10),
        deadline=today + timedelta(days=20),
    )
    unit = Unit.objects.create(
        code="XA-01", name_vi="UBND xã Tân Phú", unit_type="commune"
    )
    assessment = Assessment.objects.create(
        campaign=campaign, unit=unit, version=version
    )
    pillars = {
        code: Node.objects.create(
            version=version, code=code, kind="pillar", order=i, name_vi=name
        )
        for i, (code, name) in enumerate(
            [("1", "Hạ tầng và nền tảng số"), ("2", "Hoạt động chính quyền số")]
        )
    }
    nodes = {
        code: Node.objects.create(
            version=version,
            parent=pillars[pillar],
            code=code,
            kind="indicator",
            order=i,
            name_vi=f"Chỉ số {code} của xã",
            guidance_vi="Căn cứ văn bản do UBND xã ban hành trong năm.",
            evidence_required="Quyết định, kế hoạch (số hiệu, ngày, trích yếu)",
            answer_type=atype,
            rule=rule,
            rule_params=params,
            max_points=max_points,
            **extra,
        )
        for i, (code, (pillar, atype, rule, params, max_points, extra)) in enumerate(
            SMALL.items()
        )
    }
    users = []
    for role in ("editor", "approver"):
        user = User.objects.create_user(f"xa-{role}", password="mat-khau-dai-2025")
        Membership.objects.create(user=user, unit=unit, role=role)
        users.append(user)
    return Small(assessment, *users, nodes)


def field(page, small: Small, code: str, name: str):
    return page.locator(f"#id_n{small.nodes[code].pk}-{name}")


def small_url(live_server, small: Small, step: str = "") -> str:
    base = f"{live_server.url}/assessments/{small.assessment.pk}/fill/"
    return f"{base}{step}/" if step else base


def stored_value(small: Small, code: str, name: str):
    answer = Answer.objects.filter(
        assessment=small.assessment, node=small.nodes[code]
    ).first()
    return getattr(answer, name, None)


def wait_until(check, what: str) -> None:
    for _ in range(150):
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def test_an_editor_fills_a_whole_assessment_and_the_approver_submits(
    browser, live_server, settings, tmp_path
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    small = build_small()
    # A browser profile of its own: what it keeps is there again when it reopens.
    profile = tmp_path / "profile"
    context = profile_context(browser, profile)
    context.add_cookies(session_cookies(live_server, small.editor))
    page = context.pages[0]
    page.set_default_timeout(15_000)
    page.goto(small_url(live_server, small))
    assert page.url == small_url(live_server, small, "1")

    # Step 1: yes/no, ratio, level, and evidence of each kind.
    field(page, small, "1.1", "yes_0").check()
    field(page, small, "1.2", "number").fill("45")
    field(page, small, "1.2", "denominator").fill("50")
    field(page, small, "1.3", "choice_0").check()
    evidence = page.locator(f"[data-ev-node='{small.nodes['1.1'].pk}']")
    evidence.locator("summary").click()
    pk = small.nodes["1.1"].pk
    page.locator(f"#ev{pk}-doc_number").fill("12/KH-UBND")
    page.locator(f"#ev{pk}-doc_date").fill("15/01/2025")
    page.locator(f"#ev{pk}-summary").fill("Kế hoạch chuyển đổi số năm 2025")
    evidence.locator("button[value='document']").click()
    evidence.locator("[data-evidence]").first.wait_for()
    evidence.locator("input[type=file]").set_input_files(
        {"name": "Quyết định 45.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    evidence.locator("button[value='file']").click()
    evidence.get_by_role("link", name="Quyết định 45.pdf").wait_for()
    disguised = b"<html><script>alert(1)</script></html>"
    evidence.locator("input[type=file]").set_input_files(
        {"name": "hoa-don.pdf", "mimeType": "application/pdf", "buffer": disguised}
    )
    evidence.locator("button[value='file']").click()
    evidence.locator(".q-ev-msg.error").wait_for()
    assert evidence.locator("[data-evidence]").count() == 2
    wait_for_saved(page)
    wait_until(lambda: stored_value(small, "1.3", "choice") == "cao", "1.3 saved")
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot(page, "whole-step-1-desktop.png")

    # Step 2: type, and leave before the debounce sends it (saves blocked, so the
    # page's last-chance send on closing cannot reach the server either).
    page.get_by_role("button", name=re.compile("→")).click()
    page.wait_for_url(small_url(live_server, small, "2"))
    page.route("**/answers/", lambda route: route.abort())
    answer_2_1 = Answer.objects.filter(
        assessment=small.assessment, node=small.nodes["2.1"]
    )
    before = answer_2_1.values().first()
    field(page, small, "2.1", "number").fill("1.250")
    assert [row["node"] for row in queued(page)] == [small.nodes["2.1"].pk]
    # Offline too: the page's keep-alive send on closing outlives routing.
    page.context.set_offline(True)
    page.context.close()
    # On a loaded machine Chromium may still deliver the page's keep-alive send
    # while it closes, past the offline switch and the route (nothing is lost
    # then either). Put the answer back as it was before typing, version and
    # all, so that what follows tests the resend from the browser's storage.
    time.sleep(0.5)
    if stored_value(small, "2.1", "number") is not None:
        if before is None:
            answer_2_1.delete()
        else:
            answer_2_1.update(**{k: v for k, v in before.items() if k != "id"})
    assert stored_value(small, "2.1", "number") is None

    # The browser started again on the same profile: the change is sent again.
    context = profile_context(browser, profile)
    page = context.pages[0]
    page.set_default_timeout(15_000)
    page.goto(small_url(live_server, small, "2"))
    # Put back from the browser's queue once it is read (IndexedDB: a moment).
    expect(field(page, small, "2.1", "number")).to_have_value("1.250")
    wait_until(lambda: stored_value(small, "2.1", "number") == 1250, "2.1 resent")
    wait_for_saved(page)
    field(page, small, "2.2", "date").fill("20/03/2025")
    wait_for_saved(page)
    wait_until(lambda: stored_value(small, "2.2", "date") == date(2025, 3, 20), "2.2")
    page.context.close()

    # A fresh context (another computer): everything is on the server.
    page = logged_in_page(browser, live_server, small.editor)
    page.goto(small_url(live_server, small, "1"))
    assert field(page, small, "1.1", "yes_0").is_checked()
    assert field(page, small, "1.2", "denominator").input_value() == "50"
    assert field(page, small, "1.3", "choice_0").is_checked()
    items = page.locator(f"[data-ev-node='{small.nodes['1.1'].pk}'] [data-evidence]")
    assert items.count() == 2
    page.goto(small_url(live_server, small, "2"))
    assert field(page, small, "2.1", "number").input_value() == "1.250"
    assert field(page, small, "2.2", "date").input_value() == "20/03/2025"
    shoot(page, "whole-step-2-desktop.png")
    page.locator(".q-nav button[value='done']").click()
    page.wait_for_url(re.compile(r"/review/$"))
    assert page.locator(".q-missing").count() == 0
    with page.expect_navigation():
        page.locator("button[value='mark_ready']").click()
    page.context.close()

    # The approver logs in with the login form and submits.
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    approver = context.new_page()
    approver.set_default_timeout(15_000)
    approver.goto(f"{live_server.url}/assessments/{small.assessment.pk}/review/")
    approver.locator("#id_username").fill("xa-approver")
    approver.locator("#id_password").fill("mat-khau-dai-2025")
    with approver.expect_navigation():
        approver.locator("form button[type=submit]").last.click()
    approver.wait_for_url(re.compile(r"/review/$"))
    shoot(approver, "whole-review-desktop.png")
    approver.once("dialog", lambda dialog: dialog.accept())
    with approver.expect_navigation():
        approver.locator("button[value='submit']").click()
    small.assessment.refresh_from_db()
    assert small.assessment.state == "submitted"
    approver.set_viewport_size(PHONE)
    shoot(approver, "whole-review-phone.png")
    context.close()


def test_the_step_with_evidence_on_a_phone(browser, live_server, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    small = build_small()
    page = logged_in_page(browser, live_server, small.editor)
    page.set_viewport_size(PHONE)
    page.goto(small_url(live_server, small, "1"))
    field(page, small, "1.2", "number").fill("3")
    field(page, small, "1.2", "denominator").fill("4")
    box = page.locator(f"[data-ev-node='{small.nodes['1.2'].pk}']")
    box.locator("summary").click()
    url = page.locator(f"#ev{small.nodes['1.2'].pk}-url")
    url.fill("https://tanphu.example.gov.vn/bao-cao-chuyen-doi-so-2025")
    url.press("Enter")  # adds the link, not a document
    box.locator("[data-evidence]").first.wait_for()
    wait_for_saved(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width}px)"
    shoot(page, "whole-step-1-phone.png")
    page.once("dialog", lambda dialog: dialog.accept())
    box.locator("button.danger").click()
    box.locator(".q-ev-none").wait_for()
    page.context.close()
