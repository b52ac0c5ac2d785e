"""The pages measured and their floors: each page requested through Django's test client (the
whole stack but the socket: middleware, sessions, views, templates, streaming), then the same
figures from one hand-written SQL statement (bench/floors.py), the ratio page / floor, and the
checks that page and floor agree."""

from __future__ import annotations

import dataclasses
import datetime
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

# The pages that read a year as of a date, measured again for every view of AS_OF_VIEWS.
CHARTS = Page("charts", "Charts over the plan's years", "dashboard_charts")
AS_OF_PAGES = [
    *(p for p in PAGES if p.name in ("national_dashboard", "province_dashboard")),
    *(p for p in PAGES if p.name in ("commune_work_lists",)),
    CHARTS,
    *(p for p in PAGES if p.name in ("compliance_csv",)),
]


@dataclass
class View:
    """A year read as of a date: the default (no as-of date asked: today), or one asked."""

    name: str
    label: str
    year: int
    as_of: datetime.date


def as_of_views(ctx: Context) -> list[View]:
    """The default view, the middle of a finished year (2024 as of 30/06/2024), early in a year
    (2023 as of 01/03/2023) and the running year (the plan's year containing today, or the
    plan's last year as of the same day of the month then)."""
    today = ctx.as_of
    year = min(max(today.year, ctx.plan.first_year), ctx.plan.last_year)
    running = today if year == today.year else _same_day_in(today, year)
    views = [
        View("default", "default view", ctx.year, today),
        View("mid_year", "mid-year of a finished year", 2024, datetime.date(2024, 6, 30)),
        View("early", "early in a year", 2023, datetime.date(2023, 3, 1)),
        View("running", "the running year", year, running),
    ]
    return [v for v in views if v.as_of <= today and v.year in ctx.plan.years]


def _same_day_in(day: datetime.date, year: int) -> datetime.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


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
    # An as-of date asked (bench/pages.py as_of_views): the year and date in every page's query.
    asked = {"year": ctx.year, "as_of": ctx.as_of.strftime("%d/%m/%Y")} if ctx.asked else {}
    if page.name == "national_dashboard":
        url = reverse(page.url_name)
        query = {"year": ctx.year}
    elif page.name == "province_dashboard":
        url = _reverse_locality(page.url_name, ctx.province)
        query = {"year": ctx.year}
    elif page.name == "commune_work_lists":
        url = _reverse_locality(page.url_name, ctx.commune)
    elif page.name == "charts":
        url = reverse(page.url_name)
        query = {"year": ctx.year}
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
    query |= asked
    if query:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(query)
    return url


# What a browser says it accepts: the bytes on the wire are the compressed ones.
BROWSER_ENCODINGS = "gzip, deflate, br"


def fetch(client, url, *, stream, **headers):
    """One request, its body read to the end; returns (status, bytes)."""
    response = client.get(url, **headers)
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
    times, queries, peak, rss, last, sql_times = measure(
        lambda: fetch(client, url, stream=page.stream), warmup=warmup, repeat=repeat
    )
    result.note = url
    fill(result, times, queries, peak, rss, sql_times)
    result.size = last[1] if last else None
    _, result.wire_size = fetch(
        client, url, stream=page.stream, HTTP_ACCEPT_ENCODING=BROWSER_ENCODINGS
    )
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
            if page.name == "commune_work_lists" and output is not None:
                result.checks["figures_equal_floor"] = check_work_lists_against_floor(ctx, output)
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


# The compliance pages: the level of their table, whether it is one province's communes, and
# whether it shows the inspections made (the downloads do; the dashboards count that figure
# only for a plan that targets it, and the data set's plan does not).
COMPLIANCE_PAGES = {
    "national_dashboard": ("province", False, False),
    "province_dashboard": ("commune", True, False),
    "compliance_csv": ("commune", False, True),
}


