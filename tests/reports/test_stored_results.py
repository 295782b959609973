"""Dashboard and scorecard read what is kept per results version: built once,
read back in a fixed number of queries, rebuilt after a refresh."""

import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.services import dashboard, unit
from reports.services.data import report_data
from survey.models import Assessment, ResultsAnalysis, Unit
from survey.results.compute import campaign_results_compute
from tests.reports.conftest import make_campaign

pytestmark = pytest.mark.django_db


def _figures(card) -> tuple:
    return (
        card.points,
        card.maximum,
        card.value,
        card.level,
        card.rank,
        card.ranked_units,
        card.previous_value,
        card.previous_rank,
        [(p.code, p.points, p.value, p.group_mean, p.maximum) for p in card.pillars],
        [(w.code, w.points, w.points_lost) for w in card.weakest],
        card.path_status,
        [w.code for w in card.path],
    )


def test_the_kept_scorecard_shows_the_figures_of_the_report(version):
    make_campaign(version, 6, year=2024, state="published")
    campaign = make_campaign(version, 6, units=list(Unit.objects.order_by("code")))
    report = report_data(campaign=campaign, leaves=False, free_text=False)
    section = report.sections[0]
    for row in section.units:
        assessment = Assessment.objects.get(pk=row.assessment_id)
        card = unit.unit_scorecard(assessment=assessment)
        assert (card.points, card.maximum, card.value) == (
            row.points,
            row.maximum,
            row.value,
        )
        assert card.rank == (row.rank if row.ranked else None)
        assert (card.previous_value, card.previous_rank) == (
            row.previous_value,
            row.previous_rank,
        )
        kept = _figures(card)
        # Built again from the answers, without anything kept: the same figures.
        ResultsAnalysis.objects.filter(campaign=campaign).delete()
        assert _figures(unit.unit_scorecard(assessment=assessment)) == kept


def _views(client, campaign) -> int:
    with CaptureQueriesContext(connection) as context:
        assert (
            client.get(reverse("reports:dashboard", args=[campaign.pk])).status_code
            == 200
        )
        first = campaign.assessments.order_by("pk").first()
        url = reverse("reports:scorecard", args=[first.pk])
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_queries_do_not_grow_with_units(client, version, committee):
    small = make_campaign(version, 4, state="preliminary")
    other = Unit.objects.bulk_create(
        Unit(code=f"L{u}", name_vi=f"Xã L{u}", unit_type="commune") for u in range(24)
    )
    large = make_campaign(version, 24, units=other, year=2026, state="preliminary")
    client.force_login(committee)
    for campaign in (small, large):
        _views(client, campaign)  # built and kept
    assert _views(client, small) == _views(client, large)


def test_built_once_per_results_version_and_again_after_a_refresh(
    client, version, committee
):
    campaign = make_campaign(version, 5)
    client.force_login(committee)
    url = reverse("reports:dashboard", args=[campaign.pk])
    with mock.patch.object(
        dashboard, "report_data", wraps=dashboard.report_data
    ) as built:
        client.get(url)
        client.get(url)
        assert built.call_count == 1
        before = campaign.results_version
        campaign_results_compute(campaign=campaign)
        campaign.refresh_from_db()
        assert campaign.results_version == before + 1
        assert not ResultsAnalysis.objects.filter(
            campaign=campaign, results_version=before
        ).exists()
        client.get(url)
        assert built.call_count == 2
    kinds = set(
        ResultsAnalysis.objects.filter(
            campaign=campaign, results_version=campaign.results_version
        ).values_list("kind", flat=True)
    )
    assert {"dashboard-3:vi", "charts-3:vi", f"scored:{version.pk}"} <= kinds


def test_a_refresh_shows_the_new_figures(client, version, committee):
    campaign = make_campaign(version, 4)
    client.force_login(committee)
    url = reverse("reports:dashboard", args=[campaign.pk])
    assert "Xã số 1" in client.get(url).content.decode()
    Unit.objects.filter(name_vi="Xã số 1").update(name_vi="Xã Đổi Tên")
    assert "Xã Đổi Tên" not in client.get(url).content.decode()  # kept
    campaign_results_compute(campaign=campaign)
    campaign.refresh_from_db()
    assert "Xã Đổi Tên" in client.get(url).content.decode()


def test_a_large_groups_ranking_is_an_image_with_its_etag(
    client, version, committee, editor, monkeypatch
):
    monkeypatch.setattr(dashboard, "SHOWN", 1)
    campaign = make_campaign(version, 8)
    client.force_login(committee)
    body = client.get(reverse("reports:dashboard", args=[campaign.pk])).content
    name = re.search(rb"/charts/(ranking-[0-9-]+)\.svg", body).group(1).decode()
    url = reverse("reports:dashboard_chart", args=[campaign.pk, name])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    etag = response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    missing = reverse("reports:dashboard_chart", args=[campaign.pk, "nothing"])
    assert client.get(missing).status_code == 404
    client.force_login(editor)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.parametrize(
    ("state", "prepared"), [("preliminary", True), ("published", True), ("open", False)]
)
def test_results_stored_after_filling_are_prepared_by_the_worker(
    version, django_capture_on_commit_callbacks, settings, state, prepared
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        campaign = make_campaign(version, 4, state=state)
    kinds = set(
        ResultsAnalysis.objects.filter(
            campaign=campaign, results_version=campaign.results_version
        ).values_list("kind", flat=True)
    )
    expected = {"dashboard-3:vi", "dashboard-3:en", "unit-figures"}
    assert (expected <= kinds) is prepared
    assert f"scored:{version.pk}" in kinds


def test_a_task_for_replaced_results_does_nothing(version):
    campaign = make_campaign(version, 3, state="preliminary")
    stale = campaign.results_version - 1
    assert not dashboard.dashboard_prepare_task.call(
        campaign_id=campaign.pk, results_version=stale
    )
    assert not ResultsAnalysis.objects.filter(kind__startswith="dashboard").exists()


def test_the_admin_shows_what_is_kept_and_changes_none_of_it(client, version):
    from survey.models import User

    campaign = make_campaign(version, 2)
    client.force_login(User.objects.create_superuser("root", password="x"))
    kept = ResultsAnalysis.objects.get(campaign=campaign)
    assert client.get("/admin/survey/resultsanalysis/").status_code == 200
    page = client.get(f"/admin/survey/resultsanalysis/{kept.pk}/change/")
    assert page.status_code == 200 and b'name="kind"' not in page.content
    page = client.get(f"/admin/survey/campaign/{campaign.pk}/change/")
    assert b'name="results_version"' not in page.content
