"""Print the compliance table (plan-rules §7) for the whole nation, a province or a commune.

    python manage.py compliance_report --year 2025 --format csv
    python manage.py compliance_report --year 2025 --as-of 2025-06-30 --locality 01 \
        --format json

The plan, year, as-of date, locality and level are read and checked by the same selection as
the pages (plan_tracker.selection): a year outside the plan or a future date is refused.

One row per locality; columns: locality_code, locality_name, level, year, as_of, the 15 figures
of §7, then status_<target id> for each target of the plan. The plan and the as-of date are
also written to stderr, so stdout stays the table alone.
"""

import io

from django.core.management.base import BaseCommand, CommandError

from localities.permissions import OutOfScope
from localities.selectors import Frame
from plan_tracker.compliance_io import write_csv, write_json
from plan_tracker.selection import SelectionRefused, select


class Command(BaseCommand):
    help = "Print the compliance figures and target statuses, one row per locality (CSV/JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="one of the plan's years (default: this year)")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--locality",
            help="a province's or commune's code (bare = 2025 scheme, 2004:xxxxx = old)",
        )
        parser.add_argument(
            "--level",
            choices=["province", "commune"],
            help="the rows' level (default: provinces for the nation, communes for a locality)",
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--plan", type=int, help="the plan's id (default: the default plan)")
        parser.add_argument(
            "--total", action="store_true", help="add the total (nation or province) as last row"
        )

    def handle(self, *args, year, as_of, locality, level, format, plan, total, **options):
        # The same selection, with the same bounds, as the pages, exports and API.
        asked = {"year": year, "as_of": as_of, "locality": locality, "level": level, "plan": plan}
        frame = Frame.nation()
        try:
            sel = select({k: v for k, v in asked.items() if v is not None}, frame)
        except SelectionRefused as refusal:
            raise CommandError(str(refusal)) from None
        except OutOfScope:
            raise CommandError(f"No locality has the code {locality}.") from None
        try:
            table = sel.table(frame)
        except OutOfScope as problem:
            raise CommandError(str(problem)) from None
        self.stderr.write(
            f"Plan: {table.plan}; year {sel.year}; as of {sel.as_of:%d/%m/%Y}; "
            f"{len(table.rows)} rows"
        )
        out = io.StringIO()
        if format == "csv":
            write_csv(table, out, total=total)
        else:
            write_json(table, out, total=total)
        self.stdout.write(out.getvalue(), ending="")
