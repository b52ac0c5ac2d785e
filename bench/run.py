#!/usr/bin/env python
"""The benchmark of issue 5, against the national data set on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pt_scale \\
        .venv/bin/python manage.py generate_national_dataset --scale 1.0
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pt_scale .venv/bin/python bench/run.py

For each page (national dashboard, a province's dashboard, a commune's work lists, the
establishments list with two filters, the compliance CSV over all communes, the raw inspections
export, the import of 100,000 × scale inspections): median and 95th-percentile time over the
repetitions (after warm-up), SQL statements per request, peak memory of one extra instrumented
run (tracemalloc peak of Python allocations, and the growth of the process's peak RSS — the
kernel's high-water mark is reset first), and the floor: the same figures from one hand-written
SQL statement through psycopg2 (bench/floors.py), with the ratio page / floor.

Then writes under load: gunicorn on 127.0.0.1, N concurrent clients logged in as a provincial
officer record inspections through the real inspection form (GET the form, POST it with its
CSRF token), for a bounded time or number; recordings per second, p95, errors, and a check that
every recorded row is in the database. The rows are deleted afterwards, like the import's.

Pages are requests through Django's test client in this process (the whole stack but the
socket: middleware, sessions, views, templates, streaming), with DEBUG off.

Prints a table and writes bench/out/results-<scale>.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import html.parser
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_PREFIX = "NAT-"
LOAD_MARKER = "bench-load"
IMPORT_MARKER = "bench-import"
BENCH_PASSWORD = "bench-password-not-secret"
FULL_IMPORT_ROWS = 100_000


def setup_django():
    """Production-like settings (DEBUG off) unless the caller chose otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plan_tracker.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-for-loopback-runs-only")
    # Persistent connections, as a production server would run (and as gunicorn does below).
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")
    import django

    django.setup()


# ---------------------------------------------------------------------------------------------
# Measuring


def percentile(values, fraction):
    """Nearest-rank percentile (p95 of 5 runs is the slowest one)."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def _status_kib(key: str) -> int | None:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Linux: writing 5 to clear_refs resets the peak RSS (VmHWM) to the current RSS."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


class QueryCounter:
    """Counts the statements sent through Django's connection (execute and executemany).

    The same number CaptureQueriesContext gives, without keeping every statement's text, which
    would itself take memory on an import."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@dataclass
class Measure:
    name: str
    label: str
    median_ms: float | None = None
    p95_ms: float | None = None
    runs: int = 0
    queries: int | None = None
    tracemalloc_peak_mib: float | None = None
    rss_peak_delta_mib: float | None = None
    size: int | None = None  # bytes of the response, or rows imported
    floor_median_ms: float | None = None
    floor_p95_ms: float | None = None
    ratio: float | None = None
    # The floor on the app's own schema: the establishment figures from the summary of
    # inspected years (bench/floors.py, compliance(summary=True)), for the compliance pages.
    summary_floor_median_ms: float | None = None
    summary_ratio: float | None = None
    status: str = "ok"
    note: str = ""
    checks: dict = field(default_factory=dict)


def time_runs(func, *, warmup: int, repeat: int):
    for _ in range(warmup):
        func()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure(func, *, warmup: int, repeat: int, memory: bool = True):
    """(times in ms, statements per run, tracemalloc peak MiB, peak RSS growth MiB, result)."""
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        times = time_runs(func, warmup=warmup, repeat=repeat)
    runs = warmup + repeat
    queries = counter.count // runs if runs else None
    peak = rss_delta = None
    result = None
    if memory:
        reset = _reset_peak_rss()
        before = _status_kib("VmRSS")
        tracemalloc.start()
        try:
            result = func()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
        after = _status_kib("VmHWM")
        if reset and before is not None and after is not None:
            rss_delta = max(0, after - before) / 1024
    else:
        result = func()
    return times, queries, peak, rss_delta, result


# ---------------------------------------------------------------------------------------------
# The context: who, where, when


@dataclass
class Context:
    scale: float
    year: int
    as_of: datetime.date
    plan: object
    province: object
    commune: object
    line: str
    users: dict
    workdir: Path
    import_rows: int
    import_file: Path | None = None


