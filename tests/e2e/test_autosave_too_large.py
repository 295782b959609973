"""An autosave larger than the server takes: the page says so and keeps the text."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "survey"))
from offline_queue import queued  # noqa: E402
from test_questionnaire import logged_in_page, step_url  # noqa: E402
from worlds import QUESTIONNAIRE, build_world  # noqa: E402

from survey.models import Answer  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_too_large_autosave_is_shown_and_the_text_kept(
    browser, live_server, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Small enough that one long answer passes it, as 6 MB would pass the real one.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    world = build_world(shape=QUESTIONNAIRE)
    page = logged_in_page(browser, live_server, world.editor)
    page.goto(step_url(live_server, world, "B"))
    node = world.nodes["B.2"].pk
    page.locator(f"#id_n{node}-text").fill("Có kế hoạch. " * 300)
    status = page.locator("#q-status.error")
    status.wait_for()
    assert "quá lớn để lưu một lần" in status.inner_text()
    kept = queued(page)
    assert [row["node"] for row in kept] == [node]
    assert "Có kế hoạch." in kept[0]["values"]["text"]
    assert not Answer.objects.filter(node=world.nodes["B.2"]).exists()
    page.context.close()
