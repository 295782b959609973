from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scoring_factories import CHECKS, LEVELS, TIERS

from scoring import (
    RULE_ANSWER_TYPES,
    Answer,
    AnswerError,
    ParamError,
    leaf_points,
    round_half_away,
    rule_params_errors,
)

ZD = "zero_denominator"
PCT = {"answer_type": "percentage"}
# rule, params, max, answer, kwargs, points, error, status
CASES = [
    ("yes_no", {}, 10, Answer(yes=True), {}, 10.0, None, "scored"),
    ("yes_no", {}, 10, Answer(yes=False), {}, 0.0, None, "scored"),
    ("ratio", {}, 10, Answer(value=394, denominator=508), {}, 7.76, None, "scored"),
    ("ratio", {}, 10, Answer(value=508, denominator=508), {}, 10.0, None, "scored"),
    ("ratio", {}, 10, Answer(value=1, denominator=3), {}, 3.33, None, "scored"),
    ("ratio", {}, 10, Answer(value=2, denominator=3), {}, 6.67, None, "scored"),
    ("ratio", {}, 10, Answer(value=45.5), PCT, 4.55, None, "scored"),
    ("ratio", {}, 5, Answer(value=41.9), PCT, 2.1, None, "scored"),  # 2.0949999…
    ("ratio", {}, 10, Answer(value=100.5), PCT, None, "percentage_above_100", "error"),
    (
        "ratio",
        {},
        10,
        Answer(value=9, denominator=8),
        {},
        None,
        "numerator_above_denominator",
        "error",
    ),
    (
        "ratio",
        {},
        10,
        Answer(value=-1, denominator=8),
        {},
        None,
        "negative_value",
        "error",
    ),
    (
        "ratio",
        {},
        10,
        Answer(value=1, denominator=-8),
        {},
        None,
        "negative_value",
        "error",
    ),
    (
        "ratio",
        {},
        10,
        Answer(value=0, denominator=0),
        {},
        None,
        "zero_denominator",
        "error",
    ),
    (
        "ratio",
        {ZD: "error"},
        10,
        Answer(value=0, denominator=0),
        {},
        None,
        "zero_denominator",
        "error",
    ),
    ("ratio", {ZD: "na"}, 10, Answer(value=0, denominator=0), {}, None, None, "na"),
    (
        "ratio",
        {ZD: "full"},
        10,
        Answer(value=0, denominator=0),
        {},
        10.0,
        None,
        "scored",
    ),
    (
        "ratio",
        {ZD: "full"},
        10,
        Answer(value=2, denominator=0),
        {},
        None,
        "numerator_above_denominator",
        "error",
    ),
    ("ratio", {}, 10, Answer(value=3), {}, None, "denominator_missing", "error"),
    (
        "ratio",
        {},
        10,
        Answer(value=float("inf"), denominator=3),
        {},
        None,
        "value_not_finite",
        "error",
    ),
    (
        "ratio",
        {},
        10,
        Answer(value=float("nan"), denominator=3),
        {},
        None,
        "value_not_finite",
        "error",
    ),
    (
        "ratio",
        {},
        10,
        Answer(value=1, denominator=float("inf")),
        {},
        None,
        "value_not_finite",
        "error",
    ),
    ("tiers", TIERS, 20, Answer(value=3), {}, 15.0, None, "scored"),
    ("tiers", TIERS, 20, Answer(value=3.5), {}, 15.0, None, "scored"),
    ("tiers", TIERS, 20, Answer(value=9), {}, 20.0, None, "scored"),
    ("tiers", TIERS, 20, Answer(value=0), {}, 0.0, None, "scored"),
    ("tiers", TIERS, 20, Answer(value=-1), {}, None, "negative_value", "error"),
    ("level", LEVELS, 10, Answer(choice="chair"), {}, 10.0, None, "scored"),
    ("level", LEVELS, 10, Answer(choice="deputy"), {}, 5.0, None, "scored"),
    ("level", LEVELS, 10, Answer(choice="none"), {}, 0.0, None, "scored"),
    ("level", LEVELS, 10, Answer(choice="boss"), {}, None, "unknown_level", "error"),
    ("target", {"target": 12}, 10, Answer(value=6), {}, 5.0, None, "scored"),
    ("target", {"target": 12}, 10, Answer(value=24), {}, 10.0, None, "scored"),
    (
        "target",
        {"target": 12},
        10,
        Answer(value=-2),
        {},
        None,
        "negative_value",
        "error",
    ),
    (
        "target",
        {"target": 80},
        10,
        Answer(value=101),
        PCT,
        None,
        "percentage_above_100",
        "error",
    ),
    (
        "relative_best",
        {},
        10,
        Answer(value=5),
        {"group_best": 20.0},
        2.5,
        None,
        "scored",
    ),
    (
        "relative_best",
        {},
        10,
        Answer(value=0),
        {"group_best": 0.0},
        0.0,
        None,
        "scored",
    ),
    ("relative_best", {}, 10, Answer(value=5), {}, None, None, "needs_population"),
    ("checks", CHECKS, 10, Answer(checks=("a", "b")), {}, 10.0, None, "scored"),
    ("checks", CHECKS, 10, Answer(checks=("a",)), {}, 4.0, None, "scored"),
    ("checks", CHECKS, 10, Answer(checks=()), {}, 0.0, None, "scored"),
    (
        "checks",
        CHECKS,
        10,
        Answer(checks=("a", "z")),
        {},
        None,
        "unknown_check",
        "error",
    ),
    (
        "bonus",
        {"per_item": 5, "max": 20},
        None,
        Answer(value=2),
        {},
        10.0,
        None,
        "scored",
    ),
    (
        "bonus",
        {"per_item": 5, "max": 20},
        None,
        Answer(value=9),
        {},
        20.0,
        None,
        "scored",
    ),
    ("bonus", {"max": 20}, None, Answer(points=7.5), {}, 7.5, None, "scored"),
    ("bonus", {}, 8, Answer(points=9), {}, 8.0, None, "scored"),
    (
        "bonus",
        {"max": 20},
        None,
        Answer(points=-1),
        {},
        None,
        "negative_value",
        "error",
    ),
    (
        "penalty",
        {"per_item": 5, "max": 20},
        None,
        Answer(value=2),
        {},
        -10.0,
        None,
        "scored",
    ),
    (
        "penalty",
        {"per_item": 5, "max": 20},
        None,
        Answer(value=5),
        {},
        -20.0,
        None,
        "scored",
    ),
    ("direct", {}, 10, Answer(points=7.5), {}, 7.5, None, "scored"),
    ("direct", {}, 10, Answer(points=2.675), {}, 2.68, None, "scored"),
    ("direct", {}, 10, Answer(points=10.01), {}, None, "points_above_max", "error"),
    ("direct", {}, 10, Answer(points=-0.5), {}, None, "negative_value", "error"),
    ("none", {}, None, Answer(value=3), {}, None, None, "unscored"),
    ("yes_no", {}, 10, Answer(na=True), {}, None, None, "na"),
    (
        "yes_no",
        {},
        10,
        Answer(na=True),
        {"na_allowed": False},
        None,
        "na_not_allowed",
        "error",
    ),
    ("yes_no", {}, 10, Answer(), {}, None, None, "missing"),
]