def detect_scale() -> float:
    from localities.models import Establishment

    count = Establishment.objects.filter(code__startswith=BENCH_PREFIX).count()
    return round(count / 150_000, 4)


def bench_users(province):
    """Bench users with known passwords: ministry staff, an administrator, and an officer of
    the benchmarked province (for the load test)."""
    from django.contrib.auth import get_user_model

    from localities.models import Assignment, Role

    wanted = {
        "ministry": ("bench_ministry", Role.MINISTRY, None),
        "admin": ("bench_admin", Role.ADMINISTRATOR, None),
        "officer": ("bench_officer", Role.PROVINCIAL_OFFICER, province),
    }
    users = {}
    for key, (username, role, locality) in wanted.items():
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(BENCH_PASSWORD)
        user.is_staff = role == Role.ADMINISTRATOR
        user.save()
        Assignment.objects.update_or_create(
            user=user, defaults={"role": role, "locality": locality}
        )
        users[key] = user
    return users


def make_context(*, scale=None, workdir=None, import_rows=None, province_code=None) -> Context:
    from django.db.models import Count
    from django.utils import timezone

    from localities.models import Establishment, Locality
    from plan_tracker.metrics import default_plan, default_year

    scale = detect_scale() if scale is None else scale
    plan = default_plan()
    as_of = timezone.localdate()
    year = default_year(plan, as_of)
    nat = Establishment.objects.filter(code__startswith=BENCH_PREFIX)
    if province_code:
        province = Locality.objects.get(scheme="2025", level="province", code=province_code)
    else:
        # The province and commune with the most establishments: the heaviest pages.
        top = nat.values("province_id").annotate(n=Count("id")).order_by("-n", "province_id")
        province = Locality.objects.get(pk=top[0]["province_id"])
    top_commune = (
        nat.filter(province=province)
        .values("commune_id")
        .annotate(n=Count("id"))
        .order_by("-n", "commune_id")
    )
    commune = Locality.objects.get(pk=top_commune[0]["commune_id"])
    workdir = Path(workdir or tempfile.mkdtemp(prefix="pt-bench-"))
    rows = import_rows if import_rows is not None else max(1, round(FULL_IMPORT_ROWS * scale))
    return Context(
        scale=scale,
        year=year,
        as_of=as_of,
        plan=plan,
        province=province,
        commune=commune,
        line="karaoke",
        users=bench_users(province),
        workdir=workdir,
        import_rows=rows,
    )


# ---------------------------------------------------------------------------------------------
# The pages


@dataclass
class Page:
    name: str
    label: str
    url_name: str | None  # None: not a web page (the import)
    user: str = "ministry"
    stream: bool = False
    heavy: bool = False


PAGES = [
    Page("national_dashboard", "National dashboard", "dashboard_national"),
    Page("province_dashboard", "A province's dashboard", "dashboard_locality"),
    Page("commune_work_lists", "A commune's work lists", "work_lists"),
    Page("establishment_list", "Establishments, 2 filters", "establishment_list"),
    Page("compliance_csv", "Compliance CSV, all communes", "export_compliance", heavy=True),
    Page(
        "inspections_export",
        "Inspections export (raw)",
        "export_raw",
        user="admin",
        stream=True,
        heavy=True,
    ),
    Page("import_inspections", "Import inspections", None, user="admin", heavy=True),
]


def _reverse_locality(name, locality):
    """The URL of a page about one locality, whatever its pattern takes (pk or code)."""
    from django.urls import NoReverseMatch, reverse

    for kwargs in ({"pk": locality.pk}, {"code": locality.code}, {"locality": locality.pk}):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(name)


