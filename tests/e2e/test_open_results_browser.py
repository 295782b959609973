"""The public results page in headless Chromium, as someone who never signed in
sees it: in Vietnamese, then in English through the language switch, with no
console error, no request refused, nothing the Content-Security-Policy blocks, and
no sideways scrolling on a 390-pixel phone. Its pictures go to docs/screenshots/.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings

from survey.models import Campaign
from tests.crawl.demo_roles import demo_seed, first_province

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
RECORD = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolation([event.effectiveDirective, event.blockedURI,
    event.sourceFile + ":" + event.lineNumber].join(" "));
});
"""
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _save(png: bytes, name: str) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=96, method=Image.Quantize.MEDIANCUT, dither=0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    small.save(SHOTS / f"{name}.png", optimize=True)


def _context(browser, problems: list[str], width: int, height: int):
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": width, "height": height},
    )
    context.expose_function("cspViolation", lambda text: problems.append(text))
    context.add_init_script(RECORD)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"),
    )
    return context, page


def test_the_public_page_in_both_languages_without_a_fault(live_server, browser):
    demo_seed()
    first = first_province()
    latest = (
        Campaign.objects.filter(state="published", province=first)
        .order_by("-year")
        .first()
    )
    address = f"/cong-khai/{first.code}/{latest.code}/"  # two provinces publish
    problems: list[str] = []
    context, page = _context(browser, problems, 1280, 800)
    page.goto(f"{live_server.url}/cong-khai/", wait_until="networkidle")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("region", name=first.name_vi).get_by_role(
        "link", name=latest.name
    ).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == latest.name
    assert "Quyết định số" in page.locator(".decision").inner_text()
    assert page.locator("table.ranking tbody tr").count() > 0
    _save(page.screenshot(), "open-results")

    page.select_option("#language", "en")
    page.locator("form.lang button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith(address)
    assert "Decision No." in page.locator(".decision").inner_text()
    _save(page.screenshot(), "open-results-en")
    context.close()

    for lang in ("vi", "en"):
        context, phone = _context(browser, problems, 390, 844)
        context.add_cookies(
            [
                {
                    "name": settings.LANGUAGE_COOKIE_NAME,
                    "value": lang,
                    "url": live_server.url,
                }
            ]
        )
        phone.goto(f"{live_server.url}{address}", wait_until="networkidle")
        assert phone.locator("html").get_attribute("lang") == lang
        assert phone.evaluate(OVERFLOW) <= 0, f"{lang}: wider than the phone"
        context.close()
    assert not problems, "\n".join(problems)
