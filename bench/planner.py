"""Benchmark of the cheapest path to the next level on an 80-indicator framework.

Run: ``.venv/bin/python bench/planner.py [--runs 7] [--indicators 80]``.
Prints the median time of one search per unit state (random current points,
2–4 options per indicator, capped pillars, a bonus group); never fails on time.
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
from scoring.codes import LeafStatus  # noqa: E402
from scoring.kernels import S  # noqa: E402
from scoring.planner import Option, cheapest_path  # noqa: E402


def framework(n: int):
    rows, maxima = [], {}
    pillars = 6
    for p in range(pillars):
        capped = p % 3 == 0
        rows.append(
            {"code": f"P{p}", "kind": "pillar", "capped": capped, "max_points": 18}
        )
    for i in range(n):
        code, mx = f"P{i % pillars}.{i}", [0.5, 1, 1.5, 2, 3][i % 5]
        rows.append(
            {
                "code": code,
                "parent_code": f"P{i % pillars}",
                "kind": "indicator",
                "rule": "direct",
                "answer_type": "points",
                "max_points": mx,
            }
        )
        maxima[code] = mx
    return build_spec(rows), maxima


def state(spec, maxima, rng):
    pts = np.array([rng.integers(0, 5) / 4 * maxima[c] for c in spec.leaf_codes])
    pts *= rng.uniform(0.3, 1.0)
    pts = np.round(pts, 2)
    options = {
        c: [Option(round(f * maxima[c], 2)) for f in (0.25, 0.5, 0.75, 1.0)]
        for c in spec.leaf_codes
    }
    efforts = {c: float(rng.choice([0.5, 1, 2, 3])) for c in spec.leaf_codes}
    status = np.full(len(pts), S[LeafStatus.SCORED])
    return pts, status, options, efforts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--indicators", type=int, default=80)
    args = parser.parse_args()
    spec, maxima = framework(args.indicators)
    rng = np.random.default_rng(0)
    times, statuses = [], []
    for _ in range(args.runs):
        case = state(spec, maxima, rng)
        start = time.perf_counter()
        out = cheapest_path(spec, *case)
        times.append(time.perf_counter() - start)
        statuses.append(f"{out['status']}:{len(out.get('changes', []))}")
    print(f"indicators: {args.indicators}, runs: {args.runs}")
    print(f"median: {statistics.median(times):.3f} s, max: {max(times):.3f} s")
    print("outcomes:", ", ".join(statuses))


if __name__ == "__main__":
    main()
