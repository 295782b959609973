"""Composite mode: the diagnostics it reports, strict mode and its typed errors."""

import warnings

import numpy as np
import pytest

from scoring.composite import (
    Aggregation,
    CompositeError,
    CompositeErrorCode,
    CompositeGroup,
    CompositeIndicator,
    CompositeSpec,
    DiagnosticCode,
    MinMaxScaler,
    Normalisation,
    composite_aggregate,
    composite_normalise,
    composite_scores,
    normalise_goalposts,
    normalise_min_max,
    normalise_percentile_rank,
    normalise_rank,
    normalise_target,
    normalise_z_score,
    weighted_arithmetic_mean,
    weighted_geometric_mean,
    weighted_harmonic_mean,
    weighted_power_mean,
)
from scoring.diagnostics import DiagnosticsCollector

nan, inf = np.nan, np.inf
D, E = DiagnosticCode, CompositeErrorCode
UNITS = ("u1", "u2", "u3", "u4")
SAMPLE_METHODS = ("minmax", "zscore", "rank", "percentile_rank")


def assert_same(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-12, equal_nan=True)


def spec(goalposts=None, target=None, min_count=None):
    """Index I over pillars P (a, b) and Q (c)."""
    indicators = (
        CompositeIndicator("a", "P", goalposts=goalposts, target=target),
        CompositeIndicator("b", "P", goalposts=goalposts, target=target),
        CompositeIndicator("c", "Q", goalposts=goalposts, target=target),
    )
    groups = (
        CompositeGroup("I"),
        CompositeGroup("P", "I", min_count=min_count),
        CompositeGroup("Q", "I"),
    )
    return CompositeSpec(indicators, groups)


