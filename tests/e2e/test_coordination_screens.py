"""The home page, the campaign board, the reminders and the audit trail in
headless Chromium: nothing scrolls sideways on a 390 px phone for the unit's staff
or the coordinator, the rows' links never start a line with a separator, the
sorted column says so, and the screens are kept as screenshots in
docs/screenshots/ (board-*.png, audit-*.png)."""

import sys
from pathlib import Path

import pytest
from django.conf import settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "survey"))
from worlds import VERIFICATION, add_units, build_world  # noqa: E402

from survey.models import Unit  # noqa: E402
from survey.services.audit import audit_ip  # noqa: E402
from survey.services.evidence import (  # noqa: E402
    evidence_add_document,
    evidence_delete,
)
from survey.services.reminders import reminders_send_now  # noqa: E402
from survey.services.review import answer_verdict  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
PASSWORD = "mat-khau-dai-2025"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def world(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world(shape=VERIFICATION)
    with audit_ip("203.0.113.24"):  # as if typed at the unit's office
        world.fill()
        node = world.nodes["2.1"]
        for number in ("12/KH-UBND", "15/QĐ-UBND"):
            evidence = evidence_add_document(
                assessment=world.assessment,
                node=node,
                user=world.editor,
                doc_number=number,
                summary="Kế hoạch chuyển đổi số năm 2025",
            )
        evidence_delete(evidence=evidence, user=world.editor)
        world.submit()
    with audit_ip("198.51.100.9"):
        answer_verdict(
            assessment=world.assessment, node=node, user=world.reviewer, verdict="agree"
        )
    add_units(world, 12, answered=("1.1", "2.1"))
    Unit.objects.filter(code="X-0003").update(
        name_vi="Xã Sơn Đông thuộc huyện miền núi có tên rất dài"
    )
    reminders_send_now(campaign=world.campaign, user=world.coordinator)
    for user in (world.editor, world.coordinator, world.committee):
        user.set_password(PASSWORD)
        user.save()
    return world


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}/")


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


@pytest.mark.parametrize("who", ["editor", "coordinator", "committee"])
def test_no_page_scrolls_sideways_on_a_phone(live_server, page, world, who):
    user = getattr(world, who)
    page.set_viewport_size(PHONE)
    _log_in(page, live_server, user)
    pages = ["/", "/?sort=-progress"]
    if who != "editor":
        board = f"/campaigns/{world.campaign.pk}/"
        pages += [board, f"{board}?sort=state&group=X%C3%A3"]
    if who == "coordinator":
        pages += [
            f"/campaigns/{world.campaign.pk}/reminders/",
            f"/campaigns/{world.campaign.pk}/reviewers/",
            "/audit/",
            "/accounts/",
            "/accounts/two-factor/",
        ]
    pages.append("/two-factor/")
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        assert _scroll_width(page) <= PHONE["width"], path


def test_the_rows_links_never_start_with_a_separator(live_server, page, world):
    page.set_viewport_size(PHONE)
    _log_in(page, live_server, world.committee)
    texts = page.locator("td.links").all_inner_texts()
    assert texts
    assert not [t for t in texts if t.strip().startswith("·") or "· " in t]


def test_the_coordinators_screens(live_server, page, world):
    page.set_viewport_size(DESKTOP)
    _log_in(page, live_server, world.coordinator)
    board = f"{live_server.url}/campaigns/{world.campaign.pk}/"
    page.goto(f"{board}?sort=-progress")
    header = page.locator("th[aria-sort]")
    assert header.count() == 1 and header.get_attribute("aria-sort") == "descending"
    assert page.locator("td[data-reminded]:not([data-reminded=''])").count() >= 12
    _shoot(page, "board-sorted-reminded.png")
    header.locator("a").click()  # the sorted column's header turns the order round
    page.wait_for_url("**sort=progress**")
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "ascending"

    page.goto(f"{board}reminders/")
    assert page.locator("tr[data-unit]").count() >= 12
    _shoot(page, "board-reminders-preview.png")

    page.goto(f"{live_server.url}/?q=xa+son&sort=unit")  # typed without accents
    assert page.locator("tbody tr").count() == 1
    assert "Sơn Đông" in page.locator("tbody").inner_text()
    page.goto(f"{live_server.url}/?state=draft&sort=-progress")
    _shoot(page, "board-home-filtered.png")

    page.goto(f"{live_server.url}/audit/?unit=NOPE")
    assert page.locator(".a-filter .error").count() == 1
    page.goto(f"{live_server.url}/audit/")
    assert page.locator("td[data-what]").count() > 5
    _shoot(page, "audit-trail.png")

    page.set_viewport_size(PHONE)
    page.goto(f"{board}?sort=-progress")
    _shoot(page, "board-phone.png")
    page.goto(f"{live_server.url}/audit/")
    _shoot(page, "audit-phone.png")
