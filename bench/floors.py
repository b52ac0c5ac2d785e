"""The floor of each benchmarked page: the same figures from one hand-written SQL statement,
run directly through psycopg2 (no Django, no ORM, no template).

A page can hardly be faster than its floor; the benchmark reports page time / floor time.
Each function takes an open psycopg2 connection and returns what the statement produced (rows,
or a byte count for the exports) so the benchmark can check the page against it.

PostgreSQL only (COPY, FILTER, ROLLUP): on SQLite the floors are skipped.
"""

import datetime
import io

from localities.models.reports import DUE_SOON_DAYS
from plan_tracker.metrics import RECORD_FIGURES

# A report's deadline in force on the as-of date (ReportQuerySet.deadline_on): the stored one
# when its latest extension counts on A (or it has none), else the latest extension counted on
# A, else the base deadline.
# It stands for __DEADLINE_ON_A__ in the statements below, in a subquery over the reports.
DEADLINE_ON_A = """(CASE WHEN extension_counted_from IS NULL
                OR extension_counted_from <= %(a)s THEN deadline
           ELSE COALESCE((SELECT x.extended_until FROM localities_reportextension x
                           WHERE x.report_id = localities_report.id AND x.counted_from <= %(a)s
                           ORDER BY x.sequence DESC LIMIT 1), base_deadline) END)"""

# One statement for a whole compliance table: establishments (with their inspections folded
# per establishment once), reports and cases, each grouped by the table's key with a ROLLUP
# row for the total, then joined to the table's localities. Percentages in SQL too.
COMPLIANCE_SQL = """
WITH {inspected_cte} est AS (
    SELECT {est_key} AS gid,
           count(*) FILTER (WHERE op) AS operating,
           count(*) FILTER (WHERE op AND {in_year}) AS inspected_in_year,
           count(*) FILTER (WHERE oe) AS open_at_end,
           count(*) FILTER (WHERE oe AND {since_plan}) AS inspected_since
    FROM (
        SELECT id, {est_key},
               (opened_on IS NULL OR opened_on <= %(e)s)
                 AND (closed_on IS NULL OR closed_on >= %(y0)s) AS op,
               (opened_on IS NULL OR opened_on <= %(e)s)
                 AND (closed_on IS NULL OR closed_on >= %(e)s) AS oe
        FROM localities_establishment
        WHERE in_scope {est_where}
    ) e
    LEFT JOIN {inspected_join}
    GROUP BY ROLLUP ({est_key})
), rep AS (
    SELECT {rec_key} AS gid,
           count(*) AS received,
           count(*) FILTER (WHERE handled_on <= %(a)s) AS handled,
           count(*) FILTER (WHERE handled_on <= %(a)s AND handled_on <= deadline_a) AS on_time,
           count(*) FILTER (WHERE (handled_on IS NULL OR handled_on > %(a)s)
                            AND deadline_a >= %(a)s) AS pending,
           count(*) FILTER (WHERE (handled_on IS NULL OR handled_on > %(a)s)
                            AND deadline_a < %(a)s) AS overdue
    FROM (SELECT *, __DEADLINE_ON_A__ AS deadline_a
          FROM localities_report
          WHERE received_on BETWEEN %(y0)s AND %(e)s {rec_where}) r
    GROUP BY ROLLUP ({rec_key})
), cas AS (
    SELECT {rec_key} AS gid,
           count(*) FILTER (WHERE handled_on >= %(y0)s) AS handled,
           count(*) FILTER (WHERE handled_on <= %(pe)s) AS handled_prev
    FROM localities_case
    WHERE handled_on BETWEEN %(py0)s AND %(e)s {rec_where}
    GROUP BY ROLLUP ({rec_key})
), {made_cte} places AS (
    SELECT id AS gid, code, name FROM localities_locality
    WHERE scheme = '2025' AND level = %(level)s {place_where}
    UNION ALL
    SELECT NULL, '', 'total'
)
SELECT l.code, l.name,
       coalesce(est.operating, 0), coalesce(est.inspected_in_year, 0),
       round(100.0 * est.inspected_in_year / NULLIF(est.operating, 0), 1),
       coalesce(est.open_at_end, 0), coalesce(est.inspected_since, 0),
       round(100.0 * est.inspected_since / NULLIF(est.open_at_end, 0), 1),
       coalesce(rep.received, 0), coalesce(rep.handled, 0), coalesce(rep.on_time, 0),
       coalesce(rep.pending, 0), coalesce(rep.overdue, 0),
       round(100.0 * rep.on_time / NULLIF(rep.received - rep.pending, 0), 1),
       coalesce(cas.handled, 0), coalesce(cas.handled_prev, 0),
       round(100.0 * (cas.handled - cas.handled_prev) / NULLIF(cas.handled_prev, 0), 1)
       {made_column}
FROM places l
LEFT JOIN est ON coalesce(est.gid, 0) = coalesce(l.gid, 0)
LEFT JOIN rep ON coalesce(rep.gid, 0) = coalesce(l.gid, 0)
LEFT JOIN cas ON coalesce(cas.gid, 0) = coalesce(l.gid, 0)
{made_join}
ORDER BY l.gid IS NULL, l.code
""".replace("__DEADLINE_ON_A__", DEADLINE_ON_A)

