"""The pages measured and their floors: each page requested through Django's test client (the
whole stack but the socket: middleware, sessions, views, templates, streaming), then the same
figures from one hand-written SQL statement (bench/floors.py), the ratio page / floor, and the
checks that page and floor agree."""

from __future__ import annotations

import statistics
import urllib.parse
from dataclasses import dataclass

from bench.context import Context, vacuum
from bench.imports import measure_import, write_import_file
from bench.measure import Measure, fill, measure, percentile, time_runs


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
    fill(result, times, queries, peak, rss)
    result.size = last[1] if last else None
    return result


def measure_pages(
    ctx: Context, *, warmup: int, repeat: int, heavy_repeat: int, only, floors: bool, echo
) -> list[Measure]:
    """Every page of PAGES (or those named in `only`), with its floor and checks when
    `floors`; one broken page is reported as an error and does not stop the others."""
    results = []
    for page in PAGES:
        if only and page.name not in only:
            continue
        reps = heavy_repeat if page.heavy else repeat
        echo(f"  {page.label} …")
        try:
            if page.name == "import_inspections":
                result = measure_import(
                    page, ctx, warmup=warmup if not page.heavy else 0, repeat=reps
                )
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
    return results


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

    table = compliance_table(Frame.nation(), year=ctx.year, as_of=ctx.as_of, plan=ctx.plan)
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
        compliance_table(Frame.nation(), year=ctx.year, as_of=ctx.as_of, plan=ctx.plan)
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
