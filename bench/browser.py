#!/usr/bin/env python
"""The dashboards in a browser: headless Chromium (Playwright on Debian's /usr/bin/chromium)
against gunicorn with DEBUG off, on the benchmark's database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pt_scale .venv/bin/python bench/browser.py

For each dashboard (the nation's, the largest province's, its largest commune's work lists, the
charts; the default view, and the national and province dashboards as of 30/06/2024 too): the
time from the start of the navigation to the largest contentful paint, to DOMContentLoaded and
to the load event, and the bytes transferred (headers and encoded bodies of the page and of
everything it loads), in a fresh browser context (cold cache: static files included; the
context left to settle first, as a user's open browser is) and again in the same context (warm
cache: what an officer moving between dashboards sees). The median over
--repeat runs. Prints a table and writes bench/out/browser-<scale>.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.context import BENCH_PASSWORD, make_context  # noqa: E402
from bench.run import setup_django  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# The last largest-contentful-paint candidate once the page has loaded (buffered: the entries
# that came before the observer), or null when the browser reports none within 5 s.
LCP_SCRIPT = """() => new Promise(resolve => {
    const timer = setTimeout(() => resolve(null), 5000);
    new PerformanceObserver(list => {
        const entries = list.getEntries();
        clearTimeout(timer);
        resolve(entries[entries.length - 1].startTime);
    }).observe({type: "largest-contentful-paint", buffered: true});
})"""
NAVIGATION_SCRIPT = """() => {
    const n = performance.getEntriesByType("navigation")[0];
    return {dom: n.domContentLoadedEventEnd, load: n.loadEventEnd};
}"""


def dashboards(ctx):
    """(name, label, url) of each dashboard measured."""
    from bench.pages import CHARTS, PAGES, page_url

    pages = {page.name: page for page in [*PAGES, CHARTS]}
    mid_year = dataclasses.replace(ctx, year=2024, as_of=datetime.date(2024, 6, 30), asked=True)
    wanted = [
        ("national_dashboard", ctx, "default"),
        ("province_dashboard", ctx, "default"),
        ("commune_work_lists", ctx, "default"),
        ("charts", ctx, "default"),
        ("national_dashboard", mid_year, "2024 as of 30/06/2024"),
        ("province_dashboard", mid_year, "2024 as of 30/06/2024"),
    ]
    return [
        (name, f"{pages[name].label}, {view}", page_url(pages[name], seen))
        for name, seen, view in wanted
    ]


def visit(page, url) -> dict:
    """One navigation: its timings and the bytes it transferred."""
    sizes = []

    def finished(request):
        try:
            measured = request.sizes()
        except Exception:  # noqa: BLE001 - a request the browser cancelled has no sizes
            return
        sizes.append(measured["responseHeadersSize"] + measured["responseBodySize"])

    page.on("requestfinished", finished)
    response = page.goto(url, wait_until="load")
    lcp = page.evaluate(LCP_SCRIPT)
    navigation = page.evaluate(NAVIGATION_SCRIPT)
    page.remove_listener("requestfinished", finished)
    return {
        "status": response.status if response else None,
        "lcp_ms": round(lcp, 1) if lcp is not None else None,
        "dom_content_loaded_ms": round(navigation["dom"], 1),
        "load_ms": round(navigation["load"], 1),
        "requests": len(sizes),
        "bytes": sum(sizes),
    }


# How long a new browser context is left to settle before its cold visit.
SETTLE_MS = 1500


def settle(tab):
    """Let a new browser context finish starting before it is measured: a user's browser is
    already open, idle, when they type the address. Started just before the visit, on the
    same cores as the server, it slows the server's building of the page (first byte at
    1.3-1.7 s against 0.6-1.1 s on a warm visit, in gunicorn's own timings). The cache stays
    empty: the cold visit still fetches every static file."""
    tab.goto("about:blank")
    tab.wait_for_timeout(SETTLE_MS)


def _median(runs, key):
    values = [run[key] for run in runs if run[key] is not None]
    return round(statistics.median(values), 1) if values else None


def measure(base_url, ctx, *, repeat: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            signed_in = browser.new_context(locale="vi-VN")
            page = signed_in.new_page()
            page.goto(f"{base_url}/login/")
            page.fill("#id_username", ctx.users["ministry"].username)
            page.fill("#id_password", BENCH_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("load")
            state = signed_in.storage_state()
            signed_in.close()
            for name, label, url in dashboards(ctx):
                cold, warm = [], []
                for _ in range(repeat):
                    context = browser.new_context(
                        locale="vi-VN", viewport={"width": 1366, "height": 768}, storage_state=state
                    )
                    tab = context.new_page()
                    settle(tab)
                    cold.append(visit(tab, base_url + url))
                    warm.append(visit(tab, base_url + url))
                    context.close()
                row = {"name": name, "label": label, "url": url, "runs": repeat}
                for kind, runs in (("cold", cold), ("warm", warm)):
                    for key in ("lcp_ms", "dom_content_loaded_ms", "load_ms", "bytes"):
                        row[f"{kind}_{key}"] = _median(runs, key)
                    row[f"{kind}_requests"] = runs[-1]["requests"]
                    row[f"{kind}_status"] = sorted({run["status"] for run in runs})
                results.append(row)
        finally:
            browser.close()
    return results


def format_rows(rows) -> str:
    lines = [
        "| dashboard | LCP ms (cold) | load ms (cold) | KB transferred (cold) | requests "
        "| LCP ms (warm) | KB transferred (warm) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['cold_lcp_ms']} | {row['cold_load_ms']} "
            f"| {round(row['cold_bytes'] / 1024, 1)} | {row['cold_requests']} "
            f"| {row['warm_lcp_ms']} | {round(row['warm_bytes'] / 1024, 1)} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = parser.parse_args(argv)
    if not os.access(CHROMIUM, os.X_OK):
        # Checked before the server starts: Playwright would only say so once it is up.
        parser.exit(
            2,
            f"No Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium), "
            "or name another with CHROMIUM=/path/to/chromium.\n",
        )
    # Playwright's sync API runs an event loop in this thread; the ORM's work is done before.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    setup_django()
    from bench.load import Gunicorn

    load_before = os.getloadavg()
    ctx = make_context()
    with Gunicorn(port=args.port, workers=args.workers, database_url=os.environ["DATABASE_URL"]):
        rows = measure(f"http://127.0.0.1:{args.port}", ctx, repeat=args.repeat)
    report = {
        "scale": ctx.scale,
        "date": ctx.as_of.isoformat(),
        "load_average": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "chromium": CHROMIUM,
        "dashboards": rows,
    }
    print(
        f"Scale {ctx.scale} — {ctx.as_of:%d/%m/%Y} — gunicorn {args.workers} workers, DEBUG off "
        f"— load average {report['load_average']}"
    )
    print(format_rows(rows))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"browser-{float(ctx.scale)}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"Wrote {path}")


if __name__ == "__main__":
    main()