def floor_call(name: str, ctx: Context, conn, *, summary: bool = False):
    """The floor of a page; for a compliance page, with summary=True, the floor on the app's
    own schema (the summary of inspected years)."""
    from bench import floors

    first_day = ctx.plan.first_day
    if name in COMPLIANCE_PAGES:
        level, of_province, made = COMPLIANCE_PAGES[name]
        return lambda: floors.compliance(
            conn,
            year=ctx.year,
            as_of=ctx.as_of,
            plan_first_day=first_day,
            level=level,
            province_id=ctx.province.pk if of_province else None,
            summary=summary,
            made=made,
        )
    if name == "charts":
        return lambda: floors.compliance_series(
            conn,
            years=list(ctx.plan.years),
            as_of=ctx.as_of,
            plan_first_day=first_day,
            summary=summary,
        )
    if name == "commune_work_lists":
        from plan_tracker.dashboards.views import WORK_LIST_LIMIT

        return lambda: floors.work_lists(
            conn,
            commune_id=ctx.commune.pk,
            year=ctx.year,
            as_of=ctx.as_of,
            plan_first_day=first_day,
            plan_id=ctx.plan.pk,
            limit=WORK_LIST_LIMIT,
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
    # The import's floor, like the import, starts each run from the data set as generated.
    between = vacuum if result.name == "import_inspections" else None
    times = time_runs(call, warmup=warmup, repeat=repeat, between=between)
    output = call()
    result.floor_median_ms = round(statistics.median(times), 1)
    result.floor_p95_ms = round(percentile(times, 0.95), 1)
    if result.median_ms and result.floor_median_ms:
        result.ratio = round(result.median_ms / result.floor_median_ms, 2)
    if result.name in COMPLIANCE_PAGES or result.name == "charts":
        summary_call = floor_call(result.name, ctx, conn, summary=True)
        times = time_runs(summary_call, warmup=warmup, repeat=repeat)
        result.summary_floor_median_ms = round(statistics.median(times), 1)
        if result.median_ms and result.summary_floor_median_ms:
            result.summary_ratio = round(result.median_ms / result.summary_floor_median_ms, 2)
        result.checks["summary_floor_equals_floor"] = summary_call() == output
    return output


def check_national_against_floor(ctx: Context, floor_rows) -> dict:
    """The page's figures (plan_tracker.metrics) must equal the floor's, row by row."""
    return check_table_against_floor(ctx, "national_dashboard", floor_rows)


def check_table_against_floor(ctx: Context, name: str, floor_rows, *, year=None) -> dict:
    """A compliance page's figures (plan_tracker.metrics, as the page asks them) must equal
    the floor's, row by row."""
    from bench import floors
    from localities.selectors import Frame
    from plan_tracker.metrics import compliance_table

    level, of_province, _ = COMPLIANCE_PAGES.get(name, ("province", False, False))
    table = compliance_table(
        Frame.nation(),
        year=year or ctx.year,
        as_of=ctx.as_of,
        plan=ctx.plan,
        level=level,
        locality=ctx.province if of_province else None,
    )
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


def check_page_against_floor(ctx: Context, name: str, output) -> dict | None:
    """The figures of a page of AS_OF_PAGES against its floor's output."""
    if name in COMPLIANCE_PAGES:
        return check_table_against_floor(ctx, name, output)
    if name == "charts":
        checks = [
            check_table_against_floor(ctx, name, rows, year=year) for year, rows in output.items()
        ]
        return {
            "rows": sum(c["rows"] for c in checks),
            "mismatches": [m for c in checks for m in c["mismatches"]][:10],
            "equal": all(c["equal"] for c in checks),
        }
    if name == "commune_work_lists":
        return check_work_lists_against_floor(ctx, output)
    return None


def check_work_lists_against_floor(ctx: Context, output) -> dict:
    """What the work lists page shows, as its view computes it (plan_tracker.metrics, the
    approval of the province's year), against the floor's: the commune's figures, both lists
    in order with their counts (the reports due soon and overdue too), the approval state."""
    from localities.selectors import Frame
    from plan_tracker import metrics
    from plan_tracker.approvals import State, states_for
    from plan_tracker.dashboards.views import WORK_LIST_LIMIT

    frame, place = Frame.nation(), ctx.commune
    mismatches = []
    for year, figures in output["figures"].items():
        table = metrics.compliance_table(
            frame, year=year, as_of=ctx.as_of, plan=ctx.plan, level="commune", locality=place
        )
        mine = table.rows[0].values
        for column, value in floors_dicts(figures)[0].items():
            if column in ("locality_code", "locality_name"):
                continue
            theirs = mine.get(column)
            if (None if value is None else float(value)) != (
                None if theirs is None else float(theirs)
            ):
                mismatches.append(("figures", year, column, value, theirs))
    never = metrics.never_inspected_list(
        frame, locality=place, plan=ctx.plan, as_of=ctx.as_of, limit=WORK_LIST_LIMIT
    )
    todo = metrics.reports_to_handle_list(
        frame, locality=place, as_of=ctx.as_of, limit=WORK_LIST_LIMIT
    )
    rows = {"establishment": [], "report": [], "approval": []}
    for row in output["lists"]:
        rows[row[0]].append(row)
    page = {
        "never": [e.code for e in never.rows],
        "never_count": never.count,
        "todo": [r.reference for r in todo.rows],
        "todo_counts": (todo.count, todo.counts["due_soon"], todo.counts["overdue"]),
    }
    approval = states_for(plan=ctx.plan, year=ctx.year, province_ids=[place.province_id])
    state = approval.get(place.province_id)
    page["approval"] = state.state if state else State.NOT_SUBMITTED
    floor = {
        "never": [row[2] for row in rows["establishment"]],
        "never_count": rows["establishment"][0][5] if rows["establishment"] else 0,
        "todo": [row[2] for row in rows["report"]],
        "todo_counts": tuple(rows["report"][0][5:8]) if rows["report"] else (0, 0, 0),
        "approval": rows["approval"][0][2] if rows["approval"] else State.NOT_SUBMITTED,
    }
    mismatches += [(key, floor[key], page[key]) for key in page if page[key] != floor[key]]
    return {
        "rows": len(output["lists"]) + sum(len(f) for f in output["figures"].values()),
        "mismatches": [str(m)[:200] for m in mismatches[:10]],
        "equal": not mismatches,
    }


def floors_dicts(rows):
    from bench import floors

    return floors.as_dicts(rows)


def measure_as_of_views(
    ctx: Context, *, warmup: int, repeat: int, heavy_repeat: int, only, floors: bool, echo
) -> list[Measure]:
    """Every page of AS_OF_PAGES under every view of as_of_views: the page, its floors and the
    check that their figures are equal; page / default view of the same page in this run."""
    results = []
    defaults = {}
    for view in as_of_views(ctx):
        seen = dataclasses.replace(
            ctx, year=view.year, as_of=view.as_of, asked=view.name != "default"
        )
        for page in AS_OF_PAGES:
            if only and page.name not in only:
                continue
            echo(f"  {page.label}, {view.label} ({view.year} as of {view.as_of:%d/%m/%Y}) …")
            reps = heavy_repeat if page.heavy else repeat
            try:
                result = measure_page(page, seen, warmup=warmup, repeat=reps)
                if floors and result.status == "ok":
                    output = measure_floor(result, seen, warmup=warmup, repeat=reps)
                    if output is not None:
                        result.checks["figures_equal_floor"] = check_page_against_floor(
                            seen, page.name, output
                        )
            except Exception as error:  # noqa: BLE001 - one broken page must not stop the others
                result = Measure(page.name, page.label, status="error", note=repr(error)[:300])
            result.view = view.name
            result.year = view.year
            result.as_of = view.as_of.isoformat()
            if view.name == "default":
                defaults[page.name] = result.median_ms
            default = defaults.get(page.name)
            if result.median_ms and default:
                result.default_ratio = round(result.median_ms / default, 2)
            results.append(result)
    return results


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
