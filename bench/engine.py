"""Benchmark of the points-mode engine on a synthetic national campaign.

Run: ``.venv/bin/python bench/engine.py [--units 4000] [--runs 5]``.
Prints medians of several runs and peak memory (tracemalloc); never fails on
time. It does assert that the vectorised results equal a unit-by-unit Python
loop (tests/scoring/reference.py) exactly.
Targets on one core: points mode < 0.1 s; 1,000 replications < 5 s; ≥ 20× the loop.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, before numpy loads

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "scoring"))  # the reference loop

from reference import ref_score  # noqa: E402

from scoring import (  # noqa: E402
    Answer,
    Answers,
    FrameworkSpec,
    Population,
    build_spec,
    monte_carlo,
    score,
    year_over_year,
)

N_PILLARS, N_LEAVES = 8, 100
LEVELS = [{"code": c, "factor": f} for c, f in [("full", 1), ("half", 0.5), ("no", 0)]]
CHECKS = [{"code": c, "points": p} for c, p in [("a", 3), ("b", 3), ("c", 4), ("d", 2)]]
RULES = [
    "yes_no",
    "ratio",
    "tiers",
    "level",
    "target",
    "relative_best",
    "checks",
    "direct",
]


def _leaf(code: str, parent: str, rule: str, rng) -> dict:
    mx = float(rng.choice([5, 10, 15, 20]))
    params = {
        "tiers": {"tiers": [[4, mx], [3, 0.75 * mx], [2, 0.5 * mx], [1, 0.25 * mx]]},
        "level": {"levels": LEVELS},
        "target": {"target": 12},
        "checks": {"checks": CHECKS},
        "ratio": {"zero_denominator": "na"},
    }.get(rule, {})
    return {
        "code": code,
        "parent_code": parent,
        "kind": "indicator",
        "rule": rule,
        "max_points": mx,
        "rule_params": params,
        "answer_type": "number",
    }


def national_spec(seed: int = 0) -> FrameworkSpec:
    """8 pillars × 3 components, 100 indicators of mixed rules, bonus and
    penalty groups (counted among the 100), one capped component."""
    rng = np.random.default_rng(seed)
    rows = [{"code": f"P{p}", "kind": "pillar"} for p in range(N_PILLARS)]
    for p in range(N_PILLARS):
        for c in range(3):
            capped = p == 0 and c == 0
            rows.append(
                {
                    "code": f"P{p}.{c}",
                    "parent_code": f"P{p}",
                    "kind": "component",
                    "capped": capped,
                    "max_points": 30 if capped else None,
                }
            )
    rows.append({"code": "B", "kind": "bonus_group"})
    rows.append(
        {
            "code": "B.1",
            "parent_code": "B",
            "kind": "indicator",
            "rule": "bonus",
            "rule_params": {"per_item": 2, "max": 10},
        }
    )
    rows.append({"code": "N", "kind": "penalty_group"})
    rows.append(
        {
            "code": "N.1",
            "parent_code": "N",
            "kind": "indicator",
            "rule": "penalty",
            "rule_params": {"per_item": 1, "max": 5},
        }
    )
    for i in range(N_LEAVES - 2):
        comp = f"P{i % N_PILLARS}.{(i // N_PILLARS) % 3}"
        rows.append(_leaf(f"{comp}.{i}", comp, RULES[i % len(RULES)], rng))
    return build_spec(rows)


def _column(rule: str, n: int, rng) -> dict[str, np.ndarray]:
    den = rng.integers(1, 60, n).astype(float)
    value = {
        "yes_no": (rng.random(n) < 0.6).astype(float),
        "ratio": np.floor(den * rng.random(n)),
        "tiers": rng.integers(0, 6, n).astype(float),
        "target": rng.integers(0, 16, n).astype(float),
        "relative_best": np.round(rng.uniform(0, 500, n), 1),
        "direct": np.round(rng.uniform(0, 5, n), 2),
        "bonus": rng.integers(0, 4, n).astype(float),
        "penalty": rng.integers(0, 3, n).astype(float),
    }.get(rule, np.full(n, np.nan))
    return {
        "value": value,
        "denominator": den if rule == "ratio" else np.full(n, np.nan),
        "choice": rng.integers(0, 3, n) if rule == "level" else np.full(n, -1),
        "checks": rng.integers(0, 16, n) if rule == "checks" else np.zeros(n, int),
    }


def national_population(spec: FrameworkSpec, n_units: int, seed: int) -> Population:
    """Random answers for every unit × leaf, 2 % N/A, 4 ranking groups."""
    rng = np.random.default_rng(seed)
    ans = Answers.empty(n_units, len(spec.leaves))
    for j, k in enumerate(spec.leaves):
        for name, col in _column(spec.nodes[k].rule, n_units, rng).items():
            getattr(ans, name)[:, j] = col
    ans.na[:] = rng.random(ans.na.shape) < 0.02
    ans.answered[:] = True
    return Population(
        unit_ids=tuple(f"U{seed}-{i:05d}" for i in range(n_units)),
        groups=rng.integers(0, 4, n_units),
        ranked=rng.random(n_units) < 0.97,
        applicable=np.ones(ans.na.shape, bool),
        self_answers=ans,
        verified=ans,
        verified_mask=np.zeros(ans.na.shape, bool),
    )


def timed(fn, runs: int):
    """(median seconds, peak MiB of one traced run, last result)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak, result


