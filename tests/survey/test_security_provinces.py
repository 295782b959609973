"""The site's security settings bind every province: with several, only the
installation's administrator changes them; with one, its coordinator, as before."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from two_provinces import two_provinces

from survey.models import Province, SecuritySettings, Unit, User
from survey.selectors.security import security_settings
from survey.services.two_factor import two_factor_requirement_set

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
URL = reverse("survey:two_factor_requirement")


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def world():
    return two_provinces()


def test_with_several_provinces_a_coordinator_reads_the_setting_only(client, world):
    client.force_login(world.coordinator_a)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "only the installation" in text
    assert 'type="submit"' not in text.split("<main", 1)[-1].split("</main>")[0]
    assert client.post(URL, {"required": "on"}).status_code == 403
    assert not security_settings().two_factor_required
    with pytest.raises(PermissionDenied):
        two_factor_requirement_set(required=True, user=world.coordinator_a)
    assert not SecuritySettings.objects.filter(two_factor_required=True).exists()


def test_with_several_provinces_the_superuser_changes_it(client, world):
    admin = User.objects.create_superuser("quantri", "qt@example.gov.vn", "x")
    client.force_login(admin)
    assert 'name="required"' in client.get(URL).content.decode()
    assert client.post(URL, {"required": "on"}).status_code == 302
    assert security_settings().two_factor_required


def test_with_one_province_its_coordinator_changes_it_as_before(client, world):
    Unit.unscoped.filter(province=world.b).delete()
    world.coordinator_b.memberships.all().delete()
    Province.objects.exclude(pk=world.a.pk).delete()
    client.force_login(world.coordinator_a)
    assert "only the installation" not in client.get(URL).content.decode()
    assert client.post(URL, {"required": "on"}).status_code == 302
    assert security_settings().two_factor_required
