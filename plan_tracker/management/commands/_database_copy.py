"""Copying the whole database to a file and back: pg_dump / pg_restore (custom format) on
PostgreSQL, SQLite's online backup API on SQLite. Used by `backup` and `restore`."""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connections

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


def _connection(alias):
    connection = connections[alias]
    if connection.vendor not in ("postgresql", "sqlite"):
        raise CommandError(f"Backups are made on PostgreSQL or SQLite, not {connection.vendor}")
    return connection


def _pg_environment(settings_dict) -> dict:
    """libpq's variables for the database's settings: no password on the command line."""
    env = dict(os.environ)
    for variable, key in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ]:
        value = settings_dict.get(key)
        if value:
            env[variable] = str(value)
        else:
            env.pop(variable, None)
    return env


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()}")


def backup(alias: str, path: Path) -> None:
    connection = _connection(alias)
    if connection.vendor == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path)],
            _pg_environment(connection.settings_dict),
        )
        return
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # The online backup API: a consistent copy while the app keeps reading and writing.
        connection.connection.backup(target)
    finally:
        target.close()


def check_file(alias: str, path: Path) -> None:
    """Refuse a missing file or one made by the other database."""
    connection = _connection(alias)
    if not path.is_file():
        raise CommandError(f"No backup file at {path}")
    with path.open("rb") as file:
        head = file.read(16)
    expected = PG_MAGIC if connection.vendor == "postgresql" else SQLITE_MAGIC
    if not head.startswith(expected):
        raise CommandError(f"{path} is not a {connection.vendor} backup of this app")


def restore(alias: str, path: Path) -> None:
    connection = _connection(alias)
    if connection.vendor == "postgresql":
        # The app's own connections would hold locks on the tables to be replaced.
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                connection.settings_dict["NAME"],
                str(path),
            ],
            _pg_environment(connection.settings_dict),
        )
        return
    connection.ensure_connection()
    source = sqlite3.connect(path)
    try:
        # Page by page over the live database: its content becomes the backup's, whole.
        source.backup(connection.connection)
    finally:
        source.close()
