"""Reads and writes under load: gunicorn serving the app on the loopback, against the same
database; N concurrent clients take turns at a seeded mix of reads (the national dashboard as
ministry staff, the province's dashboard as its officer, the commune's work lists as its
officer) and writes (an inspection recorded through the real form: GET it, POST it with its
CSRF token), e.g. three reads for each write, for a bounded time or number. Per kind: count,
median, p95, max, errors, throughput; then the check that every recording answered as saved is
in the database and no other row is. The rows are deleted afterwards, like the import's.
`measure_load` runs it against 1, 2, … gunicorn workers in turn: how far it scales."""

from __future__ import annotations

import datetime
import html.parser
import http.client
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench.context import (
    BENCH_PASSWORD,
    SERVER_ENVIRONMENT,
    Context,
    collect_static,
    inspected_days,
    vacuum,
)
from bench.measure import percentile
from bench.pages import PAGES, page_url

ROOT = Path(__file__).resolve().parent.parent
LOAD_MARKER = "bench-load"


class FormInputs(html.parser.HTMLParser):
    """The inputs of the page's form that carries the CSRF token."""

    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            attrs = dict(attrs)
            if attrs.get("name") and attrs.get("type") in ("hidden", None):
                self.values.setdefault(attrs["name"], attrs.get("value") or "")


class WebClient:
    """A browser-like HTTP client on one keep-alive connection: cookies, CSRF token."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies = {}

    def request(self, method, path, body=None):
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location"), data.decode("utf-8", "replace")

    def form(self, path):
        status, _, text = self.request("GET", path)
        parser = FormInputs()
        parser.feed(text)
        return status, parser.values

    def login(self, login_path, username, password):
        status, values = self.form(login_path)
        values.update({"username": username, "password": password})
        status, location, _ = self.request("POST", login_path, values)
        if status != 302:
            raise RuntimeError(f"login as {username} failed: {status}")

    def close(self):
        self.conn.close()


# The mixed load's kinds of work: three pages read, each as a user whose area they are, and the
# recording of an inspection through the form (GET, then POST with the CSRF token).
@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    short: str  # a table's column
    user: str  # the key of Context.users the client is logged in as
    page: str | None = None  # the page of bench.pages.PAGES read; None for the recording


READS = (
    Kind("national_dashboard", "National dashboard", "national", "ministry", "national_dashboard"),
    Kind(
        "province_dashboard",
        "The province's dashboard",
        "province",
        "officer",
        "province_dashboard",
    ),
    Kind(
        "commune_work_lists",
        "The commune's work lists",
        "work lists",
        "commune",
        "commune_work_lists",
    ),
)
WRITE = Kind("record_inspection", "Record an inspection (GET form + POST)", "recording", "officer")
KINDS = (*READS, WRITE)
# Error descriptions kept per kind and per run.
ERROR_SAMPLES = 5


def write_tasks(ctx: Context, *, seed: int, pool_size: int = 1000):
    """(establishment code, pk, day) to record, as many as asked for: establishments of the
    officer's province that operate today, on recent days they have no inspection yet, never
    twice the same pair; seeded, so a run with the same seed records the same rows. The
    database is read here, the pairs are drawn lazily."""
    from django.db.models import Q

    from bench.dataset import PREFIX
    from localities.models import Establishment

    pool = list(
        Establishment.objects.filter(province=ctx.province, code__startswith=PREFIX)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=ctx.as_of - datetime.timedelta(90)))
        .filter(closed_on__isnull=True)
        .order_by("pk")
        .values_list("pk", "code")[:pool_size]
    )
    taken = inspected_days([pk for pk, _ in pool])
    return _free_days(pool, taken, ctx.as_of, random.Random(seed))


def _free_days(pool, taken, as_of, rng):
    while pool:
        for _attempt in range(1000):
            pk, code = pool[rng.randrange(len(pool))]
            day = as_of - datetime.timedelta(days=rng.randint(0, 80))
            if (pk, day) not in taken:
                taken.add((pk, day))
                yield code, pk, day
                break
        else:
            return  # the pool's recent days are nearly all taken


def operations(tasks, *, reads_per_write: int, seed: int):
    """The seeded sequence of work: blocks of `reads_per_write` reads and one recording, in a
    shuffled order within each block; the reads take the pages of READS in turn, so every
    page is read as often as the others. Ends with the block of the last recording."""
    rng = random.Random(seed)
    reads = itertools.cycle(READS)
    for task in tasks:
        block = [(next(reads), None) for _ in range(reads_per_write)] + [(WRITE, task)]
        rng.shuffle(block)
        yield from block


@dataclass
class KindResult:
    """The figures of one kind of work in one run: answers within 2xx/3xx (for a recording, the
    redirect that says it was saved) are counted and timed; the others are errors."""

    name: str
    label: str
    short: str
    user: str
    count: int = 0
    per_second: float = 0.0
    median_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None
    errors: int = 0
    error_samples: list = field(default_factory=list)


@dataclass
class LoadResult:
    clients: int
    workers: int = 0
    threads: int = 0
    reads_per_write: int = 0
    seed: int = 0
    limit_seconds: float = 0.0
    limit_requests: int | None = None
    cores: int | None = None
    operations: int = 0
    http_requests: int = 0  # while the clock runs (the logins before it: login_requests)
    login_requests: int = 0
    seconds: float = 0.0
    per_second: float = 0.0
    http_per_second: float = 0.0
    kinds: list = field(default_factory=list)
    errors: int = 0
    error_samples: list = field(default_factory=list)
    recordings: int = 0
    rows_expected: int = 0
    rows_found: int = 0
    lost_rows: int = 0
    extra_rows: int = 0
    server: str = ""


class _Tally:
    """What the clients did, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {kind.name: [] for kind in KINDS}
        self.errors = {kind.name: [] for kind in KINDS}
        self.login_errors = []
        self.saved = []
        self.http = 0
        self.logins = 0  # the login's requests, before the clock starts

    def ok(self, kind, elapsed_ms, http, saved=None):
        with self.lock:
            self.latencies[kind.name].append(elapsed_ms)
            self.http += http
            if saved is not None:
                self.saved.append(saved)

    def error(self, kind, description, http):
        with self.lock:
            self.errors[kind.name].append(description)
            self.http += http


