"""The summary of inspected years (localities.models.InspectedYears) and its database triggers.

The triggers live in ``localities/sql/inspected_years_<vendor>.sql``; migration 0004 installs
them and fills the summary. ``rebuild`` recomputes the whole summary from the inspections (the
``rebuild_inspected_years`` command), for an operator who suspects drift — e.g. after a restore
that skipped triggers; it reports how many establishments it corrected.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent / "sql"
TRIGGERS = ("insert", "update", "delete", "truncate")
FUNCTIONS = (
    "localities_inspected_years_on_insert()",
    "localities_inspected_years_on_update()",
    "localities_inspected_years_on_delete()",
    "localities_inspected_years_on_truncate()",
    "localities_inspected_years_recount(bigint[])",
    "localities_year_bit(date)",
)

# SQLite: the bit of a date's year (dates are stored as YYYY-MM-DD), and an establishment's
# years recounted from its inspections; PostgreSQL has the function localities_year_bit.
_SQLITE_BIT = (
    "CASE WHEN CAST(substr({day}, 1, 4) AS integer) BETWEEN 2000 AND 2062 "
    "THEN 1 << (CAST(substr({day}, 1, 4) AS integer) - 2000) ELSE 0 END"
)
_SQLITE_YEARS_OF = (
    "(SELECT coalesce(sum(DISTINCT {bit}), 0) FROM localities_inspection i "
    "WHERE i.establishment_id = {row}.establishment_id)"
)

# The bits of every establishment, recomputed from the inspections, per vendor.
_RECOUNT = {
    "postgresql": (
        "SELECT establishment_id, bit_or(localities_year_bit(inspected_on)) AS years "
        "FROM localities_inspection GROUP BY establishment_id"
    ),
    "sqlite": (
        f"SELECT establishment_id, sum(DISTINCT {_SQLITE_BIT.format(day='inspected_on')}) "
        "AS years FROM localities_inspection GROUP BY establishment_id"
    ),
}


def _sqlite_placeholders() -> dict:
    bit_of_i = _SQLITE_BIT.format(day="i.inspected_on")
    return {
        "bit_new": _SQLITE_BIT.format(day="NEW.inspected_on"),
        "years_of_old": _SQLITE_YEARS_OF.format(bit=bit_of_i, row="OLD"),
        "years_of_new": _SQLITE_YEARS_OF.format(bit=bit_of_i, row="NEW"),
    }


def _statements(vendor: str) -> list[str]:
    text = (SQL_DIR / f"inspected_years_{vendor}.sql").read_text(encoding="utf-8")
    if vendor == "postgresql":
        return [text]
    text = text.format(**_sqlite_placeholders())
    statements, current = [], ""
    for line in text.splitlines(keepends=True):
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"DROP TRIGGER IF EXISTS localities_inspected_years_{name} "
                    "ON localities_inspection"
                )
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS localities_inspected_years_{name}")
        if connection.vendor == "postgresql":
            for function in FUNCTIONS:
                cursor.execute(f"DROP FUNCTION IF EXISTS {function}")


def install(connection) -> None:
    """(Re)creates the triggers; then the summary is kept by the database on every write."""
    if connection.vendor not in _RECOUNT:
        raise NotImplementedError(f"no inspected-years triggers for {connection.vendor}")
    uninstall(connection)
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor):
            cursor.execute(statement)


def rebuild(connection) -> int:
    """Recomputes every row of the summary from the inspections; returns how many changed."""
    recount = _RECOUNT[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*) FROM localities_establishment e
                  LEFT JOIN localities_inspected_years s ON s.establishment_id = e.id
                  LEFT JOIN ({recount}) r ON r.establishment_id = e.id
                 WHERE coalesce(s.years, 0) <> coalesce(r.years, 0)"""
        )
        (drift,) = cursor.fetchone()
        if drift:
            cursor.execute("DELETE FROM localities_inspected_years")
            cursor.execute(
                "INSERT INTO localities_inspected_years (establishment_id, years) "
                f"SELECT establishment_id, years FROM ({recount}) r WHERE years <> 0"
            )
    return drift
