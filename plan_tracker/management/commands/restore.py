from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from ._database_copy import check_file, restore


class Command(BaseCommand):
    help = (
        "Replaces the whole database with a backup made by `backup FILE`: every table, row, "
        "history and reporter identity as they were then. Asks first; --yes does not."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--yes", action="store_true", help="Replace the database without asking."
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Never ask: without --yes, refuse.",
        )

    def handle(self, *args, file, database, yes, interactive, **options):
        check_file(database, file)
        if not yes:
            if not interactive:
                raise CommandError("Restoring replaces the whole database: add --yes to do it")
            answer = input(
                f"Everything in the database will be replaced by {file}. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled: nothing was changed")
        restore(database, file)
        self.stderr.write(f"Restored from {file}")