def _read(client, url):
    """One page read to the end; an answer outside 2xx/3xx is an error."""
    status, _, _ = client.request("GET", url)
    if not 200 <= status < 400:
        raise RuntimeError(f"GET {url} answered {status}")


def _record(client, create_path, task, marker):
    """One inspection through the form; only the redirect says it was saved."""
    code, _pk, day = task
    status, values = client.form(create_path)
    if status != 200:
        raise RuntimeError(f"GET form answered {status}")
    values.update(
        {
            "establishment": code,
            "inspected_on": day.strftime("%d/%m/%Y"),
            "team": "police",
            "outcome": "no_violation",
            "fine_vnd": "0",
            "violations": "",
            "notes": marker,
        }
    )
    status, _location, text = client.request("POST", create_path, values)
    if status != 302:
        raise RuntimeError(f"{code} {day}: POST answered {status}: {text[:200]!r}")


def run_load(
    ctx: Context,
    *,
    host: str,
    port: int,
    clients: int,
    seconds: float,
    requests: int | None,
    run_id: str,
    reads_per_write: int = 3,
    seed: int = 11,
) -> LoadResult:
    """`clients` threads, each logged in as every user of KINDS (before the clock starts), take
    the next piece of work of the seeded sequence (`operations`) until `seconds` have passed or
    `requests` pieces (reads and recordings) are done; then every recording answered as saved
    must be in the database, and no other row of this run."""
    from django.urls import reverse

    from localities.models import Inspection

    pages = {page.name: page for page in PAGES}
    urls = {kind.name: page_url(pages[kind.page], ctx) for kind in READS}
    create_path = reverse("inspection_create")
    login_path = reverse("login")
    marker = f"{LOAD_MARKER} {run_id}"
    work = operations(write_tasks(ctx, seed=seed), reads_per_write=reads_per_write, seed=seed)
    if requests:
        work = itertools.islice(work, requests)
    users = sorted({kind.user for kind in KINDS})
    tally = _Tally()
    clock = {}

    def start_clock():
        clock["started"] = time.monotonic()
        clock["deadline"] = clock["started"] + seconds

    ready = threading.Barrier(clients, action=start_clock)

    def client():
        sessions = {}
        try:
            for user in users:
                sessions[user] = WebClient(host, port)
                sessions[user].login(login_path, ctx.users[user].username, BENCH_PASSWORD)
                with tally.lock:
                    tally.logins += 2
        except Exception as error:  # noqa: BLE001 - every failure is counted as an error
            with tally.lock:
                tally.login_errors.append(f"login: {error}")
            sessions = None
        ready.wait()
        while sessions is not None and time.monotonic() < clock["deadline"]:
            with tally.lock:
                kind, task = next(work, (None, None))
            if kind is None:
                break
            session = sessions[kind.user]
            started = time.perf_counter()
            try:
                if kind is WRITE:
                    _record(session, create_path, task, marker)
                else:
                    _read(session, urls[kind.name])
            except Exception as error:  # noqa: BLE001
                session.conn.close()  # a fresh connection for the next request
                tally.error(kind, str(error)[:300], 2 if kind is WRITE else 1)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if kind is WRITE:
                tally.ok(kind, elapsed, 2, saved=task[1:])
            else:
                tally.ok(kind, elapsed, 1)
        for session in (sessions or {}).values():
            session.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - clock["started"]
    found = set(
        Inspection.objects.filter(notes=marker).values_list("establishment_id", "inspected_on")
    )
    result = _result(tally, found, clients=clients, elapsed=elapsed)
    result.reads_per_write, result.seed = reads_per_write, seed
    result.limit_seconds, result.limit_requests = seconds, requests
    return result


