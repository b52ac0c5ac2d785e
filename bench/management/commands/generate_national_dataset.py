"""Generates the national data set the benchmark runs on (bench/dataset.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from bench.dataset import generate


class Command(BaseCommand):
    help = (
        "Generate a deterministic national data set (prefix NAT-) for the benchmark: 150,000 "
        "establishments, 600,000 inspections, 60,000 reports, 8,000 cases at --scale 1.0."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--years",
            help="a horizon FIRST-LAST (e.g. 2021-2030): records from 1 January of the first "
            "year to 31 December of the last, 600,000 inspections × scale per five years "
            "(default: from 2021 to today)",
        )

    def handle(self, *args, scale=1.0, seed=2021, quiet=False, years=None, **options):
        if scale <= 0:
            raise CommandError("--scale must be positive")
        horizon = None
        if years:
            first, _, last = years.partition("-")
            if not (first.isdigit() and last.isdigit() and 2000 <= int(first) <= int(last) <= 2062):
                raise CommandError(
                    "--years must be FIRST-LAST between 2000 and 2062, e.g. 2021-2030"
                )
            horizon = (int(first), int(last))
        started = time.monotonic()
        nation = generate(scale=scale, seed=seed, quiet=quiet, stdout=self.stdout, years=horizon)
        elapsed = time.monotonic() - started
        counts = (
            f"{len(nation.establishment_rows):,} establishments, "
            f"{len(nation.inspection_rows):,} inspections, {len(nation.report_rows):,} reports, "
            f"{len(nation.case_rows):,} cases"
        )
        self.stdout.write(f"Generated {counts} (scale {scale}, seed {seed}) in {elapsed:.1f} s.")
