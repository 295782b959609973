import math

import numpy as np
import pytest
from scoring_factories import FULL, direct_population, flat_spec, leaf, mixed_spec

from scoring import (
    FrameworkError,
    Level,
    build_spec,
    population_from_records,
    score,
)


def test_mixed_tree_points_max_value():
    spec = mixed_spec()
    r = score(
        spec,
        population_from_records(spec, units=[{"id": "A"}, {"id": "Z"}], answers=FULL),
    )
    a = {n.code: r.node("A", n.code) for n in spec.nodes}
    assert a["1"].final_points == 10 + 7.76 + 15 + 5
    assert a["1"].max_points == 50
    # 5 + 2.5 + 10 + 9 = 26.5 cut at the cap 25; the maximum 40 is cut to 25
    assert (a["2"].final_points, a["2"].max_points) == (25.0, 25.0)
    assert a["2.5"].final_points is None and a["2.5"].max_points == 0
    assert (a["B"].final_points, a["P"].final_points) == (5.0, -2.0)
    assert a["TOTAL"].final_points == pytest.approx(37.76 + 25 + 5 - 2)
    assert a["TOTAL"].max_points == 75  # bonus and penalty outside the maximum
    assert a["TOTAL"].value == pytest.approx(65.76 / 75)


def test_na_removes_the_maximum_and_missing_counts_as_zero():
    spec = flat_spec([10, 20, 30])
    pop = direct_population(spec, [[5, None, 10], [5, None, None]], na={(0, 1)})
    r = score(spec, pop)
    assert r.max[0, 0] == 40 and r.points[0, 0] == 15
    assert r.max[1, 0] == 60 and r.points[1, 0] == 5  # missing = 0, still counted
    assert r.node("U0", "L1").final_points is None


def test_group_with_nothing_applicable_is_none_not_zero():
    rows = [
        {"code": "P", "kind": "pillar"},
        leaf("L", "P", "direct"),
        {"code": "Q", "kind": "pillar"},
        leaf("M", "Q", "direct"),
    ]
    spec = build_spec(rows)
    units = [{"id": "A", "not_applicable": ["Q"]}]
    pop = population_from_records(
        spec, units=units, answers=[{"unit": "A", "code": "L", "points": 4}]
    )
    node = score(spec, pop).node("A", "Q")
    assert (node.final_points, node.value, node.level, node.rank) == (None,) * 4
    assert node.max_points == 0


def test_applicability_by_unit_type_and_procedures():
    rows = [
        {"code": "P", "kind": "pillar"},
        leaf("L", "P", "direct", applies_to="commune"),
        leaf("M", "P", "direct", requires_procedures=True),
        leaf("N", "P", "direct"),
    ]
    spec = build_spec(rows)
    units = [
        {"id": "dept", "unit_type": "department", "procedures": False},
        {"id": "com", "unit_type": "commune"},
    ]
    answers = [
        {"unit": u, "code": c, "points": 10} for u in ("dept", "com") for c in "LMN"
    ]
    r = score(spec, population_from_records(spec, units=units, answers=answers))
    assert r.max[:, 0].tolist() == [10, 30]
    assert r.node("dept", "L").final_points is None


def test_error_makes_every_ancestor_none_never_zero():
    spec = flat_spec([10, 10])
    pop = direct_population(spec, [[5, 11]])
    r = score(spec, pop)
    assert r.node("U0", "P").final_points is None
    assert r.node("U0").value is None and r.node("U0").rank is None
    assert r.node("U0", "L0").final_points == 5


def test_bonus_group_capped_and_penalty_floor():
    rows = [
        {"code": "P", "kind": "pillar"},
        leaf("L", "P", "direct"),
        {"code": "B", "kind": "bonus_group", "max_points": 6, "capped": True},
        leaf("B1", "B", "bonus", None, rule_params={"max": 5}),
        leaf("B2", "B", "bonus", None, rule_params={"max": 5}),
        {"code": "N", "kind": "penalty_group", "max_points": 3, "capped": True},
        leaf("N1", "N", "penalty", None, rule_params={"max": 5}),
    ]
    spec = build_spec(rows)
    answers = [
        {"unit": "A", "code": "L", "points": 10},
        {"unit": "A", "code": "B1", "points": 4},
        {"unit": "A", "code": "B2", "points": 4},
        {"unit": "A", "code": "N1", "points": 5},
    ]
    r = score(spec, population_from_records(spec, units=[{"id": "A"}], answers=answers))
    assert r.node("A", "B").final_points == 6
    assert r.node("A", "N").final_points == -3
    assert (r.node("A").final_points, r.node("A").max_points) == (13, 10)
    assert r.node("A").value == pytest.approx(1.3)