def _decode(spec: FrameworkSpec, a: Answers, i: int, j: int) -> Answer:
    node = spec.nodes[spec.leaves[j]]
    if a.na[i, j]:
        return Answer(na=True)
    value, den = float(a.value[i, j]), float(a.denominator[i, j])
    if node.rule == "level":
        return Answer(choice=node.params["levels"][a.choice[i, j]]["code"])
    if node.rule == "checks":
        codes = node.params["checks"]
        return Answer(
            checks=tuple(
                c["code"] for b, c in enumerate(codes) if a.checks[i, j] >> b & 1
            )
        )
    return Answer(value=value, denominator=None if np.isnan(den) else den)


def reference_inputs(spec: FrameworkSpec, pop: Population):
    units = [
        {"id": u, "group": int(g), "ranked": bool(r)}
        for u, g, r in zip(pop.unit_ids, pop.groups, pop.ranked, strict=True)
    ]
    final = pop.final
    answers = {
        (u, spec.leaf_codes[j]): _decode(spec, final, i, j)
        for i, u in enumerate(pop.unit_ids)
        for j in range(len(spec.leaves))
    }
    return units, answers


def compare(spec: FrameworkSpec, results, ref) -> float:
    """Assert equality with the reference; return the max abs difference."""
    worst = 0.0
    arrays = (results.points, results.value, results.max, results.level, results.rank)
    points, value, maximum, level, rank = (a.tolist() for a in arrays)
    for i, unit in enumerate(results.unit_ids):
        for k, node in enumerate(spec.nodes):
            want, got = ref[unit][node.code], points[i][k]
            where = (unit, node.code)
            if want["points"] is None:
                assert np.isnan(got), where
            else:
                worst = max(worst, abs(got - want["points"]))
                assert got == want["points"], where
            if want["value"] is None:
                assert np.isnan(value[i][k]), where
            else:
                worst = max(worst, abs(value[i][k] - want["value"]))
                assert value[i][k] == want["value"], where
            assert (maximum[i][k], level[i][k], rank[i][k]) == (
                want["max"],
                want["level"],
                want["rank"],
            ), where
    return worst


def _pillar_of_leaves(spec: FrameworkSpec) -> np.ndarray:
    """Index (0..n_pillars-1) of the pillar above each leaf; -1 under bonus/penalty."""
    tops = [i for i, node in enumerate(spec.nodes) if node.parent == 0]
    pillars = [i for i in tops if spec.nodes[i].kind == "pillar"]
    out = []
    for k in spec.leaves:
        while spec.nodes[k].parent != 0:
            k = spec.nodes[k].parent
        out.append(pillars.index(k) if k in pillars else -1)
    return np.array(out)


