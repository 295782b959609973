"""Load test: people fill in their questionnaires at once on gunicorn and PostgreSQL.

Drops and recreates the database named by ``--database-url``, migrates it, loads the
demo province (``seed_demo``), collects the static files and starts gunicorn with
``config/gunicorn.py`` (DEBUG off) on a free loopback port. Then ``--users`` people,
each the editor of a different unit whose 2025 assessment can still be edited, log in
(spread over ``--ramp`` seconds) and, once all are in, for ``--duration`` seconds
open pages (home, a questionnaire step) and autosave answers, thinking 0.2–1 s
between requests. At the end it prints throughput, p50/p95/p99 by kind of request
and the errors, then reads the database: every save
the server acknowledged (2xx with the answer's new version) must be stored with its
value, in the audit trail and, for the last one of each answer, in the answer itself.

``--kill-worker-at S`` kills one gunicorn worker (SIGKILL, not the master) S seconds
into the run; the acknowledged saves must still all be there.

Targets: autosave p95 < 200 ms, page p95 < 500 ms, 0 errors, 0 lost saves.

    .venv/bin/python bench/load.py [--duration 60] [--users 50] [--communes 100]
                                   [--kill-worker-at 20] [--reuse]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dti_bench"
PASSWORD = "demo-dti-2025"  # the demo accounts' password (survey/demo/seed.py)
OPEN_YEAR = 2025
LOGIN_KINDS = ("login page", "login")
TARGETS_MS = {"autosave": 200, "home": 500, "step": 500, "login page": 500}
START_SECONDS = 60
REQUEST_TIMEOUT = 30
TARGETS_PER_USER = 5


# Setting up ------------------------------------------------------------------------


def database_recreate(url: str) -> None:
    """Drop and create the database of ``url`` (PostgreSQL on this machine only)."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit("bench/load.py needs a PostgreSQL DATABASE_URL")
    if config["HOST"] not in ("127.0.0.1", "localhost", "::1", ""):
        sys.exit(f"refusing to drop a database on {config['HOST']}: loopback only")
    name = config["NAME"]
    with psycopg.connect(
        dbname="postgres",
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        autocommit=True,
    ) as connection:
        quoted = psycopg.sql.Identifier(name)
        connection.execute(
            psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(quoted)
        )
        connection.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(quoted))


def manage(*args: str, env: dict[str, str]) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    print(f"  manage.py {' '.join(args)}: {time.perf_counter() - started:.1f} s")


def server_environment(args, static_root: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "GUNICORN_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=args.database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_WORKERS=str(args.workers),
        GUNICORN_THREADS=str(args.threads),
    )
    return env


@dataclass
class Target:
    """One indicator a simulated person edits: what the page would send."""

    node: int
    step: str
    version: int
    values: dict


@dataclass
class Person:
    username: str
    assessment: int
    targets: list[Target]


def people_choose(count: int) -> list[Person]:
    """Editors of different units whose 2025 assessment they can edit now, each with
    a few indicators they may change (in a returned assessment, the returned ones)."""
    from django.utils import translation

    from survey.forms.questionnaire import AnswerForm, input_value
    from survey.models import Answer, Assessment, Membership
    from survey.permissions import user_roles
    from survey.selectors.questionnaire import questionnaire_steps
    from survey.services.answer_access import answer_editable, assessment_edit_refusal
    from survey.states import EDITABLE_ASSESSMENT_STATES

    people = []
    assessments = (
        Assessment.objects.filter(
            campaign__year=OPEN_YEAR, state__in=EDITABLE_ASSESSMENT_STATES
        )
        .select_related("unit", "campaign", "version")
        .order_by("unit__code")
    )
    with translation.override("vi"):
        for assessment in assessments:
            membership = (
                Membership.objects.filter(unit=assessment.unit, role="editor")
                .select_related("user")
                .order_by("user__username")
                .first()
            )
            if membership is None:
                continue
            user = membership.user
            roles = user_roles(user=user, unit=assessment.unit)
            refusal = assessment_edit_refusal(assessment=assessment, roles=roles)
            if refusal is not None:
                continue
            answers = {
                a.node_id: a for a in Answer.objects.filter(assessment=assessment)
            }
            targets = []
            for step in questionnaire_steps(assessment=assessment):
                for node in step.indicators:
                    answer = answers.get(node.pk)
                    if not answer_editable(
                        assessment=assessment, answer=answer, refusal=None
                    ):
                        continue
                    form = AnswerForm(node=node, answer=answer)
                    values = {
                        name: input_value(form, name) for name in form.value_names
                    }
                    version = answer.version if answer else 0
                    targets.append(Target(node.pk, step.name, version, values))
            if targets:
                random.Random(assessment.pk).shuffle(targets)
                people.append(
                    Person(user.username, assessment.pk, targets[:TARGETS_PER_USER])
                )
            if len(people) == count:
                break
    return people