@pytest.mark.parametrize(
    "rule, params, max_points, answer, kwargs, points, error, status", CASES
)
def test_leaf_points(rule, params, max_points, answer, kwargs, points, error, status):
    outcome = leaf_points(rule, params, max_points, answer, **kwargs)
    assert (outcome.points, outcome.error_code, outcome.status) == (
        points,
        error,
        status,
    )


def test_every_answer_error_is_exercised():
    assert {c[6] for c in CASES} - {None} == {e.value for e in AnswerError}


@pytest.mark.parametrize(
    "x, digits, expected",
    [
        (2.675, 2, 2.68),
        (1.005, 2, 1.01),
        (-2.675, 2, -2.68),
        (0.125, 2, 0.13),
        (0.124999, 2, 0.12),
        (2.5, 0, 3.0),
        (-2.5, 0, -3.0),
        (7.755905511811023, 2, 7.76),
        (0.70245, 4, 0.7025),
        (1234.565, 2, 1234.57),
        (0.0, 2, 0.0),
    ],
)
def test_round_half_away(x, digits, expected):
    assert float(round_half_away(x, digits)) == expected


def test_round_keeps_nan_and_never_returns_negative_zero():
    out = round_half_away(np.array([np.nan, -0.001]), 2)
    assert np.isnan(out[0]) and str(out[1]) == "0.0"