def page_url(page: Page, ctx: Context) -> str:
    """The URL of a page, or NoReverseMatch when that page does not exist (yet)."""
    from django.urls import reverse

    query = {}
    if page.name == "national_dashboard":
        url = reverse(page.url_name)
        query = {"year": ctx.year}
    elif page.name == "province_dashboard":
        url = _reverse_locality(page.url_name, ctx.province)
        query = {"year": ctx.year}
    elif page.name == "commune_work_lists":
        url = _reverse_locality(page.url_name, ctx.commune)
    elif page.name == "establishment_list":
        url = reverse(page.url_name)
        query = {"province": ctx.province.pk, "line": ctx.line}
    elif page.name == "compliance_csv":
        url = reverse(page.url_name, kwargs={"fmt": "csv"})
        query = {"year": ctx.year, "level": "commune"}
    elif page.name == "inspections_export":
        url = reverse(page.url_name, kwargs={"kind": "inspections", "fmt": "csv"})
    else:
        raise ValueError(page.name)
    if query:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(query)
    return url


def fetch(client, url, *, stream):
    """One request, its body read to the end; returns (status, bytes)."""
    response = client.get(url)
    if getattr(response, "streaming", False):
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
    else:
        size = len(response.content)
    return response.status_code, size


def measure_page(page: Page, ctx: Context, *, warmup: int, repeat: int) -> Measure:
    from django.test import Client
    from django.urls import NoReverseMatch

    result = Measure(page.name, page.label)
    try:
        url = page_url(page, ctx)
    except NoReverseMatch:
        result.status = "missing"
        result.note = f"no URL named {page.url_name!r} yet"
        return result
    client = Client()
    client.force_login(ctx.users[page.user])
    status, _ = fetch(client, url, stream=page.stream)
    if status != 200:
        result.status = "error"
        result.note = f"GET {url} answered {status}"
        return result
    times, queries, peak, rss, last = measure(
        lambda: fetch(client, url, stream=page.stream), warmup=warmup, repeat=repeat
    )
    result.note = url
    _fill(result, times, queries, peak, rss)
    result.size = last[1] if last else None
    return result


def _fill(result: Measure, times, queries, peak, rss):
    result.median_ms = round(statistics.median(times), 1) if times else None
    result.p95_ms = round(percentile(times, 0.95), 1) if times else None
    result.runs = len(times)
    result.queries = queries
    result.tracemalloc_peak_mib = round(peak, 1) if peak is not None else None
    result.rss_peak_delta_mib = round(rss, 1) if rss is not None else None


# ---------------------------------------------------------------------------------------------
# The import: a generated file of new inspections, imported through exchange's engine, then
# rolled back so the data set stays as generated.

IMPORT_HEADER = [
    "establishment_code",
    "inspected_on",
    "team",
    "outcome",
    "fine_vnd",
    "violations",
    "notes",
]


