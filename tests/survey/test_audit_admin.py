"""The Django admin: score-bearing rows are read-only there, and every change it
still allows leaves an audit event with the values before and after."""

from decimal import Decimal

import pytest
from django.urls import reverse
from worlds import VERIFICATION, build_world

from survey.models import AuditEvent, Membership, UnitResult, User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]


@pytest.fixture
def world():
    world = build_world(shape=VERIFICATION)
    world.fill()
    world.admin = User.objects.create_superuser(
        "quantri", "quantri@example.gov.vn", "Mat-khau-quan-tri-2025!"
    )
    return world


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def admin_url(obj, view="change"):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


def admin_events():
    return list(AuditEvent.objects.filter(action="admin").order_by("id"))


@pytest.fixture
def result(world):
    return UnitResult.objects.create(
        assessment=world.assessment,
        node=None,
        final_points=Decimal("62.50"),
        verified_points=Decimal("62.50"),
        rank=3,
        frozen=True,
    )


def test_a_frozen_rank_cannot_be_changed_in_the_admin(admin_client, result):
    assert admin_client.get(admin_url(result)).status_code == 200  # shown
    data = {
        "assessment": result.assessment_id,
        "self_points": "62.5",
        "verified_points": "99",
        "final_points": "99",
        "applicable_max": "100",
        "value": "0.99",
        "level": "",
        "rank": "1",
        "frozen": "on",
    }

    response = admin_client.post(admin_url(result), data)

    assert response.status_code == 403
    result.refresh_from_db()
    assert (result.final_points, result.rank) == (Decimal("62.50"), 3)
    response = admin_client.post(admin_url(result, "delete"), {"post": "yes"})
    assert response.status_code == 403
    assert UnitResult.objects.filter(pk=result.pk).exists()
    assert not admin_events()


def test_verified_points_cannot_be_changed_in_the_admin(admin_client, world):
    answer = world.answer("1.3")
    data = {
        "assessment": answer.assessment_id,
        "node": answer.node_id,
        "yes": "unknown",
        "number": "20",
        "checks": "[]",
        "self_points": "20",
        "review_status": "agreed",
        "verified_points": "20",
        "verified_value": "{}",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
    }

    response = admin_client.post(admin_url(answer), data)

    assert response.status_code == 403
    answer.refresh_from_db()
    assert (answer.verified_points, answer.number) == (None, Decimal(15))
    add = reverse("admin:survey_answer_add")
    assert admin_client.get(add).status_code == 403


def test_an_assessment_cannot_be_changed_in_the_admin(admin_client, world):
    assessment = world.assessment
    data = {
        "campaign": assessment.campaign_id,
        "unit": assessment.unit_id,
        "version": assessment.version_id,
        "ranking_group": "Khác",
        "provides_procedures": "on",
    }

    response = admin_client.post(admin_url(assessment), data)

    assert response.status_code == 403
    assessment.refresh_from_db()
    assert (assessment.ranking_group, assessment.ranked) == ("Sở", True)


def test_a_change_allowed_in_the_admin_is_recorded_with_before_and_after(
    admin_client, world
):
    membership = Membership.objects.get(user=world.editor)

    response = admin_client.post(
        admin_url(membership),
        {"user": world.editor.pk, "unit": world.unit.pk, "role": "approver"},
    )

    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).role == "approver"
    [event] = admin_events()
    assert event.actor == world.admin
    assert (event.object_type, event.object_id) == (
        "survey.membership",
        str(membership.pk),
    )
    assert event.before == {"role": "editor"}
    assert event.after == {"role": "approver"}
    assert event.ip == "127.0.0.1"


def test_a_scope_change_in_the_admin_records_the_indicators(admin_client, world):
    membership = Membership.objects.get(user=world.police)
    security = sorted(n.pk for n in membership.indicators.all())

    admin_client.post(
        admin_url(membership),
        {
            "user": world.police.pk,
            "unit": world.unit.pk,
            "role": "reviewer",
            "indicators": [world.nodes["1.1"].pk],
        },
    )

    [event] = admin_events()
    assert event.before == {"indicators": security}
    assert event.after == {"indicators": [world.nodes["1.1"].pk]}


def test_a_deletion_in_the_admin_is_recorded(admin_client, world):
    membership = Membership.objects.get(user=world.committee)

    response = admin_client.post(admin_url(membership, "delete"), {"post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    [event] = admin_events()
    assert event.before["role"] == "committee"
    assert event.before["user"] == world.committee.pk
    assert event.after is None


def test_an_addition_in_the_admin_is_recorded(admin_client, world):
    response = admin_client.post(
        reverse("admin:survey_membership_add"),
        {"user": world.committee.pk, "role": "coordinator"},
    )

    assert response.status_code == 302
    added = Membership.objects.get(user=world.committee, role="coordinator")
    [event] = admin_events()
    assert event.object_id == str(added.pk)
    assert event.before is None
    assert event.after["role"] == "coordinator"


def test_a_password_set_in_the_admin_is_recorded_without_the_password(
    admin_client, world
):
    new = "Mat-khau-moi-2025!"

    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[world.editor.pk]),
        {"password1": new, "password2": new},
    )

    assert response.status_code == 302
    [event] = admin_events()
    assert (event.object_type, event.object_id) == ("survey.user", str(world.editor.pk))
    assert event.after == {"password": "changed"}
    assert new not in repr([event.before, event.after, event.reason])
    stored = User.objects.get(pk=world.editor.pk).password
    assert stored not in repr([event.before, event.after])


def test_a_user_change_in_the_admin_never_records_the_password_hash(
    admin_client, world
):
    editor = world.editor
    data = {
        "username": editor.username,
        "full_name": "Trần Văn Chuyên",
        "email": editor.email,
        "is_active": "on",
        "date_joined_0": editor.date_joined.strftime("%d/%m/%Y"),
        "date_joined_1": editor.date_joined.strftime("%H:%M:%S"),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }

    response = admin_client.post(admin_url(editor), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    [event] = admin_events()
    assert event.after["full_name"] == "Trần Văn Chuyên"
    assert "password" not in event.before and "password" not in event.after


def test_the_audit_trail_is_read_only_in_the_admin(admin_client, world):
    event = AuditEvent.objects.filter(action="answer_change").first()
    response = admin_client.post(admin_url(event), {"reason": "sửa"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_a_row_added_through_an_inline_is_recorded(admin_client, world):
    unit = world.unit
    page = admin_client.get(admin_url(unit))
    [inline] = page.context["inline_admin_formsets"]
    prefix = inline.formset.prefix
    data = {
        "code": unit.code,
        "name_vi": unit.name_vi,
        "unit_type": unit.unit_type,
        "active_from": "2025",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-predecessor": world.other_unit.pk,
        f"{prefix}-0-kind": "merge",
        f"{prefix}-0-year": "2025",
    }

    response = admin_client.post(admin_url(unit), data)

    assert response.status_code == 302, response.context["errors"]
    events = {e.object_type: e for e in admin_events()}
    lineage = events["survey.unitlineage"]
    assert lineage.before is None
    assert (lineage.after["predecessor"], lineage.after["successor"]) == (
        world.other_unit.pk,
        unit.pk,
    )
    assert events["survey.unit"].after == {
        "active_from": 2025,
        "predecessors": [world.other_unit.pk],
    }
