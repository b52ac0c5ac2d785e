"""The benchmark's report: the figures of a run gathered in one dict, printed as a table and
written as bench/out/results-<scale>.json."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from bench.context import Context


def make_report(
    ctx: Context,
    results,
    load_results,
    explain,
    *,
    warmup: int,
    repeat: int,
    heavy_repeat: int,
    load_before,
    views=(),
) -> dict:
    """The run's figures; `load_before` is os.getloadavg() when the run began."""
    from django.db import connection

    return {
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
        "as_of_views": [asdict(r) for r in views],
        "load": (
            {"cores": os.cpu_count(), "runs": [asdict(r) for r in load_results]}
            if load_results
            else None
        ),
        "national_main_query": explain,
    }


def write_report(report: dict, out_dir: Path) -> Path:
    """Writes the report as results-<scale>.json in out_dir; returns its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"results-{float(report['scale'])}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    return path


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


def format_views(views) -> list[str]:
    """The as-of variants: each page per view, its floors, page / default and the check."""
    if not views:
        return []
    lines = [
        "",
        "As-of variants (page / default: the same page's default view in this run):",
        "",
        "| page | view | year | as of | median ms | SQL | SQL ms | floor ms | page/floor "
        "| summary floor ms | page/summary floor | page/default | figures = floor |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for page in views:
        if page["status"] != "ok":
            lines.append(
                f"| {page['label']} | {page['view']} | {page['year']} | {page['as_of']} "
                f"| {page['status']}: {page['note']} ||||||||"
            )
            continue
        check = page.get("checks", {}).get("figures_equal_floor")
        verdict = "—" if not check else ("equal" if check["equal"] else "DIFFER")
        lines.append(
            "| {label} | {view} | {year} | {as_of} | {med} | {q} | {sql} | {fl} | {ratio} | {sfl} "
            "| {sratio} | {dratio} | {verdict} |".format(
                label=page["label"],
                view=page["view"],
                year=page["year"],
                as_of=page["as_of"],
                med=_fmt(page["median_ms"]),
                q=_fmt(page["queries"]),
                sql=_fmt(page.get("sql_median_ms")),
                fl=_fmt(page["floor_median_ms"]),
                ratio=_fmt(page["ratio"]),
                sfl=_fmt(page.get("summary_floor_median_ms")),
                sratio=_fmt(page.get("summary_ratio")),
                dratio=_fmt(page.get("default_ratio")),
                verdict=verdict,
            )
        )
    for page in views:
        check = page.get("checks", {}).get("figures_equal_floor")
        if check and not check["equal"]:
            lines.append(f"{page['label']} ({page['view']}) differs: {check['mismatches']}")
    return lines


def format_load(load: dict | None) -> list[str]:
    """The mixed load: each run's figures per kind, then how they scale with the workers."""
    if not load or not load["runs"]:
        return []
    runs = load["runs"]
    first = runs[0]
    kinds = [(k["name"], k["short"]) for k in first["kinds"]]
    limit = f"{first['limit_seconds']} s"
    if first["limit_requests"]:
        limit += f" or {first['limit_requests']} reads and writes"
    lines = [
        "",
        f"Reads and writes under load — {first['clients']} clients, {first['reads_per_write']} "
        f"reads for each write, seed {first['seed']}, {limit} per run; "
        f"this machine has {load['cores']} cores (os.cpu_count()):",
        "",
        "| workers | kind | as | count | per s | median ms | p95 ms | max ms | errors |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        for kind in run["kinds"]:
            lines.append(
                f"| {run['workers']} | {kind['label']} | {kind['user']} | {kind['count']} "
                f"| {kind['per_second']} | {_fmt(kind['median_ms'])} | {_fmt(kind['p95_ms'])} "
                f"| {_fmt(kind['max_ms'])} | {kind['errors']} |"
            )
    lines += [
        "",
        f"Scaling with gunicorn workers ({first['threads']} thread each); requests/s = reads and "
        "recordings per second (a recording is 2 HTTP requests); with "
        f"{load['cores']} cores, the workers beyond {load['cores']} share them:",
        "",
        "| workers | requests/s | HTTP requests/s | "
        + " | ".join(f"p95 {label} ms" for _, label in kinds)
        + " | errors | rows saved | rows lost | rows extra |",
        "| ---: | ---: | ---: | "
        + " | ".join("---:" for _ in kinds)
        + " | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        p95 = {k["name"]: k["p95_ms"] for k in run["kinds"]}
        lines.append(
            f"| {run['workers']} | {run['per_second']} | {run['http_per_second']} | "
            + " | ".join(_fmt(p95.get(name)) for name, _ in kinds)
            + f" | {run['errors']} | {run['rows_expected']} | {run['lost_rows']} "
            f"| {run['extra_rows']} |"
        )
    for run in runs:
        if run["error_samples"]:
            lines.append(f"  {run['workers']} workers, first errors: {run['error_samples']}")
    return lines


def format_table(report: dict) -> str:
    header = (
        "| page | median ms | p95 ms | SQL | SQL ms | tracemalloc MiB | RSS Δ MiB "
        "| floor median ms | page/floor | summary floor ms | page/summary floor | size "
        "| gzip size |"
    )
    lines = [
        f"Scale {report['scale']} — {report['date']} — {report['machine']} — {report['database']}"
        f" — load average {report.get('load_average')}",
    ]
    if report["pages"]:
        lines += [
            "",
            header,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
            "| ---: |",
        ]
    for page in report["pages"]:
        if page["status"] != "ok":
            lines.append(f"| {page['label']} | {page['status']}: {page['note']} ||||||||||||")
            continue
        lines.append(
            "| {label} | {med} | {p95} | {q} | {sql} | {tm} | {rss} | {fl} | {ratio} | {sfl} "
            "| {sratio} | {size} | {wire} |".format(
                label=page["label"],
                med=_fmt(page["median_ms"]),
                p95=_fmt(page["p95_ms"]),
                q=_fmt(page["queries"]),
                sql=_fmt(page.get("sql_median_ms")),
                tm=_fmt(page["tracemalloc_peak_mib"]),
                rss=_fmt(page["rss_peak_delta_mib"]),
                fl=_fmt(page["floor_median_ms"]),
                ratio=_fmt(page["ratio"]),
                sfl=_fmt(page.get("summary_floor_median_ms")),
                sratio=_fmt(page.get("summary_ratio")),
                size=_fmt(page["size"], ","),
                wire=_fmt(page.get("wire_size"), ","),
            )
        )
    for page in report["pages"]:
        check = page.get("checks", {}).get("figures_equal_floor")
        if check:
            verdict = "equal" if check["equal"] else f"DIFFER: {check['mismatches']}"
            lines.append(f"\n{page['label']}, page vs floor ({check['rows']} rows): {verdict}")
    for page in report["pages"]:
        same = page.get("checks", {}).get("summary_floor_equals_floor")
        if same is not None:
            lines.append(
                f"{page['label']}: figures from the summary = figures over the inspections: {same}"
            )
    lines += format_views(report.get("as_of_views") or [])
    lines += format_load(report.get("load"))
    explain = report.get("national_main_query")
    if explain:
        lines += [
            "",
            f"The national dashboard's main query ({explain['statements']} statements for its "
            "table), EXPLAIN (ANALYZE, BUFFERS):",
            explain["plan"],
        ]
    return "\n".join(lines)