def _rate(count, elapsed):
    return round(count / elapsed, 1) if elapsed else 0.0


def _result(tally: _Tally, found: set, *, clients: int, elapsed: float) -> LoadResult:
    result = LoadResult(clients=clients, cores=os.cpu_count())
    for kind in KINDS:
        times = tally.latencies[kind.name]
        errors = tally.errors[kind.name]
        figures = KindResult(kind.name, kind.label, kind.short, kind.user, count=len(times))
        figures.per_second = _rate(len(times), elapsed)
        if times:
            figures.median_ms = round(statistics.median(times), 1)
            figures.p95_ms = round(percentile(times, 0.95), 1)
            figures.max_ms = round(max(times), 1)
        figures.errors = len(errors)
        figures.error_samples = errors[:ERROR_SAMPLES]
        result.kinds.append(figures)
        result.operations += len(times)
        result.errors += len(errors)
    result.errors += len(tally.login_errors)
    result.error_samples = (
        tally.login_errors + [e for k in result.kinds for e in k.error_samples]
    )[:ERROR_SAMPLES]
    result.http_requests = tally.http
    result.login_requests = tally.logins
    result.seconds = round(elapsed, 2)
    result.per_second = _rate(result.operations, elapsed)
    result.http_per_second = _rate(tally.http, elapsed)
    saved = set(tally.saved)
    result.recordings = len(tally.saved)
    result.rows_expected = len(saved)
    result.rows_found = len(found & saved)
    result.lost_rows = result.rows_expected - result.rows_found
    result.extra_rows = len(found - saved)
    return result


def clean_load_rows(run_id: str | None = None):
    """Delete the inspections the load test recorded, and their history rows."""
    from localities.models import Inspection

    rows = Inspection.objects.filter(notes__startswith=LOAD_MARKER)
    if run_id:
        rows = rows.filter(notes=f"{LOAD_MARKER} {run_id}")
    pks = list(rows.values_list("pk", flat=True))
    Inspection.history.filter(id__in=pks).delete()
    Inspection.objects.filter(pk__in=pks).delete()
    return len(pks)


class Gunicorn:
    """gunicorn serving the app on the loopback, against the same database."""

    def __init__(self, *, port: int, workers: int, threads: int = 1, database_url=None):
        self.port = port
        self.workers = workers
        self.threads = threads
        self.database_url = database_url
        self.process = None
        self.log = None

    def __enter__(self):
        env = dict(os.environ)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        for name, value in SERVER_ENVIRONMENT.items():
            env.setdefault(name, value)
        collect_static(env)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn),
            "plan_tracker.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--timeout",
            "120",
            "--chdir",
            str(ROOT),
        ]
        self.log = tempfile.NamedTemporaryFile(
            prefix="pt-bench-gunicorn-", suffix=".log", delete=False
        )
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        limit = time.monotonic() + 60
        while time.monotonic() < limit:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/login/")
                conn.getresponse().read()
                conn.close()
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer within 60 s")

    @property
    def description(self):
        return f"gunicorn {self.workers} workers × {self.threads} threads on 127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log:
            self.log.close()
            if exc and exc[0] is None:
                os.unlink(self.log.name)


def measure_load(
    ctx: Context,
    *,
    clients: int,
    seconds: float,
    requests: int | None,
    port: int,
    workers: list[int],
    threads: int,
    reads_per_write: int = 3,
    seed: int = 11,
    database_url: str | None = None,
    echo=print,
) -> list[LoadResult]:
    """The mixed load against a fresh gunicorn of each number of `workers` in turn, with the
    same seed: the same work in the same order; each run's rows are deleted after it, so the
    next run finds the database as the first did. The servers use `database_url`, by default
    the environment's DATABASE_URL."""
    echo(
        f"  This machine has {os.cpu_count()} cores (os.cpu_count()): beyond that many gunicorn "
        "workers they share the cores, and requests/s stops growing."
    )
    results = []
    for count in workers:
        echo(f"  Mixed load, gunicorn {count} workers, {clients} clients, {seconds} s …")
        run_id = f"{datetime.datetime.now():%Y%m%d%H%M%S}-{count}"
        try:
            with Gunicorn(
                port=port,
                workers=count,
                threads=threads,
                database_url=database_url or os.environ.get("DATABASE_URL"),
            ) as server:
                result = run_load(
                    ctx,
                    host="127.0.0.1",
                    port=port,
                    clients=clients,
                    seconds=seconds,
                    requests=requests,
                    run_id=run_id,
                    reads_per_write=reads_per_write,
                    seed=seed,
                )
                result.workers, result.threads = count, threads
                result.server = server.description
        finally:
            clean_load_rows(run_id)
            vacuum()
        results.append(result)
    return results
