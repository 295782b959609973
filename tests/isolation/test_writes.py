"""Ids and codes of the other province sent in a form or an API body: nothing of
the other province is used nor changed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from survey.models import Answer, Campaign, CampaignVersion

pytestmark = pytest.mark.django_db
DIRECTIONS = ["A→B", "B→A"]


def _sides(iso, direction):
    return (iso.a, iso.b) if direction == "A→B" else (iso.b, iso.a)


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_a_new_campaign_cannot_use_the_other_provinces_framework(
    iso, client, direction
):
    mine, theirs = _sides(iso, direction)
    client.force_login(mine.users["coordinator"])
    form = {
        "year": 2026,
        "name": "Đợt mới",
        "opens_on": "01/01/2027",
        "deadline": "01/03/2027",
        "non_submission": Campaign.NonSubmission.choices[0][0],
    }
    url = reverse("survey:campaign_new")
    client.post(url, {**form, "version_department": theirs.versions["department"].pk})
    assert not CampaignVersion.objects.filter(
        version=theirs.versions["department"], campaign__province=mine.province
    ).exists()
    # allowed with the province's own version, and with the national one
    for version in (mine.versions["department"], iso.national_versions["department"]):
        response = client.post(url, {**form, "version_department": version.pk})
        assert response.status_code == 302
        assert CampaignVersion.objects.filter(
            version=version, campaign__province=mine.province, campaign__year=2026
        ).exists()


def _feed(token: str, campaign: str, unit: str, source: str):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    payload = {
        "campaign": campaign,
        "source": source,
        "key": f"{campaign}-{unit}",
        "values": [{"indicator": "1.3", "unit": unit, "value": 7}],
    }
    return api.post("/api/feeds/values", payload, content_type="application/json")


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_the_feed_writes_only_the_tokens_province(iso, direction):
    mine, theirs = _sides(iso, direction)
    token = mine.tokens["coordinator"]
    before = list(Answer.objects.filter(assessment__campaign=theirs.open).values())
    # the other province's campaign does not exist for the token
    response = _feed(token, theirs.open.code, theirs.commune.code, mine.feed.name)
    assert response.status_code == 404
    # the other province's unit is not in the token's campaign
    response = _feed(token, mine.open.code, theirs.commune.code, mine.feed.name)
    assert response.status_code in (400, 409, 422), response.content
    assert before == list(
        Answer.objects.filter(assessment__campaign=theirs.open).values()
    )
    # the province's own unit is written
    response = _feed(token, mine.open.code, mine.commune.code, mine.feed.name)
    assert response.status_code == 200, response.content
    stored = Answer.objects.get(
        assessment=mine.submitted, node__code="1.3", node__kind="indicator"
    )
    assert stored.number == 7


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_two_factor_requirement_is_not_a_provinces_to_set(iso, client, direction):
    """The setting binds every province: with several, only the installation's
    administrator changes it."""
    from survey.selectors.security import security_settings, two_factor_required

    mine, theirs = _sides(iso, direction)
    client.force_login(mine.users["coordinator"])
    response = client.post(reverse("survey:two_factor_requirement"), {"required": "on"})
    assert response.status_code == 403
    assert not security_settings().two_factor_required
    assert not two_factor_required(user=theirs.users["reviewer"])


def _import_framework(client, user, code: str):
    from pathlib import Path

    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = Path(settings.BASE_DIR) / "fixtures" / "frameworks" / "commune-2025.csv"
    client.force_login(user)
    upload = SimpleUploadedFile("khung.csv", path.read_bytes(), content_type="text/csv")
    form = {
        "file": upload,
        "framework_code": code,
        "framework_name_vi": "Khung mới",
        "year": 2026,
        "unit_type": "commune",
    }
    return client.post(reverse("survey:framework_import"), form)


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_a_coordinators_new_framework_is_their_provinces(iso, client, direction):
    from survey.models import Framework

    mine, theirs = _sides(iso, direction)
    code = f"{mine.marker}-MOI"
    assert _import_framework(client, mine.users["coordinator"], code).status_code == 302
    assert Framework.unscoped.get(code=code).province_id == mine.province.pk


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_importing_under_the_other_provinces_framework_code(iso, client, direction):
    mine, theirs = _sides(iso, direction)
    response = _import_framework(
        client, mine.users["coordinator"], theirs.framework.code
    )
    assert response.status_code == 200  # the form, with its error


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_a_coordinator_cannot_add_to_the_national_framework(iso, client, direction):
    from survey.models import FrameworkVersion

    mine, _theirs = _sides(iso, direction)
    framework = next(iter(iso.national_versions.values())).framework
    before = FrameworkVersion.unscoped.filter(framework=framework).count()
    _import_framework(client, mine.users["coordinator"], framework.code)
    assert FrameworkVersion.unscoped.filter(framework=framework).count() == before
