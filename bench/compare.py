#!/usr/bin/env python
"""Two runs of bench/run.py side by side (e.g. five and ten years of data): each page and
as-of variant, its median time in both, the ratio second / first, and the SQL statements of
both, which must be the same.

    .venv/bin/python bench/compare.py bench/out/five-years/results-1.0.json \\
        bench/out/ten-years/results-1.0.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def rows(report: dict) -> dict:
    """{(page name, view): page} over the pages and the as-of variants of one run."""
    found = {(page["name"], "default page"): page for page in report["pages"]}
    for page in report.get("as_of_views") or []:
        found[(page["name"], page["view"])] = page
    return found


def compare(first: dict, second: dict, *, names=("first", "second")) -> str:
    a, b = rows(first), rows(second)
    lines = [
        f"| page | view | {names[0]} ms | {names[1]} ms | {names[1]} / {names[0]} "
        f"| SQL {names[0]} | SQL {names[1]} |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, page in a.items():
        other = b.get(key)
        if other is None or page["status"] != "ok" or other["status"] != "ok":
            continue
        ratio = (
            round(other["median_ms"] / page["median_ms"], 2)
            if page["median_ms"] and other["median_ms"]
            else None
        )
        lines.append(
            f"| {page['label']} | {key[1]} | {page['median_ms']} | {other['median_ms']} "
            f"| {ratio} | {page['queries']} | {other['queries']} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--names", default="5 years,10 years", help="two names, comma-separated")
    args = parser.parse_args(argv)
    first = json.loads(args.first.read_text())
    second = json.loads(args.second.read_text())
    names = tuple(args.names.split(",", 1))
    print(f"load average: {first.get('load_average')} / {second.get('load_average')}")
    print(compare(first, second, names=names))


if __name__ == "__main__":
    main()