def data(**columns):
    base = {"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 1.0, 3.0, 2.0], "c": [2, 3, 4, 1]}
    return {**base, **columns}


def run(strict=False, *, spec_=None, data_=None, normalisation="minmax", **kwargs):
    return composite_scores(
        spec_ or spec(),
        data_ or data(),
        normalisation,
        units=UNITS,
        strict=strict,
        **kwargs,
    )


def raised(call) -> CompositeError:
    with pytest.raises(CompositeError) as err:
        call()
    assert isinstance(err.value, ValueError)  # older callers catch ValueError
    return err.value


def only(results, code):
    found = results.diagnostics.of(code)
    assert len(found) == 1, results.diagnostics.items
    return found[0]


# --- clean data: nothing to report ------------------------------------------------


def test_complete_data_give_no_diagnostic_and_no_missing_share():
    results = run(strict=True)
    assert not results.diagnostics
    assert results.diagnostics.missing_share == {"a": 0.0, "b": 0.0, "c": 0.0}


# --- 1. missing share -------------------------------------------------------------


def test_missing_share_counts_nan_and_infinite_values_in_the_raw_data():
    results = run(data_=data(a=[1, nan, inf, 4], c=[nan, 1, 2, 3]))
    assert results.diagnostics.missing_share == {"a": 0.5, "b": 0.0, "c": 0.25}


def test_composite_aggregate_alone_reports_the_missing_share_of_its_input():
    X = np.array([[1, 2, 3], [nan, 2, 3], [inf, 2, 3], [4, 5, nan]], dtype=float)
    results = composite_aggregate(spec(), X)
    assert results.diagnostics.missing_share == {"a": 0.5, "b": 0.0, "c": 0.25}


# --- 2. all missing ---------------------------------------------------------------


def test_all_missing_indicator_is_reported_with_the_renormalised_parent():
    results = run(data_=data(b=[nan, inf, nan, nan]))
    assert only(results, D.ALL_MISSING).indicator == "b"
    renormalised = only(results, D.WEIGHTS_RENORMALISED)
    assert (renormalised.group, renormalised.units) == ("P", UNITS)
    assert_same(results["P"], results["a"])  # computed from "a" alone


# --- 3. constant columns and a single unit ----------------------------------------


@pytest.mark.parametrize(
    "func",
    [
        normalise_min_max,
        normalise_z_score,
        normalise_rank,
        normalise_percentile_rank,
    ],
)
def test_every_sample_normalisation_makes_a_constant_column_missing(func):
    assert_same(func([2.0, 2.0, nan, 2.0]), [nan] * 4)
    assert_same(func([7.0]), [nan])


def test_percentile_rank_still_ranks_a_column_with_ties_but_not_constant():
    assert_same(normalise_percentile_rank([2, 2, 5], (0, 1)), [0, 0, 1])


@pytest.mark.parametrize("method", SAMPLE_METHODS)
def test_constant_column_is_missing_and_reported(method):
    results = run(data_=data(b=[3, 3, nan, 3]), normalisation=method)
    found = only(results, D.CONSTANT_COLUMN)
    assert (found.indicator, found.detail) == ("b", {"method": method})
    assert np.isnan(results["b"]).all()
    assert not results.diagnostics.of(D.SINGLE_UNIT)


def test_normalisation_on_fixed_bounds_reports_no_constant_column():
    results = run(
        spec_=spec(goalposts=(0, 10)),
        data_=data(b=[3, 3, 3, 3]),
        normalisation="goalposts",
    )
    assert not results.diagnostics
    assert_same(results["b"], [30] * 4)


@pytest.mark.parametrize("method", SAMPLE_METHODS)
def test_single_unit_is_reported_once_and_every_column_is_constant(method):
    results = composite_scores(spec(), {"a": [1], "b": [2], "c": [3]}, method)
    assert only(results, D.SINGLE_UNIT).detail == {"method": method}
    constant = results.diagnostics.of(D.CONSTANT_COLUMN)
    assert [d.indicator for d in constant] == ["a", "b", "c"]
    assert np.isnan(results.scores).all()


def test_single_unit_under_goalposts_is_no_diagnostic():
    results = composite_scores(
        spec(goalposts=(0, 10)), {"a": [1], "b": [2], "c": [3]}, "goalposts"
    )
    assert not results.diagnostics
    assert_same(results["a"], [10])


# --- 4. infinite values -----------------------------------------------------------


@pytest.mark.parametrize(
    "normalisation",
    [
        *SAMPLE_METHODS,
        "identity",
        "goalposts",
        "target",
        Normalisation("goalposts", truncate=True),
    ],
)
def test_infinite_values_are_missing_reported_and_raise_no_warning(normalisation):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = run(
            spec_=spec(goalposts=(0, 10), target=5),
            data_=data(a=[1, inf, 3, -inf]),
            normalisation=normalisation,
        )
    found = only(results, D.INFINITE_VALUE)
    assert (found.indicator, found.units) == ("a", ("u2", "u4"))
    assert np.isnan(results["a"][[1, 3]]).all()
    assert np.isfinite(results["a"][[0, 2]]).all()


@pytest.mark.parametrize(
    "func", [normalise_min_max, normalise_z_score, normalise_percentile_rank]
)
def test_low_level_normalisations_treat_infinite_values_as_missing(func):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = func([1.0, inf, 3.0, -inf, 2.0])
    assert_same(out, func([1.0, nan, 3.0, nan, 2.0]))


def test_infinite_values_everywhere_are_all_missing_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = run(data_=data(b=[inf, -inf, inf, inf]))
    assert only(results, D.ALL_MISSING).indicator == "b"
    assert only(results, D.INFINITE_VALUE).units == UNITS


# --- 5. too little data, 6. weights renormalised ----------------------------------


def test_too_little_data_names_the_group_and_the_units():
    results = run(spec_=spec(min_count=2), data_=data(a=[1, nan, 3, nan]))
    found = only(results, D.TOO_LITTLE_DATA)
    assert (found.group, found.units) == ("P", ("u2", "u4"))
    assert np.isnan(results["P"][[1, 3]]).all()
    # the index is then computed from Q alone for those units
    renormalised = only(results, D.WEIGHTS_RENORMALISED)
    assert (renormalised.group, renormalised.units) == ("I", ("u2", "u4"))


def test_weights_renormalised_names_the_group_and_the_units():
    results = run(data_=data(b=[4, nan, 3, 2]))
    found = only(results, D.WEIGHTS_RENORMALISED)
    assert (found.group, found.units) == ("P", ("u2",))
    assert not results.diagnostics.of(D.TOO_LITTLE_DATA)


def test_missing_child_of_zero_weight_renormalises_nothing():
    indicators = (
        CompositeIndicator("a", "P"),
        CompositeIndicator("b", "P", weight=0),
        CompositeIndicator("c", "Q"),
    )
    zero = CompositeSpec(indicators, spec().groups)
    results = run(spec_=zero, data_=data(b=[4, nan, 3, 2]))
    assert not results.diagnostics


# --- 7. values clipped ------------------------------------------------------------


def test_goalposts_with_truncate_report_the_clipped_values():
    gp = spec(goalposts=(0, 3))
    truncate = Normalisation("goalposts", truncate=True)
    results = run(spec_=gp, data_=data(a=[-1, 2, 3, 4]), normalisation=truncate)
    found = results.diagnostics.of(D.VALUES_CLIPPED)
    assert [(d.indicator, d.units) for d in found] == [
        ("a", ("u1", "u4")),
        ("b", ("u1",)),
        ("c", ("u3",)),
    ]
    assert found[0].detail == {"method": "goalposts"}
    assert_same(results["a"], [0, 200 / 3, 100, 100])
    # without truncate nothing is clipped, so nothing is reported
    assert not run(
        spec_=gp, data_=data(a=[-1, 2, 3, 4]), normalisation="goalposts"
    ).diagnostics


def test_target_with_cap_reports_the_capped_values():
    tg = spec(goalposts=(0, 10), target=3)
    results = run(spec_=tg, normalisation="target")
    found = results.diagnostics.of(D.VALUES_CLIPPED)
    assert [(d.indicator, d.units) for d in found] == [
        ("a", ("u4",)),
        ("b", ("u1",)),
        ("c", ("u3",)),
    ]
    assert_same(results["a"], [100 / 3, 200 / 3, 100, 100])
    uncapped = run(spec_=tg, normalisation=Normalisation("target", cap=False))
    assert not uncapped.diagnostics


# --- strict mode: every diagnostic raised with its code ---------------------------

STRICT_CASES = {
    D.ALL_MISSING: ({"data_": data(b=[nan] * 4)}, {"indicator": "b"}),
    D.CONSTANT_COLUMN: ({"data_": data(b=[3, 3, 3, 3])}, {"indicator": "b"}),
    D.INFINITE_VALUE: ({"data_": data(c=[1, 2, inf, 4])}, {"indicator": "c"}),
    D.TOO_LITTLE_DATA: (
        {"spec_": spec(min_count=2), "data_": data(a=[1, nan, 3, 4])},
        {"group": "P", "unit": "u2"},
    ),
    D.WEIGHTS_RENORMALISED: ({"data_": data(a=[1, nan, 3, 4])}, {"group": "P"}),
    D.VALUES_CLIPPED: (
        {
            "spec_": spec(goalposts=(1, 3)),
            "normalisation": Normalisation("goalposts", truncate=True),
        },
        {"indicator": "a", "unit": "u4"},
    ),
    D.TARGET_REACHED_BY_ALL: (
        {"spec_": spec(target=0.5), "normalisation": "target"},
        {"indicator": "a"},
    ),
}


@pytest.mark.parametrize("code", list(STRICT_CASES))
def test_strict_mode_raises_every_diagnostic_with_its_code(code):
    kwargs, names = STRICT_CASES[code]
    assert run(**kwargs).diagnostics.of(code)  # reported when not strict
    error = raised(lambda: run(strict=True, **kwargs))
    assert error.code == code
    for field, value in names.items():
        assert getattr(error, field) == value


def test_strict_mode_raises_single_unit_first():
    error = raised(
        lambda: composite_scores(spec(), {"a": [1], "b": [2], "c": [3]}, strict=True)
    )
    assert error.code == D.SINGLE_UNIT
    assert error.detail == {"method": "minmax"}


def test_strict_error_lists_the_units_when_there_are_several():
    error = raised(lambda: run(strict=True, data_=data(a=[inf, 2, inf, 4])))
    assert (error.code, error.unit) == (D.INFINITE_VALUE, None)
    assert error.detail["units"] == ["u1", "u3"]


def test_all_codes_are_covered_by_the_strict_tests():
    assert set(STRICT_CASES) | {D.SINGLE_UNIT} == set(DiagnosticCode)


# --- 8. typed errors naming the culprit -------------------------------------------


@pytest.mark.parametrize(
    "method, kwargs, code",
    [
        ("geometric", {}, E.NOT_POSITIVE_FOR_MEAN),
        ("harmonic", {}, E.NOT_POSITIVE_FOR_MEAN),
        ("power", {"power": -1.0}, E.NOT_POSITIVE_FOR_MEAN),
        ("power", {"power": 0.0}, E.NOT_POSITIVE_FOR_MEAN),
        ("power", {"power": 2.0}, E.NEGATIVE_FOR_MEAN),
    ],
)
def test_value_outside_a_means_domain_names_group_unit_and_child(method, kwargs, code):
    values = data(b=[4, 1, -2, -3])
    if code == E.NOT_POSITIVE_FOR_MEAN:
        values = data(b=[4, 0, -2, 3])
    mean = Aggregation(method, **kwargs)
    error = raised(
        lambda: run(data_=values, normalisation="identity", aggregation=mean)
    )
    assert error.code == code
    assert (error.group, error.indicator) == ("P", "b")
    assert error.unit == ("u2" if code == E.NOT_POSITIVE_FOR_MEAN else "u3")
    assert error.detail["method"] == method
    assert error.detail["value"] == (0.0 if code == E.NOT_POSITIVE_FOR_MEAN else -2.0)


def test_value_outside_the_domain_of_an_upper_level_names_the_child_group():
    values = data(a=[1, 0, 3, 4], b=[1, 0, 3, 4])
    error = raised(
        lambda: run(
            data_=values, normalisation="identity", aggregation={3: "geometric"}
        )
    )
    assert (error.code, error.group, error.indicator, error.unit) == (
        E.NOT_POSITIVE_FOR_MEAN,
        "I",
        "P",
        "u2",
    )


@pytest.mark.parametrize(
    "func, args",
    [
        (weighted_geometric_mean, ()),
        (weighted_harmonic_mean, ()),
        (weighted_power_mean, (-2.0,)),
    ],
)
def test_low_level_means_refuse_values_not_positive_with_the_position(func, args):
    error = raised(lambda: func([[1.0, 2.0], [3.0, 0.0]], [1, 1], *args))
    assert error.code == E.NOT_POSITIVE_FOR_MEAN
    assert (error.detail["row"], error.detail["column"]) == (1, 1)
    assert (error.group, error.unit, error.indicator) == (None, None, None)


def test_low_level_power_mean_refuses_negative_values():
    error = raised(lambda: weighted_power_mean([1.0, -1.0], [1, 1], 2.0))
    assert (error.code, error.detail["value"]) == (E.NEGATIVE_FOR_MEAN, -1.0)


@pytest.mark.parametrize(
    "normalisation",
    ["minmax", "percentile_rank", Normalisation("minmax", feature_range=(-1, 1))],
)
def test_zero_from_normalisation_is_refused_before_aggregating(normalisation):
    error = raised(lambda: run(normalisation=normalisation, aggregation="geometric"))
    assert error.code == E.ZERO_FROM_NORMALISATION
    # "a" is the first indicator; its worst unit u1 gets the lower bound
    assert (error.indicator, error.group, error.unit) == ("a", "P", "u1")
    assert error.detail["method"] == "geometric"
    assert error.detail["feature_range"][0] <= 0
    assert error.detail["suggested_feature_range"][0] == 1.0


def test_zero_from_normalisation_names_the_range_and_the_mean():
    error = raised(lambda: run(aggregation={2: "harmonic"}))
    assert error.detail == {
        "value": 0.0,
        "normalisation": "minmax",
        "feature_range": [0.0, 100.0],
        "suggested_feature_range": [1.0, 100.0],
        "method": "harmonic",
    }


def test_zero_from_normalisation_is_not_raised_for_a_range_above_zero():
    above = Normalisation("minmax", feature_range=(1, 100))
    results = run(normalisation=above, aggregation="geometric")
    assert np.isfinite(results["I"]).all()


def test_zero_from_normalisation_only_concerns_levels_that_need_positive_values():
    results = run(aggregation={2: "arithmetic", 3: "power"})  # power p = 1
    assert np.isfinite(results["I"]).all()


def test_target_equal_to_worst_names_the_indicator():
    indicators = (
        CompositeIndicator("a", "P", goalposts=(0, 10), target=5),
        CompositeIndicator("b", "P", goalposts=(0, 10), target=0),
        CompositeIndicator("c", "Q", goalposts=(0, 10), target=5),
    )
    bad = CompositeSpec(indicators, spec().groups)
    error = raised(lambda: run(spec_=bad, normalisation="target"))
    assert (error.code, error.indicator) == (E.TARGET_EQUALS_WORST, "b")
    low_level = raised(lambda: normalise_target([[1.0, 2.0]], [3, 2], worst=2))
    assert (low_level.code, low_level.detail) == (E.TARGET_EQUALS_WORST, {"column": 1})


def test_target_equal_to_the_sample_worst_names_the_indicator():
    indicators = (
        CompositeIndicator("a", "P", target=1),  # the sample's minimum of "a"
        CompositeIndicator("b", "P", target=9),
        CompositeIndicator("c", "Q", target=9),
    )
    bad = CompositeSpec(indicators, spec().groups)
    error = raised(lambda: run(spec_=bad, normalisation="target"))
    assert (error.code, error.indicator) == (E.TARGET_EQUALS_WORST, "a")


@pytest.mark.parametrize(
    "normalisation, code",
    [("goalposts", E.MISSING_GOALPOSTS), ("target", E.MISSING_TARGET)],
)
def test_missing_goalposts_or_target_name_the_first_indicator(normalisation, code):
    indicators = (
        CompositeIndicator("a", "P", goalposts=(0, 10), target=5),
        CompositeIndicator("b", "P"),
        CompositeIndicator("c", "Q"),
    )
    partial = CompositeSpec(indicators, spec().groups)
    error = raised(lambda: run(spec_=partial, normalisation=normalisation))
    assert (error.code, error.indicator) == (code, "b")
    assert error.detail == {"indicators": ["b", "c"]}


def test_missing_target_is_refused_before_any_diagnostic_in_strict_mode():
    error = raised(
        lambda: run(strict=True, data_=data(a=[inf] * 4), normalisation="target")
    )
    assert error.code == E.MISSING_TARGET


@pytest.mark.parametrize(
    "values, code, indicator",
    [
        ({**data(), "z": [1, 2, 3, 4]}, E.UNKNOWN_INDICATOR, "z"),
        ({**data(), "P": [1, 2, 3, 4]}, E.UNKNOWN_INDICATOR, "P"),
        ({"a": [1, 2, 3, 4], "c": [1, 2, 3, 4]}, E.MISSING_INDICATOR, "b"),
        (data(b=[1, 2, 3]), E.BAD_DATA_SHAPE, "b"),
        (data(b=[[1, 2], [3, 4]]), E.BAD_DATA_SHAPE, "b"),
        (data(b=["x", 1, 2, 3]), E.NOT_NUMERIC, "b"),
    ],
)
def test_data_as_a_mapping_are_checked_against_the_spec(values, code, indicator):
    error = raised(lambda: composite_scores(spec(), values))
    assert (error.code, error.indicator) == (code, indicator)


def test_missing_indicators_are_all_listed():
    error = raised(lambda: composite_scores(spec(), {"b": [1.0, 2.0]}))
    assert error.detail == {"codes": ["a", "c"]}


@pytest.mark.parametrize("shape", [(4, 2), (4,), (0, 3), (2, 3, 1)])
def test_data_of_the_wrong_shape_are_refused(shape):
    error = raised(lambda: composite_scores(spec(), np.ones(shape)))
    assert error.code == E.BAD_DATA_SHAPE
    error = raised(lambda: composite_aggregate(spec(), np.ones(shape)))
    assert error.code == E.BAD_DATA_SHAPE


@pytest.mark.parametrize(
    "kwargs, code, unit",
    [
        ({"units": ["x", "y", "x", "z"]}, E.DUPLICATE_UNIT, "x"),
        ({"units": ["x", "y", "z"]}, E.BAD_UNIT_IDS, None),
        ({"groups": ["g", "g"]}, E.BAD_GROUPS, None),
    ],
)
def test_unit_ids_and_groups_are_checked(kwargs, code, unit):
    X = np.ones((4, 3))
    for call in (composite_scores, composite_aggregate):
        error = raised(lambda call=call: call(spec(), X, **kwargs))
        assert (error.code, error.unit) == (code, unit)
    if "units" in kwargs:
        error = raised(lambda: composite_normalise(spec(), X, units=kwargs["units"]))
        assert error.code == code


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda: Normalisation("log"), E.UNKNOWN_NORMALISATION),
        (lambda: run(normalisation="log"), E.UNKNOWN_NORMALISATION),
        (lambda: Aggregation("median"), E.UNKNOWN_AGGREGATION),
        (lambda: run(aggregation={3: "median"}), E.UNKNOWN_AGGREGATION),
        (lambda: Aggregation("power", power=nan), E.UNKNOWN_AGGREGATION),
        (lambda: Aggregation(min_share=2), E.BAD_MIN_DATA),
        (lambda: Normalisation(feature_range=(100, 0)), E.BAD_FEATURE_RANGE),
        (lambda: Normalisation(feature_range=(0, inf)), E.BAD_FEATURE_RANGE),
        (lambda: Normalisation(feature_range=(0,)), E.BAD_FEATURE_RANGE),
        (lambda: normalise_min_max([1, 2], (5, 5)), E.BAD_FEATURE_RANGE),
        (lambda: MinMaxScaler((1, 0)).fit([1, 2]), E.BAD_FEATURE_RANGE),
        (lambda: normalise_percentile_rank([1, 2], (1, 0)), E.BAD_FEATURE_RANGE),
        (
            lambda: normalise_goalposts([1], 0, 1, feature_range=(1, 1)),
            E.BAD_FEATURE_RANGE,
        ),
        (lambda: normalise_goalposts([1, 2], 3, 3), E.BAD_GOALPOSTS),
        (lambda: normalise_min_max(np.ones((2, 2, 2))), E.BAD_DATA_SHAPE),
        (lambda: MinMaxScaler().fit([[1, 2]]).transform([1]), E.BAD_DATA_SHAPE),
        (lambda: normalise_rank(["x"]), E.NOT_NUMERIC),
        (lambda: weighted_arithmetic_mean([1, 2], [-1, 1]), E.BAD_MEAN_WEIGHTS),
        (lambda: weighted_arithmetic_mean([1, 2], [nan, 1]), E.BAD_MEAN_WEIGHTS),
        (lambda: weighted_arithmetic_mean([1, 2], [1, 1, 1]), E.BAD_MEAN_WEIGHTS),
        (lambda: weighted_geometric_mean([1, 2], [inf, 1]), E.BAD_MEAN_WEIGHTS),
    ],
)
def test_bad_options_and_arguments_raise_their_code(make, code):
    assert raised(make).code == code


