"""Writes under load: gunicorn serving the app on the loopback, against the same database;
N concurrent clients logged in as a provincial officer record inspections through the real
inspection form (GET the form, POST it with its CSRF token), for a bounded time or number;
recordings per second, p95, errors, and a check that every recorded row is in the database.
The rows are deleted afterwards, like the import's."""

from __future__ import annotations

import datetime
import html.parser
import http.client
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


def load_tasks(ctx: Context, count: int, *, seed: int = 11):
    """(establishment code, pk, day) to record: establishments of the officer's province that
    operate today, on recent days they have no inspection yet, never twice the same pair."""
    from django.db.models import Q

    from bench.dataset import PREFIX
    from localities.models import Establishment

    rng = random.Random(seed)
    pool = list(
        Establishment.objects.filter(province=ctx.province, code__startswith=PREFIX)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=ctx.as_of - datetime.timedelta(90)))
        .filter(closed_on__isnull=True)
        .order_by("pk")
        .values_list("pk", "code")[: max(50, count)]
    )
    taken = inspected_days([pk for pk, _ in pool])
    tasks = []
    attempts = 0
    while len(tasks) < count and attempts < count * 20:
        attempts += 1
        pk, code = pool[rng.randrange(len(pool))]
        day = ctx.as_of - datetime.timedelta(days=rng.randint(0, 80))
        if (pk, day) in taken:
            continue
        taken.add((pk, day))
        tasks.append((code, pk, day))
    return tasks


@dataclass
class LoadResult:
    clients: int
    recordings: int = 0
    http_requests: int = 0
    seconds: float = 0.0
    per_second: float = 0.0
    http_per_second: float = 0.0
    median_ms: float | None = None
    p95_ms: float | None = None
    errors: int = 0
    error_samples: list = field(default_factory=list)
    rows_expected: int = 0
    rows_found: int = 0
    lost_rows: int = 0
    server: str = ""


def run_load(
    ctx: Context, *, host: str, port: int, clients: int, seconds: float, requests: int, run_id: str
) -> LoadResult:
    """`clients` threads, each logged in as the officer, record inspections through the form
    (GET, then POST with the CSRF token) until `seconds` have passed or `requests` recordings
    are done; then every row recorded must be in the database."""
    from django.urls import reverse

    from localities.models import Inspection

    tasks = load_tasks(ctx, requests)
    marker = f"{LOAD_MARKER} {run_id}"
    create_path = reverse("inspection_create")
    login_path = reverse("login")
    queue = list(enumerate(tasks))
    lock = threading.Lock()
    latencies, errors, done = [], [], []
    http_count = [0]
    deadline = time.monotonic() + seconds
    username = ctx.users["officer"].username

    def worker():
        client = WebClient(host, port)
        try:
            client.login(login_path, username, BENCH_PASSWORD)
            with lock:
                http_count[0] += 2
        except Exception as error:  # noqa: BLE001 - every failure is counted as an error
            with lock:
                errors.append(f"login: {error}")
            return
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    break
                _index, (code, pk, day) = queue.pop(0)
            started = time.perf_counter()
            try:
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
                status, location, text = client.request("POST", create_path, values)
                if status != 302:
                    raise RuntimeError(f"POST answered {status}: {text[:200]!r}")
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    done.append((pk, day))
                    http_count[0] += 2
            except Exception as error:  # noqa: BLE001
                with lock:
                    errors.append(f"{code} {day}: {error}")
                    http_count[0] += 2
        client.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    found = set(
        Inspection.objects.filter(notes=marker).values_list("establishment_id", "inspected_on")
    )
    result = LoadResult(clients=clients)
    result.recordings = len(done)
    result.http_requests = http_count[0]
    result.seconds = round(elapsed, 2)
    result.per_second = round(len(done) / elapsed, 1) if elapsed else 0
    result.http_per_second = round(http_count[0] / elapsed, 1) if elapsed else 0
    if latencies:
        result.median_ms = round(statistics.median(latencies), 1)
        result.p95_ms = round(percentile(latencies, 0.95), 1)
    result.errors = len(errors)
    result.error_samples = errors[:5]
    result.rows_expected = len(done)
    result.rows_found = len(found & set(done))
    result.lost_rows = result.rows_expected - result.rows_found
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
    requests: int,
    port: int,
    workers: int,
    threads: int,
) -> LoadResult:
    """The load test against a gunicorn of its own; its rows are deleted afterwards."""
    run_id = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    try:
        with Gunicorn(
            port=port,
            workers=workers,
            threads=threads,
            database_url=os.environ.get("DATABASE_URL"),
        ) as server:
            result = run_load(
                ctx,
                host="127.0.0.1",
                port=port,
                clients=clients,
                seconds=seconds,
                requests=requests,
                run_id=run_id,
            )
            result.server = server.description
    finally:
        clean_load_rows(run_id)
        vacuum()
    return result
