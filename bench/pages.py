"""Server time, queries and size of every page of the crawl, at two province sizes.

For each size (communes; 100 and 3,300 by default) a fresh database is made
(SQLite in ``var/bench/``, or PostgreSQL with ``--postgres``), migrated and seeded
with ``seed_demo --communes N`` (the seeding is timed too). Then each demo role
signs in and walks the site as the crawl test does (every menu page and every page
they link, one per kind and state); every page found is requested ``--repeat``
times through Django's full request handling (the test client, no network), plus
an autosave of one answer by a unit editor. Printed per page and size: median and
p95 server time, queries, response size; and the ratio of the large size's median
to the small one's. Targets are printed next to the figures; nothing passes or
fails.

    .venv/bin/python bench/pages.py [--sizes 100 3300] [--repeat 5] [--postgres]
        [--roles coordinator reviewer ...] [--keep]

Files (exports) are timed once and kept out of the targets: they are deliberate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
TARGET_MEDIAN_MS = 150
TARGET_P95_MS = 300
TARGET_KIB = 300
TARGET_RATIO = 2.0
HTML = "text/html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 3300])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--roles", nargs="*", default=None)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse a database seeded by an earlier --keep run of the same size",
    )
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        return _measure(args)
    runs = {}
    for size in args.sizes:
        url = _database(size, postgres=args.postgres, keep=args.keep)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [
                sys.executable,
                __file__,
                "--measure",
                str(size),
                "--out",
                out.name,
                "--repeat",
                str(args.repeat),
            ]
            if args.roles:
                command += ["--roles", *args.roles]
            if args.keep:
                command.append("--keep")
            print(f"… {size} communes on {url}", flush=True)
            subprocess.run(command, check=True, env={**os.environ, "DATABASE_URL": url})
            runs[size] = json.loads(Path(out.name).read_text())
    _report(runs, postgres=args.postgres)


def _database(size: int, *, postgres: bool, keep: bool) -> str:
    """A fresh (or, with ``keep``, possibly reused) database for one size."""
    if postgres:
        import psycopg

        name = f"dti_bench_pages_{size}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if exists and not keep:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            if not exists or not keep:
                conn.execute(f'CREATE DATABASE "{name}"')
        return f"{PG_SERVER}/{name}"
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"pages-{size}.sqlite3"
    if path.exists() and not keep:
        path.unlink()
    return f"sqlite:///{path}"


# --- measuring, in a process of its own per database ---------------------------


def _measure(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from survey.models import Answer, Unit

    call_command("migrate", verbosity=0)
    seeded = None
    if not (args.keep and Unit.objects.exists()):
        started = time.perf_counter()
        call_command("seed_demo", communes=args.measure, verbosity=0)
        seeded = time.perf_counter() - started
    from tests.crawl.demo_roles import ROLE_IDS

    roles = args.roles or ROLE_IDS
    pages = {}
    for role in roles:
        pages.update(_role_pages(role, args.repeat))
        print(f"  {role}: {len(pages)} pages so far", flush=True)
    pages.update(_autosave(args.repeat))
    out = {
        "units": Unit.objects.count(),
        "answers": Answer.objects.count(),
        "seed_seconds": seeded,
        "pages": pages,
    }
    Path(args.out).write_text(json.dumps(out))


def _client(username: str):
    from django.conf import settings
    from django.test import Client

    from survey.models import User

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(User.objects.get(username=username))
    return client


def _role_pages(role: str, repeat: int) -> dict:
    """Every page the role's walk finds, each measured ``repeat`` times; a page is
    named by its URL name, query parameters and the state its crawl told apart."""
    from django.urls import resolve

    from tests.crawl.crawler import crawl
    from tests.crawl.demo_roles import DemoIndex, username_for

    client = _client(username_for(role))
    demo = DemoIndex.load()
    walk = crawl(client, cap=1, variant=demo.variant, max_pages=400)
    found = {}
    for page in walk.pages:
        path, _sep, query = page.url.partition("?")
        key = f"{role} · {page.url_name}"
        params = sorted({part.split("=")[0] for part in query.split("&") if part})
        if params:
            key += f" ?{'&'.join(params)}"
        try:
            match = resolve(path)
            kind = demo.variant(match.route, match.kwargs)
        except Exception:  # an unresolved link: its status says enough
            kind = None
        if kind:
            key += f" [{'/'.join(str(k) for k in kind if k)}]"
        is_html = page.content_type.startswith(HTML)
        if page.status >= 400 or not is_html:
            found[key] = _figures([page.seconds], page.queries, 0, page.status, True)
            continue
        found[key] = _timed(client.get, page.url, repeat)
    return found


def _timed(request, url: str, repeat: int, **kwargs) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, size, status = [], 0, 0, 0
    for _ in range(repeat + 1):  # the first request warms caches and is not counted
        connection.queries_log.clear()  # a full log (9,000) would count nothing
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = request(url, **kwargs)
            elapsed = time.perf_counter() - started
        times.append(elapsed)
        queries, status = len(captured), response.status_code
        size = len(response.content) if not response.streaming else 0
    return _figures(times[1:], queries, size, status)


def _figures(times, queries, size, status, file=False) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median": statistics.median(ordered) * 1000,
        "p95": p95 * 1000,
        "queries": queries,
        "kib": size / 1024,
        "status": status,
        "file": file,
    }


def _autosave(repeat: int) -> dict:
    """A unit editor saves one answer, again and again (each with the version the
    previous save returned)."""
    from django.urls import reverse

    from survey.models import Answer, Assessment

    answer = (
        Answer.objects.filter(
            assessment__campaign__year=2025,
            assessment__state=Assessment.State.DRAFT,
            node__answer_type="percentage",
            is_na=False,
        )
        .select_related("assessment__unit")
        .order_by("assessment__unit__code", "node__code")
        .first()
    )
    if answer is None:
        return {}
    assessment: Assessment = answer.assessment
    from survey.models import Membership

    editor = Membership.objects.filter(
        unit=assessment.unit_id, role=Membership.Role.EDITOR
    ).first()
    client = _client(editor.user.username)
    url = reverse("survey:answers_autosave", args=[assessment.pk])
    version = answer.version
    times, queries, status = [], 0, 0
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(repeat + 1):
        values = {"number": str(40 + i)}
        body = {
            "answers": [{"node": answer.node_id, "version": version, "values": values}]
        }
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(url, body, content_type="application/json")
            elapsed = time.perf_counter() - started
        status = response.status_code
        result = response.json()["results"][0]
        version = result.get("version", version)
        times.append(elapsed)
        queries = len(captured)
    return {"unit editor · autosave (POST)": _figures(times[1:], queries, 0, status)}


# --- the report ---------------------------------------------------------------


def _report(runs: dict, *, postgres: bool) -> None:
    sizes = sorted(runs)
    small, large = sizes[0], sizes[-1]
    print()
    print(f"Database: {'PostgreSQL' if postgres else 'SQLite'}")
    for size in sizes:
        run = runs[size]
        seeded = run["seed_seconds"]
        seed_text = f"seeded in {seeded:.1f} s" if seeded is not None else "reused"
        print(
            f"{size} communes: {run['units']} units, {run['answers']} answers, "
            f"{seed_text}"
        )
    print(
        f"Targets at the largest size: median < {TARGET_MEDIAN_MS} ms, "
        f"p95 < {TARGET_P95_MS} ms, ≤ {TARGET_KIB} KiB, same queries at every size, "
        f"ratio ≤ {TARGET_RATIO} (files excepted). ✗ marks a miss."
    )
    head = f"{'page':60s}"
    for size in sizes:
        head += f" | {size:>5d}: med  p95  q   KiB"
    head += " | ratio"
    print(head)
    print("-" * len(head))
    keys = sorted({key for run in runs.values() for key in run["pages"]})
    misses = 0
    for key in keys:
        line = f"{key[:60]:60s}"
        cells = [runs[size]["pages"].get(key) for size in sizes]
        for cell in cells:
            if cell is None:
                line += f" | {'—':>25s}"
                continue
            line += (
                f" | {cell['median']:6.0f} {cell['p95']:5.0f} {cell['queries']:3d} "
                f"{cell['kib']:5.0f}"
            )
        first, last = cells[0], cells[-1]
        flags = ""
        if first and last:
            ratio = last["median"] / max(first["median"], 0.001)
            line += f" | {ratio:5.2f}"
            if not last["file"]:
                bad = (
                    last["median"] > TARGET_MEDIAN_MS
                    or last["p95"] > TARGET_P95_MS
                    or last["kib"] > TARGET_KIB
                    or last["queries"] != first["queries"]
                    or ratio > TARGET_RATIO
                )
                flags = " ✗" if bad else ""
                misses += bool(bad)
        if last and last["file"]:
            flags += " (file)"
        if last and last["status"] >= 400:
            flags += f" [{last['status']}]"
        print(line + flags)
    print(f"\nPages missing a target at {large} communes: {misses} of {len(keys)}")
    if small == large:
        print("(one size only: no ratio)")


if __name__ == "__main__":
    main()
