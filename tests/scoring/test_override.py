"""Points set without a value (a reviewer's points, a published year's import)."""

import pytest

from scoring import (
    build_spec,
    population_from_records,
    score,
)


def spec():
    return build_spec(
        [
            {"code": "P", "kind": "pillar"},
            {"code": "R", "parent_code": "P", "kind": "indicator", "rule": "ratio",
             "answer_type": "ratio", "max_points": 20},
            {"code": "Y", "parent_code": "P", "kind": "indicator", "rule": "yes_no",
             "answer_type": "yes_no", "max_points": 10},
            {"code": "N", "kind": "penalty_group"},
            {"code": "E", "parent_code": "N", "kind": "indicator", "rule": "penalty",
             "answer_type": "count", "rule_params": {"per_item": 5, "max": 20}},
        ]
    )  # fmt: skip


def total(answers, verified=None):
    s = spec()
    rows = [{"unit": "u", "code": code, **a} for code, a in answers.items()]
    for row in rows:
        row["verified"] = (verified or {}).get(row["code"])
    population = population_from_records(s, units=[{"id": "u"}], answers=rows)
    return score(s, population).node("u")


@pytest.mark.parametrize(
    ("override", "expected"),
    [(12.345, 12.35), (25, 20), (-3, 0)],
)
def test_override_replaces_the_rule_within_bounds(override, expected):
    result = total({"R": {"override": override}, "Y": {"yes": True}})
    assert result.final_points == pytest.approx(expected + 10)


def test_override_beats_an_invalid_value():
    result = total({"R": {"value": 5, "denominator": 4, "override": 7}})
    assert result.final_points == pytest.approx(7)


def test_penalty_override_is_negative_and_bounded():
    assert total({"Y": {"yes": True}, "E": {"override": -30}}).final_points == -10
    assert total({"Y": {"yes": True}, "E": {"override": 4}}).final_points == 10


def test_verified_override_sets_final_points_and_the_gap():
    own = {"R": {"value": 20, "denominator": 20}, "Y": {"yes": True}}
    result = total(own, verified={"R": {"override": 8.5}})
    assert result.self_points == 30
    assert result.final_points == pytest.approx(18.5)
    assert result.gap == pytest.approx(11.5)
