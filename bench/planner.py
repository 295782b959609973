"""Benchmark of the cheapest path to the next level on a realistic framework.

Run: ``.venv/bin/python bench/planner.py [--runs 7] [--indicators 160]
[--options 50] [--old]``.

Indicators worth 5–40 points at precision 2 (two decimals), 4–``--options``
options each on the points grid (as the planner offers for ratios, targets and
typed numbers), eight pillars (some capped), a bonus group. Prints the median
and the longest time of one search per unit state (random current points and
efforts); ``--old`` also times the former pair-by-pair search on the same
states (slow: minutes at 160 × 50). Never fails on time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import build_spec  # noqa: E402
from scoring import planner as engine  # noqa: E402
from scoring.codes import LeafStatus  # noqa: E402
from scoring.kernels import S  # noqa: E402
from scoring.planner import Option, cheapest_path  # noqa: E402

PILLARS = 8


def framework(n: int, rng):
    rows, maxima = [], {}
    maxima_drawn = rng.choice([5, 7.5, 10, 15, 20, 25, 30, 40], size=n)
    per_pillar = [0.0] * PILLARS
    for i in range(n):
        per_pillar[i % PILLARS] += float(maxima_drawn[i])
    for p in range(PILLARS):
        capped = p % 3 == 0
        cap = round(per_pillar[p] * 0.9, 2) if capped else None
        rows.append(
            {"code": f"P{p}", "kind": "pillar", "capped": capped, "max_points": cap}
        )
    for i in range(n):
        code, mx = f"P{i % PILLARS}.{i:03d}", float(maxima_drawn[i])
        rows.append(
            {
                "code": code,
                "parent_code": f"P{i % PILLARS}",
                "kind": "indicator",
                "rule": "direct",
                "answer_type": "points",
                "max_points": mx,
            }
        )
        maxima[code] = mx
    rows.append({"code": "B", "kind": "bonus_group", "max_points": 20, "capped": True})
    rows.append(
        {
            "code": "B.1",
            "parent_code": "B",
            "kind": "indicator",
            "rule": "bonus",
            "answer_type": "points",
            "max_points": 20,
            "rule_params": {"max": 20},
        }
    )
    maxima["B.1"] = 20.0
    return build_spec(rows), maxima


def state(spec, maxima, rng, most: int):
    share = rng.uniform(0.2, 0.95, size=len(spec.leaf_codes))
    pts = np.round(
        [s * maxima[c] for s, c in zip(share, spec.leaf_codes, strict=True)], 2
    )
    options = {}
    for code in spec.leaf_codes:
        count = int(rng.integers(4, most + 1))
        grid = np.round(np.linspace(0, maxima[code], count + 1)[1:], 2)
        options[code] = [Option(float(x)) for x in grid]
    efforts = {c: float(rng.choice([0.5, 1, 1, 2, 3])) for c in spec.leaf_codes}
    status = np.full(len(pts), S[LeafStatus.SCORED])
    return pts, status, options, efforts


def timed(fn, cases):
    times, outcomes = [], []
    for case in cases:
        start = time.perf_counter()
        out = fn(*case)
        times.append(time.perf_counter() - start)
        outcomes.append(
            (out["status"], tuple((c.code, c.target_points) for c in out["changes"]))
        )
    return times, outcomes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--indicators", type=int, default=160)
    parser.add_argument("--options", type=int, default=50)
    parser.add_argument("--old", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    spec, maxima = framework(args.indicators, rng)
    cases = [state(spec, maxima, rng, args.options) for _ in range(args.runs)]
    cases = [(spec, *case) for case in cases]
    times, outcomes = timed(cheapest_path, cases)
    print(
        f"indicators: {args.indicators}, options: 4–{args.options}, runs: {args.runs}"
    )
    print(f"min-plus: median {statistics.median(times):.3f} s, max {max(times):.3f} s")
    print("outcomes:", ", ".join(f"{s}:{len(c)}" for s, c in outcomes))
    if args.old:
        new_search = engine._search
        engine._search = engine._search_pairs
        try:
            old_times, old_outcomes = timed(cheapest_path, cases)
        finally:
            engine._search = new_search
        print(
            f"pairs:    median {statistics.median(old_times):.3f} s, "
            f"max {max(old_times):.3f} s"
        )
        print("same outcomes:", old_outcomes == outcomes)


if __name__ == "__main__":
    main()