def bench_composite(spec: FrameworkSpec, pop: Population, runs: int) -> None:
    """Min-max on the sample, then a weighted arithmetic mean per pillar and over
    the pillars, on the campaign's raw answers (the composite view of the data)."""
    from scoring.composite import (
        CompositeGroup,
        CompositeIndicator,
        CompositeSpec,
        Reporting,
        composite_scores,
        minmax_group_means,
    )

    pillars = _pillar_of_leaves(spec)
    keep = pillars >= 0
    X = np.where(pop.self_answers.na, np.nan, pop.self_answers.value)[:, keep]
    pillars = pillars[keep]
    weights = np.ones(X.shape[1])
    t, peak, (groups, index) = timed(
        lambda: minmax_group_means(X, pillars, weights), runs
    )
    n_pillars = int(pillars.max()) + 1
    print(
        f"  composite mode (min-max + arithmetic mean, {n_pillars} pillars): "
        f"{t * 1000:6.1f} ms   peak {peak:6.1f} MiB"
    )
    composite = CompositeSpec(
        indicators=tuple(
            CompositeIndicator(f"i{j}", f"p{g}") for j, g in enumerate(pillars)
        ),
        groups=(CompositeGroup("index"),)
        + tuple(CompositeGroup(f"p{g}", "index") for g in range(n_pillars)),
    )
    units = [f"u{i}" for i in range(X.shape[0])]
    ranking_groups = [str(g) for g in pop.groups]
    t_full, peak_full, general = timed(
        lambda: composite_scores(
            composite, X, units=units, groups=ranking_groups, reporting=Reporting(2)
        ),
        runs,
    )
    print(
        "  general pipeline (diagnostics, rounding, ranks in groups): "
        f"{t_full * 1000:6.1f} ms   peak {peak_full:6.1f} MiB   "
        f"{t_full / t:4.1f}x the shortcut; "
        f"{len(general.diagnostics)} diagnostics"
    )
    print(
        "    same numbers as the general composite pipeline: max abs diff "
        f"{np.nanmax(np.abs(general['index'] - index)):.1e}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--replications", type=int, default=1000)
    args = parser.parse_args()
    spec = national_spec()
    years = [national_population(spec, args.units, seed) for seed in (2023, 2024, 2025)]
    print(
        f"campaign: {args.units} units × {len(spec.leaves)} indicators "
        f"({len(spec.nodes)} nodes), 2 % N/A, {len(years)} years; medians of "
        f"{args.runs} runs"
    )
    results = []
    for year, pop in zip((2023, 2024, 2025), years, strict=True):
        t, peak, r = timed(lambda pop=pop: score(spec, pop), args.runs)
        results.append(r)
        label = f"points mode + ranking, {year}:"
        print(f"  {label} {t * 1000:8.1f} ms   peak {peak:6.1f} MiB")
    last = results[-1]
    previous = {
        u.replace("2024", "2025"): v
        for u, v in zip(years[1].unit_ids, results[1].value[:, 0], strict=True)
    }
    # the first 100 units of 2025 were each merged from two units of 2024
    lineage = {
        last.unit_ids[i]: [years[1].unit_ids[2 * i], years[1].unit_ids[2 * i + 1]]
        for i in range(min(100, args.units // 2))
    }
    previous.update(zip(years[1].unit_ids, results[1].value[:, 0], strict=True))
    t, peak, _ = timed(
        lambda: year_over_year(
            unit_ids=last.unit_ids,
            values=last.value[:, 0],
            ranks=last.rank[:, 0],
            groups=last.groups,
            ranked=last.ranked,
            previous=previous,
            lineage=lineage,
        ),
        args.runs,
    )
    print(f"  year over year (lineage):    {t * 1000:8.1f} ms   peak {peak:6.1f} MiB")
    n = args.replications
    t, peak, _ = timed(lambda: monte_carlo(last, n=n, seed=1), max(1, args.runs // 2))
    print(f"  Monte Carlo, {n} replications: {t:7.2f} s    peak {peak:6.1f} MiB")
    bench_composite(spec, years[-1], args.runs)
    loop(spec, years[-1], last, args.runs)


def loop(spec: FrameworkSpec, pop: Population, results, runs: int) -> None:
    units, answers = reference_inputs(spec, pop)
    applicable = {}
    start = time.perf_counter()
    ref = ref_score(spec, units, answers, applicable)
    loop_time = time.perf_counter() - start
    worst = compare(spec, results, ref)
    vector, _, _ = timed(lambda: score(spec, pop), runs)
    print(
        f"  per-unit Python loop:        {loop_time * 1000:8.1f} ms   "
        f"ratio {loop_time / vector:6.1f}×   identical (max abs diff {worst:.1e})"
    )


if __name__ == "__main__":
    main()
