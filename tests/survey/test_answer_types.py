"""survey.numbers and survey.answer_types: numbers read in the format the page
showed, on every route.

The grammar (module docstring of survey.numbers) is checked on a table of
examples, then by properties over (format x typed text): a number written in a
format reads back exactly in that format; a text is never read with the other
format's value; text that does not fit the format is refused with a message.
"""

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from worlds import QUESTIONNAIRE, build_world

from survey.answer_types import NUMBER_TYPES, answer_display
from survey.exporters import answer_workbook_bytes
from survey.files.issues import ImportFailed
from survey.forms.questionnaire import AnswerForm
from survey.forms.review import VerdictForm
from survey.importers.answers import read_answer_workbook
from survey.models import Answer, Node
from survey.numbers import (
    EN,
    NUMBER_FORMATS,
    VI,
    format_number,
    parse_number,
    read_number,
)
from survey.services.supply_reading import parse_supplied

FORMATS = list(NUMBER_FORMATS.values())
OTHER = {VI.code: EN, EN.code: VI}
DB = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def refusal(text, number_format) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_number(text, number_format)
    return caught.value


def message(error: ValidationError) -> str:
    with translation.override("en"):
        return " ".join(error.messages)


# The grammar, by example --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "vi", "en"),
    [
        ("1234", "1234", "1234"),
        ("1234,5", "1234.5", None),
        ("1234.5", None, "1234.5"),
        ("1.234", "1234", "1.234"),
        ("1,234", "1.234", "1234"),
        ("1.234,5", "1234.5", None),
        ("1,234.5", None, "1234.5"),
        ("1.250.000", "1250000", None),
        ("1,250,000", None, "1250000"),
        ("1 250 000,75", "1250000.75", None),
        ("1\u00a0250\u00a0000.75", None, "1250000.75"),
        ("0,25", "0.25", None),
        ("  12,5 ", "12.5", None),
        ("-3", "-3", "-3"),
        ("+3,5", "3.5", None),
        ("1e6", "1e6", "1e6"),
        ("1,5e3", "1500", None),
        # Refused under both: several decimal marks, groups of other than three
        # digits, a group after the decimal mark, marks at the ends.
        ("1.5", None, "1.5"),
        ("35,5", "35.5", None),
        ("1.23,5", None, None),
        ("12.34", None, "12.34"),
        ("1,2,3", None, None),
        ("1.2.3", None, None),
        ("1.234.5", None, None),
        ("1,234,5", None, None),
        ("1.234,567.8", None, None),
        (",5", None, None),
        ("5,", None, None),
        ("1 23", None, None),
        ("1. 234", None, None),
    ],
)
def test_which_strings_each_format_accepts(text, vi, en):
    for number_format, expected in ((VI, vi), (EN, en)):
        if expected is None:
            assert refusal(text, number_format).code == "number_format"
        else:
            assert parse_number(text, number_format) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "12 cái", "NaN", "Infinity", "1/2", "--1"])
@pytest.mark.parametrize("number_format", [VI, EN, None])
def test_text_that_is_no_number_is_refused_as_such(text, number_format):
    error = refusal(text, number_format)
    assert (error.code, message(error)) == ("not_a_number", "Enter a number.")


@pytest.mark.parametrize("text", ["", "   ", None])
def test_nothing_typed_is_no_value(text):
    assert read_number(text, VI) is None


def test_the_refusal_says_how_to_type_a_decimal_in_the_page_language():
    error = refusal("1.5", VI)
    with translation.override("vi"):
        assert error.messages == ["Nhập số theo dạng 1.234,5."]
    assert message(refusal("35,5", EN)) == "Enter a number as 1,234.5."


def test_without_a_stated_format_only_readings_that_agree_are_taken():
    assert parse_number("12,5", None) == Decimal("12.5")  # English refuses it
    assert parse_number("12.5", None) == Decimal("12.5")  # Vietnamese refuses it
    assert parse_number("1250000", None) == Decimal("1250000")
    for text in ("1.500", "1,500", "1.234", "12,345"):
        assert refusal(text, None).code == "number_format"


def test_numbers_given_as_numbers_are_taken_as_they_are():
    assert read_number(12.5, EN) == Decimal("12.5")
    assert read_number(Decimal("1.5"), VI) == Decimal("1.5")
    assert read_number(7, VI) == Decimal(7)


def test_numbers_are_shown_in_the_format_asked():
    value = Decimal("1250000.5000")
    assert format_number(value, VI) == "1.250.000,5"
    assert format_number(value, EN) == "1,250,000.5"
    assert format_number(value, VI, grouping=False) == "1250000,5"
    assert format_number(Decimal("12.000"), VI) == "12"
    assert format_number(None, VI) == ""


def test_values_are_displayed_by_their_answer_type():
    ratio = Node(answer_type="ratio")
    values = {"number": "1250.5", "denominator": "2000"}
    assert answer_display(ratio, values, VI) == "1.250,5 / 2.000"
    assert answer_display(ratio, values, EN) == "1,250.5 / 2,000"
    assert answer_display(Node(answer_type="money"), {"number": None}, VI) == "—"
    yes = Node(answer_type="yes_no")
    with translation.override("en"):
        assert answer_display(yes, {"yes": True}) == "Yes"
        assert answer_display(yes, {"is_na": True}) == "Not applicable"


