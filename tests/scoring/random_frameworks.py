"""Random frameworks and answers for the reference and property tests."""

import numpy as np
from scoring_factories import CHECKS, LEVELS, TIERS, leaf

from scoring import build_spec

RULES = [
    "yes_no",
    "ratio",
    "ratio%",
    "tiers",
    "level",
    "target",
    "relative_best",
    "checks",
    "direct",
    "none",
]


def _leaf_row(rng, code, parent):
    rule = RULES[rng.integers(len(RULES))]
    mx = float(rng.choice([5, 10, 12.5, 20]))
    if rule == "ratio%":
        return leaf(
            code,
            parent,
            "ratio",
            mx,
            "percentage",
            rule_params={"zero_denominator": "na"},
        )
    params = {
        "tiers": {"tiers": [[t, p * mx / 20] for t, p in TIERS["tiers"]]},
        "level": LEVELS,
        "target": {"target": 8},
        "checks": CHECKS,
        "ratio": {"zero_denominator": str(rng.choice(["error", "na", "full"]))},
    }
    return leaf(
        code,
        parent,
        rule,
        None if rule == "none" else mx,
        rule_params=params.get(rule, {}),
        na_allowed=bool(rng.random() < 0.8),
    )


def random_rows(rng, n_pillars=3, capped=True):
    rows = []
    for p in range(n_pillars):
        cap = capped and rng.random() < 0.4
        rows.append(
            {
                "code": f"P{p}",
                "kind": "pillar",
                "capped": cap,
                "max_points": 30 if cap else None,
            }
        )
        for c in range(int(rng.integers(1, 3))):
            comp = f"P{p}.{c}"
            rows.append({"code": comp, "parent_code": f"P{p}", "kind": "component"})
            rows += [
                _leaf_row(rng, f"{comp}.{i}", comp)
                for i in range(int(rng.integers(1, 5)))
            ]
    rows.append({"code": "B", "kind": "bonus_group", "max_points": 8, "capped": True})
    rows.append(leaf("B.1", "B", "bonus", None, rule_params={"per_item": 2, "max": 6}))
    rows.append(leaf("B.2", "B", "bonus", 4))
    rows.append({"code": "N", "kind": "penalty_group"})
    rows.append(
        leaf("N.1", "N", "penalty", None, rule_params={"per_item": 1.5, "max": 5})
    )
    return rows


def random_spec(rng, **kw):
    return build_spec(random_rows(rng, **kw))


def random_answer(rng, node, valid=False):
    """A dict answer for ``node``; unless ``valid``, sometimes wrong or N/A."""
    r = rng.random()
    if not valid and r < 0.05:
        return {"na": True}
    if not valid and r < 0.08:
        return None
    bad = not valid and rng.random() < 0.05
    rule, pct = node.rule, node.answer_type == "percentage"
    if rule == "yes_no":
        return {"yes": bool(rng.random() < 0.6)}
    if rule == "ratio" and pct:
        return {"value": round(float(rng.uniform(0, 110 if bad else 100)), 1)}
    if rule == "ratio":
        den = int(rng.integers(0, 40))
        num = int(rng.integers(0, den + (5 if bad else 1)))
        return {"value": num, "denominator": den}
    if rule == "level":
        return {
            "choice": str(
                rng.choice(["chair", "deputy", "none"] + (["boss"] if bad else []))
            )
        }
    if rule == "checks":
        return {
            "checks": [c for c in ("a", "b") if rng.random() < 0.5]
            + (["zz"] if bad else [])
        }
    if rule == "direct":
        return {
            "points": round(
                float(
                    rng.uniform(-1 if bad else 0, node.max_points + (2 if bad else 0))
                ),
                2,
            )
        }
    value = float(rng.integers(-2 if bad else 0, 12))
    return {"value": value if rng.random() < 0.5 else value + 0.125}


def random_records(rng, spec, n_units=12, n_groups=2, verified_share=0.2):
    units = [
        {
            "id": f"u{i}",
            "group": f"g{rng.integers(n_groups)}",
            "ranked": bool(rng.random() < 0.9),
            "not_applicable": [c for c in spec.leaf_codes if rng.random() < 0.03],
        }
        for i in range(n_units)
    ]
    answers = []
    for u in units:
        for k in spec.leaves:
            node = spec.nodes[k]
            a = random_answer(rng, node)
            if a is None:
                continue
            row = {"unit": u["id"], "code": node.code, **a}
            if rng.random() < verified_share:
                row["verified"] = random_answer(rng, node) or {"na": True}
            answers.append(row)
    return units, answers


def final_answers(answers):
    """``{(unit, code): final answer mapping}`` and the applicability helper."""
    from scoring.population import as_answer

    return {(a["unit"], a["code"]): as_answer(a.get("verified") or a) for a in answers}


def applicability_map(spec, units):
    return {
        (u["id"], c): c not in u["not_applicable"]
        for u in units
        for c in spec.leaf_codes
    }


def as_points(n_units, n_leaves, rng):
    return np.round(rng.uniform(0, 10, size=(n_units, n_leaves)), 2)
