"""Time and peak memory to build the committee workbook for a national campaign.

4,000 units × 100 indicators with 3 years of history, synthetic data fed straight
to the builder (no database; the data come from ``tests/reports/synthetic.py``).
Prints figures; never passes or fails on time.
Targets: under 30 s and under 1 GiB.

    .venv/bin/python bench/reports.py [--units 4000] [--indicators 100]
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=4000)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--pillars", type=int, default=6)
    parser.add_argument("--lang", default="vi")
    parser.add_argument("-o", "--output", default="")
    parser.add_argument(
        "--no-trace", action="store_true", help="skip the tracemalloc pass"
    )
    args = parser.parse_args()

    import django

    django.setup()  # only for the translated labels; the builder itself is pure
    from reports.builders.workbook import workbook_bytes
    from reports.labels import report_labels
    from tests.reports.synthetic import synthetic_report

    labels = report_labels(args.lang)
    start = time.perf_counter()
    report = synthetic_report(
        n_units=args.units,
        n_indicators=args.indicators,
        n_pillars=args.pillars,
        groups=("Sở, ban, ngành", "Xã, phường", "Phường", "Đặc khu"),
    )
    made = time.perf_counter() - start
    start = time.perf_counter()
    data = workbook_bytes(report, labels)
    built = time.perf_counter() - start
    peak = 0
    if not args.no_trace:
        # A second build under tracemalloc, which slows Python several times over.
        tracemalloc.start()
        workbook_bytes(report, labels)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.output:
        Path(args.output).write_bytes(data)
    print(f"units × indicators × years: {args.units} × {args.indicators} × 3")
    print(f"synthetic data:      {made:7.2f} s")
    print(f"workbook built:      {built:7.2f} s (target < 30 s)")
    print(f"workbook size:       {len(data) / 2**20:7.1f} MiB")
    print(f"peak traced memory:  {peak / 2**20:7.1f} MiB (tracemalloc, Python objects)")
    print(
        f"peak RSS:            {rss:7.1f} MiB (ru_maxrss, whole process; "
        "target < 1 GiB)"
    )


if __name__ == "__main__":
    main()