def test_deep_tree_rolls_up_every_level():
    rows, parent = [], None
    for depth in range(7):
        code = f"G{depth}"
        rows.append(
            {
                "code": code,
                "parent_code": parent,
                "kind": "component" if depth else "pillar",
            }
        )
        rows.append(leaf(f"L{depth}", code, "direct", 2**depth))
        parent = code
    spec = build_spec(rows)
    answers = [{"unit": "A", "code": f"L{d}", "points": 1} for d in range(7)]
    r = score(spec, population_from_records(spec, units=[{"id": "A"}], answers=answers))
    for depth in range(7):
        node = r.node("A", f"G{depth}")
        assert node.final_points == 7 - depth
        assert node.max_points == sum(2**d for d in range(depth, 7))


def test_leaf_points_are_rounded_before_summing():
    rows = [{"code": "P", "kind": "pillar"}] + [
        leaf(f"R{i}", "P", "ratio", 10) for i in range(3)
    ]
    spec = build_spec(rows)
    answers = [
        {"unit": "A", "code": f"R{i}", "value": 1, "denominator": 3} for i in range(3)
    ]
    r = score(spec, population_from_records(spec, units=[{"id": "A"}], answers=answers))
    assert r.node("A").final_points == 9.99  # 3 × 3.33, not 10.0


@pytest.mark.parametrize(
    "edges, points, level",
    [
        ("upper_inclusive", 25, "khoi_dong"),
        ("upper_inclusive", 25.01, "hinh_thanh"),
        ("upper_inclusive", 75, "nang_cao"),
        ("upper_inclusive", 75.01, "dan_dat"),
        ("upper_inclusive", 0, "khoi_dong"),
        ("upper_inclusive", 100, "dan_dat"),
        ("lower_inclusive", 25, "hinh_thanh"),
        ("lower_inclusive", 24.99, "khoi_dong"),
        ("lower_inclusive", 75, "dan_dat"),
        ("lower_inclusive", 74.99, "nang_cao"),
    ],
)
def test_levels_at_exact_boundaries(edges, points, level):
    spec = flat_spec([100], level_edges=edges)
    assert score(spec, direct_population(spec, [[points]])).node("U0").level == level


@pytest.mark.parametrize(
    "points, level", [(250.04, "khoi_dong"), (250.05, "hinh_thanh")]
)
def test_levels_judged_on_value_rounded_to_value_precision(points, level):
    # 250.04 / 1000 = 0.25004 is shown as 25.00 % and stays in the lower level;
    # 0.25005 rounds (half away from zero) to 0.2501
    spec = flat_spec([1000])
    r = score(spec, direct_population(spec, [[points]]))
    assert r.value[0, 0] > 0.25 and r.node("U0").level == level


def test_custom_levels():
    spec = flat_spec(
        [100],
        levels=[Level("E", 0), Level("D", 0.5), Level("A", 0.9)],
        level_edges="lower_inclusive",
    )
    r = score(spec, direct_population(spec, [[49.99], [50], [90]]))
    assert [r.node(u).level for u in ("U0", "U1", "U2")] == ["E", "D", "A"]


def test_self_verified_final_and_gap():
    spec = flat_spec([10, 10])
    answers = [
        {"unit": "A", "code": "L0", "points": 8, "verified": {"points": 5}},
        {"unit": "A", "code": "L1", "points": 6},
    ]
    r = score(spec, population_from_records(spec, units=[{"id": "A"}], answers=answers))
    l0, l1, total = r.node("A", "L0"), r.node("A", "L1"), r.node("A")
    assert (l0.self_points, l0.verified_points, l0.final_points, l0.gap) == (8, 5, 5, 3)
    assert (l1.self_points, l1.verified_points, l1.final_points, l1.gap) == (
        6,
        None,
        6,
        None,
    )
    assert (total.self_points, total.final_points, total.gap) == (14, 11, 3)


def test_verified_na_changes_the_final_maximum():
    spec = flat_spec([10, 10])
    answers = [
        {"unit": "A", "code": "L0", "points": 8, "verified": {"na": True}},
        {"unit": "A", "code": "L1", "points": 6},
    ]
    r = score(spec, population_from_records(spec, units=[{"id": "A"}], answers=answers))
    assert (r.self_max[0, 0], r.max[0, 0]) == (20, 10)


def test_relative_best_uses_the_ranking_group_and_all_zero_is_zero():
    rows = [{"code": "P", "kind": "pillar"}, leaf("R", "P", "relative_best", 10)]
    spec = build_spec(rows)
    units = [
        {"id": u, "group": g}
        for u, g in [("a", "x"), ("b", "x"), ("c", "y"), ("d", "y")]
    ]
    values = {"a": 5, "b": 20, "c": 0, "d": 0}
    answers = [{"unit": u, "code": "R", "value": v} for u, v in values.items()]
    r = score(spec, population_from_records(spec, units=units, answers=answers))
    assert [r.node(u, "R").final_points for u in "abcd"] == [2.5, 10, 0, 0]


