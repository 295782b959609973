"""File feeds: sources with the mapping of their exports' columns, the preview of
an export (nothing written), the import (all or nothing, recorded as a batch keyed
by the file's SHA-256) and the same file imported twice; coordinators only."""

import io
import os
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from worlds import VERIFICATION, build_world

from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    FeedBatch,
    FeedSource,
)
from survey.services.feed_files import feed_upload_keep, feed_upload_read

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
CSV = "Mã đơn vị,Số hệ thống,Có cổng\nS-TC,3,có\nS-YT,2,không\n".encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


@pytest.fixture
def source():
    return FeedSource.objects.create(
        name="Cổng DVC tỉnh",
        unit_column="mã đơn vị",
        columns={"số hệ thống": "2.2", "có cổng": "1.1"},
    )


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator)
    return client


def import_url(world, source):
    return reverse("survey:feed_import", args=[world.campaign.pk, source.pk])


def preview(client, world, source, content=CSV, name="dvc.csv", number_format="vi"):
    return client.post(
        import_url(world, source),
        {"file": SimpleUploadedFile(name, content), "number_format": number_format},
    )


def confirm(client, world, source, response):
    return client.post(
        reverse("survey:feed_import_confirm", args=[world.campaign.pk, source.pk]),
        {"upload": response.context["upload"], "number_format": "vi"},
        follow=True,
    )


def test_the_preview_shows_values_and_writes_nothing(coordinator, world, source):
    world.save("2.2", {"number": 1}, user=world.editor)
    events = AuditEvent.objects.count()
    response = preview(coordinator, world, source)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.unit for row in rows] == ["Sở Tài chính (S-TC)", "Sở Y tế (S-YT)"]
    first = rows[0].cells
    assert (first[0].value, first[0].current) == ("3", "1")
    assert first[1].value == "Yes" and first[1].current == "—"
    assert "Confirm the import" in response.content.decode()
    assert world.answer("2.2").number == 1
    assert Answer.objects.count() == 1
    assert AuditEvent.objects.count() == events and not FeedBatch.objects.exists()


def test_every_refused_cell_is_shown_and_nothing_can_be_imported(
    coordinator, world, source
):
    content = 'Mã đơn vị,Số hệ thống,Có cổng\nS-TC,"2,5",có\nX-9,2,có\n'.encode()
    response = preview(coordinator, world, source, content)
    rows = response.context["rows"]
    assert rows[0].cells[0].error == "Enter a whole number."
    assert "no assessment" in rows[1].cells[0].error
    assert "no assessment" in rows[1].cells[1].error
    assert response.context["error_count"] == 3
    assert "upload" not in response.context
    assert "Confirm the import" not in response.content.decode()
    assert not Answer.objects.exists()


def test_a_bad_cell_of_a_verified_unit_refuses_the_file(coordinator, world, source):
    Assessment.objects.filter(pk=world.assessment.pk).update(
        state=Assessment.State.VERIFIED
    )
    content = "Mã đơn vị,Số hệ thống,Có cổng\nS-TC,x,có\nS-YT,2,không\n".encode()
    response = preview(coordinator, world, source, content)
    rows = response.context["rows"]
    assert rows[0].cells[0].error == "Enter a number."
    assert "already verified" in rows[0].cells[1].skipped
    assert response.context["error_count"] == 1
    assert "upload" not in response.context
    assert not Answer.objects.exists()


def test_the_import_stores_the_values_with_their_source(coordinator, world, source):
    response = confirm(coordinator, world, source, preview(coordinator, world, source))
    assert "4 value(s) saved, 0 unchanged." in response.content.decode()
    answer = world.answer("2.2")
    assert answer.number == 3 and answer.supplied_by_province
    assert answer.supply_source == "Cổng DVC tỉnh" and answer.supplied_token is None
    assert world.answer("1.1", world.other_assessment).yes is False
    batch = FeedBatch.objects.get()
    assert batch.feed_source == source and batch.saved == 4
    assert re.fullmatch(r"file-[0-9a-f]{64}", batch.key)


def test_the_same_file_imported_twice_writes_nothing_the_second_time(
    coordinator, world, source
):
    first = preview(coordinator, world, source)
    kept = first.context["upload"]
    confirm(coordinator, world, source, first)
    assert feed_upload_read(user=world.coordinator, upload_id=kept) is None
    events = AuditEvent.objects.count()
    again = preview(coordinator, world, source)
    assert "already imported" in again.content.decode()
    assert "upload" not in again.context
    # Confirmed from an older preview: the stored batch is replayed.
    response = coordinator.post(
        reverse("survey:feed_import_confirm", args=[world.campaign.pk, source.pk]),
        {"upload": _keep(world), "number_format": "vi"},
        follow=True,
    )
    assert "already imported" in response.content.decode()
    assert AuditEvent.objects.count() == events
    assert FeedBatch.objects.count() == 1