def test_bad_mean_weights_give_the_column():
    error = raised(lambda: weighted_arithmetic_mean([1, 2, 3], [1, 1, -2]))
    assert error.detail == {"column": 2, "weight": -2.0}


# --- 9. identity ------------------------------------------------------------------


def test_none_is_another_name_for_the_identity_normalisation():
    assert Normalisation("none").method == "identity"
    assert Normalisation("none") == Normalisation("identity")
    X = np.array([[1.0, 2, 3], [4, 5, 6]])
    assert_same(composite_normalise(spec(), X, "none"), X)
    assert_same(composite_normalise(spec(), X, "identity"), X)


# --- 10. the collector travels through the pipeline -------------------------------


def test_composite_normalise_reports_into_a_given_collector():
    collector = DiagnosticsCollector()
    out = composite_normalise(
        spec(), data(a=[1, inf, 3, 4]), "minmax", units=UNITS, diagnostics=collector
    )
    assert isinstance(out, np.ndarray)
    assert [(d.code, d.units) for d in collector.items] == [(D.INFINITE_VALUE, ("u2",))]
    assert collector.missing_share["a"] == 0.25


def test_composite_aggregate_adds_to_a_given_collector_and_keeps_its_shares():
    collector = DiagnosticsCollector()
    normalised = composite_normalise(
        spec(), data(a=[1, inf, 3, 4]), units=UNITS, diagnostics=collector
    )
    results = composite_aggregate(
        spec(), normalised, units=UNITS, diagnostics=collector
    )
    assert [d.code for d in results.diagnostics] == [
        D.INFINITE_VALUE,
        D.WEIGHTS_RENORMALISED,
    ]
    assert results.diagnostics.missing_share["a"] == 0.25
    assert results.diagnostics == run(data_=data(a=[1, inf, 3, 4])).diagnostics


