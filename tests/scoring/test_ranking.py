import numpy as np
import pytest
from scoring_factories import direct_population, flat_spec

from scoring import rank_columns, rank_within_groups, score, year_over_year


@pytest.mark.parametrize(
    "method, expected",
    [("competition", [1, 2, 2, 4, 5]), ("dense", [1, 2, 2, 3, 4])],
)
def test_competition_and_dense(method, expected):
    keys = np.array([0.9, 0.8, 0.8, 0.7, 0.1])
    assert rank_columns(keys, method).tolist() == expected


def test_nan_keys_take_no_place():
    keys = np.array([0.5, np.nan, 0.9, 0.5])
    assert rank_columns(keys).tolist() == [2, 0, 1, 2]


def test_ranks_restart_in_each_group_and_skip_unranked_units():
    keys = np.array([0.9, 0.8, 0.7, 0.95, 0.6])
    groups = np.array([0, 0, 0, 1, 1])
    ranked = np.array([False, True, True, True, True])
    out = rank_within_groups(keys, groups, ranked)
    assert out.tolist() == [0, 1, 2, 1, 2]


def test_score_ranks_ties_on_rounded_values_and_points():
    spec = flat_spec([100, 100])
    # 60/100 and 120/200 tie on value
    pop = direct_population(
        spec, [[60, None], [60, 60], [59.99, None], [50, 50]], na={(0, 1), (2, 1)}
    )
    r = score(spec, pop)
    assert r.rank[:, 0].tolist() == [1, 1, 3, 4]
    r = score(spec, pop, rank_by="points")
    assert r.rank[:, 0].tolist() == [3, 1, 4, 2]


def test_dense_option_in_score_and_not_ranked_units():
    spec = flat_spec([100])
    pop = direct_population(
        spec, [[90], [80], [80], [70]], ranked=[True, True, True, False]
    )
    assert score(spec, pop, rank_method="dense").rank[:, 0].tolist() == [1, 2, 2, 0]
    assert score(spec, pop).rank[:, 0].tolist() == [1, 2, 2, 0]


def yoy(unit_ids, values, previous, lineage=None, groups=None):
    n = len(unit_ids)
    groups = np.zeros(n, int) if groups is None else np.array(groups)
    ranked = np.ones(n, bool)
    ranks = rank_within_groups(np.array(values), groups, ranked)
    return year_over_year(
        unit_ids=unit_ids,
        values=np.array(values),
        ranks=ranks,
        groups=groups,
        ranked=ranked,
        previous=previous,
        lineage=lineage,
    )


def test_unit_compares_with_itself():
    out = yoy(["a", "b"], [0.6, 0.5], {"a": 0.4, "b": 0.7})
    assert out.previous_rank.tolist() == [2, 1]
    assert out.value_change == pytest.approx([0.2, -0.2])
    assert out.rank_change.tolist() == [1, -1]


def test_merged_unit_takes_the_mean_and_ranks_are_recomputed_on_this_years_set():
    # last year: p1 0.9, p2 0.3, c 0.5, gone 0.95 (dissolved, not in this year's set)
    previous = {"p1": 0.9, "p2": 0.3, "c": 0.5, "gone": 0.95}
    out = yoy(["m", "c"], [0.55, 0.7], previous, lineage={"m": ["p1", "p2"]})
    assert out.previous_value == pytest.approx([0.6, 0.5])
    assert out.previous_rank.tolist() == [1, 2]  # 'gone' does not count
    assert out.rank_change.tolist() == [-1, 1]


def test_split_units_each_compare_with_the_parent():
    out = yoy(
        ["s1", "s2"], [0.5, 0.3], {"old": 0.4}, lineage={"s1": ["old"], "s2": ["old"]}
    )
    assert out.previous_value.tolist() == [0.4, 0.4]
    assert out.value_change == pytest.approx([0.1, -0.1])
    assert out.previous_rank.tolist() == [1, 1]


def test_new_unit_has_nothing_to_compare():
    out = yoy(["new", "a"], [0.5, 0.4], {"a": 0.3})
    assert np.isnan(out.previous_value[0]) and np.isnan(out.rank_change[0])
    assert out.previous_rank.tolist() == [0, 1]


def test_renamed_unit_follows_lineage_within_groups():
    out = yoy(
        ["x", "y", "z"],
        [0.5, 0.4, 0.9],
        {"old-x": 0.3, "y": 0.6, "z": 0.1},
        lineage={"x": ["old-x"]},
        groups=[0, 0, 1],
    )
    assert out.previous_rank.tolist() == [2, 1, 1]
    assert out.rank_change.tolist() == [1, -1, 0]