@given(st.integers(-(10**7), 10**7), st.integers(0, 3))
def test_round_matches_decimal_half_up_on_decimal_inputs(thousandths, digits):
    x = float(Decimal(thousandths) / 1000)
    expected = Decimal(repr(x)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    assert float(round_half_away(x, digits)) == float(expected)


VALID_PARAMS = [
    ("yes_no", {}, 10),
    ("ratio", {}, 10),
    ("ratio", None, 10),
    ("ratio", {"zero_denominator": "na"}, 10),
    ("tiers", {"tiers": [[4, 20], [3, 15], [2, 10], [1, 5]]}, 20),
    ("tiers", {"tiers": [[1, 5], [2, 10]]}, 10),
    (
        "level",
        {"levels": [{"code": "chair", "vi": "Chủ tịch", "en": "Chair", "factor": 1}]},
        10,
    ),
    ("target", {"target": 12}, 10),
    ("relative_best", {}, 10),
    ("checks", {"checks": [{"code": "a", "vi": "...", "en": "...", "points": 4}]}, 10),
    ("bonus", {"per_item": 5, "max": 20}, None),
    ("bonus", {"max": 20}, None),
    ("bonus", {}, 5),
    ("penalty", {"per_item": 5, "max": 20}, None),
    ("direct", {}, 10),
    ("none", {}, None),
]


@pytest.mark.parametrize("rule, params, max_points", VALID_PARAMS)
def test_documented_params_are_valid(rule, params, max_points):
    assert rule_params_errors(rule, params, max_points) == []


P = ParamError
INVALID_PARAMS = [
    ("magic", {}, 10, P.UNKNOWN_RULE),
    ("ratio", [1], 10, P.PARAMS_NOT_OBJECT),
    ("ratio", {"target": 1}, 10, P.PARAMS_UNEXPECTED_KEY),
    ("yes_no", {"x": 1}, 10, P.PARAMS_UNEXPECTED_KEY),
    ("yes_no", {}, None, P.MAX_POINTS_MISSING),
    ("yes_no", {}, 0, P.MAX_POINTS_NOT_POSITIVE),
    ("ratio", {"zero_denominator": "zero"}, 10, P.ZERO_DENOMINATOR_INVALID),
    ("tiers", {}, 20, P.TIERS_MISSING),
    ("tiers", {"tiers": []}, 20, P.TIERS_MISSING),
    ("tiers", {"tiers": [[1, 2, 3]]}, 20, P.TIER_NOT_PAIR),
    ("tiers", {"tiers": [[1, "5"]]}, 20, P.PARAM_NOT_NUMBER),
    ("tiers", {"tiers": [[2, 5], [1, 10]]}, 20, P.TIERS_NOT_INCREASING),
    ("tiers", {"tiers": [[1, 5], [1, 10]]}, 20, P.TIERS_NOT_INCREASING),
    ("tiers", {"tiers": [[1, -5]]}, 20, P.TIER_POINTS_NEGATIVE),
    ("tiers", {"tiers": [[1, 25]]}, 20, P.TIER_POINTS_ABOVE_MAX),
    ("level", {}, 10, P.LEVELS_MISSING),
    ("level", {"levels": [{"factor": 1}]}, 10, P.LEVEL_CODE_MISSING),
    (
        "level",
        {"levels": [{"code": "a", "factor": 1}, {"code": "a", "factor": 0}]},
        10,
        P.LEVEL_CODE_DUPLICATE,
    ),
    (
        "level",
        {"levels": [{"code": "a", "factor": 1.5}]},
        10,
        P.LEVEL_FACTOR_OUT_OF_RANGE,
    ),
    (
        "level",
        {"levels": [{"code": "a", "factor": -0.1}]},
        10,
        P.LEVEL_FACTOR_OUT_OF_RANGE,
    ),
    ("level", {"levels": [{"code": "a"}]}, 10, P.PARAM_NOT_NUMBER),
    ("target", {}, 10, P.TARGET_MISSING),
    ("target", {"target": 0}, 10, P.TARGET_NOT_POSITIVE),
    ("target", {"target": True}, 10, P.PARAM_NOT_NUMBER),
    ("checks", {}, 10, P.CHECKS_MISSING),
    (
        "checks",
        {"checks": [{"code": f"c{i}", "points": 1} for i in range(63)]},
        10,
        P.CHECKS_TOO_MANY,
    ),
    ("checks", {"checks": [{"points": 1}]}, 10, P.CHECK_CODE_MISSING),
    (
        "checks",
        {"checks": [{"code": "a", "points": 1}, {"code": "a", "points": 2}]},
        10,
        P.CHECK_CODE_DUPLICATE,
    ),
    ("checks", {"checks": [{"code": "a", "points": -1}]}, 10, P.CHECK_POINTS_NEGATIVE),
    ("bonus", {"per_item": 0, "max": 5}, None, P.PER_ITEM_NOT_POSITIVE),
    ("bonus", {"per_item": 5}, None, P.ITEM_MAX_MISSING),
    ("penalty", {"max": 0}, None, P.ITEM_MAX_NOT_POSITIVE),
    ("penalty", {"max": "5"}, None, P.PARAM_NOT_NUMBER),
]


@pytest.mark.parametrize("rule, params, max_points, code", INVALID_PARAMS)
def test_invalid_params(rule, params, max_points, code):
    assert code.value in rule_params_errors(rule, params, max_points)


def test_every_param_error_is_exercised():
    assert {c[3] for c in INVALID_PARAMS} == set(ParamError)


def test_rule_answer_types_follow_the_format_table():
    assert RULE_ANSWER_TYPES["ratio"] == {"ratio", "percentage"}
    assert RULE_ANSWER_TYPES["tiers"] == {"count", "number"}
    assert RULE_ANSWER_TYPES["bonus"] == {"count", "points"}
    assert RULE_ANSWER_TYPES["target"] == {"count", "number", "money", "percentage"}
    assert "text" in RULE_ANSWER_TYPES["none"]
    assert "yes_no" not in RULE_ANSWER_TYPES["direct"]
