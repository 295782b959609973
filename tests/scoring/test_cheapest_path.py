"""The cheapest path to the next level against brute force on small frameworks."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import build_spec
from scoring.codes import LeafStatus
from scoring.kernels import S
from scoring.planner import Option, cheapest_path, option_effort
from scoring.rollup import assign_levels, rollup

SCORED, NA = S[LeafStatus.SCORED], S[LeafStatus.NA]


def _leaf(code, parent, mx):
    return {
        "code": code,
        "parent_code": parent,
        "kind": "indicator",
        "rule": "direct",
        "answer_type": "points",
        "max_points": mx,
    }


@st.composite
def cases(draw):
    rows, leaves = [], []
    for p in range(draw(st.integers(1, 3))):
        capped = draw(st.booleans())
        cap = draw(st.sampled_from([4, 6, 7.5])) if capped else None
        rows.append(
            {"code": f"P{p}", "kind": "pillar", "capped": capped, "max_points": cap}
        )
        for i in range(draw(st.integers(1, 3))):
            code = f"P{p}.{i}"
            mx = draw(st.sampled_from([2, 2.5, 5, 10]))
            rows.append(_leaf(code, f"P{p}", mx))
            leaves.append((code, mx))
    if draw(st.booleans()):
        rows.append(
            {"code": "B", "kind": "bonus_group", "max_points": 3, "capped": True}
        )
        rows.append(
            {
                **_leaf("B.1", "B", 4),
                "rule": "bonus",
                "answer_type": "points",
                "rule_params": {"max": 4},
            }
        )
        leaves.append(("B.1", 4))
    if draw(st.booleans()):
        rows.append(
            {"code": "N", "kind": "penalty_group", "max_points": 2, "capped": True}
        )
        rows.append(
            {
                **_leaf("N.1", "N", 3),
                "rule": "penalty",
                "answer_type": "points",
                "rule_params": {"max": 3},
            }
        )
        leaves.append(("N.1", 3))
    spec = build_spec(rows)
    points, status, options, efforts = [], [], {}, {}
    for code, mx in leaves:
        steps = int(mx * 2)
        low, high = (-steps, 0) if code.startswith("N") else (0, steps)
        now = draw(st.integers(low, high))
        na = draw(st.integers(0, 9)) == 0 and code[0] not in "BN"
        points.append(np.nan if na else now / 2)
        status.append(NA if na else SCORED)
        higher = draw(st.lists(st.integers(now, high), max_size=3))
        options[code] = [Option(h / 2, h) for h in higher]
        efforts[code] = draw(st.sampled_from([0, 0.5, 1, 1.5, 2, 3]))
    order = {c: j for j, c in enumerate(spec.leaf_codes)}
    pts = np.array([points[[c for c, _ in leaves].index(c)] for c in order])
    sts = np.array([status[[c for c, _ in leaves].index(c)] for c in order])
    return spec, pts, sts, options, efforts


def brute_force(spec, pts, sts, options, efforts):
    """Every combination of options, rolled up by the engine; the best by
    (effort, changes, sorted (code, points))."""
    base = rollup(spec, np.nan_to_num(pts)[None], sts[None])
    level = int(assign_levels(spec, base.value()[:, 0])[0])
    per_leaf = []
    for j, code in enumerate(spec.leaf_codes):
        now = 0.0 if np.isnan(pts[j]) else pts[j]
        ups = sorted({o.points for o in options.get(code, []) if o.points > now})
        if sts[j] != SCORED or not ups:
            per_leaf.append([None])
            continue
        top = ups[-1] - now
        per_leaf.append(
            [None] + [(u, option_effort(efforts[code], u - now, top)) for u in ups]
        )
    combos = list(itertools.product(*per_leaf))
    rows = np.tile(np.nan_to_num(pts), (len(combos), 1))
    for r, combo in enumerate(combos):
        for j, pick in enumerate(combo):
            if pick is not None:
                rows[r, j] = pick[0]
    values = rollup(spec, rows, np.tile(sts, (len(combos), 1))).value()[:, 0]
    levels = assign_levels(spec, values)
    best = None
    for r, combo in enumerate(combos):
        if levels[r] <= level:
            continue
        chosen = [
            (spec.leaf_codes[j], round(p[0] * 100)) for j, p in enumerate(combo) if p
        ]
        key = (sum(p[1] for p in combo if p), len(chosen), tuple(sorted(chosen)))
        if best is None or key < best[0]:
            best = (key, values[r])
    return level, best


@settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(cases())
def test_cheapest_path_matches_brute_force(case):
    spec, pts, sts, options, efforts = case
    out = cheapest_path(spec, pts, sts, options, efforts)
    level, best = brute_force(spec, pts, sts, options, efforts)
    if level < 0:
        assert out["status"] == "n/a"
        return
    if level == len(spec.levels) - 1:
        assert out["status"] == "top_level"
        return
    if best is None:
        assert out["status"] == "not_reachable" and out["changes"] == []
        return
    assert out["status"] == "reachable"
    key, value = best
    chosen = tuple((c.code, round(c.target_points * 100)) for c in out["changes"])
    assert (round(out["effort"] * 1_000_000), len(chosen), chosen) == key
    assert out["new_value"] == pytest.approx(value)


def flat(maxima, points, efforts=None):
    spec = build_spec(
        [{"code": "P", "kind": "pillar"}]
        + [_leaf(f"L{i}", "P", m) for i, m in enumerate(maxima)]
    )
    options = {f"L{i}": [Option(m, "full")] for i, m in enumerate(maxima)}
    efforts = efforts or {}
    return spec, np.array(points, float), np.full(len(maxima), SCORED), options, efforts


def test_cheapest_path_prefers_least_effort_over_most_points():
    spec, pts, sts, options, _ = flat([10, 10, 40], [0, 0, 0])
    # 0 → needs > 25 % of 60 = 15 points: L2 alone (effort 5) or L0 + L1 (2)
    out = cheapest_path(spec, pts, sts, options, {"L2": 5})
    assert [c.code for c in out["changes"]] == ["L0", "L1"]
    assert out["effort"] == 2 and out["points_gained"] == 20
    assert out["new_level"] == "hinh_thanh" and out["target_level"] == "hinh_thanh"


def test_partial_option_costs_its_share_of_the_effort():
    spec, pts, sts, _, _ = flat([10, 10], [0, 0])
    options = {"L0": [Option(6, "b"), Option(10, "a")], "L1": [Option(10, "a")]}
    out = cheapest_path(spec, pts, sts, options, {"L0": 2, "L1": 2})
    # 6 points (> 5) on L0 cost 2 × 6/10 = 1.2
    assert [(c.code, c.target_points, c.label) for c in out["changes"]] == [
        ("L0", 6, "b")
    ]
    assert out["effort"] == pytest.approx(1.2)


def test_ties_go_to_fewer_changes_then_code():
    spec, pts, sts, options, _ = flat([10, 10, 20], [0, 0, 0])
    out = cheapest_path(spec, pts, sts, options, {"L2": 2})
    assert [c.code for c in out["changes"]] == ["L2"]  # effort 2 both ways
    spec, pts, sts, options, _ = flat([10, 10, 10], [0, 0, 0])
    out = cheapest_path(spec, pts, sts, options, {})
    assert [c.code for c in out["changes"]] == ["L0"]


def test_statuses_top_level_and_not_reachable():
    spec, pts, sts, options, _ = flat([10, 10], [10, 9])
    assert cheapest_path(spec, pts, sts, options, {})["status"] == "top_level"
    spec, pts, sts, _, _ = flat([10, 10], [0, 0])
    out = cheapest_path(spec, pts, sts, {"L0": [Option(4)]}, {})
    assert out["status"] == "not_reachable" and out["new_value"] == 0.2


def test_a_penalty_below_its_floor_must_climb_back_before_it_counts():
    spec = build_spec(
        [
            {"code": "P", "kind": "pillar"},
            _leaf("P.1", "P", 2),
            {"code": "N", "kind": "penalty_group", "max_points": 2, "capped": True},
            {**_leaf("N.1", "N", 3), "rule": "penalty", "rule_params": {"max": 3}},
        ]
    )
    # P.1 1 point, the penalty −2.5 floored at −2: −1 of 2 points, value −0.5.
    # Lifting the penalty to 0 gains 2.5 on the leaf but 2 on the root.
    pts, sts = np.array([1.0, -2.5]), np.array([SCORED, SCORED])
    options = {"N.1": [Option(0.0)], "P.1": [Option(2.0)]}
    out = cheapest_path(spec, pts, sts, options, {"N.1": 1, "P.1": 5})
    assert out["status"] == "reachable"
    assert [c.code for c in out["changes"]] == ["N.1"]
    assert out["points_gained"] == 2 and out["new_value"] == 0.5


@st.composite
def many_option_cases(draw):
    """Few indicators with up to a dozen options each, on the grid of 0.01."""
    rows, leaves = [], []
    for p in range(draw(st.integers(1, 2))):
        capped = draw(st.booleans())
        rows.append(
            {
                "code": f"P{p}",
                "kind": "pillar",
                "capped": capped,
                "max_points": draw(st.sampled_from([9.37, 12.5])) if capped else None,
            }
        )
        for i in range(draw(st.integers(1, 2))):
            code, mx = f"P{p}.{i}", draw(st.sampled_from([5, 7.5, 10]))
            rows.append(_leaf(code, f"P{p}", mx))
            leaves.append((code, mx))
    spec = build_spec(rows)
    pts, options, efforts = [], {}, {}
    for code in spec.leaf_codes:
        mx = dict(leaves)[code]
        now = draw(st.integers(0, int(mx * 100)))
        pts.append(now / 100)
        ups = draw(st.lists(st.integers(now, int(mx * 100)), max_size=12))
        options[code] = [Option(u / 100, u) for u in ups]
        efforts[code] = draw(st.sampled_from([0, 1, 1, 2.5, 3]))
    sts = np.full(len(pts), SCORED)
    return spec, np.array(pts), sts, options, efforts


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(many_option_cases())
def test_many_options_per_indicator_match_brute_force(case):
    test_cheapest_path_matches_brute_force.hypothesis.inner_test(case)


def _random_framework(seed, indicators=40, most=12, codes=None):
    rng = np.random.default_rng(seed)
    rows = [
        {"code": f"P{p}", "kind": "pillar", "capped": p == 1, "max_points": 60}
        for p in range(4)
    ]
    maxima = {}
    for i in range(indicators):
        code = codes(i) if codes else f"P{i % 4}.{i:02d}"
        maxima[code] = float(rng.choice([5, 7.5, 10, 20]))
        rows.append(_leaf(code, f"P{i % 4}", maxima[code]))
    spec = build_spec(rows)
    pts = np.round([rng.uniform(0, 0.8) * maxima[c] for c in spec.leaf_codes], 2)
    options = {
        c: [
            Option(float(x))
            for x in np.round(np.linspace(0, maxima[c], rng.integers(2, most)), 2)
        ]
        for c in spec.leaf_codes
    }
    efforts = {c: float(rng.choice([0, 1, 1, 2])) for c in spec.leaf_codes}
    return spec, pts, np.full(len(pts), SCORED), options, efforts


def _both_searches(case):
    from scoring import planner

    fast = cheapest_path(*case)
    arrays = planner._search
    planner._search = planner._search_pairs
    try:
        slow = cheapest_path(*case)
    finally:
        planner._search = arrays
    return fast, slow


@pytest.mark.parametrize("seed", range(4))
def test_array_search_agrees_with_pairwise_search(seed):
    fast, slow = _both_searches(_random_framework(seed))
    assert fast["status"] == slow["status"] == "reachable"
    assert fast["changes"] == slow["changes"]
    assert fast["effort"] == slow["effort"]


def test_interleaved_codes_fall_back_to_the_pairwise_search():
    # P0 holds A.., P1 B.., the codes of the pillars' indicators interleave.
    case = _random_framework(
        7, indicators=12, codes=lambda i: f"{'AB'[i % 2]}{i:02d}.{i % 4}"
    )
    fast, slow = _both_searches(case)
    assert fast["changes"] == slow["changes"] and fast["status"] == slow["status"]
