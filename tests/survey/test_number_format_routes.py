"""Numbers are read in the format the page showed, on every route that takes typed
numbers: autosave, the step form, the verdict form, the answer import and the
province-supplied values. The request's language never changes what a number means.
"""

import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from worlds import QUESTIONNAIRE, VERIFICATION, build_world

from survey.models import Answer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]


def english_client(client, settings, user):
    """A client whose session has chosen English (the other tab switched)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def autosave(client, world, code, values, **body):
    url = reverse("survey:answers_autosave", args=[world.assessment.pk])
    item = {"node": world.nodes[code].pk, "version": 0, "values": values}
    payload = {"answers": [item], **body}
    return client.post(url, json.dumps(payload), content_type="application/json")


def stored(world, code):
    return Answer.objects.filter(
        assessment=world.assessment, node=world.nodes[code]
    ).first()


def step_post(client, world, step, changes, number_format):
    """Post the step as the browser would, with ``changes`` keyed ``code:field``."""
    url = reverse("survey:questionnaire_step", args=[world.assessment.pk, step])
    data = {}
    for key, value in changes.items():
        code, name = key.split(":")
        data[f"n{world.nodes[code].pk}-{name}"] = value
        data[f"n{world.nodes[code].pk}-version"] = "0"
    if number_format is not None:
        data["number_format"] = number_format
    return client.post(url, data)


# Reported cases ----------------------------------------------------------------------


def test_a_decimal_from_a_vietnamese_page_is_never_scaled_by_english(client, settings):
    """ "1,5" typed on a Vietnamese page while the session chose English: 1.5."""
    world = build_world(shape=QUESTIONNAIRE)
    client = english_client(client, settings, world.editor)
    response = autosave(client, world, "A.2", {"number": "1,5"}, format="vi")
    assert response.status_code == 200, response.content
    assert stored(world, "A.2").number == Decimal("1.5")


def test_a_per_answer_format_wins_over_the_body_format(client, settings):
    """An answer typed on a Vietnamese page and resent from an English one keeps
    the format it was typed in."""
    world = build_world(shape=QUESTIONNAIRE)
    client = english_client(client, settings, world.editor)
    url = reverse("survey:answers_autosave", args=[world.assessment.pk])
    item = {
        "node": world.nodes["B.5"].pk,
        "version": 0,
        "values": {"number": "1.250,5"},
        "format": "vi",
    }
    body = json.dumps({"format": "en", "answers": [item]})
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert stored(world, "B.5").number == Decimal("1250.5")


def test_a_vietnamese_decimal_on_an_english_page_is_refused_not_scaled(
    client, settings
):
    """ "35,5" typed on an English page: refused with a message, never 355."""
    world = build_world(shape=QUESTIONNAIRE)
    client = english_client(client, settings, world.editor)
    response = step_post(client, world, "A", {"A.2:number": "35,5"}, "en")
    assert response.status_code == 200
    assert stored(world, "A.2") is None
    form = next(
        f for f in response.context["form"].answer_forms if f.node == world.nodes["A.2"]
    )
    assert form.errors["number"] == ["Enter a number as 1,234.5."]
    # The same through autosave.
    response = autosave(client, world, "A.2", {"number": "35,5"}, format="en")
    assert response.status_code == 400
    [result] = response.json()["results"]
    assert result["errors"] == {"number": ["Enter a number as 1,234.5."]}
    assert stored(world, "A.2") is None


def test_the_step_form_reads_the_format_of_the_page_not_of_the_request(
    client, settings
):
    """A Vietnamese page posted when the request speaks English (the offline "Next"
    resent later): "35,5" is 35.5."""
    world = build_world(shape=QUESTIONNAIRE)
    client = english_client(client, settings, world.editor)
    response = step_post(client, world, "A", {"A.2:number": "35,5"}, "vi")
    assert response.status_code == 302
    assert stored(world, "A.2").number == Decimal("35.5")


def test_the_step_page_states_its_number_format(client, settings):
    world = build_world(shape=QUESTIONNAIRE)
    client.force_login(world.editor)
    url = reverse("survey:questionnaire_step", args=[world.assessment.pk, "A"])
    for language, code in (("vi", "vi"), ("en", "en")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        html = client.get(url).content.decode()
        assert f'data-number-format="{code}"' in html
        assert f'name="number_format" value="{code}"' in html


def test_a_dot_decimal_on_a_vietnamese_page_is_refused_with_how_to_type_it(client):
    world = build_world(shape=QUESTIONNAIRE)
    client.force_login(world.editor)
    response = autosave(client, world, "A.2", {"number": "1.5"}, format="vi")
    assert response.status_code == 400
    [result] = response.json()["results"]
    assert result["errors"]["number"] == ["Nhập số theo dạng 1.234,5."]
    assert stored(world, "A.2") is None


# The verdict form ---------------------------------------------------------------------


@pytest.fixture
def reviewed():
    world = build_world(shape=VERIFICATION)
    world.fill()
    world.assessment = world.submit()
    return world


def verdict(client, world, code, fields, number_format):
    node = world.nodes[code]
    prefix = f"v{node.pk}-"
    data = {prefix + name: value for name, value in fields.items()}
    data[prefix + "verdict"] = "disagree"
    data[prefix + "explanation"] = "Thiếu minh chứng"
    if number_format is not None:
        data[prefix + "number_format"] = number_format
    url = reverse("survey:verdict", args=[world.assessment.pk, node.pk])
    return client.post(url, data)


def test_verified_points_follow_the_page_format(client, settings, reviewed):
    client = english_client(client, settings, reviewed.reviewer)
    response = verdict(client, reviewed, "1.3", {"points": "10,5"}, "vi")
    assert response.status_code == 302
    assert reviewed.answer("1.3").verified_points == Decimal("10.50")


def test_verified_points_ambiguous_under_the_page_format_are_refused(
    client, settings, reviewed
):
    client = english_client(client, settings, reviewed.reviewer)
    response = verdict(client, reviewed, "1.3", {"points": "10,5"}, "en")
    assert response.status_code == 400
    form = next(i.form for i in response.context["items"] if i.node.code == "1.3")
    assert form.errors["points"] == ["Enter a number as 1,234.5."]
    assert reviewed.answer("1.3").verified_points is None


def test_the_verdict_form_states_its_number_format(client, reviewed):
    client.force_login(reviewed.reviewer)
    html = client.get(reverse("survey:verify", args=[reviewed.assessment.pk]))
    node = reviewed.nodes["1.3"]
    assert f'name="v{node.pk}-number_format" value="vi"' in html.content.decode()


# Province-supplied values ----------------------------------------------------------


def supply_post(client, world, code, values, **extra):
    url = reverse("survey:supply", args=[world.campaign.pk])
    data = {"node": world.nodes[code].pk, **extra}
    data.update({f"value:{unit}": value for unit, value in values.items()})
    return client.post(url, data)


def test_supplied_values_follow_the_page_format(client, settings):
    world = build_world(shape=VERIFICATION)
    client = english_client(client, settings, world.coordinator)
    response = supply_post(client, world, "1.3", {"S-TC": "12,5"}, number_format="vi")
    assert response.status_code == 302
    answer = Answer.objects.get(node=world.nodes["1.3"])
    assert answer.number == Decimal("12.5")


def test_a_supplied_value_ambiguous_under_the_page_format_is_refused(client, settings):
    world = build_world(shape=VERIFICATION)
    client = english_client(client, settings, world.coordinator)
    response = supply_post(client, world, "1.3", {"S-TC": "12,5"}, number_format="en")
    assert response.status_code == 200
    assert response.context["errors"] == {"S-TC": "Enter a number as 1,234.5."}
    assert not Answer.objects.exists()


def test_a_supply_file_follows_its_declared_format(client, settings):
    world = build_world(shape=VERIFICATION)
    client = english_client(client, settings, world.coordinator)
    content = b'unit_code,value\nS-TC,"12.5"\nS-YT,"1,5"\n'
    url = reverse("survey:supply", args=[world.campaign.pk])
    data = {"node": world.nodes["1.3"].pk, "file_number_format": "en"}
    response = client.post(url, {**data, "file": SimpleUploadedFile("a.csv", content)})
    assert response.status_code == 200
    assert response.context["errors"] == {"S-YT": "Enter a number as 1,234.5."}
    data["file_number_format"] = "vi"
    response = client.post(url, {**data, "file": SimpleUploadedFile("a.csv", content)})
    assert response.context["errors"] == {"S-TC": "Enter a number as 1.234,5."}
    assert not Answer.objects.exists()


# The answer import -----------------------------------------------------------------


def _workbook(assessment, values: dict, number_format: str | None = None) -> bytes:
    from survey.exporters import answer_workbook_bytes

    content = answer_workbook_bytes(
        version=assessment.version, unit=assessment.unit, year=2025
    )
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["answers"]
    header = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row, 1).value
        if code in values:
            sheet.cell(row, header.index("value") + 1, values[code])
    if number_format is not None:
        workbook["unit"].append(["number_format", number_format])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(world, values, number_format=None):
    from survey.importers.answers import read_answer_workbook

    content = _workbook(world.assessment, values, number_format)
    return {
        p.node.code: p.values
        for p in read_answer_workbook(content, assessment=world.assessment)
    }


def test_imported_text_cells_are_vietnamese_by_default_and_numbers_are_numbers():
    world = build_world(shape=QUESTIONNAIRE)
    parsed = _import(world, {"A.2": "12,5", "B.5": "1.250.000", "A.3": 7})
    assert parsed["A.2"] == {"number": Decimal("12.5")}
    assert parsed["B.5"] == {"number": Decimal("1250000")}
    assert parsed["A.3"] == {"number": Decimal("7")}


def test_imported_text_cells_follow_the_declared_format():
    world = build_world(shape=QUESTIONNAIRE)
    parsed = _import(world, {"A.2": "12.5", "B.5": "1,250,000", "A.3": 7.0}, "en")
    assert parsed["A.2"] == {"number": Decimal("12.5")}
    assert parsed["B.5"] == {"number": Decimal("1250000")}
    assert parsed["A.3"] == {"number": Decimal("7")}


def test_an_imported_text_cell_ambiguous_under_its_format_is_refused():
    from survey.files.issues import ImportFailed

    world = build_world(shape=QUESTIONNAIRE)
    with pytest.raises(ImportFailed) as failure:
        _import(world, {"A.2": "1.5"})
    [issue] = failure.value.issues
    assert (issue.column, issue.code) == ("value", "number_format")
    assert "1.234,5" in issue.message("en")
