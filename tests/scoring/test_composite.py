"""Composite mode of the engine: hand-computed cases, no database."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scoring.composite import (
    Aggregation,
    CompositeGroup,
    CompositeIndicator,
    CompositeSpec,
    CompositeSpecError,
    MinMaxScaler,
    Normalisation,
    ZScoreScaler,
    composite_aggregate,
    composite_normalise,
    composite_scores,
    effective_weights,
    minmax_group_means,
    normalise_goalposts,
    normalise_min_max,
    normalise_percentile_rank,
    normalise_rank,
    normalise_target,
    normalise_z_score,
    relative_weights,
    weighted_arithmetic_mean,
    weighted_geometric_mean,
    weighted_harmonic_mean,
    weighted_power_mean,
)

nan = np.nan
approx = pytest.approx


def assert_same(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-12, equal_nan=True)


# --- normalisation -------------------------------------------------------------


@pytest.mark.parametrize(
    "x, feature_range, expected",
    [
        ([1, 2, 3], (0, 100), [0, 50, 100]),
        ([1, 2, 3], (0, 1), [0, 0.5, 1]),
        ([1, 2, 3], (1, 100), [1, 50.5, 100]),
        ([4, nan, 0, 2], (0, 100), [100, nan, 0, 50]),
        ([-5, 5], (0, 10), [0, 10]),
    ],
)
def test_min_max(x, feature_range, expected):
    assert_same(normalise_min_max(x, feature_range), expected)


def test_min_max_scaler_learns_bounds_per_column():
    X = np.array([[1.0, 10.0], [3.0, nan], [2.0, 30.0]])
    scaler = MinMaxScaler()
    assert scaler.fit(X) is scaler
    assert_same(scaler.bounds_, [[1, 10], [3, 30]])
    assert_same(scaler.transform(X), [[0, 0], [100, nan], [50, 100]])
    # new data use the fitted bounds, so values beyond them leave the range
    assert_same(scaler.transform([[4.0, 20.0]]), [[150, 50]])


def test_min_max_scaler_init_stores_parameters_untouched():
    feature_range = [0, 1]
    scaler = MinMaxScaler(feature_range=feature_range)
    assert scaler.feature_range is feature_range
    assert not hasattr(scaler, "bounds_")


@pytest.mark.parametrize(
    "constant_value, expected", [(nan, [nan, nan, nan]), (50.0, [50, nan, 50])]
)
def test_min_max_constant_column_does_not_divide_by_zero(constant_value, expected):
    X = np.array([[7.0, 1.0], [nan, 2.0], [7.0, 3.0]])
    scaler = MinMaxScaler(constant_value=constant_value).fit(X)
    assert scaler.constant_.tolist() == [True, False]
    assert_same(scaler.transform(X)[:, 0], expected)


def test_min_max_all_missing_column_stays_missing():
    X = np.array([[nan, 1.0], [nan, 2.0]])
    assert_same(normalise_min_max(X), [[nan, 0], [nan, 100]])


def test_min_max_scaler_errors():
    with pytest.raises(RuntimeError):
        MinMaxScaler().transform([1.0, 2.0])
    with pytest.raises(ValueError):
        MinMaxScaler(feature_range=(1, 0)).fit([1.0, 2.0])
    with pytest.raises(ValueError):
        MinMaxScaler().fit([[1.0, 2.0]]).transform([[1.0, 2.0, 3.0]])


@pytest.mark.parametrize(
    "x, mean, sd, expected",
    [
        ([1, 2, 3], 0, 1, [-1, 0, 1]),
        ([1, 2, 3], 100, 10, [90, 100, 110]),
        ([1, nan, 3], 0, 1, [-math.sqrt(0.5), nan, math.sqrt(0.5)]),
        ([5, 5, nan], 0, 1, [nan, nan, nan]),
        ([5, nan, nan], 0, 1, [nan, nan, nan]),
    ],
)
def test_z_score(x, mean, sd, expected):
    assert_same(normalise_z_score(x, mean, sd), expected)


def test_z_score_scaler_attributes_and_output_moments():
    X = np.array([[2.0, 1.0], [4.0, 1.0], [9.0, 1.0]])
    scaler = ZScoreScaler(mean=50, sd=10).fit(X)
    assert_same(scaler.mean_, [5, 1])
    assert_same(scaler.scale_, [np.std([2, 4, 9], ddof=1), 0])
    assert scaler.constant_.tolist() == [False, True]
    out = scaler.transform(X)[:, 0]
    assert out.mean() == approx(50, abs=1e-12)
    assert out.std(ddof=1) == approx(10, abs=1e-12)


@pytest.mark.parametrize(
    "x, direction, truncate, expected",
    [
        # COINr n_goalposts with goalposts (0, 10)
        ([-1, 1, 11], 1, True, [0, 0.1, 1]),
        ([-1, 1, 11], -1, True, [1, 0.9, 0]),
        ([-1, 1, 11], 1, False, [-0.1, 0.1, 1.1]),
        ([nan, 5], 1, True, [nan, 0.5]),
    ],
)
def test_goalposts(x, direction, truncate, expected):
    out = normalise_goalposts(
        x, 0, 10, direction=direction, truncate=truncate, feature_range=(0, 1)
    )
    assert_same(out, expected)


def test_goalposts_per_column_and_desi_scale():
    X = np.array([[0.75, 62.5], [1.0, 100.0]])
    out = normalise_goalposts(X, [0.5, 25], [1.0, 100], truncate=False)
    assert_same(out, [[50, 50], [100, 100]])


def test_goalposts_refuse_empty_interval():
    with pytest.raises(ValueError):
        normalise_goalposts([1.0], 10, 10)


@pytest.mark.parametrize(
    "x, target, worst, cap, expected",
    [
        ([5, 10, 15], 10, 0, True, [50, 100, 100]),
        ([5, 10, 15], 10, 0, False, [50, 100, 150]),
        ([4, 8, nan], 8, 2, True, [100 / 3, 100, nan]),
        # lower is better: the target lies below the worst value
        ([6, 2, 1], 2, 10, True, [50, 100, 100]),
    ],
)
def test_distance_to_target(x, target, worst, cap, expected):
    assert_same(normalise_target(x, target, worst=worst, cap=cap), expected)


def test_distance_to_target_refuses_target_equal_to_worst():
    with pytest.raises(ValueError):
        normalise_target([1.0], 0, worst=0)


@pytest.mark.parametrize(
    "x, expected",
    [
        ([3, 1, 2, 2], [4, 1, 2, 2]),
        ([10, nan, 30], [1, nan, 2]),
        ([5, 5, 5], [nan, nan, nan]),  # constant: cannot rank, as min-max
    ],
)
def test_rank(x, expected):
    assert_same(normalise_rank(x), expected)


@pytest.mark.parametrize(
    "x, expected",
    [
        ([3, 1, 2, 2], [1, 0, 1 / 3, 1 / 3]),  # COINr n_prank
        ([3, nan, 1], [1, nan, 0]),
        ([nan, 4, nan], [nan, nan, nan]),
    ],
)
def test_percentile_rank(x, expected):
    assert_same(normalise_percentile_rank(x, (0, 1)), expected)


# --- aggregation -----------------------------------------------------------------


@pytest.mark.parametrize(
    "func, x, w, expected",
    [
        (weighted_arithmetic_mean, [1, 2, 3], [1, 1, 1], 2),
        (weighted_arithmetic_mean, [1, 2, 3], [1, 1, 2], 2.25),
        (weighted_arithmetic_mean, [1, nan, 3], [1, 5, 3], 2.5),
        (weighted_arithmetic_mean, [nan, nan], [1, 1], nan),
        (weighted_geometric_mean, [1, 2, 3], [1, 1, 1], 6 ** (1 / 3)),
        (weighted_geometric_mean, [1, 4, nan], [1, 1, 1], 2),
        (weighted_geometric_mean, [2, 16], [3, 1], 2 ** (7 / 4)),
        (weighted_harmonic_mean, [1, 2, 3], [1, 1, 1], 18 / 11),
        (weighted_harmonic_mean, [2, nan, 6], [1, 1, 1], 3),
    ],
)
def test_weighted_means(func, x, w, expected):
    assert_same(func(x, w), expected)


@pytest.mark.parametrize(
    "p, expected",
    [
        (1, 2),
        (2, math.sqrt(14 / 3)),
        (0, 6 ** (1 / 3)),
        (-1, 18 / 11),
        (3, (36 / 3) ** (1 / 3)),
    ],
)
def test_power_mean(p, expected):
    assert_same(weighted_power_mean([1, 2, 3], [1, 1, 1], p), expected)


def test_acceptance_values_of_means():
    # COINr 1.1.14: gmean(1,2,3) = 1.817121, hmean(1,2,3) = 1.636364
    assert weighted_geometric_mean([1, 2, 3], [1, 1, 1]) == approx(1.817121, abs=1e-6)
    assert weighted_harmonic_mean([1, 2, 3], [1, 1, 1]) == approx(1.636364, abs=1e-6)


@pytest.mark.parametrize(
    "func, x",
    [
        (weighted_geometric_mean, [1, 0, 3]),
        (weighted_geometric_mean, [1, -2, 3]),
        (weighted_harmonic_mean, [1, 0, 3]),
        (lambda x, w: weighted_power_mean(x, w, -2), [1, 0]),
        (lambda x, w: weighted_power_mean(x, w, 2), [1, -1]),
    ],
)
def test_means_refuse_values_outside_their_domain(func, x):
    with pytest.raises(ValueError):
        func(x, np.ones(len(x)))


def test_missing_values_do_not_trip_the_domain_check():
    assert_same(weighted_geometric_mean([nan, 4], [1, 1]), 4)


@pytest.mark.parametrize(
    "rule, expected",
    [
        ({}, [5 / 3, 2, 2]),
        ({"min_share": 2 / 3}, [5 / 3, nan, 2]),  # COINr dat_thresh example
        ({"min_count": 2}, [5 / 3, nan, 2]),
        ({"min_count": 3}, [5 / 3, nan, nan]),
        ({"min_share": 1.0}, [5 / 3, nan, nan]),
    ],
)
def test_minimum_data_rule(rule, expected):
    X = [[1, 3, 1], [2, nan, nan], [3, nan, 1]]
    assert_same(weighted_arithmetic_mean(X, [1, 1, 1], **rule), expected)


def test_zero_weight_equals_removing_the_child():
    with_zero = weighted_arithmetic_mean([[1, 2, 99]], [1, 3, 0])
    assert_same(with_zero, weighted_arithmetic_mean([[1, 2]], [1, 3]))
    assert_same(weighted_arithmetic_mean([1, nan], [0, 1]), nan)


def test_weights_per_unit():
    X = [[1, 3], [1, 3]]
    assert_same(weighted_arithmetic_mean(X, [[1, 1], [3, 1]]), [2, 1.5])


def test_negative_weights_are_refused():
    with pytest.raises(ValueError):
        weighted_arithmetic_mean([1, 2], [1, -1])


def test_aggregation_dispatch_and_overrides():
    X = [[1.0, 4.0], [2.0, nan]]
    assert_same(Aggregation("geometric")(X, [1, 1]), [2, 2])
    assert_same(Aggregation("power", power=-1)(X, [1, 1]), [1.6, 2])
    rule = Aggregation(min_count=2)
    assert_same(rule(X, [1, 1]), [2.5, nan])
    assert_same(rule(X, [1, 1], min_count=1), [2.5, 2])
    with pytest.raises(ValueError):
        Aggregation("median")


# --- spec and weights ------------------------------------------------------------


def small_spec(**group_rules) -> CompositeSpec:
    """Index <- (P1 <- a, b), (P2 <- c); a is lower-is-better."""
    return CompositeSpec(
        indicators=(
            CompositeIndicator("a", "P1", weight=1, direction=-1, goalposts=(0, 10)),
            CompositeIndicator("b", "P1", weight=3, goalposts=(0, 100), target=50),
            CompositeIndicator("c", "P2", weight=1, goalposts=(0, 1), target=1),
        ),
        groups=(
            CompositeGroup("Index"),
            CompositeGroup("P1", "Index", weight=2, **group_rules),
            CompositeGroup("P2", "Index", weight=1),
        ),
    )


def test_levels_children_and_order():
    spec = small_spec()
    assert spec.codes == ("a", "b", "c")
    assert spec.children == {"Index": ("P1", "P2"), "P1": ("a", "b"), "P2": ("c",)}
    assert spec.levels == {"a": 1, "b": 1, "c": 1, "P1": 2, "P2": 2, "Index": 3}
    assert spec.group_order == ("P1", "P2", "Index")


def test_ragged_tree_levels():
    spec = CompositeSpec(
        (CompositeIndicator("x", "Top"), CompositeIndicator("y", "Mid")),
        (CompositeGroup("Top"), CompositeGroup("Mid", "Top")),
    )
    assert spec.levels == {"x": 1, "y": 1, "Mid": 2, "Top": 3}


def test_relative_and_effective_weights():
    spec = small_spec()
    assert relative_weights(spec) == approx(
        {"a": 0.25, "b": 0.75, "c": 1, "P1": 2 / 3, "P2": 1 / 3, "Index": 1}
    )
    eff = effective_weights(spec)
    assert eff == approx(
        {"Index": 1, "P1": 2 / 3, "P2": 1 / 3, "a": 1 / 6, "b": 0.5, "c": 1 / 3}
    )
    assert sum(eff[c] for c in spec.codes) == approx(1)


Ind, G = CompositeIndicator, CompositeGroup


@pytest.mark.parametrize(
    "indicators, groups, code",
    [
        ((), (G("T"),), "no_indicators"),
        ((Ind("a", "T"), Ind("a", "T")), (G("T"),), "duplicate_code"),
        ((Ind("a", "T"),), (G("T"), G("T")), "duplicate_code"),
        ((Ind("a", "X"),), (G("T"),), "unknown_parent"),
        ((Ind("a", "T"), Ind("b", "a")), (G("T"),), "parent_is_indicator"),
        ((Ind("a", "A"),), (G("A", "B"), G("B", "A")), "cycle"),
        ((Ind("a", "T"),), (G("T"), G("E", "T")), "empty_group"),
        ((Ind("a", "T", weight=-1),), (G("T"),), "bad_weight"),
        ((Ind("a", "T", weight=nan),), (G("T"),), "bad_weight"),
        ((Ind("a", "T", weight=0),), (G("T"),), "zero_weight_group"),
        ((Ind("a", "T"),), (G("T", weight=0),), "zero_weight_group"),
        ((Ind("a", "T", direction=0),), (G("T"),), "bad_direction"),
        ((Ind("a", "T", goalposts=(5, 1)),), (G("T"),), "bad_goalposts"),
        ((Ind("a", "T"),), (G("T", min_share=1.5),), "bad_min_data"),
        ((Ind("a", "T"),), (G("T", min_count=-1),), "bad_min_data"),
    ],
)
def test_spec_validation(indicators, groups, code):
    with pytest.raises(CompositeSpecError) as err:
        CompositeSpec(indicators, groups)
    assert err.value.code == code


# --- the pipeline ----------------------------------------------------------------

RAW = {"a": [0.0, 5.0, 10.0], "b": [100.0, 50.0, nan], "c": [0.5, nan, 1.0]}


def test_composite_scores_goalposts_by_hand():
    result = composite_scores(small_spec(), RAW, Normalisation("goalposts"))
    assert result.codes == ("a", "b", "c", "P1", "P2", "Index")
    assert result.levels == (1, 1, 1, 2, 2, 3)
    # a is lower-is-better on (0, 10): 100, 50, 0; b on (0, 100); c on (0, 1)
    assert_same(result.scores[:, :3], [[100, 100, 50], [50, 50, nan], [0, nan, 100]])
    assert_same(result["P1"], [100, 50, 0])  # (1*a + 3*b) / 4, b missing in unit 3
    assert_same(result["P2"], [50, nan, 100])
    assert_same(result["Index"], [(200 + 50) / 3, 50, 100 / 3])
    codes, values = result.level(2)
    assert codes == ("P1", "P2")
    assert_same(values[:, 1], [50, nan, 100])


def test_group_minimum_data_rule_makes_the_aggregate_missing():
    result = composite_scores(small_spec(min_count=2), RAW, "minmax")
    assert_same(result["P1"][2], nan)
    assert_same(result["Index"][2], result["P2"][2])


def test_effective_weights_per_unit_and_contributions():
    result = composite_scores(small_spec(), RAW, Normalisation("goalposts"))
    eff = result.unit_weights
    assert_same(eff[0, :3], [1 / 6, 0.5, 1 / 3])
    assert_same(eff[1, :3], [0.25, 0.75, 0])  # c missing: P1 carries the index
    assert_same(eff[:, 5], [1, 1, 1])
    contributions = np.nansum(eff[:, :3] * result.scores[:, :3], axis=1)
    assert_same(contributions, result["Index"])


def test_aggregation_per_level():
    spec = small_spec()
    normalised = [[1.0, 4.0, 9.0]]
    result = composite_aggregate(spec, normalised, {2: "geometric", 3: "arithmetic"})
    p1 = 1**0.25 * 4**0.75
    assert_same(result["P1"], [p1])
    assert_same(result["Index"], [(2 * p1 + 9) / 3])


def test_data_as_array_or_mapping_agree():
    spec = small_spec()
    X = np.column_stack([RAW[c] for c in spec.codes])
    by_array = composite_scores(spec, X).scores
    assert_same(by_array, composite_scores(spec, RAW).scores)
    with pytest.raises(ValueError):
        composite_scores(spec, X[:, :2])


@pytest.mark.parametrize(
    "normalisation, expected_a",
    [
        ("minmax", [100, 50, 0]),
        (Normalisation("minmax", feature_range=(0, 1)), [1, 0.5, 0]),
        ("zscore", [1, 0, -1]),
        ("rank", [3, 2, 1]),
        (Normalisation("percentile_rank", feature_range=(0, 1)), [1, 0.5, 0]),
        ("none", [0, 5, 10]),
    ],
)
def test_composite_normalise_methods_orient_by_direction(normalisation, expected_a):
    out = composite_normalise(small_spec(), RAW, normalisation)
    assert_same(out[:, 0], expected_a)


def test_composite_normalise_target():
    spec = small_spec()
    with pytest.raises(ValueError):  # "a" has no target
        composite_normalise(spec, RAW, Normalisation("target"))
    a = CompositeIndicator("a", "P1", direction=-1, goalposts=(0, 10), target=2)
    spec = CompositeSpec((a, *spec.indicators[1:]), spec.groups)
    out = composite_normalise(spec, RAW, Normalisation("target"))
    # worst = the low goalpost when better is higher, the high one when lower is
    assert_same(out, [[100, 100, 50], [62.5, 100, nan], [0, nan, 100]])


def test_unknown_normalisation_is_refused():
    with pytest.raises(ValueError):
        Normalisation("log")


def test_minmax_group_means_matches_the_general_pipeline():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(40, 6))
    X[3, 2] = nan
    pillar = np.array([0, 0, 1, 1, 1, 2])
    weights = np.array([1.0, 2.0, 1.0, 1.0, 3.0, 1.0])
    G_, index = minmax_group_means(X, pillar, weights, group_weights=[1, 2, 1])
    spec = CompositeSpec(
        [
            CompositeIndicator(f"i{j}", f"P{p}", w)
            for j, (p, w) in enumerate(zip(pillar, weights, strict=True))
        ],
        [CompositeGroup("T")]
        + [CompositeGroup(f"P{p}", "T", w) for p, w in enumerate([1, 2, 1])],
    )
    result = composite_scores(spec, X)
    assert_same(G_, result.level(2)[1])
    assert_same(index, result["T"])


# --- properties ----------------------------------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False)
positive = st.floats(0.01, 100, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    arrays(float, st.tuples(st.integers(2, 12), st.integers(1, 4)), elements=finite),
    st.tuples(finite, st.floats(1e-3, 1e3)),
)
def test_property_min_max_within_range(X, range_):
    low, high = range_[0], range_[0] + range_[1]
    out = normalise_min_max(X, (low, high))
    observed = ~np.isnan(out)
    assert np.all(out[observed] >= low - 1e-9 * max(1, abs(low)))
    assert np.all(out[observed] <= high + 1e-9 * max(1, abs(high)))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 8).flatmap(
        lambda n: st.tuples(
            st.lists(finite, min_size=n, max_size=n),
            st.lists(positive, min_size=n, max_size=n),
        )
    )
)
def test_property_arithmetic_mean_between_min_and_max(xw):
    x, w = xw
    y = weighted_arithmetic_mean(x, w)
    tol = 1e-9 * max(1.0, *map(abs, x))
    assert min(x) - tol <= y <= max(x) + tol


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(
            st.lists(positive, min_size=n, max_size=n),
            st.lists(positive, min_size=n, max_size=n),
            st.integers(0, n - 1),
            st.floats(0, 50),
        )
    ),
    st.sampled_from(["arithmetic", "geometric", "harmonic", "power"]),
)
def test_property_improving_an_indicator_never_lowers_the_aggregate(case, method):
    x, w, i, gain = case
    mean = Aggregation(method, power=2.5)
    better = list(x)
    better[i] += gain
    before, after = mean([x], w)[0], mean([better], w)[0]
    assert after >= before - 1e-9 * before


@settings(max_examples=30, deadline=None)
@given(st.lists(positive, min_size=4, max_size=4))
def test_property_effective_weights_sum_to_one(weights):
    spec = CompositeSpec(
        [
            CompositeIndicator(c, p, w)
            for c, p, w in zip("abcd", ["P", "P", "Q", "Q"], weights, strict=True)
        ],
        [CompositeGroup("T"), CompositeGroup("P", "T", 2.0), CompositeGroup("Q", "T")],
    )
    eff = effective_weights(spec)
    assert sum(eff[c] for c in "abcd") == approx(1)
    assert eff["P"] + eff["Q"] == approx(1)
