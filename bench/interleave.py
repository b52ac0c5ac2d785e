#!/usr/bin/env python
"""Two databases measured in one interleaved run (e.g. five and ten years of data): each page
and as-of view timed in turns on both, so the machine's drift weighs on both alike.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pt_bench \\
        .venv/bin/python bench/interleave.py --second pt_bench10

Two runs of bench/run.py made minutes apart can disagree by 1.5x for the same page, as the
noise of the machine drifts over minutes; set side by side (bench/compare.py), they cannot tell
a 1.3x difference between the data sets. Here one process requests each page (the dashboards,
a commune's work lists, the charts, the compliance CSV, under every as-of view of
bench/pages.py) on the first database (DATABASE_URL's) and on the second (--second, on the
same server) in turns: warm-up on each, then --rounds rounds, each one timed request on each
database, the first of the pair alternating from round to round. Between two requests the
connection is closed and opened on the other database, untimed, and `current_database()` says
which one it reached.

For each page and view: the median time on each database, the ratio of the medians, the median
of the rounds' ratios (each round's two requests made seconds apart), and the SQL statements of
one request on each, which must be equal. The pages are requests through Django's test client
with the production-like settings of bench/run.py (DEBUG off), as the bench users bench/run.py
creates: run it once on each database first. Nothing is written to the data: the context is
read in a transaction rolled back, and the sessions logged in are ended at the end.

Prints a table and, with --out DIR, writes DIR/interleave-<first>-<second>.json.

Without --second, the targets that compare a page with another measure on the same database,
interleaved alike: each page under each as-of view against its default view (the same page,
the same data) and against its floor (bench/floors.py, the same figures in hand-written SQL):
every round one timed request of the default view, one of the view and one run of the view's
floor, the order rotating from round to round. With `--only import_inspections` (alone or
beside pages), the import of bench/run.py (100,000 × scale inspections, rolled back) against its
floor (COPY and one INSERT … SELECT, rolled back) alike: every round one import and one floor,
the first alternating, each followed by a VACUUM of the tables they wrote (untimed), so every
run starts from the data set as generated. Writes DIR/interleave-views-<database>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Run as a script, the project's root is not on the path until the lines above put it there.
from bench.context import Context, make_context  # noqa: E402
from bench.measure import time_runs  # noqa: E402
from bench.pages import AS_OF_PAGES, PAGES, as_of_views, fetch, page_url  # noqa: E402
from bench.report import machine  # noqa: E402

DEFAULT_ONLY = [page.name for page in AS_OF_PAGES]
IMPORT = "import_inspections"


def use_database(name: str) -> None:
    """Connects Django's connection to the database `name` of the same server, and checks that
    it did. An in-memory SQLite database is kept as it is (closing it would drop it): there is
    nothing to switch to."""
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        if name != connection.settings_dict["NAME"]:
            raise ValueError(f"an in-memory SQLite database cannot switch to {name!r}")
        return
    connection.close()
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            reached = cursor.fetchone()[0]
        if reached != name:
            raise RuntimeError(f"connected to {reached!r}, not {name!r}")


def read_context(**kwargs) -> Context:
    """bench/context.py's make_context, in a transaction rolled back: make_context saves the
    bench users' passwords and assignments, and the databases compared must not change. The
    users must be there already (bench/run.py creates them)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    with transaction.atomic():
        ctx = make_context(**kwargs)
        transaction.set_rollback(True)
    shutil.rmtree(ctx.workdir, ignore_errors=True)
    # Read again as stored: the rolled-back passwords must not be the ones logged in with (a
    # session keeps a hash of the password, and one that differs from the row's is refused).
    stored = get_user_model().objects.in_bulk([user.pk for user in ctx.users.values()])
    missing = [
        user.username
        for user in ctx.users.values()
        if user.pk not in stored or stored[user.pk].username != user.username
    ]
    if missing:
        raise RuntimeError(
            f"{connection.settings_dict['NAME']} has no {', '.join(missing)}: "
            "run bench/run.py on it once"
        )
    ctx.users = {key: stored[user.pk] for key, user in ctx.users.items()}
    return ctx