# The inspections made in [1 Jan Y, E] (two of one establishment count twice), for a page that
# shows that figure (the compliance downloads): one more grouped count and its column, last.
MADE = {
    "made_cte": """made AS (
    SELECT e.{est_key} AS gid, count(*) AS made
    FROM localities_inspection i JOIN localities_establishment e ON e.id = i.establishment_id
    WHERE i.inspected_on BETWEEN %(y0)s AND %(e)s AND e.in_scope {made_where}
    GROUP BY ROLLUP (e.{est_key})
),""",
    "made_column": ", coalesce(made.made, 0)",
    "made_join": "LEFT JOIN made ON coalesce(made.gid, 0) = coalesce(l.gid, 0)",
}
NOT_MADE = {"made_cte": "", "made_column": "", "made_join": ""}

# Where "inspected" comes from. Over the base tables: the inspections of
# [min(plan start, 1 Jan Y), E] folded per establishment once, two bool_or answering "inspected
# in the year" and "inspected since the plan's first day". On the app's own schema: the
# summaries kept by the triggers of localities/sql/ — the inspected years
# (localities_inspected_years) for whole years, and for an as-of date inside the year the first
# inspection date of that year (localities_first_inspections) — the floor of the page as built.
INSPECTIONS = {
    "inspected_cte": """insp AS (
    SELECT establishment_id,
           bool_or(inspected_on >= %(y0)s) AS in_year,
           bool_or(inspected_on >= %(p0)s) AS since_plan
    FROM localities_inspection
    WHERE inspected_on BETWEEN LEAST(%(p0)s, %(y0)s) AND %(e)s {insp_where}
    GROUP BY establishment_id
),""",
    "inspected_join": "insp i ON i.establishment_id = e.id",
    "in_year": "i.in_year",
    "since_plan": "i.since_plan",
}
SUMMARY = {
    "inspected_cte": "",
    "inspected_join": "localities_inspected_years s ON s.establishment_id = e.id",
    "in_year": "s.years & %(year_bit)s > 0",
    "since_plan": "s.years & %(plan_bits)s > 0",
}
SUMMARY_FIRST_DAYS = {
    "inspected_cte": "",
    "inspected_join": "localities_inspected_years s ON s.establishment_id = e.id "
    "LEFT JOIN localities_first_inspections f ON f.establishment_id = e.id AND f.year = %(y)s",
    "in_year": "f.first_on <= %(e)s",
    "since_plan": "(s.years & %(prior_bits)s > 0 OR f.first_on <= %(e)s)",
}