def write_import_file(ctx: Context, rows: int, *, seed: int = 5) -> Path:
    """`rows` inspections of the data set's establishments on days none of them has one:
    within each establishment's life, never in the future."""
    from localities.models import Establishment, Inspection

    rng = random.Random(seed)
    today = ctx.as_of
    first = datetime.date(2021, 1, 1)
    candidates = list(
        Establishment.objects.filter(code__startswith=BENCH_PREFIX)
        .order_by("pk")
        .values_list("pk", "code", "opened_on", "closed_on")
    )
    per_establishment = max(1, -(-rows // max(1, len(candidates))))
    path = ctx.workdir / f"import-inspections-{rows}.csv"
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(IMPORT_HEADER)
        step = 2000
        for start in range(0, len(candidates), step):
            block = candidates[start : start + step]
            taken = set(
                Inspection.objects.filter(establishment_id__in=[c[0] for c in block]).values_list(
                    "establishment_id", "inspected_on"
                )
            )
            for pk, code, opened, closed in block:
                lo = max(first, opened or first)
                hi = min(closed or today, today)
                if lo > hi:
                    continue
                span = (hi - lo).days
                for _ in range(per_establishment):
                    if written >= rows:
                        break
                    for _attempt in range(5):
                        day = lo + datetime.timedelta(days=rng.randint(0, span))
                        if (pk, day) not in taken:
                            taken.add((pk, day))
                            violation = rng.random() < 0.25
                            writer.writerow(
                                [
                                    code,
                                    day.strftime("%d/%m/%Y"),
                                    rng.choice(["police", "interagency"]),
                                    "violation" if violation else "no_violation",
                                    rng.choice([2_000_000, 5_000_000]) if violation else 0,
                                    "Không đăng ký lưu trú" if violation else "",
                                    IMPORT_MARKER,
                                ]
                            )
                            written += 1
                            break
            if written >= rows:
                break
    return path


def run_import(path: Path, user):
    """Import through exchange's engine inside a transaction rolled back afterwards."""
    from django.db import transaction

    from exchange.imports import import_file

    with transaction.atomic():
        result = import_file("inspections", path, user=user, commit=True)
        transaction.set_rollback(True)
    if not result.ok:
        first = result.errors[:3]
        raise RuntimeError(f"import refused: {[(e.line, e.column, e.message) for e in first]}")
    return result.total


def vacuum():
    """After the rolled-back import or the load test's deleted rows: what autovacuum would do
    soon anyway, so the next measurements see a steady table (a rolled-back import leaves
    dead rows, stale statistics and a visibility map that stops index-only scans)."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    history = _history_table()
    with connection.cursor() as cursor:
        # The summary of inspected years too: a rolled-back import leaves its dead row versions.
        for table in ("localities_inspection", history, "localities_inspected_years"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def _history_table():
    from localities.models import Inspection

    return Inspection.history.model._meta.db_table


def measure_import(ctx: Context, *, warmup: int, repeat: int) -> Measure:
    page = next(p for p in PAGES if p.name == "import_inspections")
    result = Measure(page.name, f"Import {ctx.import_rows:,} inspections")
    try:
        import exchange.imports  # noqa: F401
    except ImportError:
        result.status = "missing"
        result.note = "exchange.imports is not there yet"
        return result
    if ctx.import_file is None:
        ctx.import_file = write_import_file(ctx, ctx.import_rows)
    user = ctx.users[page.user]
    times, queries, peak, rss, rows = measure(
        lambda: run_import(ctx.import_file, user), warmup=warmup, repeat=repeat
    )
    vacuum()
    _fill(result, times, queries, peak, rss)
    result.size = rows
    result.note = f"exchange.imports.import_file on {ctx.import_file.name}, rolled back"
    return result


# ---------------------------------------------------------------------------------------------
# Floors


def floor_connection():
    """psycopg2's own connection under Django's (the same session and transaction: in a test
    the data is not committed, and a second connection would not see it)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    return connection.connection


# The compliance pages: the level of their table, and whether it is one province's communes.
COMPLIANCE_PAGES = {
    "national_dashboard": ("province", False),
    "province_dashboard": ("commune", True),
    "compliance_csv": ("commune", False),
}


def floor_call(name: str, ctx: Context, conn, *, summary: bool = False):
    """The floor of a page; for a compliance page, with summary=True, the floor on the app's
    own schema (the summary of inspected years)."""
    from bench import floors

    first_day = ctx.plan.first_day
    if name in COMPLIANCE_PAGES:
        level, of_province = COMPLIANCE_PAGES[name]
        return lambda: floors.compliance(
            conn,
            year=ctx.year,
            as_of=ctx.as_of,
            plan_first_day=first_day,
            level=level,
            province_id=ctx.province.pk if of_province else None,
            summary=summary,
        )
    if name == "commune_work_lists":
        return lambda: floors.work_lists(
            conn, commune_id=ctx.commune.pk, as_of=ctx.as_of, plan_first_day=first_day
        )
    if name == "establishment_list":
        return lambda: floors.establishment_list(conn, province_id=ctx.province.pk, line=ctx.line)
    if name == "inspections_export":
        return lambda: floors.inspections_export(conn)
    if name == "import_inspections":
        return lambda: floors.import_inspections(conn, ctx.import_file)
    raise ValueError(name)


def measure_floor(result: Measure, ctx: Context, *, warmup: int, repeat: int):
    # Taken afresh: a request may have closed Django's connection (CONN_MAX_AGE).
    conn = floor_connection()
    if conn is None:
        result.checks["floor"] = "skipped: the floors are PostgreSQL SQL (psycopg2)"
        return None
    if result.name == "import_inspections" and ctx.import_file is None:
        ctx.import_file = write_import_file(ctx, ctx.import_rows)
    call = floor_call(result.name, ctx, conn)
    times = time_runs(call, warmup=warmup, repeat=repeat)
    output = call()
    result.floor_median_ms = round(statistics.median(times), 1)
    result.floor_p95_ms = round(percentile(times, 0.95), 1)
    if result.median_ms and result.floor_median_ms:
        result.ratio = round(result.median_ms / result.floor_median_ms, 2)
    if result.name in COMPLIANCE_PAGES:
        summary_call = floor_call(result.name, ctx, conn, summary=True)
        times = time_runs(summary_call, warmup=warmup, repeat=repeat)
        result.summary_floor_median_ms = round(statistics.median(times), 1)
        if result.median_ms and result.summary_floor_median_ms:
            result.summary_ratio = round(result.median_ms / result.summary_floor_median_ms, 2)
        result.checks["summary_floor_equals_floor"] = summary_call() == output
    return output


def check_national_against_floor(ctx: Context, floor_rows) -> dict:
    """The page's figures (plan_tracker.metrics) must equal the floor's, row by row."""
    from bench import floors
    from localities.selectors import Frame
    from plan_tracker.metrics import compliance_table

    table = compliance_table(frame=Frame.nation(), year=ctx.year, as_of=ctx.as_of, plan=ctx.plan)
    page = {row.values["locality_code"]: row.values for row in table.rows}
    page[""] = table.total.values
    mismatches = []
    for row in floors.as_dicts(floor_rows):
        mine = page.get(row["locality_code"])
        for column, value in row.items():
            if column in ("locality_code", "locality_name"):
                continue
            theirs = mine.get(column) if mine else None
            if (None if value is None else float(value)) != (
                None if theirs is None else float(theirs)
            ):
                mismatches.append((row["locality_code"], column, value, theirs))
    return {"rows": len(floor_rows), "mismatches": mismatches[:10], "equal": not mismatches}


def first_code_on_page(page: Page, ctx: Context, floor_rows) -> bool:
    """The filters really filter: the floor's first establishment is on the page's first
    page, and the page shows the floor's total."""
    from django.test import Client

    client = Client()
    client.force_login(ctx.users[page.user])
    text = client.get(page_url(page, ctx)).content.decode()
    return floor_rows[0][1] in text


def explain_national(ctx: Context) -> dict | None:
    """EXPLAIN (ANALYZE, BUFFERS) of the national dashboard's main query — the establishment
    figures, most of the page's SQL time at scale — as plan_tracker.metrics sends it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from localities.selectors import Frame
    from plan_tracker.metrics import compliance_table

    if connection.vendor != "postgresql":
        return None
    with CaptureQueriesContext(connection) as captured:
        compliance_table(frame=Frame.nation(), year=ctx.year, as_of=ctx.as_of, plan=ctx.plan)
    slowest = next(
        query
        for query in captured.captured_queries
        if 'FROM "localities_establishment"' in query["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "statements": len(captured.captured_queries),
        "sql": slowest["sql"],
        "plan": plan,
    }


# ---------------------------------------------------------------------------------------------
# Writes under load


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

    from localities.models import Establishment, Inspection

    rng = random.Random(seed)
    pool = list(
        Establishment.objects.filter(province=ctx.province, code__startswith=BENCH_PREFIX)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=ctx.as_of - datetime.timedelta(90)))
        .filter(closed_on__isnull=True)
        .order_by("pk")
        .values_list("pk", "code")[: max(50, count)]
    )
    taken = set(
        Inspection.objects.filter(establishment_id__in=[pk for pk, _ in pool]).values_list(
            "establishment_id", "inspected_on"
        )
    )
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
        env.setdefault("DEBUG", "false")
        env.setdefault("SECRET_KEY", "bench-secret-key-for-loopback-runs-only")
        # Sessions are checked against the database by every worker: keep connections open.
        env.setdefault("DB_CONN_MAX_AGE", "60")
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


# ---------------------------------------------------------------------------------------------
# The whole run


def run(
    *,
    warmup: int = 1,
    repeat: int = 5,
    heavy_repeat: int = 3,
    only: list[str] | None = None,
    floors: bool = True,
    load: bool = True,
    load_clients: int = 8,
    load_seconds: float = 30,
    load_requests: int = 400,
    port: int = 8105,
    workers: int = 4,
    threads: int = 1,
    import_rows: int | None = None,
    province_code: str | None = None,
    scale: float | None = None,
    out_dir: Path | None = None,
    echo=print,
) -> dict:
    from django.db import connection

    load_before = os.getloadavg()
    ctx = make_context(scale=scale, import_rows=import_rows, province_code=province_code)
    echo(
        f"Scale {ctx.scale}, year {ctx.year}, as of {ctx.as_of:%d/%m/%Y}, province "
        f"{ctx.province.code} {ctx.province.name}, commune {ctx.commune.code} {ctx.commune.name}, "
        f"database {connection.vendor}"
    )
    results = []
    for page in PAGES:
        if only and page.name not in only:
            continue
        reps = heavy_repeat if page.heavy else repeat
        echo(f"  {page.label} …")
        try:
            if page.name == "import_inspections":
                result = measure_import(ctx, warmup=warmup if not page.heavy else 0, repeat=reps)
            else:
                result = measure_page(page, ctx, warmup=warmup, repeat=reps)
        except Exception as error:  # noqa: BLE001 - one broken page must not stop the others
            result = Measure(page.name, page.label, status="error", note=repr(error)[:300])
        if floors and result.status == "ok":
            output = measure_floor(
                result, ctx, warmup=warmup, repeat=heavy_repeat if page.heavy else repeat
            )
            if page.name == "national_dashboard" and output is not None:
                result.checks["figures_equal_floor"] = check_national_against_floor(ctx, output)
            if page.name == "import_inspections":
                vacuum()
            if page.name == "establishment_list" and output:
                result.checks["floor_first_code_on_page"] = first_code_on_page(page, ctx, output)
        results.append(result)

    explain = None
    if floors and (not only or "national_dashboard" in only):
        explain = explain_national(ctx)

    load_result = None
    if load:
        run_id = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
        echo(f"  Writes under load ({load_clients} clients) …")
        try:
            with Gunicorn(
                port=port,
                workers=workers,
                threads=threads,
                database_url=os.environ.get("DATABASE_URL"),
            ) as server:
                load_result = run_load(
                    ctx,
                    host="127.0.0.1",
                    port=port,
                    clients=load_clients,
                    seconds=load_seconds,
                    requests=load_requests,
                    run_id=run_id,
                )
                load_result.server = server.description
        finally:
            clean_load_rows(run_id)
            vacuum()

    report = {
        "scale": ctx.scale,
        "date": ctx.as_of.isoformat(),
        "machine": machine(),
        # Other work on the machine skews the timings: the 1-minute load average at both ends.
        "load_average": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "database": connection.vendor,
        "year": ctx.year,
        "province": f"{ctx.province.code} {ctx.province.name}",
        "commune": f"{ctx.commune.code} {ctx.commune.name}",
        "warmup": warmup,
        "repeat": repeat,
        "heavy_repeat": heavy_repeat,
        "memory": (
            "tracemalloc_peak_mib: peak of Python allocations during one instrumented run; "
            "rss_peak_delta_mib: growth of the process's peak RSS (VmHWM reset before) over "
            "its RSS at the start of that run"
        ),
        "pages": [asdict(r) for r in results],
        "load": asdict(load_result) if load_result else None,
        "national_main_query": explain,
    }
    if ctx.workdir.name.startswith("pt-bench-"):
        shutil.rmtree(ctx.workdir, ignore_errors=True)  # the generated import file
    echo(format_table(report))
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"results-{float(ctx.scale)}.json"
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        echo(f"Wrote {path}")
    return report


def machine() -> str:
    cores = os.cpu_count()
    memory = _meminfo_gib()
    return f"{cores} cores, {memory} GiB" if memory else f"{cores} cores"


def _meminfo_gib():
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 2**20)
    except OSError:
        return None
    return None


def _fmt(value, spec=""):
    if value is None:
        return "—"
    return format(value, spec)


def format_table(report: dict) -> str:
    header = (
        "| page | median ms | p95 ms | SQL | tracemalloc MiB | RSS Δ MiB | floor median ms "
        "| page/floor | summary floor ms | page/summary floor | size |"
    )
    lines = [
        f"Scale {report['scale']} — {report['date']} — {report['machine']} — {report['database']}"
        f" — load average {report.get('load_average')}",
        "",
        header,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in report["pages"]:
        if page["status"] != "ok":
            lines.append(f"| {page['label']} | {page['status']}: {page['note']} ||||||||||")
            continue
        lines.append(
            "| {label} | {med} | {p95} | {q} | {tm} | {rss} | {fl} | {ratio} | {sfl} | {sratio} "
            "| {size} |".format(
                label=page["label"],
                med=_fmt(page["median_ms"]),
                p95=_fmt(page["p95_ms"]),
                q=_fmt(page["queries"]),
                tm=_fmt(page["tracemalloc_peak_mib"]),
                rss=_fmt(page["rss_peak_delta_mib"]),
                fl=_fmt(page["floor_median_ms"]),
                ratio=_fmt(page["ratio"]),
                sfl=_fmt(page.get("summary_floor_median_ms")),
                sratio=_fmt(page.get("summary_ratio")),
                size=_fmt(page["size"], ","),
            )
        )
    for page in report["pages"]:
        check = page.get("checks", {}).get("figures_equal_floor")
        if check:
            verdict = "equal" if check["equal"] else f"DIFFER: {check['mismatches']}"
            lines.append(f"\nNational figures, page vs floor ({check['rows']} rows): {verdict}")
    for page in report["pages"]:
        same = page.get("checks", {}).get("summary_floor_equals_floor")
        if same is not None:
            lines.append(
                f"{page['label']}: figures from the summary = figures over the inspections: {same}"
            )
    load = report.get("load")
    if load:
        lines += [
            "",
            f"Writes under load — {load['server']}, {load['clients']} clients:",
            f"  {load['recordings']} inspections recorded in {load['seconds']} s = "
            f"{load['per_second']} recordings/s ({load['http_per_second']} HTTP requests/s); "
            f"per recording (GET form + POST) median {_fmt(load['median_ms'])} ms, "
            f"p95 {_fmt(load['p95_ms'])} ms",
            f"  errors {load['errors']}, rows expected {load['rows_expected']}, found "
            f"{load['rows_found']}, lost {load['lost_rows']}",
        ]
        if load["error_samples"]:
            lines.append(f"  first errors: {load['error_samples']}")
    explain = report.get("national_main_query")
    if explain:
        lines += [
            "",
            f"The national dashboard's main query ({explain['statements']} statements for its "
            "table), EXPLAIN (ANALYZE, BUFFERS):",
            explain["plan"],
        ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generate", type=float, metavar="SCALE", help="generate first")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--heavy-repeat", type=int, default=3, help="for exports and import")
    parser.add_argument("--only", help="comma-separated page names")
    parser.add_argument("--no-floors", action="store_true")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30, help="load test: at most")
    parser.add_argument("--requests", type=int, default=400, help="load test: at most")
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--import-rows", type=int, help="default 100,000 × scale")
    parser.add_argument("--province", help="province code (default: the largest)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args(argv)
    setup_django()
    if args.generate:
        from django.core.management import call_command

        call_command("generate_national_dataset", scale=args.generate, seed=args.seed)
    run(
        warmup=args.warmup,
        repeat=args.repeat,
        heavy_repeat=args.heavy_repeat,
        only=args.only.split(",") if args.only else None,
        floors=not args.no_floors,
        load=not args.no_load,
        load_clients=args.clients,
        load_seconds=args.seconds,
        load_requests=args.requests,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        import_rows=args.import_rows,
        province_code=args.province,
        out_dir=Path(args.out),
    )


if __name__ == "__main__":
    main()
