"""Property tests and the vectorised engine against the unit-by-unit reference."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from random_frameworks import (
    applicability_map,
    final_answers,
    random_records,
    random_spec,
)
from reference import ref_score
from scoring_factories import CHECKS, LEVELS, TIERS, leaf

from scoring import (
    build_spec,
    population_from_records,
    rank_within_groups,
    score,
)


@pytest.mark.parametrize("seed", range(8))
def test_vectorised_equals_reference_on_random_data(seed):
    rng = np.random.default_rng(seed)
    spec = random_spec(rng)
    units, answers = random_records(rng, spec, n_units=25, n_groups=3)
    r = score(spec, population_from_records(spec, units=units, answers=answers))
    ref = ref_score(spec, units, final_answers(answers), applicability_map(spec, units))
    for u in units:
        for node in spec.nodes:
            want, got = ref[u["id"]][node.code], r.node(u["id"], node.code)
            level = spec.levels[want["level"]].code if want["level"] >= 0 else None
            assert (
                got.final_points,
                got.max_points,
                got.value,
                got.level,
                got.rank or 0,
            ) == (want["points"], want["max"], want["value"], level, want["rank"]), (
                u["id"],
                node.code,
            )


# achievement 0..10 → an answer that never earns less when achievement grows
def _answer(rule, a):
    return {
        "yes_no": {"yes": a >= 5},
        "ratio": {"value": a, "denominator": 10},
        "tiers": {"value": a // 2},
        "level": {"choice": "none" if a < 4 else "deputy" if a < 8 else "chair"},
        "target": {"value": a},
        "checks": {"checks": ["a"] * (a >= 3) + ["b"] * (a >= 7)},
        "direct": {"points": a},
    }[rule]


MONO_RULES = ["yes_no", "ratio", "tiers", "level", "target", "checks", "direct"]


def monotone_spec(capped):
    params = {
        "tiers": TIERS,
        "level": LEVELS,
        "target": {"target": 8},
        "checks": CHECKS,
    }
    rows = [
        {"code": "P", "kind": "pillar"},
        {
            "code": "C",
            "parent_code": "P",
            "kind": "component",
            "capped": capped,
            "max_points": 40 if capped else None,
        },
        {"code": "D", "parent_code": "P", "kind": "component"},
    ]
    for i, rule in enumerate(MONO_RULES):
        parent = "C" if i % 2 else "D"
        mx = 20 if rule == "tiers" else 10
        rows.append(leaf(f"L{i}", parent, rule, mx, rule_params=params.get(rule, {})))
    return build_spec(rows)


SPECS = {True: monotone_spec(True), False: monotone_spec(False)}


def _score(spec, achievement, na=()):
    answers = [
        {
            "unit": "u",
            "code": f"L{i}",
            **(_answer(rule, a) if i not in na else {"na": True}),
        }
        for i, (rule, a) in enumerate(zip(MONO_RULES, achievement, strict=True))
    ]
    return score(
        spec, population_from_records(spec, units=[{"id": "u"}], answers=answers)
    )


achievements = st.lists(st.integers(0, 10), min_size=7, max_size=7)


@settings(deadline=None)
@given(achievements, st.integers(0, 6), st.integers(1, 10), st.booleans())
def test_improving_one_answer_never_lowers_any_aggregate(base, j, step, capped):
    better = list(base)
    better[j] = min(10, base[j] + step)
    before, after = _score(SPECS[capped], base), _score(SPECS[capped], better)
    assert (after.points[0] >= before.points[0] - 1e-9).all()
    assert (after.value[0] >= before.value[0] - 1e-9).all()


@settings(deadline=None)
@given(achievements, st.integers(0, 6))
def test_na_never_lowers_a_value(base, j):
    """Marking as N/A an indicator that scores below its maximum, and no
    better than the node's own value (points ÷ max), never lowers that node's
    value — in trees without caps (under a cap the maximum is min(Σ, cap), so
    dropping a leaf can lower a value whose points were cut by the cap)."""
    spec = SPECS[False]
    before, after = _score(spec, base), _score(spec, base, na={j})
    col = spec.index[f"L{j}"]
    leaf_value = before.value[0, col]
    if leaf_value >= 1:
        return
    for k, node in enumerate(spec.nodes):
        below = _ancestor(spec, col, k)
        if (
            below
            and leaf_value <= before.value[0, k]
            and not np.isnan(after.value[0, k])
        ):
            assert after.value[0, k] >= before.value[0, k] - 1e-12, node.code


def _ancestor(spec, col, k):
    while col > 0:
        col = spec.nodes[col].parent
        if col == k:
            return True
    return False


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 2), st.booleans()),
        min_size=1,
        max_size=25,
    ),
    st.randoms(use_true_random=False),
)
def test_ranks_are_permutation_consistent_competition_ranks(rows, rnd):
    keys = np.array([k / 5 for k, _, _ in rows])
    groups = np.array([g for _, g, _ in rows])
    ranked = np.array([r for _, _, r in rows])
    ranks = rank_within_groups(keys, groups, ranked)
    for i in range(len(rows)):
        peers = (groups == groups[i]) & ranked
        expected = 1 + int((keys[peers] > keys[i]).sum()) if ranked[i] else 0
        assert ranks[i] == expected
    order = list(range(len(rows)))
    rnd.shuffle(order)
    shuffled = rank_within_groups(keys[order], groups[order], ranked[order])
    assert shuffled.tolist() == ranks[order].tolist()