def test_relative_best_self_points_use_final_best_and_cap_at_max():
    rows = [{"code": "P", "kind": "pillar"}, leaf("R", "P", "relative_best", 10)]
    spec = build_spec(rows)
    answers = [
        {"unit": "a", "code": "R", "value": 30, "verified": {"value": 10}},
        {"unit": "b", "code": "R", "value": 20},
    ]
    units = [{"id": "a"}, {"id": "b"}]
    r = score(spec, population_from_records(spec, units=units, answers=answers))
    assert r.node("a", "R").self_points == 10 and r.node("a", "R").final_points == 5


@pytest.mark.parametrize(
    "rows, code",
    [
        (
            [{"code": "P", "kind": "pillar"}, {"code": "P", "kind": "pillar"}],
            "duplicate_code",
        ),
        ([{"code": "L", "parent_code": "X", "kind": "pillar"}], "unknown_parent"),
        (
            [
                {"code": "A", "parent_code": "B", "kind": "pillar"},
                {"code": "B", "parent_code": "A", "kind": "pillar"},
            ],
            "cycle",
        ),
        ([{"code": "P", "kind": "group"}], "unknown_kind"),
        ([{"code": "P", "kind": "pillar"}], "empty_group"),
        (
            [{"code": "P", "kind": "pillar", "capped": True}, leaf("L", "P", "direct")],
            "capped_without_max",
        ),
        (
            [
                {"code": "P", "kind": "pillar"},
                leaf("L", "P", "bonus", None, rule_params={"max": 5}),
            ],
            "bonus_outside_bonus_group",
        ),
        (
            [
                {"code": "P", "kind": "pillar"},
                leaf("L", "P", "penalty", None, rule_params={"max": 5}),
            ],
            "penalty_outside_penalty_group",
        ),
        (
            [{"code": "P", "kind": "pillar"}, leaf("L", "P", "tiers", 5)],
            "tiers_missing",
        ),
        (
            [
                {"code": "P", "kind": "pillar"},
                leaf("L", "P", "direct"),
                leaf("M", "L", "direct"),
            ],
            "indicator_has_children",
        ),
    ],
)
def test_framework_errors(rows, code):
    with pytest.raises(FrameworkError) as caught:
        build_spec(rows)
    assert code in [e for _, e in caught.value.errors]


def test_levels_must_increase_from_zero():
    with pytest.raises(FrameworkError):
        flat_spec([10], levels=[{"code": "a", "min_value": 0.1}])
    with pytest.raises(FrameworkError):
        flat_spec([10], level_edges="sideways")


def test_build_orders_parents_first_whatever_the_row_order():
    rows = [leaf("L", "P", "direct"), {"code": "P", "kind": "pillar"}]
    spec = build_spec(rows)
    assert [n.code for n in spec.nodes] == ["TOTAL", "P", "L"]


def test_no_nan_leaks_into_values_of_scored_units():
    spec = mixed_spec()
    r = score(
        spec,
        population_from_records(spec, units=[{"id": "A"}, {"id": "Z"}], answers=FULL),
    )
    assert not math.isnan(r.value[0, 0]) and np.isfinite(r.points[0, 0])


def test_self_assessed_level_and_rank_beside_the_final_ones():
    """A verdict that lowers A's points lowers its final level and rank; its
    self-assessed level and rank are what its own answers would have given,
    ranked among the others' own answers."""
    spec = flat_spec(
        [10, 10],
        levels=[Level("E", 0), Level("D", 0.5), Level("A", 0.75)],
        level_edges="lower_inclusive",
    )
    answers = [
        {"unit": "A", "code": "L0", "points": 10, "verified": {"points": 2}},
        {"unit": "A", "code": "L1", "points": 8},
        {"unit": "B", "code": "L0", "points": 7},
        {"unit": "B", "code": "L1", "points": 7},
        {"unit": "C", "code": "L0", "points": 5, "verified": {"points": 9}},
        {"unit": "C", "code": "L1", "points": 4},
    ]
    units = [{"id": u} for u in "ABC"]
    r = score(spec, population_from_records(spec, units=units, answers=answers))
    total = {u: r.node(u) for u in "ABC"}
    assert [total[u].level for u in "ABC"] == ["D", "D", "D"]
    assert [total[u].self_level for u in "ABC"] == ["A", "D", "E"]
    assert [total[u].rank for u in "ABC"] == [3, 1, 2]
    assert [total[u].self_rank for u in "ABC"] == [1, 2, 3]
    nothing_verified = [{**a, "verified": None} for a in answers]
    r = score(
        spec, population_from_records(spec, units=units, answers=nothing_verified)
    )
    np.testing.assert_array_equal(r.self_level, r.level)
    np.testing.assert_array_equal(r.self_rank, r.rank)
