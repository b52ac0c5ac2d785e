"""The compliance table as CSV or JSON: the same columns for the command, the dashboards'
download and the exports (plan_tracker.metrics.Table.columns, in order).

Counts are integers, percentages have one decimal ("12.5") or are empty (CSV) / null (JSON)
when not applicable, statuses are the ids of plan-rules §7, as_of is "YYYY-MM-DD".
A text that a spreadsheet would read as a formula gets a leading apostrophe (formulas.as_text).
"""

import csv
import datetime
import json
from decimal import Decimal

from plan_tracker.formulas import as_text


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.1f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return as_text(value)
    return str(value)


def json_value(value):
    if isinstance(value, Decimal):
        return float(f"{value:.1f}")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class PlansSideBySide:
    """Tables of the same rows judged against several plans (metrics.judged_series), read as
    one: a `plan` column after the leading ones, then the figures, then a status column for
    each target of any of the plans (empty where a plan has no such target), then the columns
    the tables carry after their own (the approval of each row's year: with_approval_columns);
    one row per locality and plan, the plans of a locality together in the tables' order."""

    def __init__(self, tables):
        from plan_tracker.metrics import FIGURES, LEADING

        self.tables = list(tables)
        if not self.tables:
            raise ValueError("PlansSideBySide needs at least one table")
        statuses, after = [], []
        for table in self.tables:
            statuses += [c for c in table.columns if c.startswith("status_") and c not in statuses]
            after += [
                c
                for c in table.columns
                if c not in LEADING and c not in FIGURES and not c.startswith("status_")
                if c not in after
            ]
        self.columns = [*LEADING, "plan", *FIGURES, *statuses, *after]
        first = self.tables[0]
        self.year, self.as_of, self.level, self.locality = (
            first.year,
            first.as_of,
            first.level,
            first.locality,
        )

    @property
    def plans(self) -> list:
        return [table.plan for table in self.tables]

    def row_count(self, *, total: bool = False) -> int:
        """How many rows as_dicts gives, without building them."""
        return sum(len(table.rows) + (1 if total else 0) for table in self.tables)

    def as_dicts(self, *, total: bool = False) -> list[dict]:
        """The rows, then (if asked) each plan's total, in the tables' order."""
        columns = self.columns
        return [dict(zip(columns, values, strict=True)) for values in self.value_rows(total=total)]

    def value_rows(self, *, total: bool = False) -> list[list]:
        """The values of as_dicts, as lists in column order: a table's row has None in the
        columns the table lacks, and its plan (named once per table) in `plan`."""
        from plan_tracker.metrics import plain_rows

        lacking = object()  # a key no row holds
        plan_at = self.columns.index("plan")
        per_plan = []
        for table in self.tables:
            own = set(table.columns)
            keys = [column if column in own else lacking for column in self.columns]
            name = str(table.plan)
            rows = table.rows + ([table.total] if total else [])
            lists = plain_rows(rows, keys)
            for values in lists:
                values[plan_at] = name
            per_plan.append(lists)
        return [values for same_place in zip(*per_plan, strict=True) for values in same_place]


def write_csv(table, fileobj, *, total: bool = False) -> None:
    """One header line (the column names), then one line per row; the total last if asked.

    Written column by column: a column of counts and empty cells (most of a table) goes to
    csv.writer as it is, since the writer already writes them as csv_value would; in any other
    column of one kind of value (texts, percentages, statuses, yes/no) each distinct value is
    converted once (they repeat down a table of thousands of rows); a column mixing kinds,
    cell by cell. The rows go in one writerows call."""
    writer = csv.writer(fileobj, lineterminator="\n")
    writer.writerow(table.columns)
    rows = table.value_rows(total=total)
    if not rows:
        return
    writer.writerows(zip(*map(_csv_column, zip(*rows, strict=True)), strict=True))


_AS_THEY_ARE = {int, type(None)}


def _csv_column(values: tuple):
    """A column's cells as write_csv hands them to csv.writer (see there)."""
    kinds = set(map(type, values))
    if kinds <= _AS_THEY_ARE:
        return values
    if len(kinds - {type(None)}) > 1:
        # Decimal("1"), 1 and True are equal keys but not the same cell: no shared memo.
        return [csv_value(value) for value in values]
    texts = {value: csv_value(value) for value in set(values)}
    return list(map(texts.__getitem__, values))


def table_json(table, *, total: bool = False) -> list[dict]:
    return [
        {column: json_value(row[column]) for column in table.columns}
        for row in table.as_dicts(total=total)
    ]


def write_json(table, fileobj, *, total: bool = False) -> None:
    """A JSON list of objects, keys in column order."""
    json.dump(table_json(table, total=total), fileobj, ensure_ascii=False, indent=2)
    fileobj.write("\n")
