"""What makes the questionnaire work without a network, through the test client: the
service worker, the manifest, the page shown when nothing was kept, and which pages
the browser may keep, for whom (survey/offline.py)."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image
from worlds import QUESTIONNAIRE, World, build_world

from survey import offline
from survey.models import Answer, Evidence, Unit
from survey.offline import HEADER, OFFLINE_ASSETS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]


@pytest.fixture
def world() -> World:
    return build_world(shape=QUESTIONNAIRE)


def step_url(world: World, step: str) -> str:
    return reverse("survey:questionnaire_step", args=[world.assessment.pk, step])


def config_of(body: str) -> dict:
    line = next(x for x in body.splitlines() if x.startswith("var CONFIG = "))
    return json.loads(line.removeprefix("var CONFIG = ").removesuffix(";"))


def test_the_worker_is_served_from_the_root_never_kept_and_lists_every_asset(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    config = config_of(response.content.decode())
    assert config["assets"] == [f"/static/{name}" for name in OFFLINE_ASSETS]
    assert config["offline"] == "/offline/"
    assert config["store"] == "/static/js/store.js"
    assert len(config["version"]) == 16
    # Every asset exists, so that installing the worker cannot fail on one.
    for name in OFFLINE_ASSETS:
        assert (Path(settings.BASE_DIR) / "static" / name).exists(), name


def test_every_script_and_style_of_the_questionnaire_is_an_offline_asset(client, world):
    client.force_login(world.editor)
    page = client.get(step_url(world, "A")).content.decode()
    for name in ("css/app.css", "css/questionnaire.css", "js/questionnaire.js"):
        assert f"/static/{name}" in page
        assert name in OFFLINE_ASSETS
    for tag in ("<script src=", '<link rel="stylesheet" href='):
        for chunk in page.split(tag)[1:]:
            url = chunk.split('"')[1]
            assert url.removeprefix("/static/") in OFFLINE_ASSETS, url


def test_the_workers_version_changes_with_an_asset(monkeypatch, tmp_path):
    before = offline._assets_digest()
    changed = tmp_path / "app.css"
    changed.write_text("body { color: red; }")
    real_find = offline.finders.find
    monkeypatch.setattr(
        offline.finders,
        "find",
        lambda name: str(changed) if name == "css/app.css" else real_find(name),
    )
    assert offline._assets_digest() != before


def test_the_manifest_names_the_app_in_the_persons_language(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Đánh giá DTI"
    assert data["lang"] == "vi"
    assert data["start_url"] == "/"
    assert data["display"] == "standalone"
    assert {icon["src"] for icon in data["icons"]} == {
        "/static/img/favicon.svg",
        "/static/img/apple-touch-icon.png",
        "/static/img/icon-192.png",
        "/static/img/icon-512.png",
    }
    # Browsers offer to install an app with a 192 and a 512 pixel icon.
    for icon in data["icons"]:
        path = Path(settings.BASE_DIR) / icon["src"].lstrip("/")
        if icon["type"] == "image/png":
            width = Image.open(path).width
            assert icon["sizes"] == f"{width}x{width}"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert json.loads(client.get("/manifest.webmanifest").content)["lang"] == "en"


def test_every_page_names_the_manifest_and_signed_in_pages_the_worker(client, world):
    anonymous = client.get(reverse("login")).content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in anonymous
    assert "data-sw-url" not in anonymous
    client.force_login(world.editor)
    page = client.get(reverse("survey:home")).content.decode()
    assert 'data-sw-url="/sw.js"' in page
    assert f'data-user="{world.editor.pk}"' in page
    assert "data-logout" in page


def test_the_page_for_nothing_kept_is_open_to_everyone_and_translated(client):
    response = client.get("/offline/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Không có kết nối" in text
    assert HEADER not in response


def test_steps_review_and_home_are_kept_for_the_person_who_opened_them(client, world):
    client.force_login(world.editor)
    for url in (
        step_url(world, "A"),
        step_url(world, "B"),
        reverse("survey:assessment_review", args=[world.assessment.pk]),
        reverse("survey:home"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response[HEADER] == str(world.editor.pk), url
    # The address without a step sends the person on: the worker keeps the step.
    bare = client.get(reverse("survey:questionnaire", args=[world.assessment.pk]))
    assert bare.status_code == 302
    assert HEADER not in bare


def test_a_step_answering_a_post_and_other_pages_are_never_kept(client, world):
    client.force_login(world.editor)
    posted = client.post(
        step_url(world, "A"),
        {"questionnaire_wizard-current_step": "A", "wizard_goto_step": "A"},
    )
    assert HEADER not in posted
    for name in ("survey:notifications", "survey:two_factor_setup"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert HEADER not in response, name


def test_nothing_is_kept_for_someone_who_may_not_open_the_assessment(client, world):
    assert HEADER not in client.get(step_url(world, "A"))  # anonymous: to login
    elsewhere = Unit.objects.create(
        code="KHAC-01",
        name_vi="Đơn vị khác",
        unit_type=world.unit.unit_type,
        province=world.unit.province,
    )
    client.force_login(world.user("editor", unit=elsewhere))
    response = client.get(step_url(world, "A"))
    assert response.status_code == 404
    assert HEADER not in response
    review = reverse("survey:assessment_review", args=[world.assessment.pk])
    assert HEADER not in client.get(review)


def test_changes_typed_by_another_account_are_refused_and_kept_for_their_author(
    client, world
):
    """A page left open after its person's session ended sends its queue with the
    author's id; someone else signed in since gets a refusal, nothing saved."""
    client.force_login(world.approver)
    body = json.dumps(
        {
            "answers": [
                {
                    "node": world.nodes["A.3"].pk,
                    "version": 0,
                    "values": {"number": "7"},
                }
            ]
        }
    )
    url = reverse("survey:answers_autosave", args=[world.assessment.pk])
    refused = client.post(
        url,
        body,
        content_type="application/json",
        headers={"X-Queue-User": str(world.editor.pk)},
    )
    assert refused.status_code == 403
    assert refused["X-Queue-Refused"] == "1"
    assert "tài khoản khác" in refused.json()["error"]
    assert not Answer.objects.filter(node=world.nodes["A.3"]).exists()
    evidence = client.post(
        reverse("survey:evidence_add", args=[world.assessment.pk]),
        {"node": world.nodes["A.3"].pk, "kind": "link", "url": "https://a.vn/x"},
        headers={"X-Queue-User": str(world.editor.pk), "Accept": "application/json"},
    )
    assert evidence.status_code == 403
    assert evidence["X-Queue-Refused"] == "1"
    assert not Evidence.objects.exists()

    # Its own author (or a page that says nothing) saves as always.
    client.force_login(world.editor)
    saved = client.post(
        url,
        body,
        content_type="application/json",
        headers={"X-Queue-User": str(world.editor.pk)},
    )
    assert saved.status_code == 200
    assert saved.json()["results"][0]["status"] == "ok"
    assert "X-Queue-Refused" not in saved