def test_a_given_strict_collector_raises_in_composite_aggregate():
    collector = DiagnosticsCollector(strict=True, error_class=CompositeError)
    X = np.array([[1, nan, 3], [1, 2, 3]], dtype=float)
    error = raised(lambda: composite_aggregate(spec(), X, diagnostics=collector))
    assert (error.code, error.group, error.unit) == (D.WEIGHTS_RENORMALISED, "P", "1")


def test_results_hold_the_diagnostics_of_every_step():
    results = run(
        spec_=spec(goalposts=(0, 3)),
        data_=data(a=[1, inf, 3, 9], b=[nan] * 4),
        normalisation=Normalisation("goalposts", truncate=True),
    )
    assert [(d.code, d.indicator or d.group, d.units) for d in results.diagnostics] == [
        (D.INFINITE_VALUE, "a", ("u2",)),
        (D.ALL_MISSING, "b", ()),
        (D.VALUES_CLIPPED, "a", ("u4",)),
        (D.VALUES_CLIPPED, "c", ("u3",)),
        # u2 has neither "a" (infinite) nor "b": P is missing, I computed from Q
        (D.TOO_LITTLE_DATA, "P", ("u2",)),
        (D.WEIGHTS_RENORMALISED, "P", ("u1", "u3", "u4")),
        (D.WEIGHTS_RENORMALISED, "I", ("u2",)),
    ]
    assert results.diagnostics.about("b")[0].code == D.ALL_MISSING


