"""The user guide's screenshots, taken from the demo province as each role sees it.

Each role signs in on the live server, walks the pages the guide describes, and
every page is saved into docs/huong-dan/img/ (1280×800, reduced to a small palette
so that the files stay small). The same walk checks what a person's browser would
show as a fault: no console error, no failed request, no answer of 400 or more
(not even for /favicon.ico). Run it again when a screen changes, and the guide's
pictures follow.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from survey.demo.seed import DEMO_PASSWORD
from survey.models import Assessment, Campaign, User
from tests.crawl.demo_roles import (
    OPEN_YEAR,
    demo_seed,
    first_province,
    username_for,
)

pytestmark = pytest.mark.e2e
IMAGES = Path(settings.BASE_DIR) / "docs" / "huong-dan" / "img"
VIEWPORT = {"width": 1280, "height": 800}


def _first_step(user: User, assessment: Assessment) -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/assessments/{assessment.pk}/fill/")["Location"]


def _walks() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(role, username, [(image name, path)]) in the order the guide tells them."""
    campaign = Campaign.objects.get(year=OPEN_YEAR, province=first_province())
    published = (
        Campaign.objects.filter(state="published", province=first_province())
        .order_by("-year")
        .first()
    )
    editor = User.objects.get(username=username_for("commune-editor-returned"))
    returned = Assessment.objects.get(campaign=campaign, unit__memberships__user=editor)
    approver = User.objects.get(username=username_for("department-approver-ready"))
    ready = Assessment.objects.get(campaign=campaign, unit__memberships__user=approver)
    in_review = Assessment.objects.filter(campaign=campaign, state="in_review")
    verify = in_review.order_by("unit__code").first()
    return [
        ("anonymous", "", [("dang-nhap", "/login/")]),
        (
            "unit-editor",
            editor.username,
            [
                ("don-vi-trang-chu", "/"),
                ("don-vi-nhap-lieu", _first_step(editor, returned)),
                ("don-vi-ra-soat", f"/assessments/{returned.pk}/review/"),
                ("don-vi-thong-bao", "/notifications/"),
            ],
        ),
        (
            "unit-approver",
            approver.username,
            [("don-vi-lanh-dao-gui", f"/assessments/{ready.pk}/review/")],
        ),
        (
            "reviewer",
            username_for("reviewer"),
            [
                ("tham-dinh-danh-sach", "/reviews/"),
                ("tham-dinh-chi-bao", f"/assessments/{verify.pk}/verify/"),
                ("tham-dinh-trao-doi", f"/assessments/{verify.pk}/threads/"),
            ],
        ),
        (
            "coordinator",
            username_for("coordinator"),
            [
                ("dieu-phoi-bo-chi-so", "/frameworks/"),
                ("dieu-phoi-nhap-bo-chi-so", "/frameworks/import/"),
                ("dieu-phoi-dot-danh-gia", "/campaigns/"),
                ("dieu-phoi-tao-dot", "/campaigns/new/"),
                ("dieu-phoi-bang-theo-doi", f"/campaigns/{campaign.pk}/"),
                ("dieu-phoi-tham-dinh-vien", f"/campaigns/{campaign.pk}/reviewers/"),
                ("dieu-phoi-tai-khoan", "/accounts/"),
                ("dieu-phoi-nhap-tai-khoan", "/accounts/import/"),
                ("dieu-phoi-ket-qua", f"/reports/campaigns/{campaign.pk}/"),
            ],
        ),
        (
            "committee",
            username_for("committee"),
            [
                ("bcd-ket-qua", "/reports/"),
                ("bcd-bang-dieu-khien", f"/reports/campaigns/{published.pk}/"),
            ],
        ),
    ]


def _save(png: bytes, name: str) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=96, method=Image.Quantize.MEDIANCUT, dither=0)
    small.save(IMAGES / f"{name}.png", optimize=True)


def _watch(page, role: str, problems: list[str]) -> None:
    page.on(
        "console",
        lambda m: m.type == "error" and problems.append(f"{role} {page.url}: {m.text}"),
    )
    page.on("pageerror", lambda e: problems.append(f"{role} {page.url}: {e}"))
    # A request the browser cancels because the next page is already loading
    # (the favicon it fetches on its own, late) is not a fault of the server;
    # the server's faults are the responses below.
    page.on(
        "requestfailed",
        lambda r: (
            r.failure != "net::ERR_ABORTED"
            and problems.append(f"{role} failed {r.url}: {r.failure}")
        ),
    )
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"{role} {r.status} {r.url}"),
    )


@pytest.mark.django_db(transaction=True)
def test_each_role_walks_its_pages_without_a_fault_and_the_guide_is_pictured(
    live_server, browser
):
    demo_seed()
    IMAGES.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    problems: list[str] = []
    for role, username, shots in _walks():
        context = browser.new_context(
            locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=VIEWPORT
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        _watch(page, role, problems)
        if username:
            page.goto(f"{base}/login/")
            page.locator("input[name=username]").fill(username)
            page.locator("input[name=password]").fill(DEMO_PASSWORD)
            page.locator("form button[type=submit]").last.click()
            page.wait_for_url(f"{base}/")
        for name, path in shots:
            response = page.goto(f"{base}{path}", wait_until="networkidle")
            assert response is not None and response.status == 200, (role, path)
            _save(page.screenshot(), name)
        # What a browser asks for by itself, whatever the page says.
        assert page.goto(f"{base}/favicon.ico").status == 200
        context.close()
    assert not problems, "\n".join(problems)
