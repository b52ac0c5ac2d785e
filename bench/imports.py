"""The import's measurement: a generated file of new inspections, imported through exchange's
engine, then rolled back so the data set stays as generated."""

from __future__ import annotations

import csv
import datetime
import random
from pathlib import Path

from bench.context import Context, inspected_days, vacuum
from bench.measure import Measure, fill, measure

IMPORT_MARKER = "bench-import"


def write_import_file(ctx: Context, rows: int, *, seed: int = 5) -> Path:
    """`rows` inspections of the data set's establishments on days none of them has one:
    within each establishment's life, never in the future. The columns are the import
    template's, in its order (bench/floors.py's COPY of the file names them in that order)."""
    from bench.dataset import FIRST_DAY, PREFIX
    from exchange.kinds import KINDS
    from localities.models import Establishment

    rng = random.Random(seed)
    today = ctx.as_of
    candidates = list(
        Establishment.objects.filter(code__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", "code", "opened_on", "closed_on")
    )
    per_establishment = max(1, -(-rows // max(1, len(candidates))))
    path = ctx.workdir / f"import-inspections-{rows}.csv"
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=KINDS["inspections"].import_columns)
        writer.writeheader()
        step = 2000
        for start in range(0, len(candidates), step):
            block = candidates[start : start + step]
            taken = inspected_days([c[0] for c in block])
            for pk, code, opened, closed in block:
                lo = max(FIRST_DAY, opened or FIRST_DAY)
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
                                {
                                    "establishment_code": code,
                                    "inspected_on": day.strftime("%d/%m/%Y"),
                                    "team": rng.choice(["police", "interagency"]),
                                    "outcome": "violation" if violation else "no_violation",
                                    "fine_vnd": (
                                        rng.choice([2_000_000, 5_000_000]) if violation else 0
                                    ),
                                    "violations": "Không đăng ký lưu trú" if violation else "",
                                    "notes": IMPORT_MARKER,
                                }
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


def measure_import(page, ctx: Context, *, warmup: int, repeat: int) -> Measure:
    """The import page's figures (`page`: its entry in bench.pages.PAGES)."""
    result = Measure(page.name, f"Import {ctx.import_rows:,} inspections")
    if ctx.import_file is None:
        ctx.import_file = write_import_file(ctx, ctx.import_rows)
    user = ctx.users[page.user]
    # Each run starts from the data set as generated: the rows a rolled-back run leaves dead
    # (in the table, its indexes and the summaries) are vacuumed away before the next, as
    # they would never be there for a real import, which commits once.
    times, queries, peak, rss, rows, sql_times = measure(
        lambda: run_import(ctx.import_file, user), warmup=warmup, repeat=repeat, between=vacuum
    )
    vacuum()
    fill(result, times, queries, peak, rss, sql_times)
    result.size = rows
    result.note = f"exchange.imports.import_file on {ctx.import_file.name}, rolled back"
    return result