def _keep(world):
    return feed_upload_keep(user=world.coordinator, content=CSV, filename="dvc.csv")


def test_an_upload_of_another_person_cannot_be_confirmed(client, world, source):
    client.force_login(world.coordinator)
    upload = preview(client, world, source).context["upload"]
    other = world.user("coordinator", unit=None)
    client.force_login(other)
    response = client.post(
        reverse("survey:feed_import_confirm", args=[world.campaign.pk, source.pk]),
        {"upload": upload, "number_format": "vi"},
        follow=True,
    )
    assert "no longer on the server" in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.parametrize("upload", ["../../etc/passwd", "x" * 32 + ".csv", ""])
def test_made_up_upload_ids_are_refused(coordinator, world, source, upload):
    response = coordinator.post(
        reverse("survey:feed_import_confirm", args=[world.campaign.pk, source.pk]),
        {"upload": upload},
        follow=True,
    )
    assert "no longer on the server" in response.content.decode()


def test_an_xlsx_export_with_a_title_line_and_a_named_sheet(coordinator, world):
    source = FeedSource.objects.create(
        name="Hệ thống QLVB",
        unit_column="ma_dv",
        columns={"so_he_thong": "2.2"},
        sheet="Số liệu",
        header_row=2,
    )
    book = Workbook()
    book.active.title = "Bìa"
    sheet = book.create_sheet("Số liệu")
    sheet.append(["Báo cáo số liệu năm 2025"])
    sheet.append(["MA_DV", "SO_HE_THONG"])
    sheet.append(["S-TC", 4])
    data = io.BytesIO()
    book.save(data)
    response = preview(coordinator, world, source, data.getvalue(), "qlvb.xlsx")
    assert response.context["rows"][0].number == 3
    confirm(coordinator, world, source, response)
    assert world.answer("2.2").number == 4


def test_a_file_without_the_mapped_columns_is_refused(coordinator, world, source):
    response = preview(coordinator, world, source, b"ma,so\nS-TC,3\n")
    assert "has no column" in response.content.decode()
    assert not FeedBatch.objects.exists()


# Sources -------------------------------------------------------------------------


def test_a_source_is_made_from_a_sample_files_columns(coordinator):
    url = reverse("survey:feed_source_new")
    page = coordinator.post(
        url,
        {
            "name": "Cổng DVC tỉnh",
            "header_row": 1,
            "sample": SimpleUploadedFile("dvc.csv", CSV),
            "read": "1",
        },
    )
    assert [row["header"] for row in page.context["mapping"][:3]] == [
        "mã đơn vị",
        "số hệ thống",
        "có cổng",
    ]
    response = coordinator.post(
        url,
        {
            "name": "Cổng DVC tỉnh",
            "header_row": 1,
            "header-0": "Mã đơn vị",
            "role-0": "unit",
            "header-1": "số hệ thống",
            "role-1": "indicator",
            "code-1": "2.2",
            "header-2": "có cổng",
            "role-2": "ignore",
        },
    )
    assert response.status_code == 302
    source = FeedSource.objects.get()
    assert source.unit_column == "mã đơn vị"
    assert source.columns == {"số hệ thống": "2.2"}


