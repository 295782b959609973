"""reports.views: who sees the dashboards, fixed queries, exports and downloads."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import ReportExport
from survey.models import Campaign, Unit
from tests.reports.conftest import make_campaign

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def test_coordinator_and_committee_see_the_dashboard(
    client, version, coordinator, committee
):
    campaign = make_campaign(version, 6)
    for user in (coordinator, committee):
        client.force_login(user)
        response = client.get(reverse("reports:dashboard", args=[campaign.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count("<svg") >= 4
        assert "Xã số 1" in body
        assert "Gạch đầu dòng" not in body and "HYPERLINK" not in body
        assert "cdn" not in body.lower()
        assert client.get(reverse("reports:campaign_list")).status_code == 200


def test_other_roles_get_403(client, version, editor):
    campaign = make_campaign(version, 3)
    client.force_login(editor)
    assert (
        client.get(reverse("reports:dashboard", args=[campaign.pk])).status_code == 403
    )
    assert client.get(reverse("reports:campaign_list")).status_code == 403
    url = reverse("reports:export_create", args=[campaign.pk])
    assert client.post(url, {"kind": "workbook"}).status_code == 403


def test_anonymous_is_sent_to_login(client, version):
    campaign = make_campaign(version, 3)
    response = client.get(reverse("reports:dashboard", args=[campaign.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_dashboard_queries_do_not_grow_with_units(client, version, committee):
    small = make_campaign(version, 5)
    other = Unit.objects.bulk_create(
        Unit(code=f"L{u}", name_vi=f"Xã L{u}", unit_type="commune") for u in range(30)
    )
    large = make_campaign(version, 30, units=other, year=2026)
    client.force_login(committee)
    counts = []
    for campaign in (small, large):
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("reports:dashboard", args=[campaign.pk]))
        assert response.status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]


def test_committee_viewers_always_get_the_version_without_comments(
    client, version, committee
):
    campaign = make_campaign(version, 4)
    client.force_login(committee)
    url = reverse("reports:export_create", args=[campaign.pk])
    response = client.post(url, {"kind": "workbook", "lang": "en", "committee": ""})
    export = ReportExport.objects.get()
    assert export.committee and export.is_done
    assert response["Location"] == reverse("reports:export_detail", args=[export.pk])
    download = client.get(reverse("reports:export_download", args=[export.pk]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert content[:2] == b"PK" and b"HYPERLINK" not in content


def test_committee_viewers_cannot_download_a_full_version(
    client, version, coordinator, committee
):
    campaign = make_campaign(version, 3)
    client.force_login(coordinator)
    url = reverse("reports:export_create", args=[campaign.pk])
    client.post(url, {"kind": "workbook", "lang": "vi"})
    full = ReportExport.objects.get(committee=False)
    assert (
        client.get(reverse("reports:export_download", args=[full.pk])).status_code
        == 200
    )
    client.force_login(committee)
    assert (
        client.get(reverse("reports:export_download", args=[full.pk])).status_code
        == 403
    )


@override_settings(TASKS=IMMEDIATE, REPORTS_SYNC_MAX_UNITS=1)
def test_large_export_goes_through_the_task_and_the_poll_page(
    client, version, coordinator
):
    campaign = make_campaign(version, 4, state=Campaign.State.PUBLISHED)
    client.force_login(coordinator)
    url = reverse("reports:export_create", args=[campaign.pk])
    response = client.post(url, {"kind": "workbook", "lang": "vi", "committee": "1"})
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert reverse("reports:export_download", args=[ReportExport.objects.get().pk]) in (
        page.content.decode()
    )
    client.post(url, {"kind": "workbook", "lang": "vi", "committee": "1"})
    assert ReportExport.objects.count() == 1  # a published campaign's file is kept


def test_annex_download(client, version, coordinator):
    campaign = make_campaign(version, 4, state=Campaign.State.PUBLISHED)
    client.force_login(coordinator)
    url = reverse("reports:export_create", args=[campaign.pk])
    client.post(url, {"kind": "annex", "lang": "vi"})
    export = ReportExport.objects.get(kind="annex")
    response = client.get(reverse("reports:export_download", args=[export.pk]))
    assert response["Content-Disposition"].endswith('.docx"')
