"""The points mode's typed errors and diagnostics: nothing refused by a bare
KeyError, nothing changed silently."""

import warnings

import numpy as np
import pytest
from random_frameworks import random_records, random_spec
from scoring_factories import leaf, mixed_spec

from scoring import build_spec, population_from_records, score
from scoring.codes import (
    EngineError,
    FrameworkError,
    PointsError,
    PopulationError,
)

# --- population_from_records ----------------------------------------------


def refused(units, answers) -> PopulationError:
    with pytest.raises(PopulationError) as caught:
        population_from_records(mixed_spec(), units=units, answers=answers)
    assert isinstance(caught.value, EngineError)
    return caught.value


def test_answer_of_an_unknown_unit_names_the_unit():
    error = refused([{"id": "A"}], [{"unit": "B", "code": "1.1", "yes": True}])
    assert (error.code, error.unit, error.indicator) == ("unknown_unit", "B", None)


def test_answer_to_an_unknown_code_names_the_code_and_the_unit():
    error = refused([{"id": "A"}], [{"unit": "A", "code": "9.9", "yes": True}])
    assert (error.code, error.unit, error.indicator) == (
        "unknown_indicator",
        "A",
        "9.9",
    )


def test_answer_to_a_group_is_not_an_answer_to_an_indicator():
    error = refused([{"id": "A"}], [{"unit": "A", "code": "2", "value": 3}])
    assert (error.code, error.group, error.unit) == ("not_an_indicator", "2", "A")


def test_two_units_with_one_id_are_refused():
    error = refused([{"id": 7}, {"id": "7"}], [])
    assert (error.code, error.unit) == ("duplicate_unit", "7")


def test_two_answers_to_one_indicator_of_one_unit_are_refused():
    answers = [
        {"unit": "A", "code": "1.1", "yes": True},
        {"unit": "B", "code": "1.1", "yes": True},
        {"unit": "A", "code": "1.1", "yes": False},
    ]
    error = refused([{"id": "A"}, {"id": "B"}], answers)
    assert (error.code, error.unit, error.indicator) == (
        "duplicate_answer",
        "A",
        "1.1",
    )


# --- build_spec -------------------------------------------------------------


def test_group_without_children_is_an_empty_group():
    rows = [
        {"code": "P", "kind": "pillar"},
        {"code": "C1", "parent_code": "P", "kind": "component"},
        leaf("L", "C1", "direct"),
        {"code": "C2", "parent_code": "P", "kind": "component"},
    ]
    with pytest.raises(FrameworkError) as caught:
        build_spec(rows)
    error = caught.value
    assert isinstance(error, EngineError) and isinstance(error, ValueError)
    assert error.errors == [("C2", "empty_group")]
    assert (error.code, error.group, error.indicator) == ("empty_group", "C2", None)
    assert error.detail == {"errors": [["C2", "empty_group"]]}


def test_framework_error_of_an_indicator_names_the_indicator():
    rows = [
        {"code": "P", "kind": "pillar"},
        leaf("L", "P", "tiers", 5),
        {"code": "Q", "kind": "pillar"},
    ]
    with pytest.raises(FrameworkError) as caught:
        build_spec(rows)
    error = caught.value
    assert error.errors == [("L", "tiers_missing"), ("Q", "empty_group")]
    assert (error.code, error.indicator, error.group) == ("tiers_missing", "L", None)


def test_framework_error_of_a_setting_names_no_node():
    rows = [{"code": "P", "kind": "pillar"}, leaf("L", "P", "direct")]
    with pytest.raises(FrameworkError) as caught:
        build_spec(rows, level_edges="sideways")
    error = caught.value
    assert (error.code, error.indicator, error.group) == (
        "unknown_level_edges",
        None,
        None,
    )


# --- override_clipped -------------------------------------------------------


def override_spec():
    return build_spec(
        [
            {"code": "P", "kind": "pillar"},
            leaf("R", "P", "ratio", 20),
            leaf("Y", "P", "yes_no", 10),
            {"code": "N", "kind": "penalty_group"},
            leaf("E", "N", "penalty", None, rule_params={"per_item": 5, "max": 20}),
        ]
    )


def scored(spec, answers, *, units=("u",), strict=False, groups=None):
    unit_rows = [{"id": u, "group": (groups or {}).get(u, "")} for u in units]
    population = population_from_records(spec, units=unit_rows, answers=answers)
    return score(spec, population, strict=strict)


@pytest.mark.parametrize(
    ("code", "given", "low", "high", "points"),
    [("R", 25.0, 0.0, 20.0, 20.0), ("R", -3.0, 0.0, 20.0, 0.0)]
    + [("E", 4.0, -20.0, 0.0, 0.0), ("E", -30.0, -20.0, 0.0, -20.0)],
)
def test_override_out_of_bounds_is_clipped_and_reported(code, given, low, high, points):
    results = scored(override_spec(), [{"unit": "u", "code": code, "override": given}])
    assert results.node("u", code).final_points == points
    (note,) = results.diagnostics
    assert (note.code, note.indicator, note.units) == ("override_clipped", code, ("u",))
    assert note.detail == {"given": [given], "low": low, "high": high}


def test_override_within_bounds_reports_nothing():
    answers = [
        {"unit": "u", "code": "R", "override": 20},
        {"unit": "u", "code": "E", "override": -20},
        {"unit": "u", "code": "Y", "override": 0},
    ]
    assert not scored(override_spec(), answers).diagnostics


