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

    def handle(self, *args, scale=1.0, seed=2021, quiet=False, **options):
        if scale <= 0:
            raise CommandError("--scale must be positive")
        started = time.monotonic()
        nation = generate(scale=scale, seed=seed, quiet=quiet, stdout=self.stdout)
        elapsed = time.monotonic() - started
        counts = (
            f"{len(nation.establishment_rows):,} establishments, "
            f"{len(nation.inspection_rows):,} inspections, {len(nation.report_rows):,} reports, "
            f"{len(nation.case_rows):,} cases"
        )
        self.stdout.write(f"Generated {counts} (scale {scale}, seed {seed}) in {elapsed:.1f} s.")
