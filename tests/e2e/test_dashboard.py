"""The committee's dashboard and a unit's scorecard in headless Chromium: the SVG
charts render, no unit's comment or reviewer's explanation shows, and the pages
are kept as screenshots in docs/screenshots/."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from survey.importers.framework import framework_import, read_framework_path
from survey.models import Campaign, Membership, Unit, User
from tests.reports.conftest import COMMUNE, make_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
FREE_TEXT = ("Gạch đầu dòng", "Dòng hai", "HYPERLINK")
NAMES = [
    "Phường Bình Minh",
    "Xã An Phú",
    "Xã Tân Lập",
    "Phường Hòa Bình",
    "Xã Suối Thầu",
    "Xã Hợp Thành",
    "Phường Cốc Lếu",
    "Xã Mường Hum",
]


@pytest.fixture
def committee_viewer(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    version = framework_import(parsed=read_framework_path(COMMUNE))
    make_campaign(version, len(NAMES), year=2024, names=NAMES, state="published")
    units = list(Unit.objects.order_by("code"))
    campaign = make_campaign(version, len(units), year=2025, units=units)
    user = User.objects.create_user(
        "bcd", password="mat-khau-dai-2025", first_name="Ban chỉ đạo"
    )
    Membership.objects.create(user=user, role=Membership.Role.COMMITTEE)
    return campaign


def _log_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill("bcd")
    page.locator("input[name=password]").fill("mat-khau-dai-2025")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{live_server.url}/")


def _rendered_svgs(page) -> int:
    """SVG charts that the browser laid out with a visible size."""
    return page.evaluate(
        """() => [...document.querySelectorAll('figure svg')].filter(svg => {
            const box = svg.getBoundingClientRect();
            return box.width > 100 && box.height > 100 && svg.querySelector('path');
        }).length"""
    )


def _no_free_text(page) -> None:
    body, source = page.locator("body").inner_text(), page.content()
    for text in FREE_TEXT:
        assert text not in body and text not in source


def test_committee_viewer_sees_dashboard_and_scorecard(
    live_server, page, committee_viewer
):
    campaign: Campaign = committee_viewer
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, live_server)

    page.goto(f"{live_server.url}/reports/campaigns/{campaign.pk}/")
    assert page.get_by_role("heading", name=campaign.name).is_visible()
    # Level counts, trend, and per group (2) ranking and radar.
    assert _rendered_svgs(page) >= 6
    _no_free_text(page)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

    page.get_by_role("link", name=NAMES[1]).first.click()
    page.wait_for_url("**/scorecard/")
    assert page.get_by_role("heading", name=NAMES[1]).is_visible()
    assert _rendered_svgs(page) == 1
    assert page.locator("table.grid").count() >= 2
    _no_free_text(page)
    page.screenshot(path=str(SCREENSHOTS / "scorecard.png"), full_page=True)

    page.emulate_media(media="print")
    assert not page.locator("nav.actions").is_visible()
    assert not page.locator("header.top").is_visible()
    page.emulate_media(media="screen")

    page.locator("nav.actions a[href$='/self-report/']").click()
    page.wait_for_url("**/self-report/")
    _no_free_text(page)


def _charts(page) -> list[dict]:
    """Each chart of the dashboard: its width, its hover titles, its table."""
    return page.evaluate(
        """() => [...document.querySelectorAll('figure.chart')].map(figure => {
            const chart = figure.querySelector(':scope > svg, :scope > img');
            return {
                width: chart.getBoundingClientRect().width,
                titles: figure.querySelectorAll('svg g > title').length,
                rows: figure.querySelectorAll('details.chart-data tbody tr').length,
            };
        })"""
    )


def test_dashboard_charts_are_readable_with_their_figures(
    live_server, page, committee_viewer
):
    campaign: Campaign = committee_viewer
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/reports/campaigns/{campaign.pk}/")
    charts = _charts(page)
    # Levels, trend, and per group (2) ranking and radar.
    assert len(charts) == 6
    for chart in charts:
        assert chart["width"] >= 600, chart
        assert chart["titles"] > 0, chart
        assert chart["rows"] > 0, chart
    bar = page.locator("figure.chart svg g[id^=bar-] > title").first
    assert re.fullmatch(r".+: \d{1,3},\d\d %", bar.text_content())
    details = page.locator("details.chart-data").first
    details.locator("summary").click()
    assert details.locator("table").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "dashboard-charts.png"), full_page=False)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the page scrolls sideways on a phone"
    )
    widths = [c["width"] for c in _charts(page)]
    assert min(widths) >= 300
    page.screenshot(path=str(SCREENSHOTS / "dashboard-phone.png"), full_page=False)
