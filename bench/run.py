#!/usr/bin/env python
"""The benchmark of Plan Tracker's pages, against the national data set on PostgreSQL.

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

Then the as-of variants: the dashboards, a commune's work lists, the charts and the compliance
CSV for the default view, 2024 as of 30/06/2024, 2023 as of 01/03/2023 and the running year,
each with its floors, the check that page and floor give the same figures, and page / default.

Then reads and writes under load (bench/load.py): gunicorn on 127.0.0.1, N concurrent clients
mixing reads of the dashboards and the work lists, each as a user who may see them, with
inspections recorded through the real form (GET it, POST it with its CSRF token), e.g. three
reads for each write, for a fixed time; per kind count, median, p95, max, errors; a check that
every recording answered as saved is in the database and no other row is (they are deleted
afterwards, like the import's). Against 1, 2, 3 and 4 gunicorn workers in turn, each a fresh
server with the same seed: how far it scales.

Pages are requests through Django's test client in this process (the whole stack but the
socket: middleware, sessions, views, templates, streaming), with DEBUG off.

Prints a table and writes bench/out/results-<scale>.json (the modules: bench/__init__.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Run as a script, the project's root is not on the path until the lines above put it there.
from bench.context import SERVER_ENVIRONMENT, collect_static, make_context  # noqa: E402
from bench.load import measure_load  # noqa: E402
from bench.pages import explain_national, measure_as_of_views, measure_pages  # noqa: E402
from bench.report import format_table, make_report, write_report  # noqa: E402


def setup_django():
    """Production-like settings (DEBUG off) unless the caller chose otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plan_tracker.settings")
    for name, value in SERVER_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    collect_static()
    import django

    django.setup()


def run(
    *,
    warmup: int = 1,
    repeat: int = 5,
    heavy_repeat: int = 3,
    only: list[str] | None = None,
    pages: bool = True,
    floors: bool = True,
    views: bool = True,
    load: bool = True,
    load_clients: int = 8,
    load_seconds: float = 60,
    load_requests: int | None = None,
    load_workers: tuple[int, ...] = (1, 2, 3, 4),
    reads_per_write: int = 3,
    load_seed: int = 11,
    port: int = 8105,
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
    if pages:
        results = measure_pages(
            ctx,
            warmup=warmup,
            repeat=repeat,
            heavy_repeat=heavy_repeat,
            only=only,
            floors=floors,
            echo=echo,
        )

    view_results = []
    if pages and views:
        echo("  As-of variants …")
        view_results = measure_as_of_views(
            ctx,
            warmup=warmup,
            repeat=repeat,
            heavy_repeat=heavy_repeat,
            only=only,
            floors=floors,
            echo=echo,
        )

    explain = None
    if pages and floors and (not only or "national_dashboard" in only):
        explain = explain_national(ctx)

    load_results = []
    if load:
        echo(f"  Reads and writes under load ({load_clients} clients) …")
        load_results = measure_load(
            ctx,
            clients=load_clients,
            seconds=load_seconds,
            requests=load_requests,
            port=port,
            workers=list(load_workers),
            threads=threads,
            reads_per_write=reads_per_write,
            seed=load_seed,
            echo=echo,
        )

    report = make_report(
        ctx,
        results,
        load_results,
        explain,
        warmup=warmup,
        repeat=repeat,
        heavy_repeat=heavy_repeat,
        load_before=load_before,
        views=view_results,
    )
    if ctx.workdir.name.startswith("pt-bench-"):
        shutil.rmtree(ctx.workdir, ignore_errors=True)  # the generated import file
    echo(format_table(report))
    if out_dir is not None:
        path = write_report(report, out_dir)
        echo(f"Wrote {path}")
    return report


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
    parser.add_argument(
        "--load-only", action="store_true", help="the load test alone: no page measured"
    )
    parser.add_argument(
        "--no-as-of", action="store_true", help="skip the as-of variants of the dashboards"
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60, help="load test: each run's length")
    parser.add_argument(
        "--requests", type=int, help="load test: at most this many reads and writes per run"
    )
    parser.add_argument(
        "--reads-per-write",
        type=int,
        default=3,
        help="load test: reads for each write (0: writes only)",
    )
    parser.add_argument("--load-seed", type=int, default=11, help="load test: the mix's seed")
    parser.add_argument(
        "--load-workers",
        default="1,2,3,4",
        help="load test: gunicorn workers of each run, comma-separated",
    )
    parser.add_argument("--port", type=int, default=8105)
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
        pages=not args.load_only,
        floors=not args.no_floors,
        views=not args.no_as_of,
        load=not args.no_load,
        load_clients=args.clients,
        load_seconds=args.seconds,
        load_requests=args.requests,
        load_workers=tuple(int(n) for n in args.load_workers.split(",")),
        reads_per_write=args.reads_per_write,
        load_seed=args.load_seed,
        port=args.port,
        threads=args.threads,
        import_rows=args.import_rows,
        province_code=args.province,
        out_dir=Path(args.out),
    )


if __name__ == "__main__":
    main()
