"""python manage.py import_records KIND FILE [--dry-run] [--user USERNAME]"""

import resource
import sys
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries
from django.utils import translation
from tqdm import tqdm

from exchange.imports import FileRefused, count_rows, file_format, import_file
from exchange.kinds import KINDS
from localities.permissions import SERVER_OPERATOR


class Command(BaseCommand):
    help = (
        "Import establishments, inspections, reports, cases or activities from a CSV (UTF-8) "
        "or XLSX file: all or nothing, errors listed row by row. Without --user the file may "
        "touch any locality (administrator scope)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument("--user", help="Import as this user, within their scope.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")
        parser.add_argument("--language", default="vi", help="Language of the messages (vi, en).")

    def handle(self, *args, kind, file, dry_run, user, quiet, language, **options):
        translation.activate(language)
        importer_user = SERVER_OPERATOR
        if user:
            try:
                importer_user = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user is called {user}.") from None
        started = time.perf_counter()
        try:
            total = count_rows(file, file_format(file))
            bar = tqdm(total=total, desc=kind, unit="row", disable=quiet, file=sys.stderr)

            def progress(rows):
                bar.update(rows)
                # With DEBUG on, Django keeps every SQL statement (bulk inserts are large):
                # forget them after each chunk so memory stays flat in development too.
                reset_queries()

            result = import_file(
                kind, file, user=importer_user, commit=not dry_run, progress=progress
            )
            bar.close()
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except (FileRefused, PermissionDenied) as error:
            raise CommandError(str(error)) from None
        elapsed = time.perf_counter() - started
        # ru_maxrss is in kilobytes on Linux.
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for error in result.errors:
            self.stderr.write(f"line {error.line}, {error.column or '-'}: {error.message}")
        if result.errors_not_listed:
            self.stderr.write(f"... and {result.errors_not_listed} more errors.")
        summary = (
            f"{result.total} rows: {result.new} new, {result.changed} changed, "
            f"{result.unchanged} unchanged, {result.error_count} errors "
            f"({elapsed:.1f} s, peak memory {peak_mb:.0f} MB)."
        )
        if not result.ok:
            self.stderr.write(summary)
            self.stderr.write("Nothing was written: fix the rows above and import again.")
            raise SystemExit(1)
        if dry_run:
            self.stdout.write(summary + " Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(summary + " Imported."))
