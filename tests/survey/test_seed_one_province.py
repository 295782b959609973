"""`seed_demo --one-province` loads the demo as an installation serving one
province has it: one province, frameworks of its own, and no screen that speaks of
provinces."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from survey.models import Framework, Membership, Province, Unit, User

pytestmark = pytest.mark.django_db


def test_one_province_demo_never_shows_a_province(client):
    call_command("seed_demo", "--one-province")
    [province] = Province.objects.all()
    assert not Membership.objects.filter(role=Membership.Role.NATIONAL).exists()
    assert set(Framework.objects.values_list("province", flat=True)) == {province.pk}
    assert set(Unit.objects.values_list("province", flat=True)) == {province.pk}

    client.force_login(User.objects.get(username="dieuphoi"))
    for name in ("survey:home", "survey:framework_list", "survey:campaign_list"):
        page = client.get(reverse(name)).content.decode()
        assert province.name_vi not in page, name
        assert 'class="province"' not in page, name
        assert "Toàn quốc" not in page, name
