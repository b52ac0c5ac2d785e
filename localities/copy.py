"""Many rows into a table at once by PostgreSQL's COPY, the way bulk_create would insert them.

COPY reads the rows as one stream of CSV, with none of the work an INSERT of many VALUES costs
(a placeholder a value, a statement to parse): an import of 100,000 inspections writes its
records and the list of them this way (bench/RESULTS.md). Each COPY goes through the
connection's execute wrappers, so that anything counting or timing the statements sees it too.

`copy_supported()` says whether a model's rows can be written so: on PostgreSQL only, and only
for the field types whose Python values CSV carries as PostgreSQL reads them (text, numbers,
dates and times, booleans); elsewhere the callers fall back on bulk_create.
"""

import csv
import functools
import io

from django.db import connection, models
from django.utils import timezone

# The fields whose Python values are written as their str() (numbers unquoted, the rest quoted),
# which PostgreSQL reads back as the same value.
COPIED_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


TEXT_TYPES = {"CharField", "TextField"}


def _copied(field) -> bool:
    internal = (field.target_field if field.is_relation else field).get_internal_type()
    # A nullable text would not tell None from "" (see copy_rows).
    return internal in COPIED_TYPES and not (field.null and internal in TEXT_TYPES)


def copy_supported(model) -> bool:
    """Whether `model`'s rows may be written by copy_rows(): PostgreSQL, and every concrete
    field of a type COPY reads from its str()."""
    return (
        connection.vendor == "postgresql"
        and isinstance(model._meta.pk, models.AutoField)
        and all(_copied(field) for field in model._meta.concrete_fields)
    )


def execute_copy(cursor, sql: str, stream) -> int:
    """`cursor.copy_expert(sql, stream)` through the connection's execute wrappers; the rows
    it copied."""

    def execute(sql, params, many, context):
        cursor.copy_expert(sql, stream)
        return cursor.rowcount

    for wrapper in reversed(connection.execute_wrappers):
        execute = functools.partial(wrapper, execute)
    return execute(sql, None, False, {"connection": connection, "cursor": cursor})


def copy_rows(table: str, columns: list[str], rows, *, nullable: list[str] = ()) -> int:
    """Insert `rows` (tuples of Python values, in the order of `columns`) into `table` by one
    COPY; the rows written. The values must be of the types of COPIED_TYPES; None only in the
    `nullable` columns, which hold no text."""
    stream = io.StringIO()
    # Every value but a number is quoted, so an empty text stays an empty text; None is written
    # as an empty one too, which FORCE_NULL reads as NULL in the nullable columns (no text
    # there, so no empty text is lost).
    csv.writer(stream, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
    stream.seek(0)
    quote = connection.ops.quote_name
    options = "FORMAT csv"
    if nullable:
        options += f", FORCE_NULL ({', '.join(quote(c) for c in nullable)})"
    sql = (
        f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN WITH ({options})"
    )
    with connection.cursor() as cursor:
        return execute_copy(cursor, sql, stream)


def next_ids(model, count: int) -> list[int]:
    """`count` new primary keys of `model`, drawn from its table's sequence as an INSERT would
    draw them (so that rows given them by COPY never meet another writer's)."""
    if not count:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        # The sequence's name looked up once (a scalar subquery), not once a key.
        cursor.execute(
            "SELECT nextval((SELECT pg_get_serial_sequence(%s, %s)::regclass)) "
            "FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def insert_by_copy(model, records: list) -> None:
    """Insert the unsaved `records` of `model` by COPY, as bulk_create would: each field's
    value as its pre_save() gives it (auto_now stamps the time), the primary keys drawn first
    and set on the records, which are then saved records of the database. The caller checks
    copy_supported(model)."""
    if not records:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamped = _stamped(fields)
    for field in stamped:
        # One time for all the records (bulk_create asks the clock once a record).
        now = field.pre_save(records[0], add=True)
        for record in records:
            setattr(record, field.attname, now)
    attnames = [f.attname for f in fields]
    pks = _copy_new(model, fields, [[getattr(r, name) for name in attnames] for r in records])
    for record, pk in zip(records, pks, strict=True):
        record.pk = pk
        record._state.adding = False
        record._state.db = connection.alias


def insert_values_by_copy(model, rows: list[dict]) -> list[int]:
    """Insert new records of `model` given as plain values ({attname: value}, the fields left
    out taking their defaults and auto_now stamping the time) by one COPY, without a record
    each: what insert_by_copy() writes for the same records. Returns their new primary keys,
    in the order of `rows`. The caller checks copy_supported(model)."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    stamped = {f.attname for f in _stamped(fields)}
    # Each field's value: the time for a stamped one (whatever a row says, as pre_save()
    # stamps it), else the row's, else its default (a callable one called for each record).
    absent = object()
    plan = []
    for field in fields:
        if field.attname in stamped:
            plan.append((None, now, None))
        elif field.has_default() and callable(field.default):
            plan.append((field.attname, absent, field.get_default))
        else:
            plan.append((field.attname, field.get_default(), None))
    values = []
    for row in rows:
        record = []
        for name, default, call in plan:
            value = default if name is None else row.get(name, absent)
            if value is absent:
                value = default if call is None else call()
            record.append(value)
        values.append(record)
    return _copy_new(model, fields, values)


def _stamped(fields) -> list:
    return [f for f in fields if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add)]


def _copy_new(model, fields, values: list[list]) -> list[int]:
    """The rows `values` (each the values of `fields`, the primary key left out) copied into
    `model`'s table with primary keys drawn from its sequence; those keys, in order."""
    pks = next_ids(model, len(values))
    copy_rows(
        model._meta.db_table,
        [model._meta.pk.column, *(f.column for f in fields)],
        ((pk, *row) for pk, row in zip(pks, values, strict=True)),
        nullable=[f.column for f in fields if f.null],
    )
    return pks
