"""The audit trail per province: a coordinator reads their province's events;
the installation's events (no province) only a superuser."""

import pytest
from django.urls import reverse
from two_provinces import two_provinces

from survey.models import AuditEvent, Membership, Province, Unit, User
from survey.selectors.audit import audit_visible
from survey.services.audit import audit_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def events():
    world = two_provinces()
    action = AuditEvent.Action.ADMIN
    made = {
        name: audit_record(
            actor=None, action=action, reason=name, province_id=province_id
        ).pk
        for name, province_id in (
            ("a", world.a.pk),
            ("b", world.b.pk),
            ("installation", None),
        )
    }
    return world, made


def shown(client) -> set[int]:
    response = client.get(reverse("survey:audit_search"))
    assert response.status_code == 200
    return {event.pk for event in response.context["page"].object_list}


def test_a_coordinator_reads_their_provinces_events_only(client, events):
    world, made = events
    client.force_login(world.coordinator_a)
    seen = shown(client)
    assert made["a"] in seen
    assert made["b"] not in seen
    assert made["installation"] not in seen
    client.force_login(world.coordinator_b)
    seen = shown(client)
    assert made["b"] in seen and made["a"] not in seen


def test_a_superuser_reads_every_event(client, events):
    world, made = events
    admin = User.objects.create_superuser("quantri", "qt@example.gov.vn", "x")
    assert set(made.values()) <= set(
        audit_visible(user=admin).values_list("pk", flat=True)
    )
    # A superuser who coordinates a province too reads every event on the screen.
    Membership.unscoped.create(
        user=admin, role=Membership.Role.COORDINATOR, province=world.a
    )
    client.force_login(admin)
    assert set(made.values()) <= shown(client)


def test_with_one_province_its_coordinator_reads_the_installations_events(
    client, events
):
    world, made = events
    Membership.unscoped.filter(province=world.b).delete()
    Unit.unscoped.filter(province=world.b).delete()
    Province.objects.exclude(pk=world.a.pk).delete()
    client.force_login(world.coordinator_a)
    seen = shown(client)
    assert {made["a"], made["installation"]} <= seen


def test_the_national_coordinator_has_no_audit_screen(client, events):
    world, _made = events
    client.force_login(world.national)
    assert client.get(reverse("survey:audit_search")).status_code == 403
