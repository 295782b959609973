"""Time of the national comparison: its page data and its workbook.

A fresh SQLite database (in ``var/bench/``) is migrated and filled with bulk
inserts: ``--provinces`` provinces of ``--units`` units each (a tenth of them
departments), ``--years`` published years, stored results (totals and pillars)
drawn at random, no answers (the comparison reads stored results only). Prints
the median and the longest time of ``--repeat`` builds of the page data and of
the workbook, and the queries of one page build; the page is kept in the cache
(``page data kept``: read back) until a campaign is published or reopened.
Never passes or fails on time.

    .venv/bin/python bench/national.py [--provinces 34] [--units 150]
        [--years 3] [--repeat 5] [--keep]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

FRAMEWORKS = ROOT / "fixtures" / "frameworks"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--keep", action="store_true", help="Reuse the database of an earlier run."
    )
    args = parser.parse_args()
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"national-{args.provinces}x{args.units}x{args.years}.sqlite3"
    if path.exists() and not args.keep:
        path.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.builders.national import national_xlsx_bytes
    from reports.services.national import _book, national_page
    from survey.models import Campaign
    from survey.selectors.national import national_comparison

    call_command("migrate", verbosity=0)
    if not Campaign.unscoped.exists():
        started = time.perf_counter()
        seed(args.provinces, args.units, args.years)
        print(f"seeded in {time.perf_counter() - started:.1f} s", flush=True)

    def page():
        cache.clear()
        national_page(year=None, lang="vi")

    def page_kept():
        national_page(year=None, lang="vi")

    def workbook():
        national_xlsx_bytes(_book(national_comparison(year=None), "vi"))

    with CaptureQueriesContext(connection) as queries:
        page()
    print(f"page data: {len(queries)} queries")
    with CaptureQueriesContext(connection) as queries:
        page_kept()
    print(f"page data kept: {len(queries)} queries")
    steps = (("page data", page), ("page data kept", page_kept), ("workbook", workbook))
    for name, build in steps:
        times = []
        for _run in range(args.repeat):
            started = time.perf_counter()
            build()
            times.append(time.perf_counter() - started)
        print(
            f"{name}: median {statistics.median(times) * 1000:.0f} ms, "
            f"longest {max(times) * 1000:.0f} ms ({args.repeat} runs)"
        )
    size = len(national_xlsx_bytes(_book(national_comparison(year=None), "vi")))
    print(f"workbook: {size / 1024:.0f} KiB")


def seed(n_provinces: int, n_units: int, n_years: int) -> None:
    from survey.importers.framework import framework_import, read_framework_path
    from survey.models import (
        Assessment,
        Campaign,
        CampaignVersion,
        Node,
        Province,
        Unit,
        UnitResult,
    )

    rng = random.Random(7)
    versions = {
        "commune": framework_import(
            parsed=read_framework_path(FRAMEWORKS / "commune-2025.csv")
        ),
        "department": framework_import(
            parsed=read_framework_path(FRAMEWORKS / "department-2024.csv")
        ),
    }
    pillars = {
        kind: list(
            Node.objects.filter(
                version=v, parent__isnull=True, kind="pillar"
            ).values_list("id", "max_points")
        )
        for kind, v in versions.items()
    }
    levels = {kind: [lv["code"] for lv in v.levels] for kind, v in versions.items()}
    for p in range(n_provinces):
        province = Province.objects.create(
            code=f"tinh-{p:02d}", name_vi=f"Tỉnh {p:02d}"
        )
        units = Unit.unscoped.bulk_create(
            Unit(
                province=province,
                code=f"T{p:02d}-{u:03d}",
                name_vi=f"Đơn vị {u}",
                unit_type="department" if u % 10 == 0 else "commune",
            )
            for u in range(n_units)
        )
        for y in range(n_years):
            year = 2025 - y
            campaign = Campaign.unscoped.create(
                province=province,
                year=year,
                code=f"dti-{year}",
                name=f"DTI {year}",
                opens_on=date(year + 1, 1, 1),
                deadline=date(year + 1, 3, 1),
                state=Campaign.State.PUBLISHED,
                decision_number=f"{p}/QĐ-UBND",
                decision_date=date(year + 1, 4, 1),
            )
            CampaignVersion.objects.bulk_create(
                CampaignVersion(campaign=campaign, unit_type=k, version=v)
                for k, v in versions.items()
            )
            assessments = Assessment.unscoped.bulk_create(
                Assessment(
                    campaign=campaign,
                    unit=unit,
                    version=versions[unit.unit_type],
                    ranking_group=unit.unit_type,
                    ranked=True,
                    state=Assessment.State.PUBLISHED,
                )
                for unit in units
            )
            UnitResult.objects.bulk_create(
                _results(assessments, units, pillars, levels, rng), batch_size=2_000
            )


def _results(assessments, units, pillars, levels, rng):
    from survey.models import UnitResult

    for assessment, unit in zip(assessments, units, strict=True):
        total, maximum = Decimal(0), Decimal(0)
        for node_id, top in pillars[unit.unit_type]:
            top = Decimal(top or 100)
            points = (top * Decimal(rng.uniform(0.2, 0.95))).quantize(Decimal("0.01"))
            total, maximum = total + points, maximum + top
            yield UnitResult(
                assessment=assessment,
                node_id=node_id,
                final_points=points,
                applicable_max=top,
                frozen=True,
            )
        share = total / maximum
        codes = levels[unit.unit_type]
        yield UnitResult(
            assessment=assessment,
            final_points=total,
            applicable_max=maximum,
            value=share.quantize(Decimal("0.000001")),
            level=codes[min(int(share * len(codes)), len(codes) - 1)],
            frozen=True,
        )


if __name__ == "__main__":
    main()
