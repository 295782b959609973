"""Time of a feed batch of province-supplied values on SQLite.

A fresh SQLite database (in ``var/bench/``, or ``--database-url``) is migrated
and seeded with ``seed_demo --communes N``; then batches of 1,000 and 5,000
values for the running campaign are received as the API receives them
(``feed_batch_receive``: checked, stored, audited, recorded as a batch), each
run in a transaction rolled back afterwards so that every run writes the same.
The values differ from the demo's, so most of them are stored; values of
verified or published assessments are left out (they would only be skipped).

Prints the median, the best and the time per value of ``--runs`` runs for each
size, and how many values were saved, unchanged and reopened. Nothing passes or
fails on time.

    .venv/bin/python bench/feeds.py [--sizes 1000 5000] [--runs 3] [--communes 200]
        [--keep]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

VALUES = {
    "ratio": {"value": "7", "denominator": "9"},
    "percentage": {"value": "37"},
    "yes_no": {"value": True},
    "count": {"value": "7"},
    "money": {"value": "1234567"},
    "number": {"value": "7"},
    "points": {"value": "1"},
}


class _RolledBack(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--communes", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--keep", action="store_true", help="Reuse the database of an earlier run."
    )
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"feeds-{args.communes}.sqlite3"
        if path.exists() and not args.keep:
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"

    import django

    django.setup()
    from django.core.management import call_command

    from survey.models import Unit

    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", communes=args.communes, verbosity=0)
        print(f"seeded in {time.perf_counter() - started:.1f} s", flush=True)
    user, campaign, rows = _rows(max(args.sizes))
    print(f"campaign {campaign.code}: {len(rows)} values available", flush=True)
    for size in args.sizes:
        if size > len(rows):
            print(f"{size}: only {len(rows)} values; seed more communes")
            continue
        times = []
        for run in range(args.runs):
            seconds, reply = _receive(user, campaign, rows[:size], key=f"b-{run}")
            times.append(seconds)
        median = statistics.median(times)
        print(
            f"{size:>5} values: median {median:.2f} s, best {min(times):.2f} s, "
            f"{1000 * median / size:.2f} ms per value "
            f"(saved {reply['saved']}, unchanged {reply['unchanged']}, "
            f"reopened {reply['reopened']})",
            flush=True,
        )


def _rows(count: int):
    """The coordinator, the running campaign and up to ``count`` rows, one per
    (unit, indicator) that the unit answers, of assessments still open."""
    from survey.models import Assessment, Campaign, User
    from survey.services.supply import SupplyRow, supply_indicators

    user = User.objects.get(username="dieuphoi")
    campaign = (
        Campaign.objects.exclude(state__in=["draft", "published"])
        .order_by("-code")
        .first()
    )
    nodes = supply_indicators(campaign=campaign)
    closed = (Assessment.State.VERIFIED, Assessment.State.PUBLISHED)
    assessments = (
        campaign.assessments.exclude(state__in=closed)
        .select_related("unit")
        .order_by("unit__code")
    )
    rows = []
    for assessment in assessments:
        for node in nodes:
            if node.version_id != assessment.version_id or not node.applies_to_unit(
                unit_type=assessment.unit.unit_type,
                provides_procedures=assessment.provides_procedures,
            ):
                continue
            rows.append(
                SupplyRow(
                    key=len(rows),
                    unit=assessment.unit.code,
                    code=node.code,
                    raw=VALUES[node.answer_type],
                )
            )
            if len(rows) == count:
                return user, campaign, rows
    return user, campaign, rows


def _receive(user, campaign, rows, *, key: str):
    """Receive ``rows`` as one batch, timed, then undo it."""
    from django.db import transaction

    from survey.numbers import EN
    from survey.services.feeds import FeedBatchIn, feed_batch_receive

    batch = FeedBatchIn(
        campaign=campaign,
        source="bench",
        key=key,
        digest=key,
        rows=rows,
        number_format=EN,
    )
    try:
        with transaction.atomic():
            started = time.perf_counter()
            outcome = feed_batch_receive(user=user, batch=batch)
            seconds = time.perf_counter() - started
            raise _RolledBack
    except _RolledBack:
        pass
    if outcome.kind != "accepted":
        raise SystemExit(f"batch {outcome.kind}: {outcome.reply}")
    return seconds, outcome.reply


if __name__ == "__main__":
    main()