def test_target_from_the_sample_worst_on_a_constant_column_is_missing_not_zero():
    """Without goalposts the worst value is the sample's; when every unit has
    the same value each is its own worst, and a distance of 0 would be a silent
    zero: the indicator is reported constant and left out."""
    tg = spec(target=10)
    results = run(spec_=tg, data_=data(a=[2.0, 2.0, 2.0, 2.0]), normalisation="target")
    found = only(results, D.CONSTANT_COLUMN)
    assert (found.indicator, found.detail["method"]) == ("a", "target")
    assert np.isnan(results["a"]).all()
    assert np.isfinite(results["b"]).all()
    with_goalposts = run(
        spec_=spec(goalposts=(0, 10), target=10),
        data_=data(a=[2.0, 2.0, 2.0, 2.0]),
        normalisation="target",
    )
    assert D.CONSTANT_COLUMN not in with_goalposts.diagnostics.codes()
    assert_same(with_goalposts["a"], [20, 20, 20, 20])
    error = raised(
        lambda: run(True, spec_=tg, data_=data(a=[2.0] * 4), normalisation="target")
    )
    assert (error.code, error.indicator) == ("constant_column", "a")


# --- targets below the worst value, and values too large to compute with --------


def test_a_target_every_unit_has_passed_gives_full_marks_and_says_so():
    """Without goalposts the worst value is the sample's; a target below it has
    been reached by every unit: with a cap each gets the full score, instead of
    a distance that would score the better units lower."""
    results = run(spec_=spec(target=0.5), normalisation="target")
    assert_same(results["a"], [100, 100, 100, 100])
    found = results.diagnostics.of(D.TARGET_REACHED_BY_ALL)
    assert [d.indicator for d in found] == ["a", "b", "c"]
    assert not results.diagnostics.of(D.VALUES_CLIPPED)