# The names of the figures of plan-rules §7 (not how they are computed: that is the SQL below,
# written on its own); the activities' figures have no floor.
FLOOR_COLUMNS = ["locality_code", "locality_name", *RECORD_FIGURES]


def compliance_params(year: int, as_of: datetime.date, plan_first_day: datetime.date) -> dict:
    """The statement's parameters; year_bit, plan_bits (plan's first year to Y) and prior_bits
    (to Y - 1) are the summary's masks (bit Y - 2000, as localities.models.records.year_bits)."""
    return {
        "y": year,
        "y0": datetime.date(year, 1, 1),
        "e": min(as_of, datetime.date(year, 12, 31)),
        "a": as_of,
        "p0": plan_first_day,
        "py0": datetime.date(year - 1, 1, 1),
        "pe": min(as_of, datetime.date(year - 1, 12, 31)),
        "year_bit": 1 << (year - 2000),
        "plan_bits": (1 << (year - 2000 + 1)) - (1 << (plan_first_day.year - 2000)),
        "prior_bits": max(0, (1 << (year - 2000)) - (1 << (plan_first_day.year - 2000))),
    }


def compliance_sql(
    level: str,
    province_id: int | None = None,
    source=INSPECTIONS,
    commune_id: int | None = None,
    made: bool = False,
) -> str:
    """The statement for a table of provinces (the nation) or of communes (of one province,
    of one commune alone with commune_id, or of the whole nation when neither is given),
    "inspected" taken from `source`; with `made`, the inspections made too (MADE)."""
    if level == "province":
        est_key = rec_key = "province_id"
    else:
        est_key, rec_key = "commune_id", "locality_id"
    if commune_id is not None:
        est_where = f"AND commune_id = {int(commune_id)}"
        rec_where = f"AND locality_id = {int(commune_id)}"
        place_where = f"AND id = {int(commune_id)}"
        owner = f"commune_id = {int(commune_id)}"
    elif province_id is not None:
        est_where = rec_where = place_where = f"AND province_id = {int(province_id)}"
        owner = f"province_id = {int(province_id)}"
    else:
        est_where = rec_where = place_where = owner = ""
    insp_where = (
        f"AND establishment_id IN (SELECT id FROM localities_establishment WHERE {owner})"
        if owner
        else ""
    )
    made_parts = {
        name: part.format(est_key=est_key, made_where=est_where.replace("AND ", "AND e.", 1))
        for name, part in (MADE if made else NOT_MADE).items()
    }
    return COMPLIANCE_SQL.format(
        **made_parts,
        inspected_cte=source["inspected_cte"].format(insp_where=insp_where),
        inspected_join=source["inspected_join"],
        in_year=source["in_year"],
        since_plan=source["since_plan"],
        est_key=est_key,
        rec_key=rec_key,
        est_where=est_where,
        rec_where=rec_where,
        place_where=place_where,
    )


def compliance(
    conn,
    *,
    year,
    as_of,
    plan_first_day,
    level="province",
    province_id=None,
    summary=False,
    made=False,
):
    """Rows (tuples in FLOOR_COLUMNS order, then inspections_made with `made`), the total last
    (locality_code ""); with summary=True "inspected" comes from the summaries of inspections
    (the first dates of the year joined when A falls inside it)."""
    if not summary:
        source = INSPECTIONS
    elif as_of < datetime.date(year, 12, 31):
        source = SUMMARY_FIRST_DAYS
    else:
        source = SUMMARY
    with conn.cursor() as cursor:
        params = compliance_params(year, as_of, plan_first_day) | {"level": level}
        cursor.execute(compliance_sql(level, province_id, source=source, made=made), params)
        return cursor.fetchall()


def compliance_series(conn, *, years, as_of, plan_first_day, level="province", summary=False):
    """{year: rows} for every year begun at A (the charts over the plan's years): one
    statement a year."""
    return {
        year: compliance(
            conn,
            year=year,
            as_of=as_of,
            plan_first_day=plan_first_day,
            level=level,
            summary=summary,
        )
        for year in years
        if datetime.date(year, 1, 1) <= as_of
    }