# Properties over (format x typed text) -------------------------------------------

amounts = st.decimals(
    min_value=Decimal(0),
    max_value=Decimal("999999999999.9999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)
signed = st.decimals(
    min_value=Decimal("-999999999999.9999"),
    max_value=Decimal("999999999999.9999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)
formats_ = st.sampled_from(FORMATS)


@given(value=signed, number_format=formats_, grouping=st.booleans())
def test_a_number_written_in_a_format_reads_back_exactly(
    value, number_format, grouping
):
    text = format_number(value, number_format, grouping=grouping)
    assert parse_number(text, number_format) == value
    spaced = text.replace(number_format.group, " ")
    assert parse_number(spaced, number_format) == value


@given(value=signed, number_format=formats_)
def test_a_text_is_never_read_with_the_other_formats_value(value, number_format):
    text = format_number(value, number_format)
    other = OTHER[number_format.code]
    try:
        read = parse_number(text, other)
    except ValidationError as error:
        assert error.code == "number_format"
        assert other.example in message(error)
        read = None
    # Read in the other format, the text means something else or nothing; without
    # a stated format, the two readings must agree or the text is refused.
    try:
        either = parse_number(text, None)
    except ValidationError as error:
        assert error.code == "number_format"
        assert read is not None and read != value
    else:
        assert either == value
        assert read in (None, value)


def misplaced(number_format):
    """Texts that fit no format's rules for ``number_format``: a group mark not
    followed by exactly three digits, a decimal mark twice, or both marks in the
    other format's order with a group after the decimal mark."""
    d, g = number_format.decimal, number_format.group
    digits = st.text("0123456789", min_size=1, max_size=6)
    short = st.text("0123456789", min_size=1, max_size=2)
    long = st.text("0123456789", min_size=4, max_size=6)
    group_wrong = st.builds(
        lambda a, b: f"{a}{g}{b}{d}5", digits, st.one_of(short, long)
    )
    two_marks = st.builds(lambda a, b, c: f"{a}{d}{b}{d}{c}", digits, digits, digits)
    swapped = st.builds(lambda a, b: f"{a}{d}{b}{g}5", digits, digits)
    return st.one_of(group_wrong, two_marks, swapped)


@given(data=st.data(), number_format=formats_)
def test_misplaced_marks_are_refused_with_how_to_type_it(data, number_format):
    text = data.draw(misplaced(number_format))
    error = refusal(text, number_format)
    assert error.code == "number_format"
    assert message(error) == f"Enter a number as {number_format.example}."


# Every route reads what was typed in the stated format ----------------------------


def typed(answer_type: str):
    """Values that ``answer_type`` accepts: whole counts, percentages up to 100."""
    if answer_type == "count":
        return st.integers(min_value=0, max_value=10**9).map(Decimal)
    if answer_type == "percentage":
        return amounts.filter(lambda v: v <= 100)
    return amounts


NUMERIC = sorted(NUMBER_TYPES)


def indicator(answer_type: str) -> Node:
    rule = {"points": "direct", "ratio": "ratio"}.get(answer_type, "none")
    return Node(pk=1, answer_type=answer_type, rule=rule, max_points=None)


@given(data=st.data(), answer_type=st.sampled_from(NUMERIC), number_format=formats_)
def test_step_form_and_autosave_fields_read_the_page_format(
    data, answer_type, number_format
):
    value = data.draw(typed(answer_type))
    text = format_number(value, number_format)
    node = indicator(answer_type)
    fields = {"n1-version": "0", "n1-number": text}
    if answer_type == "ratio":
        fields["n1-denominator"] = format_number(value + 1, number_format)
    with translation.override(OTHER[number_format.code].code):
        form = AnswerForm(fields, node=node, answer=None, number_format=number_format)
        assert form.is_valid(), form.errors
    assert form.cleaned_data["number"] == value
    # Shown again in the same format, it reads the same.
    unbound = AnswerForm(node=node, answer=None, number_format=number_format)
    assert unbound.fields["number"].widget.format_value(value) == text


@given(data=st.data(), answer_type=st.sampled_from(NUMERIC), number_format=formats_)
def test_the_verdict_form_reads_the_page_format(data, answer_type, number_format):
    value = data.draw(typed(answer_type))
    points = min(value, Decimal(10**6)).quantize(Decimal("0.01"))
    node = indicator(answer_type)
    fields = {
        "v1-verdict": "disagree",
        "v1-number": format_number(value, number_format),
        "v1-points": format_number(points, number_format),
        "v1-number_format": number_format.code,
    }
    with translation.override(OTHER[number_format.code].code):
        form = VerdictForm(fields, node=node)
        assert form.is_valid(), form.errors
    assert form.values()["number"] == value
    assert form.cleaned_data["points"] == points


@given(data=st.data(), answer_type=st.sampled_from(NUMERIC), number_format=formats_)
def test_supplied_values_read_the_stated_format(data, answer_type, number_format):
    value = data.draw(typed(answer_type))
    node = indicator(answer_type)
    raw = {
        "value": format_number(value, number_format),
        "denominator": format_number(value + 1, number_format),
    }
    with translation.override(OTHER[number_format.code].code):
        values = parse_supplied(node, raw, number_format=number_format)
    assert values["number"] == value


@given(data=st.data(), number_format=formats_)
def test_every_route_refuses_misplaced_marks(data, number_format):
    text = data.draw(misplaced(number_format))
    node = indicator("money")
    expected = f"Enter a number as {number_format.example}."
    with translation.override("en"):
        form = AnswerForm(
            {"n1-number": text}, node=node, answer=None, number_format=number_format
        )
        assert form.errors["number"] == [expected]
        verdict = VerdictForm(
            {"v1-points": text, "v1-number_format": number_format.code}, node=node
        )
        assert verdict.errors["points"] == [expected]
        with pytest.raises(ValueError, match=expected.replace(".", r"\.")):
            parse_supplied(node, {"value": text}, number_format=number_format)


# The same through requests and the database (fewer examples) ----------------------


@pytest.fixture
def world(settings):
    """One world for all the examples of a test (they share its transaction)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world(shape=QUESTIONNAIRE)


@pytest.mark.django_db
@DB
@given(data=st.data(), code=st.sampled_from(["A.2", "A.3", "B.3", "B.5"]))
def test_autosave_and_step_posts_store_what_was_typed(data, code, world):
    node = world.nodes[code]
    number_format = data.draw(formats_)
    value = data.draw(typed(node.answer_type)).quantize(Decimal("0.01"))
    if node.answer_type == "points":
        value = min(value, Decimal(60))
    client = Client()
    client.force_login(world.editor)
    # The page is shown in its language; then another tab switches the language.
    client.cookies["django_language"] = number_format.code
    url = reverse("survey:questionnaire_step", args=[world.assessment.pk, code[0]])
    fields = page_fields(client.get(url))
    client.cookies["django_language"] = OTHER[number_format.code].code
    text = format_number(value, number_format)
    if data.draw(st.booleans()):
        version = int(fields[f"n{node.pk}-version"])
        item = {"node": node.pk, "version": version, "values": {"number": text}}
        body = {"format": number_format.code, "answers": [item]}
        save_url = reverse("survey:answers_autosave", args=[world.assessment.pk])
        response = client.post(
            save_url, json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 200, response.content
    else:
        fields[f"n{node.pk}-number"] = text
        response = client.post(url, fields)
        assert response.status_code == 302
    answer = Answer.objects.get(assessment=world.assessment, node=node)
    assert answer.number == value


@pytest.mark.django_db
@DB
@given(data=st.data(), code=st.sampled_from(["A.1", "A.2", "A.3", "B.3", "B.5"]))
def test_imported_text_cells_read_the_declared_format(data, code, world):
    node = world.nodes[code]
    number_format = data.draw(formats_)
    value = data.draw(typed(node.answer_type))
    if node.answer_type == "points":
        value = min(value, Decimal(60))
    text = format_number(value, number_format)
    cells = {"value": text}
    if node.answer_type == "ratio":
        cells["denominator"] = format_number(value + 1, number_format)
    content = _workbook(world.assessment, code, cells, number_format.code)
    parsed = {
        p.node.code: p.values
        for p in read_answer_workbook(content, assessment=world.assessment)
    }
    assert parsed[code]["number"] == value
    # Declared in the other format, the text is read in that format or refused:
    # never taken in the format it was written in.
    other = OTHER[number_format.code]
    content = _workbook(world.assessment, code, cells, other.code)
    try:
        expected = parse_number(text, other)
    except ValidationError:
        with pytest.raises(ImportFailed) as failure:
            read_answer_workbook(content, assessment=world.assessment)
        assert "number_format" in {issue.code for issue in failure.value.issues}
        return
    try:
        parsed = read_answer_workbook(content, assessment=world.assessment)
    except ImportFailed as failure:  # read as another value, the engine refused it
        assert {issue.code for issue in failure.issues} <= {"answer_invalid"}
    else:
        values = {p.node.code: p.values for p in parsed}[code]
        assert values["number"] == expected


def page_fields(response) -> dict:
    """What the browser posts for the step page in ``response``, as shown."""
    step = response.context["form"]
    fields = {"number_format": step.number_format.code}
    for form in step.answer_forms:
        for _name, bound in form._bound_items():
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    fields[bound.html_name] = "on"
                continue
            if value in (None, "", []):
                continue
            fields[bound.html_name] = bound.field.widget.format_value(value)
    return fields


def _workbook(assessment, code: str, cells: dict, number_format: str) -> bytes:
    content = answer_workbook_bytes(
        version=assessment.version, unit=assessment.unit, year=2025
    )
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["answers"]
    header = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value == code:
            for column, value in cells.items():
                sheet.cell(row, header.index(column) + 1, value)
    workbook["unit"].append(["number_format", number_format])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