@pytest.mark.parametrize(
    "spec_, normalisation",
    [
        (spec(target=0.5), Normalisation("target", cap=False)),
        (spec(goalposts=(1, 10), target=0.5), "target"),
    ],
    ids=["sample-worst-without-cap", "below-the-worse-goalpost"],
)
def test_a_target_below_the_worst_value_is_refused_otherwise(spec_, normalisation):
    error = raised(lambda: run(spec_=spec_, normalisation=normalisation))
    assert (error.code, error.indicator) == (E.TARGET_BELOW_WORST, "a")


def test_values_too_large_to_compute_with_are_refused_naming_the_cell():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        error = raised(lambda: run(data_=data(b=[1, 2, 1.7e308, -1.7e308])))
    assert (error.code, error.indicator, error.unit) == (E.VALUE_TOO_LARGE, "b", "u3")
    normalised = np.array([[1.0, 2.0, 3.0]] * 4)
    normalised[1, 2] = 1e101
    error = raised(lambda: composite_aggregate(spec(), normalised, units=UNITS))
    assert (error.code, error.indicator, error.unit) == (E.VALUE_TOO_LARGE, "c", "u2")


def test_an_aggregate_that_overflows_is_refused_naming_the_group_and_unit():
    big = data(a=[1e99, 9e99, 3, 4], b=[1e99, 2e99, 3, 4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        error = raised(
            lambda: run(
                data_=big, normalisation="identity", aggregation=Aggregation("power", 5)
            )
        )
    assert (error.code, error.group, error.unit) == (E.OVERFLOW, "P", "u1")
    # the same data with an arithmetic mean stay finite
    assert np.isfinite(run(data_=big, normalisation="identity")["I"]).all()
