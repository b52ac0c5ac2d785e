"""Print the compliance table (plan-rules §7) for the whole nation, a province or a commune.

    python manage.py compliance_report --year 2025 --format csv
    python manage.py compliance_report --year 2025 --as-of 2025-06-30 --locality 01 \
        --level commune --format json

One row per locality; columns: locality_code, locality_name, level, year, as_of, the 15 figures
of §7, then status_<target id> for each target of the plan. The plan and the as-of date are
also written to stderr, so stdout stays the table alone.
"""

import datetime
import io

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from localities.codes import resolve
from localities.selectors import Frame
from plan_tracker import metrics
from plan_tracker.compliance_io import write_csv, write_json
from plan_tracker.models import Plan


def iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of {text!r}: write the date as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Print the compliance figures and target statuses, one row per locality (CSV/JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--locality",
            help="a province's or commune's code (bare = 2025 scheme, 2004:xxxxx = old)",
        )
        parser.add_argument("--level", choices=["province", "commune"], default="province")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--plan", type=int, help="the plan's id (default: the default plan)")
        parser.add_argument(
            "--total", action="store_true", help="add the total (nation or province) as last row"
        )

    def handle(self, *args, year, as_of, locality, level, format, plan, total, **options):
        as_of = iso_date(as_of) if as_of else timezone.localdate()
        place = None
        if locality:
            try:
                place = resolve(locality).locality
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            if level == "province" and place.level != "province":
                raise CommandError(f"{place} is a commune: use --level commune for its own row.")
        chosen_plan = None
        if plan is not None:
            chosen_plan = Plan.objects.filter(pk=plan).prefetch_related("targets").first()
            if chosen_plan is None:
                raise CommandError(f"No plan has the id {plan}.")
        table = metrics.compliance_table(
            Frame.nation(),
            year=year,
            as_of=as_of,
            plan=chosen_plan,
            level=level,
            locality=place,
        )
        self.stderr.write(
            f"Plan: {table.plan}; year {year}; as of {as_of:%d/%m/%Y}; {len(table.rows)} rows"
        )
        out = io.StringIO()
        if format == "csv":
            write_csv(table, out, total=total)
        else:
            write_json(table, out, total=total)
        self.stdout.write(out.getvalue(), ending="")