def test_a_source_without_a_unit_column_is_refused(coordinator):
    response = coordinator.post(
        reverse("survey:feed_source_new"),
        {"name": "DVC", "header_row": 1, "header-0": "so", "role-0": "indicator"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the column that holds the unit" in page
    assert "Enter the indicator" in page
    assert not FeedSource.objects.exists()


def test_a_source_is_changed(coordinator, source):
    response = coordinator.post(
        reverse("survey:feed_source_edit", args=[source.pk]),
        {
            "name": "Cổng DVC",
            "header_row": 2,
            "header-0": "ma",
            "role-0": "unit",
            "header-1": "so",
            "role-1": "indicator",
            "code-1": "2.2",
        },
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.name, source.header_row, source.columns) == (
        "Cổng DVC",
        2,
        {"so": "2.2"},
    )


@pytest.mark.parametrize("role", ["reviewer", "editor", "committee"])
def test_only_coordinators_use_the_file_feeds(client, world, source, role):
    client.force_login(getattr(world, role))
    urls = [
        reverse("survey:feed_sources"),
        reverse("survey:feed_source_new"),
        reverse("survey:campaign_feeds", args=[world.campaign.pk]),
        import_url(world, source),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert preview(client, world, source).status_code == 403


def test_the_board_links_to_the_file_feeds(coordinator, world, source):
    board = coordinator.get(reverse("survey:campaign_board", args=[world.campaign.pk]))
    feeds = reverse("survey:campaign_feeds", args=[world.campaign.pk])
    assert feeds in board.content.decode()
    page = coordinator.get(feeds).content.decode()
    assert import_url(world, source) in page
    assert coordinator.get(reverse("survey:feed_sources")).status_code == 200


def _age(settings, user, upload, hours=25):
    path = settings.MEDIA_ROOT / "feed-uploads" / str(user.pk) / upload
    then = time.time() - hours * 3600
    os.utime(path, (then, then))
    return path


def test_uploads_left_unimported_for_a_day_are_removed(world, settings):
    old = _keep(world)
    path = _age(settings, world.coordinator, old)
    other = world.user("coordinator", unit=None)
    theirs = feed_upload_keep(user=other, content=CSV, filename="dvc.csv")
    their_path = _age(settings, other, theirs)
    assert feed_upload_read(user=world.coordinator, upload_id=old) is None
    recent = _keep(world)
    assert not path.exists() and not their_path.exists()
    assert feed_upload_read(user=world.coordinator, upload_id=recent) == CSV


def test_an_upload_older_than_a_day_is_refused_at_confirm(
    coordinator, world, source, settings
):
    first = preview(coordinator, world, source)
    path = _age(settings, world.coordinator, first.context["upload"])
    response = confirm(coordinator, world, source, first)
    assert "more than a day ago" in response.content.decode()
    assert "upload it again" in response.content.decode()
    assert not path.exists()
    assert not Answer.objects.exists() and not FeedBatch.objects.exists()


def test_a_kept_upload_is_removed_when_the_import_is_refused(
    coordinator, world, source
):
    first = preview(coordinator, world, source)
    upload = first.context["upload"]
    Campaign.objects.filter(pk=world.campaign.pk).update(state=Campaign.State.PUBLISHED)
    response = confirm(coordinator, world, source, first)
    assert "only while the campaign runs" in response.content.decode()
    assert feed_upload_read(user=world.coordinator, upload_id=upload) is None
    assert not Answer.objects.exists()


def test_a_ratio_reads_its_denominator_from_its_own_column(coordinator, world):
    source = FeedSource.objects.create(
        name="Cổng DVC tỉnh",
        unit_column="ma",
        columns={"truc_tuyen": "1.2", "tong_so": "1.2:denominator"},
    )
    content = b"ma,truc_tuyen,tong_so\nS-TC,30,40\nS-YT,50,40\n"
    response = preview(coordinator, world, source, content)
    rows = response.context["rows"]
    assert rows[0].cells[0].value == "30 / 40"
    assert rows[1].cells[0].text == "50 / 40"
    assert "larger than the denominator" in rows[1].cells[0].error
    ok = preview(coordinator, world, source, b"ma,truc_tuyen,tong_so\nS-TC,30,40\n")
    confirm(coordinator, world, source, ok)
    answer = world.answer("1.2")
    assert (answer.number, answer.denominator) == (30, 40)


def test_the_mapping_editor_keeps_a_denominator_column(coordinator):
    data = {
        "name": "DVC",
        "header_row": 1,
        "header-0": "ma",
        "role-0": "unit",
        "header-1": "tong_so",
        "role-1": "denominator",
        "code-1": "1.2",
    }
    refused = coordinator.post(reverse("survey:feed_source_new"), data)
    assert "needs the column of its indicator" in refused.content.decode()
    data |= {"header-2": "truc_tuyen", "role-2": "indicator", "code-2": "1.2"}
    assert coordinator.post(reverse("survey:feed_source_new"), data).status_code == 302
    source = FeedSource.objects.get()
    assert source.columns == {"tong_so": "1.2:denominator", "truc_tuyen": "1.2"}
    page = coordinator.get(reverse("survey:feed_source_edit", args=[source.pk]))
    assert [r["role"] for r in page.context["mapping"][:3]] == [
        "unit",
        "indicator",
        "denominator",
    ]


def test_a_source_without_a_mapping_offers_no_import(coordinator, world, source):
    FeedSource.objects.create(name="Hệ thống gửi qua API")
    page = coordinator.get(reverse("survey:campaign_feeds", args=[world.campaign.pk]))
    assert [s.name for s in page.context["sources"]] == ["Cổng DVC tỉnh"]
