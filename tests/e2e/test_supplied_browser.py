"""A value the province supplied, in headless Chromium: shown read-only with its
source on the unit's step, while the unit's note beside it still saves itself."""

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "survey"))
from e2e_sessions import signed_in_context  # noqa: E402
from worlds import QUESTIONNAIRE, build_world, make_user  # noqa: E402

from survey.models import Answer  # noqa: E402
from survey.services.supply import SupplyOrigin, SupplyRow, values_supply  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_supplied_value_is_read_only_and_its_note_saves(
    browser, live_server, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world(shape=QUESTIONNAIRE)
    values_supply(
        campaign=world.campaign,
        rows=[SupplyRow(key=0, unit=world.unit.code, code="A.3", raw={"value": "7"})],
        user=make_user("dieuphoi-e2e", "coordinator"),
        origin=SupplyOrigin(source="Cổng DVC tỉnh"),
    )
    page = signed_in_context(browser, live_server, world.editor).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/assessments/{world.assessment.pk}/fill/A/")
    pk = world.nodes["A.3"].pk
    number = page.locator(f"#id_n{pk}-number")
    assert number.is_disabled() and number.input_value() == "7"
    assert "Cổng DVC tỉnh" in page.locator(f"#ind-{pk} .q-supplied").inner_text()
    page.locator(f"#id_n{pk}-comment").fill("Số liệu theo cổng DVC")
    for _ in range(150):
        answer = Answer.objects.get(
            assessment=world.assessment, node=world.nodes["A.3"]
        )
        if answer.comment == "Số liệu theo cổng DVC":
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the note was never saved")
    assert answer.number == 7 and answer.supplied_by_province
    page.context.close()
