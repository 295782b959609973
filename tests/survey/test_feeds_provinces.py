"""Feeds per province: source names unique within a province, another
province's sources, campaigns and batches not found, and the API feed writing
only to its token's province."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from two_provinces import province_user
from worlds import VERIFICATION, build_world

from survey.models import (
    Answer,
    Campaign,
    CampaignVersion,
    FeedBatch,
    FeedSource,
    Membership,
    Province,
    Unit,
)
from survey.numbers import VI
from survey.services.api_tokens import api_token_create
from survey.services.campaigns import CampaignInvalid
from survey.services.feed_files import FeedSourceIn, feed_file_preview, feed_source_save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
CSV = "mã đơn vị,có cổng\nS-TC,có\n".encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def world():
    """The world of ``worlds`` in its province, and a second province with its
    coordinator, one unit and a campaign of the same code."""
    world = build_world(shape=VERIFICATION)
    world.b = Province.objects.create(code="yen-bai", name_vi="Yên Bái")
    world.coordinator_b = province_user(
        "dieuphoi_b", Membership.Role.COORDINATOR, province=world.b
    )
    world.unit_b = Unit.unscoped.create(
        code="SO-B", name_vi="Sở B", unit_type="department", province=world.b
    )
    today = timezone.localdate()
    world.campaign_b = Campaign.unscoped.create(
        province=world.b,
        year=2025,
        code=world.campaign.code,
        name="DTI Yên Bái",
        state=Campaign.State.OPEN,
        opens_on=today - timedelta(days=30),
        deadline=today + timedelta(days=30),
    )
    CampaignVersion.objects.create(
        campaign=world.campaign_b, unit_type="department", version=world.version
    )
    return world


def source_in(name: str) -> FeedSourceIn:
    return FeedSourceIn(name=name, unit_column="mã đơn vị", columns={"có cổng": "1.1"})


def test_a_source_name_is_unique_within_a_province_only(world):
    mine = feed_source_save(user=world.coordinator, data=source_in("Cổng DVC"))
    assert mine.province_id == world.campaign.province_id
    with pytest.raises(CampaignInvalid) as refused:
        feed_source_save(user=world.coordinator, data=source_in("Cổng DVC"))
    assert "of the province already has this name" in refused.value.errors["name"]
    theirs = feed_source_save(user=world.coordinator_b, data=source_in("Cổng DVC"))
    assert theirs.province == world.b
    assert FeedSource.unscoped.filter(name="Cổng DVC").count() == 2


def test_the_taken_name_is_said_on_the_form(client, world):
    feed_source_save(user=world.coordinator_b, data=source_in("Cổng DVC"))
    feed_source_save(user=world.coordinator, data=source_in("Cổng DVC"))
    client.force_login(world.coordinator_b)
    data = {
        "name": "Cổng DVC",
        "description": "",
        "unit_column": "mã đơn vị",
        "sheet": "",
        "header_row": "1",
        "header": ["mã đơn vị", "có cổng"],
        "role": ["unit", "indicator"],
        "code": ["", "1.1"],
    }
    response = client.post(reverse("survey:feed_source_new"), data)
    assert response.status_code == 400
    assert "of the province already has this name" in response.content.decode()


def test_another_provinces_source_and_campaign_are_not_found(client, world):
    theirs = feed_source_save(user=world.coordinator_b, data=source_in("Cổng B"))
    mine = feed_source_save(user=world.coordinator, data=source_in("Cổng A"))
    client.force_login(world.coordinator)
    assert (
        client.get(reverse("survey:feed_source_edit", args=[theirs.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("survey:feed_source_edit", args=[mine.pk])).status_code
        == 200
    )
    url = reverse("survey:feed_import", args=[world.campaign.pk, theirs.pk])
    upload = SimpleUploadedFile("dvc.csv", CSV)
    assert client.post(url, {"file": upload, "number_format": "vi"}).status_code == 404
    url = reverse("survey:feed_import", args=[world.campaign_b.pk, mine.pk])
    assert client.get(url).status_code == 404
    url = reverse("survey:feed_import_confirm", args=[world.campaign.pk, theirs.pk])
    assert client.post(url, {"upload": "x"}).status_code == 404
    with pytest.raises(Http404):
        feed_file_preview(
            user=world.coordinator,
            campaign=world.campaign,
            source=theirs,
            content=CSV,
            filename="dvc.csv",
            number_format=VI,
        )
    page = client.get(reverse("survey:feed_sources")).content.decode()
    assert "Cổng A" in page and "Cổng B" not in page


def token_of(user) -> str:
    return api_token_create(actor=user, owner=user, name="dvc", days=30)[1]


def post(client, text, body):
    return client.post(
        "/api/feeds/values",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {text}", "Accept-Language": "en"},
    )


def body(campaign_code: str, unit: str, key: str = "k-1") -> dict:
    return {
        "campaign": campaign_code,
        "source": "Cổng DVC",
        "key": key,
        "values": [{"indicator": "1.1", "unit": unit, "value": True}],
    }


def test_the_api_feed_writes_only_to_its_tokens_province(client, world):
    code = world.campaign.code
    # The same campaign code in the other province is that province's campaign:
    # the first province's unit is unknown there, and nothing is written.
    response = post(client, token_of(world.coordinator_b), body(code, "S-TC"))
    assert response.status_code == 422, response.content
    assert not Answer.objects.filter(assessment=world.assessment, yes=True).exists()
    batch = FeedBatch.objects.get(user=world.coordinator_b)
    assert batch.campaign == world.campaign_b
    # A code of the first province only is not found for the second.
    world.campaign.code = "rieng-a"
    world.campaign.save(update_fields=["code"])
    response = post(
        client, token_of(world.coordinator_b), body("rieng-a", "S-TC", "k-2")
    )
    assert response.status_code == 404
    # The first province's own token writes to its campaign.
    with translation.override("en"):
        response = post(client, token_of(world.coordinator), body("rieng-a", "S-TC"))
    assert response.status_code == 200, response.content
    assert world.answer("1.1").yes is True


def test_batches_of_another_province_are_not_listed(client, world):
    post(client, token_of(world.coordinator_b), body(world.campaign.code, "SO-B"))
    assert FeedBatch.objects.filter(user=world.coordinator_b).exists()
    client.force_login(world.coordinator)
    response = client.get(reverse("survey:feed_sources"))
    assert response.context["batches"] == []
    client.force_login(world.coordinator_b)
    response = client.get(reverse("survey:feed_sources"))
    assert len(response.context["batches"]) == 1