@contextlib.contextmanager
def last_login_kept():
    """Logging in leaves the users' last_login as it was (the data are not changed)."""
    from django.contrib.auth.models import update_last_login
    from django.contrib.auth.signals import user_logged_in

    disconnected = user_logged_in.disconnect(dispatch_uid="update_last_login")
    try:
        yield
    finally:
        if disconnected:
            user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")


@dataclass
class Side:
    """One of the two databases: its name, its context (the pks of its province, commune and
    users are its own) and a logged-in test client per user."""

    database: str
    ctx: Context
    clients: dict = field(default_factory=dict)


def open_side(database: str, users, **context_kwargs) -> Side:
    from django.test import Client

    use_database(database)
    ctx = read_context(**context_kwargs)
    side = Side(database, ctx)
    with last_login_kept():
        for user in users:
            client = Client()
            client.force_login(ctx.users[user])
            side.clients[user] = client
    return side


def close_side(side: Side) -> None:
    """Ends the sessions the side's clients logged in with (their rows are deleted)."""
    use_database(side.database)
    for client in side.clients.values():
        client.logout()


@dataclass
class Measured:
    """A page under one view, and whether it could be measured."""

    name: str
    label: str
    view: str
    year: int | None = None
    as_of: str | None = None
    status: str = "ok"
    note: str = ""

    def failed(self, error: Exception) -> None:
        self.status = "error"
        self.note = repr(error)[:300]


@dataclass
class Row(Measured):
    """A page under one view on both databases."""

    urls: list = field(default_factory=list)
    times_ms: list = field(default_factory=lambda: [[], []])
    median_ms: list = field(default_factory=lambda: [None, None])
    ratio: float | None = None  # median on the second / median on the first
    round_ratio: float | None = None  # the median of the rounds' ratios second / first
    queries: list = field(default_factory=lambda: [None, None])
    queries_equal: bool | None = None


def pages_and_views(sides, only):
    """(page, {side index: the side's context for the view}, view name) for every page of
    `only` under every as-of view both databases have; a page that reads no as-of date, under
    the default view alone."""
    views = [{v.name: v for v in as_of_views(side.ctx)} for side in sides]
    names = [name for name in views[0] if all(name in v for v in views[1:])]
    for page in [*PAGES, *(p for p in AS_OF_PAGES if p not in PAGES)]:
        if page.name not in only or page.url_name is None:
            continue
        for name in names if page in AS_OF_PAGES else ["default"]:
            seen = [
                dataclasses.replace(
                    side.ctx,
                    year=view[name].year,
                    as_of=view[name].as_of,
                    asked=name != "default",
                )
                for side, view in zip(sides, views, strict=True)
            ]
            yield page, seen, name


