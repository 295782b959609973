"""The answers the cheapest path offers: one per achievable points value, each
the smallest answer that gives it, and each giving exactly those points when
typed in (the what-if scores answers the same way)."""

from decimal import Decimal

import pytest

from survey.models import Node
from survey.results.planner import (
    DEFAULT_DENOMINATOR,
    MAX_OPTIONS,
    _leaf_state,
    improvement_options,
    plan_values,
)


def _node(rule, answer_type, max_points, **params):
    return Node(
        code="1.1",
        kind=Node.Kind.INDICATOR,
        rule=rule,
        answer_type=answer_type,
        max_points=Decimal(str(max_points)),
        rule_params=params,
    )


NODES = {
    "yes_no": _node("yes_no", "yes_no", 4),
    "level": _node(
        "level",
        "level",
        6,
        levels=[
            {"code": "a", "factor": 0},
            {"code": "b", "factor": 0.5},
            {"code": "c", "factor": 1},
        ],
    ),
    "tiers": _node("tiers", "count", 5, tiers=[[3, 2], [10, 5]]),
    "checks": _node(
        "checks",
        "checklist",
        3,
        checks=[
            {"code": "x", "points": 1},
            {"code": "y", "points": 1},
            {"code": "z", "points": 2},
        ],
    ),
    "percentage": _node("ratio", "percentage", 10),
    "ratio": _node("ratio", "ratio", 8),
    "target": _node("target", "number", 12, target=7),
    "target_count": _node("target", "count", 12, target=7),
    "direct": _node("direct", "points", 2.5),
    "bonus_items": _node("bonus", "count", 3, per_item=0.75, max=3),
    "bonus_points": _node("bonus", "points", 2, max=2),
    "penalty": _node("penalty", "count", 3, per_item=1, max=3),
}


def _typed(node, values):
    """The points the what-if gives ``values`` once stored in a plan and read back."""
    stored = {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}
    points, _status = _leaf_state(node, plan_values(stored), False, 2)
    return points


@pytest.mark.parametrize("name", sorted(NODES))
def test_every_option_gives_exactly_its_points_when_typed(name):
    node = NODES[name]
    options = improvement_options(node, 2, Decimal(250), current=None)
    assert options, name
    points = [p for p, _v in options]
    assert points == sorted(set(points))
    assert len(options) <= MAX_OPTIONS
    for p, values in options:
        assert values is not None
        assert _typed(node, values) == pytest.approx(p), (name, values)


def test_options_lie_above_the_current_points_and_end_at_full_points():
    node = NODES["target"]
    options = improvement_options(node, 2, current=6.0)
    assert all(p > 6.0 for p, _v in options)
    assert options[-1][0] == 12.0
    # 12 × 3.51/7 = 6.017: the smallest number on the hundredths above 6 points.
    assert options[0] == (6.02, {"number": Decimal("3.51")})
    # A count is whole: 4 of 7 gives 6.86 points.
    counts = improvement_options(NODES["target_count"], 2, current=6.0)
    assert counts[0] == (6.86, {"number": Decimal(4)})
    assert [v["number"] for _p, v in counts] == [4, 5, 6, 7]


def test_a_ratio_keeps_the_units_denominator_with_the_smallest_numerator():
    node = _node("ratio", "ratio", 10)
    options = dict(improvement_options(node, 2, Decimal(250), current=9.0))
    # 9.04 = 10 × 226/250: the smallest numerator that gives 9.04 points.
    assert options[9.04] == {"number": Decimal(226), "denominator": Decimal(250)}
    assert options[10.0] == {"number": Decimal(250), "denominator": Decimal(250)}
    assert len(options) == 25  # 226…250 out of 250


def test_a_ratio_without_denominator_gets_the_default_one():
    options = improvement_options(NODES["ratio"], 2, None, current=0.0)
    assert {v["denominator"] for _p, v in options} == {DEFAULT_DENOMINATOR}
    assert options[-1] == (8.0, {"number": Decimal(100), "denominator": Decimal(100)})


def test_many_points_values_are_thinned_evenly_keeping_full_points():
    node = _node("direct", "points", 40)
    options = improvement_options(node, 2, current=0.0)
    assert len(options) == MAX_OPTIONS
    assert options[-1][0] == 40.0 and options[0][0] > 0