def test_clipped_overrides_are_reported_once_per_indicator_with_every_unit():
    answers = [
        {"unit": "a", "code": "R", "override": 21},
        {"unit": "b", "code": "R", "override": 5},
        {"unit": "c", "code": "R", "override": 40},
        {"unit": "c", "code": "Y", "override": 11},
    ]
    results = scored(override_spec(), answers, units=("a", "b", "c"))
    ratio, yes_no = results.diagnostics
    assert (ratio.indicator, ratio.units, ratio.detail["given"]) == (
        "R",
        ("a", "c"),
        [21.0, 40.0],
    )
    assert (yes_no.indicator, yes_no.units) == ("Y", ("c",))


def test_own_override_replaced_by_a_reviewer_answer_is_still_reported():
    answers = [
        {"unit": "u", "code": "R", "override": 25, "verified": {"override": 8}},
    ]
    results = scored(override_spec(), answers)
    assert results.node("u", "R").self_points == 20
    assert results.node("u", "R").final_points == 8
    (note,) = results.diagnostics
    assert (note.indicator, note.detail["given"]) == ("R", [25.0])


def test_unused_override_is_not_reported():
    answers = [{"unit": "u", "code": "R", "override": 25, "na": True}]
    results = scored(override_spec(), answers)
    assert results.node("u", "R").final_points is None
    assert not results.diagnostics


def test_strict_mode_raises_a_clipped_override():
    answers = [{"unit": "u", "code": "R", "override": 25}]
    with pytest.raises(PointsError) as caught:
        scored(override_spec(), answers, strict=True)
    error = caught.value
    assert isinstance(error, EngineError)
    assert (error.code, error.indicator, error.unit) == ("override_clipped", "R", "u")
    assert error.detail == {"given": [25.0], "low": 0.0, "high": 20.0}


# --- relative_best_alone ----------------------------------------------------


def best_spec():
    return build_spec(
        [
            {"code": "P", "kind": "pillar"},
            leaf("B", "P", "relative_best", 10),
            leaf("Y", "P", "yes_no", 10),
        ]
    )


GROUPS = {"a1": "a", "a2": "a", "b1": "b", "c1": "c", "c2": "c"}


def best_answers(**values):
    return [
        {"unit": unit, "code": "B", **value}
        for unit, value in values.items()
        if value is not None
    ]


def test_unit_alone_in_its_group_gets_full_marks_and_a_diagnostic():
    answers = best_answers(a1={"value": 4}, a2={"value": 8}, b1={"value": 3})
    results = scored(best_spec(), answers, units=("a1", "a2", "b1"), groups=GROUPS)
    assert results.node("b1", "B").final_points == 10
    assert results.node("a1", "B").final_points == 5
    (note,) = results.diagnostics
    assert (note.code, note.indicator, note.group, note.units) == (
        "relative_best_alone",
        "B",
        "b",
        ("b1",),
    )


def test_only_valid_value_of_its_group_is_alone_too():
    answers = best_answers(c1={"value": 2}, c2={"na": True})
    answers.append({"unit": "c2", "code": "Y", "yes": True})
    results = scored(best_spec(), answers, units=("c1", "c2"), groups=GROUPS)
    assert results.node("c1", "B").final_points == 10
    (note,) = results.diagnostics
    assert (note.group, note.units) == ("c", ("c1",))


def test_units_compared_with_each_other_report_nothing():
    answers = best_answers(a1={"value": 4}, a2={"value": 4})
    results = scored(best_spec(), answers, units=("a1", "a2"), groups=GROUPS)
    assert not results.diagnostics


def test_overridden_points_are_not_judged_alone():
    answers = best_answers(b1={"value": 3, "override": 6})
    assert not scored(best_spec(), answers, units=("b1",), groups=GROUPS).diagnostics


def test_strict_mode_raises_a_unit_alone():
    answers = best_answers(b1={"value": 3})
    with pytest.raises(PointsError) as caught:
        scored(best_spec(), answers, units=("b1",), groups=GROUPS, strict=True)
    error = caught.value
    assert (error.code, error.indicator, error.group, error.unit) == (
        "relative_best_alone",
        "B",
        "b",
        "b1",
    )


def test_strict_mode_scores_as_usual_when_nothing_is_noticed():
    answers = best_answers(a1={"value": 4}, a2={"value": 8})
    loose = scored(best_spec(), answers, units=("a1", "a2"), groups=GROUPS)
    strict = scored(
        best_spec(), answers, units=("a1", "a2"), groups=GROUPS, strict=True
    )
    assert np.array_equal(loose.points, strict.points, equal_nan=True)


# --- no warning escapes -----------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_no_runtime_warning_escapes_scoring_random_frameworks(seed):
    rng = np.random.default_rng(seed)
    spec = random_spec(rng)
    units, answers = random_records(rng, spec, n_units=25, n_groups=3)
    for row in answers[::7]:
        row["override"] = float(rng.choice([-50.0, 3.0, np.inf, -np.inf, 99.0]))
    # a group whose best is 0 and answers of nothing out of nothing
    units.append({"id": "zero", "group": "z", "not_applicable": []})
    answers += [
        {"unit": "zero", "code": code, "value": 0.0, "denominator": 0.0}
        for code in spec.leaf_codes
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        population = population_from_records(spec, units=units, answers=answers)
        results = score(spec, population)
    assert results.points.shape == (26, len(spec.nodes))
