"""National and provincial frameworks: who imports, sees, copies and changes which."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from two_provinces import two_provinces

from survey.importers.framework_rows import NODE_COLUMNS
from survey.models import AuditEvent, Framework, FrameworkVersion, Node, Province, Unit
from survey.services.frameworks import COPIED_FIELDS, framework_copy

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
def world():
    return two_provinces()


def _row(code, parent="", kind="indicator", **fields):
    row = dict.fromkeys(NODE_COLUMNS, "")
    row.update(code=code, parent_code=parent, kind=kind, name_vi=f"Tên {code}")
    if kind == "indicator":
        row.update(answer_type="yes_no", rule="yes_no", max_points="10")
    row.update(fields)
    return row


ROWS = [
    _row("P", kind="pillar", max_points="30"),
    _row("P.1", "P", effort="3"),
    _row(
        "P.2",
        "P",
        answer_type="count",
        rule="tiers",
        rule_params='{"tiers": [[1, 5], [3, 10]]}',
    ),
    _row("P.3", "P", answer_type="ratio", rule="ratio"),
]


def _csv(rows=ROWS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(NODE_COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in NODE_COLUMNS])
    return out.getvalue().encode()


def upload(client, code: str, year: int = 2025):
    data = {
        "file": SimpleUploadedFile("khung.csv", _csv()),
        "framework_code": code,
        "framework_name_vi": f"Khung {code}",
        "year": str(year),
        "unit_type": "department",
    }
    return client.post(reverse("survey:framework_import"), data)


def test_a_coordinator_imports_into_their_province(client, world):
    client.force_login(world.coordinator_a)
    assert upload(client, "KHUNG-A").status_code == 302
    framework = Framework.unscoped.get(code="KHUNG-A")
    assert framework.province == world.a
    # A new version of their own framework, as before.
    assert upload(client, "KHUNG-A").status_code == 302
    numbers = FrameworkVersion.unscoped.filter(framework=framework)
    assert sorted(numbers.values_list("number", flat=True)) == [1, 2]


def test_a_code_of_another_province_is_refused_at_the_field(client, world):
    client.force_login(world.coordinator_a)
    upload(client, "KHUNG-A")
    client.force_login(world.coordinator_b)
    response = upload(client, "KHUNG-A")
    assert response.status_code == 200
    assert "already used by another province" in response.content.decode()
    assert "framework_code" in response.content.decode()
    assert FrameworkVersion.unscoped.filter(framework__code="KHUNG-A").count() == 1


def test_the_refusal_reads_in_vietnamese(client, world, settings):
    client.force_login(world.coordinator_a)
    upload(client, "KHUNG-A")
    client.force_login(world.coordinator_b)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    response = upload(client, "KHUNG-A")
    assert "đã được một tỉnh khác dùng" in response.content.decode()


def test_a_national_code_is_refused_to_a_province_with_the_copy_offered(client, world):
    client.force_login(world.national)
    assert upload(client, "QG").status_code == 302
    client.force_login(world.coordinator_a)
    response = upload(client, "QG")
    assert response.status_code == 200
    text = response.content.decode()
    assert "belongs to a national framework" in text
    assert "copy it as your province" in text
    assert FrameworkVersion.unscoped.filter(framework__code="QG").count() == 1


def test_the_national_coordinator_imports_national_frameworks_and_sees_only_them(
    client, world
):
    client.force_login(world.coordinator_a)
    upload(client, "KHUNG-A")
    client.force_login(world.national)
    assert upload(client, "QG").status_code == 302
    assert Framework.unscoped.get(code="QG").province is None
    # A province's code is not theirs to import.
    response = upload(client, "KHUNG-A")
    assert "already used by a province" in response.content.decode()
    page = client.get(reverse("survey:framework_list")).content.decode()
    assert "Khung QG" in page
    assert "Khung KHUNG-A" not in page


def test_a_province_sees_its_own_and_national_frameworks_marked(client, world):
    client.force_login(world.national)
    upload(client, "QG")
    client.force_login(world.coordinator_b)
    upload(client, "KHUNG-B")
    client.force_login(world.coordinator_a)
    upload(client, "KHUNG-A")
    page = client.get(reverse("survey:framework_list")).content.decode()
    assert "Khung QG" in page and "Khung KHUNG-A" in page
    assert "Khung KHUNG-B" not in page
    assert "National" in page and "Lào Cai" in page


def _national(client, world) -> FrameworkVersion:
    client.force_login(world.national)
    upload(client, "QG")
    return FrameworkVersion.unscoped.get(framework__code="QG")


def test_a_province_copies_a_national_version_node_by_node(client, world):
    source = _national(client, world)
    client.force_login(world.coordinator_a)
    page = client.get(reverse("survey:framework_version", args=[source.pk]))
    assert "QG-LAO-CAI" in page.content.decode()  # the code offered
    response = client.post(
        reverse("survey:framework_version_copy", args=[source.pk]),
        {"code": "QG-LAO-CAI"},
    )
    assert response.status_code == 302
    copy = FrameworkVersion.unscoped.get(framework__code="QG-LAO-CAI")
    assert copy.framework.province == world.a
    assert copy.state == FrameworkVersion.State.DRAFT
    assert (copy.year, copy.unit_type, copy.levels) == (
        source.year,
        source.unit_type,
        source.levels,
    )

    def tree(version):
        nodes = Node.objects.filter(version=version).select_related("parent")
        return {
            n.code: (
                n.parent.code if n.parent else None,
                n.continues_id,
                *(getattr(n, name) for name in COPIED_FIELDS),
            )
            for n in nodes
        }

    assert tree(copy) == tree(source)
    assert len(tree(copy)) == len(ROWS)
    event = AuditEvent.objects.get(
        object_type="survey.frameworkversion", object_id=copy.pk
    )
    assert event.actor == world.coordinator_a
    assert event.province_id == world.a.pk
    # The copy is the province's: it makes new draft versions of it.
    response = client.post(reverse("survey:framework_version_new", args=[copy.pk]))
    assert response.status_code == 302
    assert FrameworkVersion.unscoped.filter(framework=copy.framework).count() == 2


def test_a_copy_code_taken_or_too_long_is_refused_on_the_form(client, world):
    source = _national(client, world)
    client.force_login(world.coordinator_a)
    url = reverse("survey:framework_version_copy", args=[source.pk])
    response = client.post(url, {"code": "QG"})
    assert response.status_code == 400
    assert "already used" in response.content.decode()
    response = client.post(url, {"code": "a b"})
    assert response.status_code == 400
    assert Framework.unscoped.count() == 1


def test_only_national_versions_are_copied_and_only_by_a_province(client, world):
    source = _national(client, world)
    client.force_login(world.national)
    response = client.post(
        reverse("survey:framework_version_copy", args=[source.pk]), {"code": "X"}
    )
    assert response.status_code == 403
    client.force_login(world.coordinator_a)
    upload(client, "KHUNG-A")
    own = FrameworkVersion.unscoped.get(framework__code="KHUNG-A")
    with pytest.raises(Exception, match="Only a national framework"):
        framework_copy(version=own, user=world.coordinator_a, code="Y")
    assert not Framework.unscoped.filter(code__in=["X", "Y"]).exists()


def test_a_province_cannot_change_a_national_version(client, world):
    source = _national(client, world)
    client.force_login(world.coordinator_a)
    response = client.post(reverse("survey:framework_version_new", args=[source.pk]))
    assert response.status_code == 403
    assert FrameworkVersion.unscoped.filter(framework=source.framework).count() == 1


def test_the_national_coordinator_cannot_change_a_provinces_version(client, world):
    client.force_login(world.coordinator_a)
    upload(client, "KHUNG-A")
    own = FrameworkVersion.unscoped.get(framework__code="KHUNG-A")
    client.force_login(world.national)
    url = reverse("survey:framework_version_new", args=[own.pk])
    assert client.post(url).status_code == 404
    assert (
        client.get(reverse("survey:framework_version", args=[own.pk])).status_code
        == 404
    )
    assert FrameworkVersion.unscoped.filter(framework=own.framework).count() == 1


def test_another_provinces_version_is_not_found(client, world):
    client.force_login(world.coordinator_b)
    upload(client, "KHUNG-B")
    theirs = FrameworkVersion.unscoped.get(framework__code="KHUNG-B")
    client.force_login(world.coordinator_a)
    assert (
        client.get(reverse("survey:framework_version", args=[theirs.pk])).status_code
        == 404
    )
    url = reverse("survey:framework_version_new", args=[theirs.pk])
    assert client.post(url).status_code == 404


def test_a_single_province_with_only_its_own_frameworks_sees_no_owner_column(
    client, world
):
    Unit.unscoped.filter(province=world.b).delete()
    world.coordinator_b.memberships.all().delete()
    Province.objects.exclude(pk=world.a.pk).delete()
    client.force_login(world.coordinator_a)
    upload(client, "KHUNG-A")
    page = client.get(reverse("survey:framework_list")).content.decode()
    assert "Khung KHUNG-A" in page and "Owner" not in page
