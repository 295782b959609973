"""Small frameworks and populations shared by the engine tests (no DB)."""

from scoring import build_spec, population_from_records

LEVELS = {
    "levels": [
        {"code": "chair", "factor": 1},
        {"code": "deputy", "factor": 0.5},
        {"code": "none", "factor": 0},
    ]
}
CHECKS = {"checks": [{"code": "a", "points": 4}, {"code": "b", "points": 8}]}
# answers of unit A to every leaf of mixed_spec(); Z sets the best of 2.2
FULL = [
    {"unit": "A", "code": "1.1", "yes": True},
    {"unit": "A", "code": "1.2", "value": 394, "denominator": 508},
    {"unit": "A", "code": "1.3", "value": 3},
    {"unit": "A", "code": "1.4", "choice": "deputy"},
    {"unit": "A", "code": "2.1", "value": 6},
    {"unit": "A", "code": "2.2", "value": 5},
    {"unit": "A", "code": "2.3", "checks": ["a", "b"]},
    {"unit": "A", "code": "2.4", "points": 9},
    {"unit": "A", "code": "2.5", "value": 1},
    {"unit": "A", "code": "B.1", "value": 1},
    {"unit": "A", "code": "P.1", "value": 1},
    {"unit": "Z", "code": "2.2", "value": 20},
]
TIERS = {"tiers": [[4, 20], [3, 15], [2, 10], [1, 5]]}


def leaf(code, parent, rule, max_points=10, answer_type="", **extra):
    types = {
        "yes_no": "yes_no",
        "ratio": "ratio",
        "tiers": "count",
        "level": "level",
        "target": "number",
        "relative_best": "number",
        "checks": "checklist",
        "bonus": "count",
        "penalty": "count",
        "direct": "points",
        "none": "text",
    }
    return {
        "code": code,
        "parent_code": parent,
        "kind": "indicator",
        "max_points": max_points,
        "rule": rule,
        "answer_type": answer_type or types[rule],
        **extra,
    }


def mixed_rows():
    """Two pillars (the second capped at 25), a bonus and a penalty group."""
    return [
        {"code": "1", "kind": "pillar"},
        leaf("1.1", "1", "yes_no"),
        leaf("1.2", "1", "ratio"),
        leaf("1.3", "1", "tiers", 20, rule_params=TIERS),
        leaf("1.4", "1", "level", rule_params=LEVELS),
        {"code": "2", "kind": "pillar", "max_points": 25, "capped": True},
        leaf("2.1", "2", "target", rule_params={"target": 12}),
        leaf("2.2", "2", "relative_best"),
        leaf("2.3", "2", "checks", rule_params=CHECKS),
        leaf("2.4", "2", "direct"),
        leaf("2.5", "2", "none", None),
        {"code": "B", "kind": "bonus_group"},
        leaf("B.1", "B", "bonus", None, rule_params={"per_item": 5, "max": 20}),
        {"code": "P", "kind": "penalty_group"},
        leaf("P.1", "P", "penalty", None, rule_params={"per_item": 2, "max": 10}),
    ]


def mixed_spec(**settings):
    return build_spec(mixed_rows(), **settings)


def flat_spec(maxima, **settings):
    """One pillar of direct-points leaves L0, L1, ... with the given maxima."""
    rows = [{"code": "P", "kind": "pillar"}]
    rows += [leaf(f"L{i}", "P", "direct", m) for i, m in enumerate(maxima)]
    return build_spec(rows, **settings)


def direct_population(spec, points, *, groups=None, ranked=None, na=()):
    """Units U0, U1, ... answering direct points per leaf; ``na`` = {(unit, j)}."""
    units = [
        {
            "id": f"U{i}",
            "group": (groups or [""] * len(points))[i],
            "ranked": (ranked or [True] * len(points))[i],
        }
        for i in range(len(points))
    ]
    answers = [
        {"unit": f"U{i}", "code": code, "points": p, "na": (i, j) in na}
        for i, row in enumerate(points)
        for j, (code, p) in enumerate(zip(spec.leaf_codes, row, strict=True))
        if p is not None or (i, j) in na
    ]
    return population_from_records(spec, units=units, answers=answers)
