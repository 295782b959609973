"""``bulk_insert`` stores exactly what ``bulk_create`` stores, for every kind of
field an answer, its evidence and its stored result have."""

import datetime
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from worlds import QUESTIONNAIRE, build_world

from survey.bulk import bulk_insert
from survey.models import Answer, Evidence, UnitResult

pytestmark = pytest.mark.django_db


def _answers(world, assessment, nodes):
    return [
        Answer(
            assessment=assessment,
            node=node,
            yes=[True, False, None][i % 3],
            number=Decimal("12.3456") if i % 2 else None,
            denominator=Decimal(40),
            choice="cao" if i % 2 else "",
            checks=["a", "b"][: i % 3],
            date=datetime.date(2025, 3, 1 + i) if i % 2 else None,
            text=f"Văn bản số {i}/QĐ-UBND, ngày 1/3/2025",
            is_na=i == 1,
            version=i,
            self_points=Decimal("1.25") * i,
            verified_value={"number": "12.5", "checks": ["a"]} if i else {},
            review_status=Answer.ReviewStatus.AGREED,
        )
        for i, node in enumerate(nodes)
    ]


def _stored(model, **filters):
    return [
        {k: v for k, v in model_to_dict(row).items() if k not in {"id", "answer"}}
        for row in model.objects.filter(**filters).order_by("node__code")
    ]


def test_rows_stored_by_either_way_are_equal():
    world = build_world(shape=QUESTIONNAIRE)
    nodes = sorted(world.nodes.values(), key=lambda n: n.code)
    Answer.objects.bulk_create(_answers(world, world.assessment, nodes))
    theirs = _stored(Answer, assessment=world.assessment)
    Answer.objects.filter(assessment=world.assessment).delete()
    assert bulk_insert(Answer, _answers(world, world.assessment, nodes)) == len(nodes)
    mine = _stored(Answer, assessment=world.assessment)
    assert len(mine) == len(nodes) and mine == theirs
    fresh = Answer.objects.filter(assessment=world.assessment).first()
    assert fresh.updated_at is not None  # auto_now filled as save() does


def test_evidence_and_results_round_trip():
    world = build_world(shape=QUESTIONNAIRE)
    node = next(iter(world.nodes.values()))
    answer = Answer.objects.create(assessment=world.assessment, node=node)
    bulk_insert(
        Evidence,
        [
            Evidence(
                answer_id=answer.pk,
                kind="document",
                doc_number="12/KH-UBND",
                doc_date=datetime.date(2025, 2, 3),
                summary="Kế hoạch chuyển đổi số",
            )
        ],
    )
    bulk_insert(
        UnitResult,
        [
            UnitResult(
                assessment=world.assessment,
                node=None,
                final_points=Decimal("512.25"),
                value=Decimal("0.512250"),
                level="nang_cao",
                rank=3,
            )
        ],
    )
    evidence = Evidence.objects.get(answer=answer)
    assert (evidence.doc_number, evidence.doc_date) == (
        "12/KH-UBND",
        datetime.date(2025, 2, 3),
    )
    total = UnitResult.objects.get(assessment=world.assessment, node=None)
    assert (total.final_points, total.value, total.rank) == (
        Decimal("512.25"),
        Decimal("0.512250"),
        3,
    )
    assert total.computed_at is not None


def test_nothing_to_insert():
    assert bulk_insert(Answer, []) == 0


def test_rows_given_as_mappings():
    """Names or attnames; a missing field takes its default."""
    world = build_world(shape=QUESTIONNAIRE)
    first, second = sorted(world.nodes.values(), key=lambda n: n.code)[:2]
    bulk_insert(
        Answer,
        [
            {"assessment": world.assessment, "node": first, "number": Decimal(7)},
            {"assessment_id": world.assessment.pk, "node_id": second.pk, "yes": True},
        ],
    )
    stored = Answer.objects.filter(assessment=world.assessment).order_by("node__code")
    assert [(a.node_id, a.number, a.yes, a.checks, a.version) for a in stored] == [
        (first.pk, Decimal(7), None, [], 0),
        (second.pk, None, True, [], 0),
    ]
