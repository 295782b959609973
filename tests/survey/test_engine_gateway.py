"""One way to each rule: the engine asked once per save, one definition of an
answered indicator (the review rows, the board and the workbook's progress sheet),
one rule for units that never submitted and one for what applies to a unit."""

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from worlds import QUESTIONNAIRE, World, build_world

import scoring
from reports.labels import report_labels
from reports.services.exports import report_workbook_bytes
from survey.models import Answer, Assessment, Campaign, Node
from survey.models.frameworks import node_applies
from survey.results.compute import blank_assessments
from survey.selectors.questionnaire import (
    answer_is_given,
    answered_filter,
    assessment_progress,
)
from survey.services.answer_checks import AnswerInvalid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]


@pytest.fixture
def world() -> World:
    return build_world(shape=QUESTIONNAIRE)


@pytest.fixture
def engine_calls(monkeypatch) -> list:
    """Every time the engine scores one answer, through whichever path."""
    calls = []
    leaf_points = scoring.leaf_points

    def counted(*args, **kwargs):
        calls.append(args[0])
        return leaf_points(*args, **kwargs)

    monkeypatch.setattr(scoring, "leaf_points", counted)
    return calls


@pytest.mark.parametrize(
    ("code", "values"),
    [
        ("A.1", {"number": Decimal(30), "denominator": Decimal(40)}),
        ("A.1", {"number": Decimal(30)}),  # incomplete: saved with a warning
        ("A.5", {"choice": "cao"}),
        ("B.1", {"checks": ["a"]}),
        ("B.3", {"number": Decimal(12)}),
        ("A.2", {"is_na": True}),
    ],
)
def test_the_engine_runs_once_per_save(world, engine_calls, code, values):
    saved = world.save(code, values)
    assert saved.changed
    assert len(engine_calls) == 1


def test_an_na_answer_keeping_typed_values_still_has_them_checked(world, engine_calls):
    saved = world.save("A.2", {"number": Decimal(50)})
    engine_calls.clear()
    world.save("A.2", {"is_na": True}, version=saved.answer.version)
    # The kept value is checked, then the N/A scored: the one save asking twice.
    assert engine_calls == ["ratio", "ratio"]
    answer = world.answer("A.2")
    assert (answer.is_na, answer.number, answer.self_points) == (True, 50, None)


def test_a_refused_value_asks_the_engine_once_and_stores_nothing(world, engine_calls):
    with pytest.raises(AnswerInvalid):
        world.save("B.3", {"number": Decimal(99)})  # above the maximum of 60
    assert len(engine_calls) == 1
    assert not Answer.objects.filter(node=world.nodes["B.3"]).exists()


def _answer(world: World, code: str, **fields) -> Answer:
    return Answer.objects.create(
        assessment=world.assessment, node=world.nodes[code], **fields
    )


def test_answered_reads_alike_on_a_loaded_answer_and_in_the_database(world):
    cases = [
        ("A.1", {"number": Decimal(3)}, False),  # ratio without denominator
        ("A.2", {"is_na": True}, True),
        ("A.3", {"number": Decimal(0)}, True),
        ("A.4", {"yes": False}, True),
        ("A.5", {"choice": ""}, False),
        ("B.1", {"checks": ["a", "b"]}, True),  # ticked checks only
        ("B.2", {"text": " \n\t"}, False),
        ("B.3", {}, False),
        ("B.4", {"text": "ignored"}, False),  # a date type answers with a date
        ("B.5", {"number": Decimal("1.5")}, True),
    ]
    for code, fields, _given in cases:
        _answer(world, code, **fields)
    expected = {code: given for code, _fields, given in cases}
    rows = Answer.objects.filter(assessment=world.assessment).select_related("node")
    matched = set(rows.filter(answered_filter()).values_list("node__code", flat=True))
    for answer in rows:
        code = answer.node.code
        assert answer_is_given(answer, answer.node) is expected[code], code
        assert (code in matched) is expected[code], code


def test_a_checklist_saved_with_nothing_ticked_is_answered(world):
    saved = world.save("B.1", {"checks": ["a"]})
    world.save("B.1", {"checks": []}, version=saved.answer.version)
    answer = world.answer("B.1")
    assert answer_is_given(answer, answer.node)
    assert Answer.objects.filter(pk=answer.pk).filter(answered_filter()).exists()


def _progress_row(campaign: Campaign) -> tuple[int, int]:
    labels = report_labels("en")
    content = report_workbook_bytes(campaign=campaign, lang="en")
    sheet = openpyxl.load_workbook(BytesIO(content))[labels["sheet_progress"]]
    row = next(sheet.iter_rows(min_row=4, max_row=4, values_only=True))
    return row[6], row[7]


def test_the_progress_sheet_counts_as_the_board(world):
    world.save("B.1", {"checks": ["a", "b"]})  # only ticked checks
    world.save("A.2", {"is_na": True})
    world.save("A.1", {"number": Decimal(3)})  # no denominator yet: not answered
    world.save("B.2", {"text": "Có báo cáo"})  # a question that earns no points
    board = assessment_progress(assessments=[world.assessment])[world.assessment.pk]
    assert (board.answered, board.total) == (3, 10)  # B.6 needs procedures
    assert _progress_row(world.campaign) == (board.answered, board.total)


def test_units_that_never_submitted_are_blank_only_after_the_deadline(world):
    campaign, version = world.campaign, world.version
    assert blank_assessments(campaign=campaign, version=version) == []
    campaign.state = Campaign.State.CLOSED
    campaign.save()
    assert blank_assessments(campaign=campaign, version=version) == [
        world.assessment.pk
    ]
    Assessment.objects.filter(pk=world.assessment.pk).update(
        state=Assessment.State.SUBMITTED
    )
    assert blank_assessments(campaign=campaign, version=version) == []


@pytest.mark.parametrize(
    ("applies_to", "requires", "unit_type", "provides", "expected"),
    [
        ([], False, "commune", False, True),
        (["commune"], False, "commune", False, True),
        (["department"], False, "commune", True, False),
        ([], True, "commune", False, False),
        ([], True, "commune", True, True),
    ],
)
def test_one_rule_says_what_applies_to_a_unit(
    applies_to, requires, unit_type, provides, expected
):
    node = Node(applies_to=applies_to, requires_procedures=requires)
    assert node.applies_to_unit(unit_type=unit_type, provides_procedures=provides) is (
        expected
    )
    assert (
        node_applies(
            applies_to=applies_to,
            requires_procedures=requires,
            unit_type=unit_type,
            provides_procedures=provides,
        )
        is expected
    )
