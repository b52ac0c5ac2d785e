"""Measuring one piece of work: its time over repetitions after a warm-up, the SQL statements
it sends, and the peak memory of one instrumented run; `Measure` holds one page's figures."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from dataclasses import dataclass, field


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
    """Counts the statements sent through Django's connection (execute and executemany), and
    the time spent in them: from sending a statement to having its whole answer (the driver's
    cursor reads every row before it returns), i.e. the database's part of a request.

    The same number CaptureQueriesContext gives, without keeping every statement's text, which
    would itself take memory on an import."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


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
    wire_size: int | None = None  # bytes of the response to a browser (accepting gzip)
    floor_median_ms: float | None = None
    floor_p95_ms: float | None = None
    ratio: float | None = None
    # The floor on the app's own schema: the establishment figures from the summary of
    # inspected years (bench/floors.py, compliance(summary=True)), for the compliance pages.
    summary_floor_median_ms: float | None = None
    summary_ratio: float | None = None
    # An as-of variant (bench/pages.py as_of_views): which view, and page / default view.
    view: str | None = None
    year: int | None = None
    as_of: str | None = None
    default_ratio: float | None = None
    # Median time of a run spent in its SQL statements (QueryCounter): the rest of median_ms is
    # the application's own work (Python, templates, the request's handling).
    sql_median_ms: float | None = None
    status: str = "ok"
    note: str = ""
    checks: dict = field(default_factory=dict)


def time_runs(func, *, warmup: int, repeat: int, between=None):
    """The times of `repeat` runs after `warmup` ones; `between`, when given, is called after
    each run, untimed (e.g. to give every run the same starting state)."""
    times = []
    for run in range(warmup + repeat):
        started = time.perf_counter()
        func()
        if run >= warmup:
            times.append((time.perf_counter() - started) * 1000)
        if between is not None:
            between()
    return times


def measure(func, *, warmup: int, repeat: int, memory: bool = True, between=None):
    """(times in ms, statements per run, tracemalloc peak MiB, peak RSS growth MiB, result,
    ms of each timed run spent in SQL); `between` as in time_runs, its statements neither
    counted nor timed."""
    from django.db import connection

    counter = QueryCounter()
    sql_times = []

    def run():
        before = counter.seconds
        func()
        sql_times.append((counter.seconds - before) * 1000)

    def uncounted():
        count, seconds = counter.count, counter.seconds
        between()
        counter.count, counter.seconds = count, seconds

    with connection.execute_wrapper(counter):
        times = time_runs(run, warmup=warmup, repeat=repeat, between=uncounted if between else None)
    sql_times = sql_times[warmup:]
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
    return times, queries, peak, rss_delta, result, sql_times


def fill(result: Measure, times, queries, peak, rss, sql_times=()):
    """Puts what measure() gave into a Measure, rounded."""
    result.median_ms = round(statistics.median(times), 1) if times else None
    result.sql_median_ms = round(statistics.median(sql_times), 1) if sql_times else None
    result.p95_ms = round(percentile(times, 0.95), 1) if times else None
    result.runs = len(times)
    result.queries = queries
    result.tracemalloc_peak_mib = round(peak, 1) if peak is not None else None
    result.rss_peak_delta_mib = round(rss, 1) if rss is not None else None