def as_dicts(rows) -> list[dict]:
    """The rows by column name (inspections_made last when the floor counted it)."""
    return [
        dict(
            zip(
                FLOOR_COLUMNS + ["inspections_made"][: len(row) - len(FLOOR_COLUMNS)],
                row,
                strict=True,
            )
        )
        for row in rows
    ]


# A commune's work lists as the page shows them: the establishments never inspected since the
# plan's first day (oldest first) and the reports open on A (nearest deadline first), each cut
# at the page's limit, with the number of all of them (and of the reports due soon and
# overdue), counted before the limit.
WORK_LISTS_SQL = """
(SELECT 'establishment' AS list, e.id, e.code, e.name, e.opened_on AS day,
        count(*) OVER () AS n, 0 AS due_soon, 0 AS overdue
   FROM localities_establishment e
  WHERE e.commune_id = %(commune)s AND e.in_scope
    AND (e.opened_on IS NULL OR e.opened_on <= %(a)s)
    AND (e.closed_on IS NULL OR e.closed_on >= %(a)s)
    AND NOT EXISTS (SELECT 1 FROM localities_inspection i
                     WHERE i.establishment_id = e.id AND i.inspected_on BETWEEN %(p0)s AND %(a)s)
  ORDER BY e.opened_on NULLS FIRST, e.code
  LIMIT %(limit)s)
UNION ALL
(SELECT 'report', r.id, r.reference, r.kind, r.deadline_a,
        count(*) OVER (),
        count(*) FILTER (WHERE r.deadline_a BETWEEN %(a)s AND %(soon)s) OVER (),
        count(*) FILTER (WHERE r.deadline_a < %(a)s) OVER ()
   FROM (SELECT *, __DEADLINE_ON_A__ AS deadline_a FROM localities_report) r
  WHERE r.locality_id = %(commune)s AND r.received_on <= %(a)s
    AND (r.handled_on IS NULL OR r.handled_on > %(a)s)
  ORDER BY r.deadline_a, r.received_on, r.id
  LIMIT %(limit)s)
UNION ALL
(SELECT 'approval', a.id, a.state, NULL, NULL, NULL, NULL, NULL
   FROM plan_tracker_yearapproval a JOIN localities_locality c ON c.province_id = a.province_id
  WHERE c.id = %(commune)s AND a.plan_id = %(plan)s AND a.year = %(y)s)
""".replace("__DEADLINE_ON_A__", DEADLINE_ON_A)


def work_lists(conn, *, commune_id, year, as_of, plan_first_day, plan_id, limit=100):
    """What a commune's work lists page shows: the commune's figures of the year and of the
    year containing A ({year: its row of the compliance table, then the total row}), then its
    two work lists, each cut at `limit`
    rows like the page with the count of all of them ("n"; for the reports also the due soon
    and overdue ones), and the approval state of its province's year (a row "approval", none
    when not submitted). Returns {"figures": rows, "lists": rows}."""
    params = {
        "commune": commune_id,
        "a": as_of,
        "p0": plan_first_day,
        "limit": limit,
        "soon": as_of + datetime.timedelta(days=DUE_SOON_DAYS),
        "plan": plan_id,
        "y": year,
    }
    figures = {}
    with conn.cursor() as cursor:
        # The year shown, and the year containing A (the pace of what is still to be done).
        for y in sorted({year, as_of.year}):
            cursor.execute(
                compliance_sql("commune", commune_id=commune_id, source=summary_source(y, as_of)),
                compliance_params(y, as_of, plan_first_day) | {"level": "commune"},
            )
            figures[y] = cursor.fetchall()
        cursor.execute(WORK_LISTS_SQL, params)
        return {"figures": figures, "lists": cursor.fetchall()}


