"""Composite results as data: rounding, ranks within groups and bands."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import rank_columns
from scoring.composite import (
    Bands,
    CompositeError,
    CompositeGroup,
    CompositeIndicator,
    CompositeSpec,
    Reporting,
    composite_aggregate,
    composite_scores,
)
from scoring.rounding import round_half_away

nan = np.nan


def flat_spec(n_indicators: int = 3) -> CompositeSpec:
    indicators = [CompositeIndicator(f"i{k}", "index") for k in range(n_indicators)]
    return CompositeSpec(indicators, [CompositeGroup("index")])


def results(values, *, units=None, groups=None, **reporting):
    values = np.asarray(values, dtype=float)
    spec = flat_spec(values.shape[1])
    return composite_aggregate(
        spec,
        values,
        units=units,
        groups=groups,
        reporting=Reporting(**reporting),
    )


def test_means_equal_as_printed_tie_instead_of_ranking_on_binary_noise():
    data = [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1], [0.2, 0.2, 0.2]]
    index = results(data)["index"]
    # the three means differ in the last binary digit
    assert len(set(index.tolist())) > 1
    assert rank_columns(index).tolist() == [1, 3, 1]
    r = results(data, precision=2)
    assert r.rank[:, r.index("index")].tolist() == [1, 1, 1]
    assert rank_columns(index, precision=12).tolist() == [1, 1, 1]


def test_rounding_is_half_away_from_zero_and_kept_beside_the_scores():
    r = results([[2.675, 2.675], [0.125, 0.125], [nan, nan]], precision=2)
    col = r.index("index")
    assert r.scores[0, col] == pytest.approx(2.675)
    assert r.rounded[:, col].tolist()[:2] == [2.68, 0.13]
    assert np.isnan(r.rounded[2, col])


def test_competition_and_dense_ranks_at_the_stated_precision():
    data = [[70.04], [69.96], [65.0], [60.0], [nan]]
    r = results(data, units=list("ABCDE"), precision=1)
    col = r.index("index")
    assert r.rounded[:, col][:4].tolist() == [70.0, 70.0, 65.0, 60.0]
    assert r.rank[:, col].tolist() == [1, 1, 3, 4, 0]
    assert r.ranks("dense")[:, col].tolist() == [1, 1, 2, 3, 0]
    # too fine a precision orders what is printed equal
    assert r.ranks(precision=2)[:, col].tolist() == [1, 2, 3, 4, 0]
    dense = results(data, precision=1, rank_method="dense")
    assert dense.rank[:, col].tolist() == [1, 1, 2, 3, 0]


def test_ranks_are_within_ranking_groups():
    data = [[50.0], [40.0], [45.0], [45.0], [10.0]]
    groups = ["district", "district", "department", "department", "district"]
    r = results(data, groups=groups)
    assert r.rank[:, r.index("index")].tolist() == [1, 2, 1, 1, 3]
    assert r.groups == tuple(groups)


def test_bands_with_both_edge_conventions():
    data = [[25.0], [25.004], [50.0], [75.0], [99.0], [nan]]
    labels = ("D", "C", "B", "A")
    upper = Bands((25, 50, 75), labels, edges="upper_inclusive")
    lower = Bands((25, 50, 75), labels, edges="lower_inclusive")
    # the bands apply to the rounded score: 25.004 is 25.0 at 2 decimals
    r_up = results(data, precision=2, bands=upper)
    r_low = results(data, precision=2, bands=lower)
    assert r_up.band[:, r_up.index("index")].tolist() == [0, 0, 1, 2, 3, -1]
    assert r_low.band[:, r_low.index("index")].tolist() == [1, 1, 2, 3, 3, -1]
    assert r_up.band_labels("index") == ["D", "D", "C", "B", "A", ""]
    assert r_low.band_labels("index") == ["C", "C", "B", "A", "A", ""]


def test_bands_without_labels_are_numbered_and_no_bands_give_minus_one():
    r = results([[10.0], [90.0]], bands=Bands((50,)))
    assert r.band_labels("index") == ["1", "2"]
    plain = results([[10.0], [90.0]])
    assert plain.band.tolist() == [[-1, -1], [-1, -1]]
    assert plain.band_labels("index") == ["", ""]


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"thresholds": ()}, "bad_bands"),
        ({"thresholds": (50, 25)}, "bad_bands"),
        ({"thresholds": (25, 25)}, "bad_bands"),
        ({"thresholds": (25, nan)}, "bad_bands"),
        ({"thresholds": (25, 50), "labels": ("a", "b")}, "bad_bands"),
        ({"thresholds": (25,), "edges": "both"}, "unknown_band_edges"),
    ],
)
def test_bad_bands_are_refused_with_a_code(kwargs, code):
    with pytest.raises(CompositeError) as caught:
        Bands(**kwargs)
    assert caught.value.code == code


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"precision": -1}, "bad_precision"),
        ({"precision": 1.5}, "bad_precision"),
        ({"precision": True}, "bad_precision"),
        ({"rank_method": "olympic"}, "unknown_rank_method"),
    ],
)
def test_bad_reporting_is_refused_with_a_code(kwargs, code):
    with pytest.raises(CompositeError) as caught:
        Reporting(**kwargs)
    assert caught.value.code == code


def test_unit_ids_name_the_rows_and_unknown_codes_are_named():
    r = results([[1.0], [2.0]], units=["hue", "hanoi"])
    assert r.unit_ids == ("hue", "hanoi")
    with pytest.raises(CompositeError) as caught:
        r["nowhere"]
    assert caught.value.code == "unknown_indicator"
    assert caught.value.indicator == "nowhere"
    assert results([[1.0], [2.0]]).unit_ids == ("1", "2")


def test_rows_are_the_table_of_every_unit_and_node():
    r = results(
        [[80.0, 60.0], [nan, nan]],
        units=["A", "B"],
        precision=1,
        bands=Bands((50,), ("low", "high")),
    )
    rows = {(row["unit"], row["code"]): row for row in r.rows()}
    assert len(rows) == 2 * 3
    assert rows["A", "index"] == {
        "unit": "A",
        "group": "",
        "code": "index",
        "level": 2,
        "score": 70.0,
        "rounded": 70.0,
        "rank": 1,
        "band": "high",
        "weight": 1.0,
    }
    assert rows["B", "index"]["score"] is None
    assert rows["B", "index"]["rank"] is None and rows["B", "index"]["band"] is None
    assert [row["code"] for row in r.rows(["index"])] == ["index", "index"]


def test_composite_scores_passes_units_groups_and_reporting():
    spec = flat_spec(2)
    r = composite_scores(
        spec,
        {"i0": [1.0, 3.0, 2.0], "i1": [1.0, 3.0, 2.0]},
        units=["a", "b", "c"],
        groups=["g", "g", "h"],
        reporting=Reporting(precision=0, bands=Bands((50,))),
    )
    col = r.index("index")
    assert r.unit_ids == ("a", "b", "c")
    assert r.rank[:, col].tolist() == [2, 1, 1]
    assert r.rounded[:, col].tolist() == [0.0, 100.0, 50.0]
    assert r.band[:, col].tolist() == [0, 1, 0]


# --- properties -------------------------------------------------------------------

scores = st.lists(
    st.one_of(
        st.floats(-1e6, 1e6, allow_nan=False),
        st.sampled_from([0.1, 0.2, 0.3, 2.675, 0.125, 1 / 3]),
        st.just(nan),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(
    scores,
    st.integers(0, 4),
    st.sampled_from(["competition", "dense"]),
    st.randoms(use_true_random=False),
)
def test_ranks_do_not_depend_on_the_order_of_units(values, precision, method, rnd):
    values = np.array(values)[:, None]
    groups = [["x", "y"][k % 2] for k in range(len(values))]
    units = [f"u{k}" for k in range(len(values))]
    order = list(range(len(values)))
    rnd.shuffle(order)
    a = results(
        values, units=units, groups=groups, precision=precision, rank_method=method
    )
    b = results(
        values[order],
        units=[units[k] for k in order],
        groups=[groups[k] for k in order],
        precision=precision,
        rank_method=method,
    )
    assert b.rank.tolist() == a.rank[order].tolist()
    assert b.band.tolist() == a.band[order].tolist()


@settings(max_examples=150, deadline=None)
@given(scores, st.integers(0, 4), st.sampled_from(["competition", "dense"]))
def test_rounding_then_ranking_equals_ranking_the_rounded_values(
    values, precision, method
):
    values = np.array(values)[:, None]
    rounded = round_half_away(values, precision)
    at_precision = results(values, precision=precision, rank_method=method)
    of_rounded = results(rounded, precision=None, rank_method=method)
    assert at_precision.rank.tolist() == of_rounded.rank.tolist()
    assert rank_columns(values, method, precision).tolist() == (
        rank_columns(rounded, method).tolist()
    )
    # and rounding the rounded values changes nothing
    np.testing.assert_array_equal(round_half_away(rounded, precision), rounded)


@settings(max_examples=100, deadline=None)
@given(scores, st.integers(0, 3))
def test_competition_rank_counts_the_units_strictly_ahead(values, precision):
    values = np.array(values)
    r = results(values[:, None], precision=precision)
    ranks = r.rank[:, r.index("index")]
    keys = round_half_away(values, precision)
    for k, key in enumerate(keys):
        if np.isnan(key):
            assert ranks[k] == 0
        else:
            assert ranks[k] == 1 + int(np.sum(keys[~np.isnan(keys)] > key))
