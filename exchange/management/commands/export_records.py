"""python manage.py export_records KIND --user USERNAME [--format csv|xlsx] [--output FILE]
[--filter NAME=VALUE ...]

The administrators' raw export from the command line: the same rows, columns, filters (those
of the records lists) and streaming as the page, logged in the export log under --user.
Prints the time taken and the peak memory, so it doubles as the export's benchmark.
"""

import resource
import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from exchange.exports import log_export, raw
from exchange.kinds import KINDS
from localities.permissions import is_administrator


class Command(BaseCommand):
    help = (
        "Export establishments, inspections, reports (never the reporter's identity), cases "
        "or communication and training activities."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("--user", required=True, help="The administrator exporting.")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", help="File to write (default: standard output, CSV only).")
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="A filter of the records list, e.g. --filter province=12 --filter year=2024.",
        )

    def handle(self, *args, kind, user, format, output, filter, **options):
        try:
            account = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user is called {user}.") from None
        if not is_administrator(account):
            raise CommandError("Raw data exports are for administrators.")
        if format == "xlsx" and not output:
            raise CommandError("An XLSX export needs --output FILE.")
        kind = KINDS[kind]
        query = QueryDict(mutable=True)
        for item in filter:
            name, _sep, value = item.partition("=")
            query.appendlist(name, value)
        started = time.perf_counter()
        queryset, filterset = raw.filtered_records(kind, user=account, data=query)
        if not filterset.is_valid():
            raise CommandError(f"Bad filters: {filterset.errors.as_json()}")
        log = log_export(
            user=account, what=kind.id, file_format=format, filters=raw.used_filters(filterset)
        )
        rows = raw.raw_rows(kind, queryset)
        if format == "csv":
            handle = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
            try:
                for block in raw.stream_csv(kind, rows, log):
                    handle.write(block)
            finally:
                if output:
                    handle.close()
        else:
            with open(output, "wb") as handle:
                for block in raw.stream_xlsx(kind, rows, log):
                    handle.write(block)
        log.refresh_from_db()
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stderr.write(
            f"{log.row_count} rows of {kind.id} as {format} in {elapsed:.1f} s, "
            f"peak memory {peak_mb:.0f} MB."
        )
