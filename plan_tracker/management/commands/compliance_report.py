"""Print the compliance table (plan-rules §7) for the whole nation, a province or a commune.

    python manage.py compliance_report --year 2025 --format csv
    python manage.py compliance_report --year 2025 --as-of 2025-06-30 --locality 01 \
        --format json
    python manage.py compliance_report --year 2026 --locality 01 --format csv

The plan, year, as-of date, locality and level are read and checked by the same selection as
the pages (plan_tracker.selection): a year outside the plan or a future date is refused.

One row per locality and plan in force (the national plans of the year and those of the
locality's province; --plan: that plan alone): every province; with --locality, that
locality's own row (--level commune with a province's code: its communes). Columns:
locality_code, locality_name, level, year, as_of, plan, the figures of §7, then
status_<target id> for each target of any of the plans (empty for a plan without that
target). A year with no plan in force gives the figures against the default plan, every
status not applicable, and says so on stderr. The plans and the as-of date are also written
to stderr, so stdout stays the table alone.

With --approved, the figures as approved (plan_tracker.approvals) for the year of the
locality's province, in the same columns; exit 1 when that year is not approved.
"""

import csv
import datetime
import io
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime

from localities.models import Level
from localities.permissions import OutOfScope
from localities.selectors import Frame
from plan_tracker.compliance_io import PlansSideBySide, csv_value, write_csv, write_json
from plan_tracker.selection import SelectionRefused, select


class Command(BaseCommand):
    help = "Print the compliance figures and target statuses, one row per locality (CSV/JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="the year (default: this year)")
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--locality",
            help="a province's or commune's code (bare = 2025 scheme, 2004:xxxxx = old)",
        )
        parser.add_argument(
            "--level",
            choices=["province", "commune"],
            help="the rows' level (default: provinces for the nation, the locality's own row for "
            "a locality; --level commune with a province's code: its communes)",
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--plan", type=int, help="one plan's id (default: every plan in force in the year)"
        )
        parser.add_argument(
            "--total", action="store_true", help="add the total (nation or province) as last row"
        )
        parser.add_argument(
            "--approved",
            action="store_true",
            help="the figures as approved for the locality's province (exit 1 if not approved)",
        )

    def handle(self, *args, year, as_of, locality, level, format, plan, total, approved, **options):
        # The same selection, with the same bounds, as the pages, exports and API.
        asked = {"year": year, "as_of": as_of, "locality": locality, "level": level, "plan": plan}
        frame = Frame.nation()
        try:
            sel = select({k: v for k, v in asked.items() if v is not None}, frame)
            if locality and not level and sel.locality.level == Level.PROVINCE:
                # Asked about a province, the command answers with the province's own row
                # (--level commune: its communes); a commune's row is its own already.
                sel = select(
                    {**{k: v for k, v in asked.items() if v is not None}, "level": "province"},
                    frame,
                )
        except SelectionRefused as refusal:
            raise CommandError(str(refusal)) from None
        except OutOfScope:
            raise CommandError(f"No locality has the code {locality}.") from None
        if approved:
            self._approved(sel, format=format, total=total)
            return
        try:
            tables = sel.tables(frame)
        except OutOfScope as problem:
            raise CommandError(str(problem)) from None
        table = PlansSideBySide(tables)
        plans = "; ".join(str(t.plan) for t in tables)
        if sel.no_plan_in_force:
            plans = f"no plan in force in {sel.year} (figures against {sel.plan})"
        self.stderr.write(
            f"Plan: {plans}; year {sel.year}; as of {sel.as_of:%d/%m/%Y}; "
            f"{len(tables[0].rows)} rows"
        )
        out = io.StringIO()
        if format == "csv":
            write_csv(table, out, total=total)
        else:
            write_json(table, out, total=total)
        self.stdout.write(out.getvalue(), ending="")

    def _approved(self, sel, *, format: str, total: bool):
        """The snapshot of the approved year: the province's row, or its communes' rows
        (--level commune; --total: the province's after them), or a commune's own row."""
        from plan_tracker.approvals import State, person, states_for

        place = sel.locality
        if place is None:
            raise CommandError("--approved needs --locality: a province's or commune's code.")
        province_id = place.province_id or place.pk
        approval = states_for(plan=sel.plan, year=sel.year, province_ids=[province_id]).get(
            province_id
        )
        if approval is None or approval.state != State.APPROVED:
            state = approval.get_state_display() if approval else State.NOT_SUBMITTED.label
            raise CommandError(
                f"The year {sel.year} of {place.province.name} is not approved ({state})."
            )
        snapshot = approval.snapshot
        if place.is_province and sel.level == "province":
            rows = [snapshot["province"]]
        elif place.is_province:
            rows = list(snapshot["communes_by_pk"].values())
            rows.sort(key=lambda row: row["locality_code"])
            if total:
                rows.append(snapshot["province"])
        else:
            rows = [approval.snapshot_row(place.pk)]
        self.stderr.write(
            f"Plan: {sel.plan}; year {sel.year}; approved on "
            f"{localtime(approval.decided_at):%d/%m/%Y} by {person(approval.decided_by)}; "
            f"figures as of {datetime.date.fromisoformat(snapshot['as_of']):%d/%m/%Y}; "
            f"{len(rows)} rows"
        )
        columns = snapshot["columns"]
        out = io.StringIO()
        if format == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_csv(row.get(column)) for column in columns])
        else:
            json.dump(
                [{c: row.get(c) for c in columns} for row in rows],
                out,
                ensure_ascii=False,
                indent=2,
            )
            out.write("\n")
        self.stdout.write(out.getvalue(), ending="")


def _csv(value) -> str:
    """As the live table's CSV writes it (a percentage with one decimal)."""
    if isinstance(value, float):
        return f"{value:.1f}"
    return csv_value(value)