# The server ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_start(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log = log_path.open("w")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-c", "config/gunicorn.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl+C reaches the bench, which stops gunicorn
    )
    log.close()
    return process


def server_wait(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer within {START_SECONDS} s")


def server_stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: the master's children."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == master:
            pids.append(int(entry.name))
    return sorted(pids)


def worker_kill(master: int, killed: list[int]) -> None:
    pids = worker_pids(master)
    if pids:
        os.kill(pids[0], signal.SIGKILL)
        killed.append(pids[0])
        print(f"  killed gunicorn worker {pids[0]} (SIGKILL)", flush=True)


# Simulated people ----------------------------------------------------------------


class RequestFailed(Exception):
    pass


class Browser:
    """One person's browser over plain HTTP, behind the TLS proxy gunicorn expects
    (``X-Forwarded-Proto: https``): a kept-alive connection and the cookies (the
    secure ones too). A request whose reused connection fails is sent again once on
    a new connection, as browsers do; autosave is safe to resend (an identical save
    is confirmed with the stored version)."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port = port
        self.stats = stats
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, kind: str, method: str, path: str, body=None, headers=None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Origin": f"https://127.0.0.1:{self.port}",
            "Accept-Language": "vi",
            **(headers or {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            status, response_headers, content = self._send(method, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            self.stats.record(kind, time.perf_counter() - started, error=repr(error))
            raise RequestFailed(repr(error)) from error
        elapsed = time.perf_counter() - started
        for line in response_headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return status, content, elapsed

    def _send(self, method, path, body, headers):
        reused = self.connection is not None
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
                )
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                if attempt == 2 or not reused:
                    raise
                self.stats.count("resent on a new connection")
                continue
            if response.will_close:
                self.connection.close()
                self.connection = None
            return response.status, response.headers, content
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    events: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if error:
                self.errors[kind] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{kind}: {error}")

    def count(self, event: str) -> None:
        with self.lock:
            self.events[event] += 1


@dataclass(frozen=True)
class Ack:
    """A save the server acknowledged: this value is stored as this version."""

    assessment: int
    node: int
    version: int
    comment: str
    order: int


@dataclass
class Run:
    port: int
    stop: threading.Event
    stats: Stats
    think: tuple[float, float]
    label: str
    ramp: float  # seconds between two people's logins
    end: float = 0.0  # set when everyone has logged in
    go: threading.Event = field(default_factory=threading.Event)
    ready: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    acks: list[Ack] = field(default_factory=list)
    unacked: list[tuple[int, int, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    sequence: int = 0

    def acknowledge(self, person: Person, target: Target, comment: str, version: int):
        with self.lock:
            self.sequence += 1
            ack = Ack(person.assessment, target.node, version, comment, self.sequence)
            self.acks.append(ack)

    def not_acknowledged(self, person: Person, target: Target, comment: str):
        with self.lock:
            self.unacked.append((person.assessment, target.node, comment))


def person_run(person: Person, index: int, run: Run) -> None:
    rng = random.Random(index)
    browser = Browser(run.port, run.stats)
    try:
        logged_in = False
        try:
            if not run.stop.wait(run.ramp * index):
                logged_in = _login(browser, person, run)
        finally:
            browser.close()  # idle until everyone is in: gunicorn would close it
            run.ready.release()
        run.go.wait()
        if not logged_in or run.stop.is_set():
            return
        saves = 0
        pending: dict[int, str] = {}  # node -> comment sent but not acknowledged
        while not run.stop.wait(rng.uniform(*run.think)):
            if time.monotonic() >= run.end:
                break
            target = rng.choice(person.targets)
            choice = rng.random()
            try:
                if choice < 0.5:
                    saves += 1
                    comment = pending.get(target.node) or (
                        f"{run.label} {person.username} #{saves}"
                    )
                    pending[target.node] = comment
                    if _autosave(browser, person, target, comment, run):
                        del pending[target.node]
                elif choice < 0.75:
                    _page(browser, "home", "/", run)
                else:
                    path = f"/assessments/{person.assessment}/fill/{target.step}/"
                    _page(browser, "step", path, run)
            except RequestFailed:
                continue
    finally:
        browser.close()


def _login(browser: Browser, person: Person, run: Run) -> bool:
    try:
        status, _content, elapsed = browser.request("login page", "GET", "/login/")
        run.stats.record("login page", elapsed, "" if status == 200 else str(status))
        form = {
            "username": person.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""),
        }
        status, _content, elapsed = browser.request(
            "login",
            "POST",
            "/login/",
            body=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    except RequestFailed:
        return False
    ok = status == 302 and "sessionid" in browser.cookies
    run.stats.record("login", elapsed, "" if ok else f"status {status}")
    return ok


def _page(browser: Browser, kind: str, path: str, run: Run) -> None:
    status, _content, elapsed = browser.request(kind, "GET", path)
    run.stats.record(kind, elapsed, "" if status == 200 else f"status {status}")


def _autosave(
    browser: Browser, person: Person, target: Target, comment: str, run: Run
) -> bool:
    """Send one answer as the questionnaire's script does; True when acknowledged."""
    values = {**target.values, "comment": comment}
    body = json.dumps(
        {
            "format": "vi",
            "answers": [
                {"node": target.node, "version": target.version, "values": values}
            ],
        }
    )
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": browser.cookies.get("csrftoken", ""),
    }
    path = f"/assessments/{person.assessment}/answers/"
    try:
        status, content, elapsed = browser.request(
            "autosave", "POST", path, body=body, headers=headers
        )
    except RequestFailed:
        run.not_acknowledged(person, target, comment)
        raise
    result = _first_result(content)
    version = result.get("version")
    if status == 200 and result.get("status") == "ok" and isinstance(version, int):
        run.stats.record("autosave", elapsed)
        run.acknowledge(person, target, comment, version)
        target.version = version
        return True
    run.not_acknowledged(person, target, comment)
    if status == 409 and isinstance(version, int):
        # Saved meanwhile from elsewhere: the page offers the server's version.
        target.version = version
    run.stats.record("autosave", elapsed, f"status {status} {result.get('status')}")
    return False


