"""Evidence files leave the server only through the permission-checked view: no URL
serves the media folder, and behind nginx the view hands the file over with
X-Accel-Redirect after its checks."""

import importlib

import pytest
from django.urls import clear_url_caches, reverse
from test_evidence import PDF, add_file
from worlds import QUESTIONNAIRE, World, build_world

from survey.models import AuditEvent
from survey.views.evidence import evidence_accel_path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path


@pytest.fixture
def world() -> World:
    return build_world(shape=QUESTIONNAIRE)


@pytest.fixture
def development_urls(settings):
    """The URLs as `make run` builds them: DEBUG on when config.urls is imported."""
    import config.urls

    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def download_url(world: World, evidence) -> str:
    return reverse("survey:evidence_file", args=[world.assessment.pk, evidence.pk])


def test_no_media_url_serves_evidence_files(world, client, media, development_urls):
    evidence = add_file(world, "A.3", "Quyết định 12.pdf", PDF)
    assert (media / evidence.file.name).read_bytes() == PDF
    public = f"/media/{evidence.file.name}"

    assert client.get(public).status_code == 404
    client.force_login(world.user("committee"))  # may not download evidence
    assert client.get(public).status_code == 404
    assert client.get(download_url(world, evidence)).status_code == 403
    # The view still serves those who may see the unit's evidence.
    client.force_login(world.editor)
    assert client.get(public).status_code == 404
    response = client.get(download_url(world, evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_behind_nginx_the_view_hands_the_file_over(world, client, settings):
    settings.DTI_EVIDENCE_ACCEL_REDIRECT = "/protected-evidence/"
    evidence = add_file(world, "A.3", "Quyết định 12.pdf", PDF)
    client.force_login(world.user("reviewer"))
    response = client.get(download_url(world, evidence))
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected-evidence/{evidence.file.name}"
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012.pdf" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="download").count() == 1


def test_behind_nginx_refusals_hand_nothing_over(world, client, settings):
    settings.DTI_EVIDENCE_ACCEL_REDIRECT = "/protected-evidence/"
    evidence = add_file(world, "A.3", "a.pdf", PDF)
    url = download_url(world, evidence)
    response = client.get(url)
    assert response.status_code == 302 and "X-Accel-Redirect" not in response
    client.force_login(world.user("committee"))
    response = client.get(url)
    assert response.status_code == 403 and "X-Accel-Redirect" not in response
    other = build_world(shape=QUESTIONNAIRE, code="X-KHAC")
    client.force_login(other.editor)
    response = client.get(url)
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_behind_nginx_a_missing_file_is_404(world, client, settings, media):
    settings.DTI_EVIDENCE_ACCEL_REDIRECT = "/protected-evidence/"
    evidence = add_file(world, "A.3", "a.pdf", PDF)
    (media / evidence.file.name).unlink()
    client.force_login(world.editor)
    response = client.get(download_url(world, evidence))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_behind_nginx_a_stored_name_that_leaves_the_folder_is_404(
    world, client, settings, media
):
    settings.DTI_EVIDENCE_ACCEL_REDIRECT = "/protected-evidence/"
    evidence = add_file(world, "A.3", "a.pdf", PDF)
    (media / "secret.pdf").write_bytes(PDF)
    type(evidence).objects.filter(pk=evidence.pk).update(file="evidence/../secret.pdf")
    client.force_login(world.editor)
    response = client.get(download_url(world, evidence))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("evidence/2025/ab12.pdf", "/p/evidence/2025/ab12.pdf"),
        ("evidence/2025/a b#?%.pdf", "/p/evidence/2025/a%20b%23%3F%25.pdf"),
        ("evidence/2025/hồ sơ.pdf", "/p/evidence/2025/h%E1%BB%93%20s%C6%A1.pdf"),
        ("evidence/../../etc/passwd", None),
        ("/etc/passwd", None),
        ("evidence//x.pdf", None),
        ("evidence/./x.pdf", None),
        ("evidence\\..\\x.pdf", None),
        ("evidence/x.pdf\r\nX-Other: 1", None),
        ("", None),
    ],
)
def test_the_accel_path_is_quoted_and_stays_in_the_folder(stored, expected):
    assert evidence_accel_path("/p/", stored) == expected
    assert evidence_accel_path("/p", stored) == expected
    assert evidence_accel_path("p/", stored) == expected
