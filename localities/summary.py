"""The summaries of inspections (localities.models.InspectedYears, the years of each
establishment, and localities.models.FirstInspection, the first date of each of those years) and
their database triggers.

The triggers live in ``localities/sql/inspected_years_<vendor>.sql``; migration 0011 installs
them and fills the summaries. ``rebuild`` recomputes both summaries from the inspections (the
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
_SQLITE_YEAR = "CAST(substr({day}, 1, 4) AS integer)"
_SQLITE_YEARS_OF = (
    "(SELECT coalesce(sum(DISTINCT {bit}), 0) FROM localities_inspection i "
    "WHERE i.establishment_id = {row}.establishment_id)"
)

# The first date of the year of the OLD / NEW row, recounted for its establishment.
_SQLITE_FIRST_DAYS_OF = """
    DELETE FROM localities_first_inspections
     WHERE establishment_id = {row}.establishment_id AND year = {year};
    INSERT INTO localities_first_inspections (establishment_id, year, first_on)
    SELECT i.establishment_id, {year}, min(i.inspected_on) FROM localities_inspection i
     WHERE i.establishment_id = {row}.establishment_id
       AND substr(i.inspected_on, 1, 4) = substr({row}.inspected_on, 1, 4) AND {bit} <> 0
     GROUP BY i.establishment_id;"""

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


# The first date of each year of every establishment, recomputed from the inspections.
_RECOUNT_FIRST_DAYS = {
    "postgresql": (
        "SELECT establishment_id, extract(year FROM inspected_on)::int AS year, "
        "min(inspected_on) AS first_on FROM localities_inspection "
        "WHERE localities_year_bit(inspected_on) <> 0 GROUP BY 1, 2"
    ),
    "sqlite": (
        f"SELECT establishment_id, {_SQLITE_YEAR.format(day='inspected_on')} AS year, "
        "min(inspected_on) AS first_on FROM localities_inspection "
        f"WHERE {_SQLITE_BIT.format(day='inspected_on')} <> 0 GROUP BY 1, 2"
    ),
}


def _sqlite_placeholders() -> dict:
    bit_of_i = _SQLITE_BIT.format(day="i.inspected_on")
    values = {
        "bit_new": _SQLITE_BIT.format(day="NEW.inspected_on"),
        "year_new": _SQLITE_YEAR.format(day="NEW.inspected_on"),
    }
    for row in ("OLD", "NEW"):
        day = f"{row}.inspected_on"
        values[f"years_of_{row.lower()}"] = _SQLITE_YEARS_OF.format(bit=bit_of_i, row=row)
        values[f"first_days_of_{row.lower()}"] = _SQLITE_FIRST_DAYS_OF.format(
            row=row, year=_SQLITE_YEAR.format(day=day), bit=_SQLITE_BIT.format(day=day)
        )
    return values


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
    """Recomputes every row of both summaries from the inspections; returns how many
    establishments had a row wrong, missing or in excess."""
    years = (
        f"SELECT establishment_id, years FROM ({_RECOUNT[connection.vendor]}) r WHERE years <> 0"
    )
    first_days = _RECOUNT_FIRST_DAYS[connection.vendor]
    kept_years = "SELECT establishment_id, years FROM localities_inspected_years"
    kept_first_days = "SELECT establishment_id, year, first_on FROM localities_first_inspections"
    differences = " UNION ".join(
        f"SELECT establishment_id FROM ({one} EXCEPT {other}) d{n}"
        for n, (one, other) in enumerate(
            [
                (kept_years, years),
                (years, kept_years),
                (kept_first_days, first_days),
                (first_days, kept_first_days),
            ]
        )
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({differences}) drift")
        (drift,) = cursor.fetchone()
        if drift:
            cursor.execute("DELETE FROM localities_inspected_years")
            cursor.execute(
                f"INSERT INTO localities_inspected_years (establishment_id, years) {years}"
            )
            cursor.execute("DELETE FROM localities_first_inspections")
            cursor.execute(
                "INSERT INTO localities_first_inspections (establishment_id, year, first_on) "
                f"{first_days}"
            )
    return drift