def _first_result(content: bytes) -> dict:
    try:
        return (json.loads(content).get("results") or [{}])[0]
    except (ValueError, AttributeError, IndexError):
        return {}


def load_average() -> str:
    """The machine's load (other programs weigh on the figures too)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def logins_wait(run: Run, count: int, seconds: float) -> None:
    """Until every person has tried to log in (or ``seconds`` have passed)."""
    deadline = time.monotonic() + seconds
    for _ in range(count):
        if not run.ready.acquire(timeout=max(0.1, deadline - time.monotonic())):
            return


# Figures and checks -------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


ACCESS_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d+) .* (\d+)ms$')


def request_kind(method: str, path: str) -> str | None:
    if path == "/login/":
        return "login page" if method == "GET" else "login"
    if path == "/":
        return "home"
    if path.startswith("/assessments/"):
        return "autosave" if path.endswith("/answers/") else "step"
    return None


def server_times_print(log_path: Path) -> None:
    """Time spent inside gunicorn by kind of request, from its access log: what the
    people waited beyond it was spent queueing for a free thread."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in log_path.read_text(errors="replace").splitlines():
        match = ACCESS_LINE.search(line)
        if match and (kind := request_kind(match[1], match[2])):
            times[kind].append(float(match[4]))
    print("\ntime inside gunicorn (access log), without the wait for a free thread:")
    print(f"{'kind':<12}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind in ("login page", "login", "home", "step", "autosave"):
        if values := times.get(kind):
            print(
                f"{kind:<12}{len(values):>7}{statistics.median(values):>9.0f}"
                f"{percentile(values, 0.95):>9.0f}{percentile(values, 0.99):>9.0f}"
            )


def report_print(stats: Stats, seconds: float) -> int:
    total = sum(len(v) for k, v in stats.times.items() if k not in LOGIN_KINDS)
    errors = sum(stats.errors.values())
    print(
        f"\nafter the logins, {total} requests in {seconds:.1f} s:"
        f" {total / seconds:.1f} requests/s"
    )
    print(
        f"{'kind':<12}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}   target"
    )
    for kind in ("login page", "login", "home", "step", "autosave"):
        times = [t * 1000 for t in stats.times.get(kind, [])]
        if not times:
            continue
        p95 = percentile(times, 0.95)
        target = TARGETS_MS.get(kind)
        verdict = ""
        if target:
            verdict = f"p95 < {target} ms: {'yes' if p95 < target else 'NO'}"
        print(
            f"{kind:<12}{len(times):>7}{statistics.median(times):>9.0f}{p95:>9.0f}"
            f"{percentile(times, 0.99):>9.0f}{stats.errors.get(kind, 0):>8}   {verdict}"
        )
    print(f"errors: {errors} (target 0)")
    for example in stats.examples:
        print(f"  {example}")
    for event, number in sorted(stats.events.items()):
        print(f"{event}: {number}")
    return errors


def lost_writes_count(run: Run) -> int:
    """Acknowledged saves missing from the database: each must be in the audit trail
    with its value, and the last one of each answer must be the answer's value and
    version (or a later save sent but never acknowledged, e.g. cut by a killed
    worker, may have replaced it)."""
    from survey.models import Answer, AuditEvent

    assessments = {ack.assessment for ack in run.acks}
    trail = {
        (event.assessment_id, event.after.get("comment"))
        for event in AuditEvent.objects.filter(
            action=AuditEvent.Action.ANSWER_CHANGE, assessment_id__in=assessments
        ).only("assessment_id", "after")
        if isinstance(event.after, dict)
    }
    missing = [a for a in run.acks if (a.assessment, a.comment) not in trail]
    last: dict[tuple[int, int], Ack] = {}
    for ack in sorted(run.acks, key=lambda a: a.order):
        key = (ack.assessment, ack.node)
        if key not in last or ack.version >= last[key].version:
            last[key] = ack
    unacked = {(a, n, c) for a, n, c in run.unacked}
    stored = {
        (answer.assessment_id, answer.node_id): answer
        for answer in Answer.objects.filter(assessment_id__in=assessments)
    }
    overwritten = sum(
        not _last_kept(stored.get(key), ack, unacked) for key, ack in last.items()
    )
    print(
        f"acknowledged saves: {len(run.acks)}; not in the audit trail: {len(missing)};"
        f" answers whose last acknowledged value is not stored: {overwritten}"
    )
    for ack in missing[:5]:
        print(f"  missing: {ack}")
    return len(missing) + overwritten


def _last_kept(answer, ack: Ack, unacked: set) -> bool:
    if answer is None or answer.version < ack.version:
        return False
    if answer.version == ack.version:
        return answer.comment == ack.comment
    return (ack.assessment, ack.node, answer.comment) in unacked


# Main ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"PostgreSQL, dropped and recreated (default {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--duration", type=float, default=60, help="seconds")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--communes",
        type=int,
        default=100,
        help="seed_demo --communes: enough units for --users editors",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--ramp", type=float, default=10, help="seconds over which people log in"
    )
    parser.add_argument("--think-min", type=float, default=0.2)
    parser.add_argument("--think-max", type=float, default=1.0)
    parser.add_argument(
        "--kill-worker-at",
        type=float,
        default=None,
        metavar="S",
        help="SIGKILL one gunicorn worker S seconds into the run",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database as it is (no drop, migrate or seed)",
    )
    args = parser.parse_args()
    if args.database_url.startswith("sqlite"):
        sys.exit("bench/load.py runs on PostgreSQL: set --database-url")

    static_root = Path(tempfile.mkdtemp(prefix="dti-bench-static-"))
    log_path = ROOT / "var" / "bench-load-gunicorn.log"
    log_path.parent.mkdir(exist_ok=True)
    env = server_environment(args, static_root)
    os.environ.update(DATABASE_URL=args.database_url)
    process = None
    try:
        print(f"Setting up {args.database_url}")
        if not args.reuse:
            database_recreate(args.database_url)
            manage("migrate", "--noinput", "-v", "0", env=env)
            seed = ["seed_demo"] + (
                ["--communes", str(args.communes)] if args.communes else []
            )
            manage(*seed, env=env)
        manage("collectstatic", "--noinput", "-v", "0", env=env)

        import django

        django.setup()
        from django.db import connections

        people = people_choose(args.users)
        connections.close_all()
        if len(people) < args.users:
            sys.exit(
                f"only {len(people)} editors can edit their 2025 assessment: "
                "seed more communes (--communes)"
            )

        port = free_port()
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
        process = server_start(env, log_path)
        server_wait(port, process)
        print(
            f"gunicorn on 127.0.0.1:{port}: {args.workers} workers × "
            f"{args.threads} threads; log in {log_path.relative_to(ROOT)}"
        )
        print(
            f"{args.users} people for {args.duration:.0f} s, thinking "
            f"{args.think_min}–{args.think_max} s between requests"
        )
        stats = Stats()
        run = Run(
            port=port,
            stop=threading.Event(),
            stats=stats,
            think=(args.think_min, args.think_max),
            label=f"charge-{secrets.token_hex(3)}",
            ramp=args.ramp / max(1, args.users),
        )
        killed: list[int] = []
        timer = None
        threads = [
            threading.Thread(target=person_run, args=(person, i, run), daemon=True)
            for i, person in enumerate(people)
        ]
        try:
            started = time.monotonic()
            for thread in threads:
                thread.start()
            logins_wait(run, len(threads), args.ramp + START_SECONDS)
            print(f"logins: {time.monotonic() - started:.1f} s; then the run itself")
            print(f"load average before the run: {load_average()}")
            if args.kill_worker_at is not None:
                timer = threading.Timer(
                    args.kill_worker_at, worker_kill, args=(process.pid, killed)
                )
                timer.start()
            started = time.monotonic()
            run.end = started + args.duration
            run.go.set()
            time.sleep(args.duration)
        finally:
            run.stop.set()
            run.go.set()
            if timer is not None:
                timer.cancel()
            for thread in threads:
                thread.join(timeout=REQUEST_TIMEOUT + 5)
        seconds = time.monotonic() - started
        print(f"load average after the run: {load_average()} ({os.cpu_count()} cores)")
        workers_left = len(worker_pids(process.pid))
        server_stop(process)

        report_print(stats, seconds)
        if env.get("GUNICORN_ACCESSLOG", "-") != "none":
            server_times_print(log_path)
        if args.kill_worker_at is not None:
            print(
                f"workers killed: {killed or 'none (none found)'};"
                f" workers at the end: {workers_left}"
            )
        lost = lost_writes_count(run)
        print(f"lost acknowledged saves: {lost} (target 0)")
        sys.exit(1 if lost else 0)
    finally:
        if process is not None:
            server_stop(process)
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
