"""The full yearly loop in headless Chromium: the editor fills, the approver submits,
two reviewers with different scopes work at once, one disagrees with two items and
returns one, the editor fixes it, the approver resubmits, the reviewers verify, the
coordinator shares preliminary results and publishes, and the final points equal
the verified ones."""

import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "survey"))
from e2e_sessions import signed_in_context  # noqa: E402
from worlds import VERIFICATION, build_world  # noqa: E402

from survey.models import Answer, Assessment, Campaign, UnitResult  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world(shape=VERIFICATION)


def page_for(browser, live_server, user):
    page = signed_in_context(browser, live_server, user).new_page()
    page.set_default_timeout(15_000)
    return page


def wait_until(check, what: str) -> None:
    for _ in range(150):
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def answer(world, code: str) -> Answer | None:
    return Answer.objects.filter(
        assessment=world.assessment, node=world.nodes[code]
    ).first()


def fill_step(page, live_server, world, step: str, values: dict) -> None:
    page.goto(f"{live_server.url}/assessments/{world.assessment.pk}/fill/{step}/")
    for code, (field, value) in values.items():
        pk = world.nodes[code].pk
        if field == "yes":
            page.locator(f"#id_n{pk}-yes_{0 if value else 1}").check()
        else:
            page.locator(f"#id_n{pk}-{field}").fill(value)
    for code, (field, value) in values.items():
        expected = value if field == "yes" else Decimal(value.replace(",", "."))
        wait_until(
            lambda c=code, f=field, e=expected: getattr(answer(world, c), f, None) == e,
            f"{code} saved",
        )


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def accept_and_wait(page, locator) -> str:
    """Click a button that asks first, accept its dialog; return what it said."""
    said = []

    def accept(dialog) -> None:
        said.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    click_and_wait(page, locator)
    assert said, "no confirmation was asked"
    return said[0]


def unit_action(page, live_server, world, action: str) -> None:
    page.goto(f"{live_server.url}/assessments/{world.assessment.pk}/review/")
    button = page.locator(f"button[value='{action}']")
    if action in ("submit", "resubmit"):
        assert accept_and_wait(page, button).startswith("Nộp")
    else:
        click_and_wait(page, button)


def verdict(page, world, code: str, *, disagree=False, **fields) -> None:
    pk = world.nodes[code].pk
    item = page.locator(f"#ind-{pk}")
    item.locator(f"#id_v{pk}-verdict_{1 if disagree else 0}").check()
    for name, value in fields.items():
        locator = item.locator(f"#id_v{pk}-{name}")
        if name == "yes":
            locator.select_option(value)
        else:
            locator.fill(value)
    # The verdict is saved without a reload and confirmed at its item.
    item.locator("form.v-verdict button.v-save").click()
    item.locator(".v-saved.ok").wait_for()


def state(world) -> str:
    return Assessment.objects.get(pk=world.assessment.pk).state


def test_the_full_loop(browser, live_server, world):
    base = live_server.url
    editor = page_for(browser, live_server, world.editor)
    fill_step(
        editor,
        live_server,
        world,
        "1",
        {"1.1": ("yes", True), "1.2": ("number", "3"), "1.3": ("number", "15")},
    )
    fill_step(editor, live_server, world, "1", {"1.2": ("denominator", "4")})
    fill_step(
        editor, live_server, world, "2", {"2.1": ("yes", True), "2.2": ("number", "2")}
    )
    fill_step(editor, live_server, world, "T", {"T.1": ("number", "1")})
    unit_action(editor, live_server, world, "mark_ready")
    approver = page_for(browser, live_server, world.approver)
    unit_action(approver, live_server, world, "submit")
    assert state(world) == "submitted"

    # Two reviewers at once, each on their scope.
    reviewer = page_for(browser, live_server, world.reviewer)
    police = page_for(browser, live_server, world.police)
    verify_url = f"{base}/assessments/{world.assessment.pk}/verify/"
    reviewer.goto(verify_url)
    police.goto(verify_url)
    assert police.locator("section.v-item").count() == 2
    assert reviewer.locator("section.v-item").count() == 6
    verdict(police, world, "2.1")
    verdict(police, world, "2.2", disagree=True, explanation="Chỉ 1 đợt", number="1")
    verdict(
        reviewer, world, "1.1", disagree=True, explanation="Chưa ban hành", yes="false"
    )
    verdict(reviewer, world, "1.3", disagree=True, explanation="Thiếu", points="9,5")
    reviewer.locator(f"form.v-return input[value='{world.nodes['1.2'].pk}']").check()
    reviewer.locator("#return-comment").fill("Bổ sung danh sách hồ sơ")
    click_and_wait(reviewer, reviewer.locator("form.v-return button"))
    # Returning asks on a page of its own, naming the items.
    assert "Trả lại 1 mục cho đơn vị" in reviewer.locator("main").inner_text()
    assert state(world) == "in_review"
    click_and_wait(reviewer, reviewer.locator("form.confirm-form button"))
    assert state(world) == "returned"

    # The unit sees the comment, fixes the returned item, and resubmits.
    editor.goto(f"{base}/assessments/{world.assessment.pk}/threads/")
    assert editor.get_by_text("Bổ sung danh sách hồ sơ").is_visible()
    fill_step(editor, live_server, world, "1", {"1.2": ("number", "4")})
    unit_action(approver, live_server, world, "resubmit")
    assert state(world) == "submitted"

    reviewer.goto(verify_url)
    change = reviewer.locator(f"#ind-{world.nodes['1.2'].pk} .v-change")
    assert "3 / 4" in change.inner_text() and "4 / 4" in change.inner_text()
    said = accept_and_wait(
        reviewer, reviewer.locator("form[action$='agree-remaining/'] button")
    )
    assert said.startswith("Thống nhất với 2 chỉ số còn lại")  # 1.2 and T.1
    assert state(world) == "verified"

    # The coordinator shares preliminary results and publishes.
    coordinator = page_for(browser, live_server, world.coordinator)
    board = f"{base}/campaigns/{world.campaign.pk}/"
    for action in ("close", "share_preliminary"):
        coordinator.goto(board)
        form = coordinator.locator(f"form.c-action:has(input[value='{action}'])")
        said = accept_and_wait(coordinator, form.locator("button"))
        if action == "close":  # the other unit never started
            assert said == (
                "Đóng tiếp nhận: 1 đơn vị đang soạn sẽ không thể sửa nữa. "
                "Hạn nộp còn 30 ngày."
            )
    coordinator.goto(board)
    form = coordinator.locator("form.c-action:has(input[value='publish'])")
    form.locator("input[name=decision_number]").fill("684/QĐ-UBND")
    form.locator("input[name=decision_date]").fill("03/04/2026")
    assert accept_and_wait(coordinator, form.locator("button")).startswith(
        "Công bố kết quả: điểm chính thức của 1 đơn vị"
    )
    campaign = Campaign.objects.get(pk=world.campaign.pk)
    assert (campaign.state, campaign.decision_number) == ("published", "684/QĐ-UBND")
    assert state(world) == "published"

    expected = {
        "1.1": Decimal(0),
        "1.2": Decimal(10),
        "1.3": Decimal("9.5"),
        "2.1": Decimal(10),
        "2.2": Decimal(5),
        "T.1": Decimal(5),
    }
    for code, points in expected.items():
        stored = answer(world, code)
        assert stored.verified_points == points, code
        result = UnitResult.objects.get(
            assessment=world.assessment, node=world.nodes[code]
        )
        assert result.final_points == stored.verified_points, code
        assert result.frozen
    for page in (editor, approver, reviewer, police, coordinator):
        page.context.close()