def statements(client, url, *, stream) -> int:
    """The SQL statements of the page: the fewer of two requests in a row. A request that
    renews the session (at most once a minute, plan_tracker/sessions.py) also writes it, and the
    next one cannot renew it again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            fetch(client, url, stream=stream)
        counts.append(len(captured.captured_queries))
    return min(counts)


def in_turns(calls, *, rounds: int, before=None, between=None) -> list[list[float]]:
    """The times (ms) of `rounds` runs of each of `calls`, taken in turns: every round runs each
    call once, starting one further along than the round before, so that none is always
    measured right after the same other. `before(index)` runs untimed before a call (e.g. a
    reconnection), `between` untimed after it (e.g. a VACUUM)."""
    times = [[] for _ in calls]
    for turn in range(rounds):
        for step in range(len(calls)):
            index = (turn + step) % len(calls)
            if before is not None:
                before(index)
            times[index] += time_runs(calls[index], warmup=0, repeat=1, between=between)
    return times


def _ratio_of_medians(numerators, denominators) -> float:
    return round(statistics.median(numerators) / statistics.median(denominators), 2)


def _median_ratio(numerators, denominators) -> float:
    """The median of the rounds' ratios: each round's two measures were taken seconds apart."""
    return round(statistics.median(a / b for a, b in zip(numerators, denominators, strict=True)), 2)


def _table(header: list[str], aligns: list[str], rows, lead, cells) -> str:
    """A Markdown table of measured rows: each row's `lead` cells, then its `cells`, or, for a
    row that could not be measured, why not."""
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(aligns) + " |"]
    for row in rows:
        measured = cells(row) if row.status == "ok" else [f"{row.status}: {row.note}"]
        lines.append("| " + " | ".join(str(cell) for cell in [*lead(row), *measured]) + " |")
    return "\n".join(lines)


def interleave(sides, *, only=DEFAULT_ONLY, rounds: int = 15, warmup: int = 2, echo=print):
    """The rows of the comparison of sides[1] against sides[0]."""
    rows = []
    for page, seen, view in pages_and_views(sides, only):
        row = Row(page.name, page.label, view, seen[0].year, seen[0].as_of.isoformat())
        echo(f"  {page.label}, {view} …")
        try:
            calls = []
            for index, side in enumerate(sides):
                url = page_url(page, seen[index])
                client = side.clients[page.user]
                row.urls.append(url)
                use_database(side.database)
                status, _ = fetch(client, url, stream=page.stream)
                if status != 200:
                    raise RuntimeError(f"GET {url} on {side.database} answered {status}")
                call = functools.partial(fetch, client, url, stream=page.stream)
                time_runs(call, warmup=warmup, repeat=0)
                row.queries[index] = statements(client, url, stream=page.stream)
                calls.append(call)
            # The first of the pair alternates: neither database is always second.
            row.times_ms = in_turns(
                calls, rounds=rounds, before=lambda index: use_database(sides[index].database)
            )
        except Exception as error:  # noqa: BLE001 - one broken page must not stop the others
            row.failed(error)
            rows.append(row)
            continue
        row.median_ms = [round(statistics.median(t), 1) for t in row.times_ms]
        row.times_ms = [[round(t, 2) for t in times] for times in row.times_ms]
        first, second = row.times_ms
        row.ratio = _ratio_of_medians(second, first)
        row.round_ratio = _median_ratio(second, first)
        row.queries_equal = row.queries[0] == row.queries[1]
        rows.append(row)
    return rows


@dataclass
class ViewRow(Measured):
    """A page under one view against its default view and its floor, measured in turns."""

    # The times of the default view, of this view, and of this view's floor.
    times_ms: list = field(default_factory=lambda: [[], [], []])
    median_ms: list = field(default_factory=lambda: [None, None, None])
    default_ratio: float | None = None  # view / default view (medians)
    round_default_ratio: float | None = None  # the median of the rounds' view / default
    floor_ratio: float | None = None  # view / its floor (medians)
    round_floor_ratio: float | None = None  # the median of the rounds' view / floor


def views_against_default_and_floor(side, *, only, rounds: int, warmup: int, echo=print):
    """The rows of every page of `only` under every as-of view; the default view's row sets
    it against itself, which shows how far two requests of one page differ on this machine."""
    from bench.pages import floor_call, floor_connection

    rows = []
    for page, (seen,), view in pages_and_views([side], only):
        if page not in AS_OF_PAGES:
            continue
        default = dataclasses.replace(seen, year=side.ctx.year, as_of=side.ctx.as_of, asked=False)
        row = ViewRow(page.name, page.label, view, seen.year, seen.as_of.isoformat())
        echo(f"  {page.label}, {view} …")
        try:
            client = side.clients[page.user]
            calls = []
            for ctx in (default, seen):
                url = page_url(page, ctx)
                status, _ = fetch(client, url, stream=page.stream)
                if status != 200:
                    raise RuntimeError(f"GET {url} answered {status}")
                calls.append(functools.partial(fetch, client, url, stream=page.stream))

            def floor(ctx=seen, name=page.name):
                # Taken afresh each time: a request may have closed Django's connection.
                return floor_call(name, ctx, floor_connection())()

            calls.append(floor)
            for call in calls:
                time_runs(call, warmup=warmup, repeat=0)
            row.times_ms = in_turns(calls, rounds=rounds)
        except Exception as error:  # noqa: BLE001 - one broken page must not stop the others
            row.failed(error)
            rows.append(row)
            continue
        row.median_ms = [round(statistics.median(t), 1) for t in row.times_ms]
        default_ms, view_ms, floor_ms = row.times_ms
        row.default_ratio = _ratio_of_medians(view_ms, default_ms)
        row.round_default_ratio = _median_ratio(view_ms, default_ms)
        row.floor_ratio = _ratio_of_medians(view_ms, floor_ms)
        row.round_floor_ratio = _median_ratio(view_ms, floor_ms)
        row.times_ms = [[round(t, 2) for t in times] for times in row.times_ms]
        rows.append(row)
    return rows


@dataclass
class FloorRow(Measured):
    """A measure without as-of views (the import) against its floor, measured in turns."""

    # The times of the measure and of its floor.
    times_ms: list = field(default_factory=lambda: [[], []])
    median_ms: list = field(default_factory=lambda: [None, None])
    floor_ratio: float | None = None  # the measure / its floor (medians)
    round_floor_ratio: float | None = None  # the median of the rounds' measure / floor


def import_against_floor(side, *, rounds: int, warmup: int, echo=print) -> FloorRow:
    """The import of ctx.import_rows inspections (rolled back) and its floor, in turns; the
    tables they wrote are vacuumed after each, untimed."""
    from bench.context import vacuum
    from bench.imports import run_import, write_import_file
    from bench.pages import floor_call, floor_connection

    page = next(page for page in PAGES if page.name == IMPORT)
    row = FloorRow(page.name, f"Import {side.ctx.import_rows:,} inspections", "default")
    echo(f"  {row.label} …")
    workdir = Path(tempfile.mkdtemp(prefix="pt-bench-import-"))
    try:
        ctx = dataclasses.replace(side.ctx, workdir=workdir)
        ctx.import_file = write_import_file(ctx, ctx.import_rows)
        user = ctx.users[page.user]

        def floor():
            # Taken afresh each time: the vacuum may have closed Django's connection.
            return floor_call(page.name, ctx, floor_connection())()

        calls = [functools.partial(run_import, ctx.import_file, user), floor]
        for call in calls:
            time_runs(call, warmup=warmup, repeat=0, between=vacuum)
        # The first of the pair alternates: neither is always measured after the other.
        row.times_ms = in_turns(calls, rounds=rounds, between=vacuum)
    except Exception as error:  # noqa: BLE001 - reported in its row, like a page's
        row.failed(error)
        return row
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    row.median_ms = [round(statistics.median(t), 1) for t in row.times_ms]
    measure_ms, floor_ms = row.times_ms
    row.floor_ratio = _ratio_of_medians(measure_ms, floor_ms)
    row.round_floor_ratio = _median_ratio(measure_ms, floor_ms)
    row.times_ms = [[round(t, 2) for t in times] for times in row.times_ms]
    return row


def format_floor_rows(rows) -> str:
    return _table(
        [
            "measure",
            "median ms",
            "median ms floor",
            "measure / floor (medians)",
            "median of rounds' measure / floor",
        ],
        ["---", "---:", "---:", "---:", "---:"],
        rows,
        lambda row: [row.label],
        lambda row: [*row.median_ms, row.floor_ratio, row.round_floor_ratio],
    )


def format_view_rows(rows) -> str:
    return _table(
        [
            "page",
            "view",
            "median ms default",
            "median ms view",
            "median ms floor",
            "view / default (medians)",
            "median of rounds' view / default",
            "view / floor (medians)",
            "median of rounds' view / floor",
        ],
        ["---", "---", *["---:"] * 7],
        rows,
        lambda row: [row.label, row.view],
        lambda row: [
            *row.median_ms,
            row.default_ratio,
            row.round_default_ratio,
            row.floor_ratio,
            row.round_floor_ratio,
        ],
    )


def format_rows(rows, databases) -> str:
    a, b = databases
    return _table(
        [
            "page",
            "view",
            f"median ms {a}",
            f"median ms {b}",
            f"{b} / {a} (medians)",
            f"median of rounds' {b} / {a}",
            f"SQL {a}",
            f"SQL {b}",
        ],
        ["---", "---", *["---:"] * 6],
        rows,
        lambda row: [row.label, row.view],
        lambda row: [*row.median_ms, row.ratio, row.round_ratio, *row.queries],
    )


def git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def make_report(sides, rows, *, rounds, warmup, load_before, floor_rows=()) -> dict:
    report = {
        "kind": "interleaved" if len(sides) == 2 else "views interleaved",
        "databases": [side.database for side in sides],
        "scale": [side.ctx.scale for side in sides],
        "date": sides[0].ctx.as_of.isoformat(),
        "commit": git_commit(),
        "machine": machine(),
        # Other work on the machine skews the timings: the 1-minute load average at both ends.
        "load_average": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "year": [side.ctx.year for side in sides],
        "province": [f"{s.ctx.province.code} {s.ctx.province.name}" for s in sides],
        "commune": [f"{s.ctx.commune.code} {s.ctx.commune.name}" for s in sides],
        "warmup": warmup,
        "rounds": rounds,
        "rows": [dataclasses.asdict(row) for row in rows],
    }
    if floor_rows:
        report["floor_rows"] = [dataclasses.asdict(row) for row in floor_rows]
    if len(sides) == 2:
        report["sql_equal"] = all(row.queries_equal for row in rows if row.status == "ok")
    return report


def run(
    first: str,
    second: str | None = None,
    *,
    only=DEFAULT_ONLY,
    rounds: int = 15,
    warmup: int = 2,
    province_code: str | None = None,
    import_rows: int | None = None,
    out_dir: Path | None = None,
    echo=print,
) -> dict:
    """With `second`: each page and view on both databases in turns. Without: each page under
    each as-of view in turns with its default view and its floor, on `first`, and the import
    (when `only` names it) in turns with its floor."""
    load_before = os.getloadavg()
    names = [first] if second is None else [first, second]
    measured = AS_OF_PAGES if second is None else [*PAGES, *AS_OF_PAGES]
    users = sorted({page.user for page in measured if page.name in only})
    sides = [
        open_side(name, users, province_code=province_code, import_rows=import_rows)
        for name in names
    ]
    floor_rows = []
    try:
        for side in sides:
            ctx = side.ctx
            echo(
                f"{side.database}: scale {ctx.scale}, year {ctx.year}, as of "
                f"{ctx.as_of:%d/%m/%Y}, province {ctx.province.code}, commune {ctx.commune.code}"
            )
        if second is None:
            rows = views_against_default_and_floor(
                sides[0], only=only, rounds=rounds, warmup=warmup, echo=echo
            )
            if IMPORT in only:
                floor_rows.append(
                    import_against_floor(sides[0], rounds=rounds, warmup=warmup, echo=echo)
                )
        else:
            rows = interleave(sides, only=only, rounds=rounds, warmup=warmup, echo=echo)
    finally:
        for side in sides:
            close_side(side)
        use_database(first)
    report = make_report(
        sides, rows, rounds=rounds, warmup=warmup, load_before=load_before, floor_rows=floor_rows
    )
    echo(f"load average: {report['load_average'][0]} → {report['load_average'][1]}")
    if second is None:
        if rows:
            echo(format_view_rows(rows))
        if floor_rows:
            echo(format_floor_rows(floor_rows))
        filename = f"interleave-views-{first}.json"
    else:
        echo(format_rows(rows, report["databases"]))
        echo("SQL statements equal on both." if report["sql_equal"] else "SQL statements DIFFER.")
        filename = f"interleave-{first}-{second}.json"
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / filename
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        echo(f"Wrote {path}")
    return report


def main(argv=None):
    from bench.run import setup_django

    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--second",
        help="the database compared with DATABASE_URL's (without it: each as-of view against "
        "its default view and its floor, on DATABASE_URL's)",
    )
    parser.add_argument("--rounds", type=int, default=15, help="timed requests on each")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests on each first")
    parser.add_argument(
        "--only",
        default=",".join(DEFAULT_ONLY),
        help=f"comma-separated page names (default: %(default)s); without --second, {IMPORT} too",
    )
    parser.add_argument("--province", help="province code (default: the largest)")
    parser.add_argument("--out", type=Path, help="write the JSON in this folder")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    run(
        connection.settings_dict["NAME"],
        args.second,
        only=args.only.split(","),
        rounds=args.rounds,
        warmup=args.warmup,
        province_code=args.province,
        out_dir=args.out,
    )


if __name__ == "__main__":
    main()
