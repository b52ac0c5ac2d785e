from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from ._database_copy import backup


class Command(BaseCommand):
    help = (
        "Copies the whole database into FILE: pg_dump's custom format on PostgreSQL, a copy of "
        "the database file (SQLite's online backup) on SQLite. `restore FILE` brings it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file, database, **options):
        backup(database, file)
        self.stderr.write(f"Backed up to {file} ({file.stat().st_size:,} bytes)")