def summary_source(year, as_of):
    """The app's own schema, as the page reads it: the inspected years, and the first dates of
    the year when A falls inside it."""
    return SUMMARY_FIRST_DAYS if as_of < datetime.date(year, 12, 31) else SUMMARY


ESTABLISHMENT_LIST_SQL = """
SELECT e.id, e.code, e.name, e.line, c.name, e.opened_on, e.closed_on, count(*) OVER ()
  FROM localities_establishment e
  JOIN localities_locality c ON c.id = e.commune_id
 WHERE e.province_id = %(province)s AND e.line = %(line)s
 ORDER BY e.code
 LIMIT %(limit)s
"""


def establishment_list(conn, *, province_id, line, limit=25):
    """One page of the establishments list filtered by province and line, with the total."""
    with conn.cursor() as cursor:
        cursor.execute(
            ESTABLISHMENT_LIST_SQL, {"province": province_id, "line": line, "limit": limit}
        )
        return cursor.fetchall()


INSPECTIONS_EXPORT_SQL = """
COPY (
  SELECT i.id, e.code, e.name, c.code, p.code, i.inspected_on, i.team, i.outcome, i.fine_vnd,
         i.violations, i.notes
    FROM localities_inspection i
    JOIN localities_establishment e ON e.id = i.establishment_id
    JOIN localities_locality c ON c.id = e.commune_id
    JOIN localities_locality p ON p.id = e.province_id
   ORDER BY i.id
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


class _Counter(io.RawIOBase):
    """A sink that only counts: the export's bytes are produced and thrown away."""

    def __init__(self):
        self.bytes = 0

    def writable(self):
        return True

    def write(self, data):
        self.bytes += len(data)
        return len(data)


def inspections_export(conn) -> int:
    """Every inspection as CSV, streamed by the server (COPY TO STDOUT): the bytes written."""
    sink = _Counter()
    with conn.cursor() as cursor:
        cursor.copy_expert(INSPECTIONS_EXPORT_SQL, sink)
    return sink.bytes


IMPORT_SQL = """
INSERT INTO localities_inspection
    (version, created_at, updated_at, inspected_on, team, outcome, violations, fine_vnd, notes,
     establishment_id)
SELECT 1, now(), now(), s.inspected_on, s.team, s.outcome, coalesce(s.violations, ''),
       s.fine_vnd, coalesce(s.notes, ''), e.id
  FROM bench_import s
  JOIN localities_establishment e ON e.code = s.establishment_code
ON CONFLICT (establishment_id, inspected_on) DO UPDATE
   SET team = EXCLUDED.team, outcome = EXCLUDED.outcome, violations = EXCLUDED.violations,
       fine_vnd = EXCLUDED.fine_vnd, notes = EXCLUDED.notes,
       version = localities_inspection.version + 1, updated_at = now()
"""


def import_inspections(conn, csv_path) -> int:
    """The import's floor: COPY the file into a temporary table, then one INSERT … SELECT
    (resolving establishment codes, updating on the natural key); rolled back afterwards, in
    a transaction of its own or, inside one (a test), to a savepoint. Returns rows written."""
    autocommit = conn.autocommit
    with conn.cursor() as cursor:
        cursor.execute("BEGIN" if autocommit else "SAVEPOINT bench_floor_import")
        try:
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_import (establishment_code text, "
                "inspected_on date, team text, outcome text, fine_vnd bigint, violations text, "
                "notes text)"
            )
            cursor.execute("SET LOCAL datestyle = 'ISO, DMY'")
            with open(csv_path, encoding="utf-8-sig") as handle:
                cursor.copy_expert(
                    "COPY bench_import (establishment_code, inspected_on, team, outcome, "
                    "fine_vnd, violations, notes) FROM STDIN WITH (FORMAT csv, HEADER)",
                    handle,
                )
            cursor.execute(IMPORT_SQL)
            return cursor.rowcount
        finally:
            cursor.execute("ROLLBACK" if autocommit else "ROLLBACK TO SAVEPOINT bench_floor_import")
