"""Raw records streamed for administrators: the columns of each kind, the records filtered like
their list, and the CSV and XLSX written as the rows are read.

Memory stays flat whatever the size: rows come from `values_list(...).iterator(chunk_size=2000)`
(a server-side cursor on PostgreSQL), and both CSV and XLSX (exchange.xlsx_stream) are streamed
to the client in blocks as the rows are read. On PostgreSQL the CSV is written by the database
itself (COPY of the same query into a temporary file, streamed from there), byte for byte as
csv.writer writes it. The reporter's identity (ReporterIdentity) is never among the columns: it
is another table, and no path below reaches it.

A text cell that a spreadsheet would read as a formula (it starts with =, +, -, @, a tab or a
carriage return) is written with a leading apostrophe, in both CSV writers and in the XLSX;
numbers, dates and booleans are written as they are.
"""

import codecs
import csv
import io
import itertools
import tempfile

from django.db import connection, models
from django.db.models.functions import Concat, Left, NullIf

from exchange.kinds import Kind
from exchange.models import ExportLog
from localities.copy import execute_copy
from plan_tracker.formulas import FORMULA_STARTS, as_text

STREAM_CHUNK = 2000
# The columns read from an annotation of the kind's rows rather than a model field, and what
# they hold.
ANNOTATED_FIELDS = {"seen_report_reference": models.CharField()}


def filtered_records(kind: Kind, *, user, data):
    """(the records of `kind` the user may see, filtered like their list, the filterset).

    `data` holds the list's filter parameters, a QueryDict (a page's GET, the API's) or a dict;
    other keys are ignored. Invalid filters give no records, and the filterset says why."""
    queryset = kind.selector(user)
    filterset = kind.filterset(data, queryset=queryset, user=user)
    if not filterset.is_valid():
        return queryset.none(), filterset
    return filterset.qs, filterset


def used_filters(filterset, *, ignore=("format", "page", "sort", "limit", "offset")) -> dict:
    """The filters that were really applied, as plain JSON-able values for the log."""
    if not filterset.is_bound:
        return {}
    result = {}
    cleaned = filterset.form.cleaned_data if filterset.is_valid() else {}
    for name, value in filterset.data.items():
        if name in ignore or value in ("", None):
            continue
        # A value its field reads as no filter (a yes/no that is neither) was not applied.
        if name in filterset.filters and cleaned.get(name) not in (None, ""):
            values = filterset.data.getlist(name) if hasattr(filterset.data, "getlist") else [value]
            result[name] = values[0] if len(values) == 1 else values
    return result


class RawRows:
    """The rows of a raw export: tuples in the kind's column order when iterated, streamed in
    chunks (constant memory); and the ordered queryset they come from, so that on PostgreSQL
    the database itself can write the CSV (stream_csv)."""

    def __init__(self, kind: Kind, queryset):
        self.kind = kind
        self.queryset = queryset.order_by(*kind.order)

    def __iter__(self):
        return self.queryset.values_list(*self.kind.paths).iterator(chunk_size=STREAM_CHUNK)


def raw_rows(kind: Kind, queryset) -> RawRows:
    return RawRows(kind, queryset)


def _column_field(model, path: str):
    """The model field a values_list path ends on (a foreign key: the field it points to); for
    an annotation of the kind's rows (CaseQuerySet.with_report_seen_by), its output field."""
    if path in ANNOTATED_FIELDS:
        return ANNOTATED_FIELDS[path]
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    field = model._meta.get_field(name)
    return field.target_field if field.is_relation else field


def _csv_bool(value):
    return "" if value is None else ("true" if value else "false")


def _csv_datetime(value):
    return "" if value is None else value.isoformat()


def _csv_text(value):
    return as_text(value) if value else value


def _csv_converters(kind: Kind) -> list[tuple[int, object]]:
    """(column index, function) for the columns csv.writer would not write as the export does:
    booleans as true/false, date-times in ISO form, texts that could be read as a formula with
    an apostrophe before them (None is written empty, a date and a number as str() writes them,
    which is already their export form)."""
    converters = []
    for index, path in enumerate(kind.paths):
        field = _column_field(kind.model, path)
        if isinstance(field, models.CharField | models.TextField):
            converters.append((index, _csv_text))
        elif isinstance(field, models.BooleanField):
            converters.append((index, _csv_bool))
        elif isinstance(field, models.DateTimeField):
            converters.append((index, _csv_datetime))
    return converters


def _csv_header(kind: Kind) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(kind.column_names)
    return "\ufeff" + buffer.getvalue()  # the BOM, so Excel reads UTF-8


def _python_csv(rows, converters):
    """(text block, rows in it) for blocks of STREAM_CHUNK rows, written by csv.writer."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, STREAM_CHUNK)):
        if converters:
            chunk = [list(row) for row in chunk]
            for row in chunk:
                for index, convert in converters:
                    row[index] = convert(row[index])
        writer.writerows(chunk)
        yield buffer.getvalue(), len(chunk)
        buffer.seek(0)
        buffer.truncate()


# COPY writes a CSV cell as csv.writer does (quoted when it holds a comma, a quote or a line
# break, quotes doubled, NULL empty) but for: a text that could be read as a formula (sent with
# the apostrophe _csv_text puts before it), an empty text (quoted by COPY: sent as NULL), a
# boolean (t/f: sent as true/false), a date (in the session's DateStyle: sent as to_char's
# YYYY-MM-DD), and a text with a carriage return but no line feed, which COPY quotes and
# csv.writer does not (see _lone_carriage_return). Columns of any other type keep the export
# in Python.
#
# No larger work_mem for the sort: EXPLAIN shows an external merge sort (72 MB on disk at
# 600,000 rows), but with work_mem 64-256 MB PostgreSQL sorts in one process in memory instead
# of three on disk, and the COPY takes 1.3-2.0 s instead of 1.2 s (scale 1.0 data set).
COPY_BLOCK = 1 << 18


def _copy_text(path: str):
    """The text with an apostrophe before it where _csv_text puts one, in SQL:
    CASE WHEN left(path, 1) IN ('=', '+', ...) THEN concat('\'', path) ELSE path END."""
    text = models.TextField()
    return models.Case(
        models.When(
            models.lookups.In(Left(path, 1, output_field=text), list(FORMULA_STARTS)),
            then=Concat(models.Value("'"), path, output_field=text),
        ),
        default=models.F(path),
        output_field=text,
    )


def _copy_columns(kind: Kind) -> list | None:
    text = models.TextField()
    columns = []
    for path in kind.paths:
        field = _column_field(kind.model, path)
        if isinstance(field, models.CharField | models.TextField):
            columns.append(NullIf(_copy_text(path), models.Value(""), output_field=text))
        elif isinstance(field, models.BooleanField):
            columns.append(
                models.Case(
                    models.When(**{path: True}, then=models.Value("true")),
                    models.When(**{path: False}, then=models.Value("false")),
                    output_field=models.CharField(),
                )
            )
        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            # date.isoformat()'s form whatever the session's DateStyle.
            columns.append(
                models.Func(
                    path,
                    models.Value("YYYY-MM-DD"),
                    function="to_char",
                    output_field=models.TextField(),
                )
            )
        elif isinstance(field, models.IntegerField):
            columns.append(models.F(path))
        else:
            return None
    return columns


def _lone_carriage_return(spool) -> bool:
    """Whether the file holds a carriage return not followed by a line feed: a cell COPY may
    have quoted where csv.writer does not (a cell with a line feed is quoted by both)."""
    spool.seek(0)
    previous = b""
    while block := spool.read(COPY_BLOCK):
        block = previous + block
        # A carriage return at the end of a block is judged with the next block's first byte.
        previous = b"\r" if block.endswith(b"\r") else b""
        body = block[:-1] if previous else block
        if body.count(b"\r") != body.count(b"\r\n"):
            return True
    return bool(previous)


def _copy_csv(kind: Kind, queryset, spool) -> int | None:
    """The rows written into `spool` as CSV by PostgreSQL's COPY, the way csv.writer writes
    them; their count, or None where COPY cannot write exactly the same bytes."""
    columns = _copy_columns(kind)
    if columns is None:
        return None
    sql, params = queryset.values_list(*columns).query.sql_with_params()
    with connection.cursor() as cursor:
        copy = (
            "COPY ("
            + cursor.mogrify(sql, params).decode()
            + ") TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')"
        )
        # Through the connection's execute wrappers, so that anything counting or timing the
        # statements sees this one too.
        count = execute_copy(cursor, copy, spool)
    if _lone_carriage_return(spool):
        return None
    return count


def stream_csv(kind: Kind, rows: RawRows, log: ExportLog):
    """The CSV in blocks; the log gets the row count at the end. On PostgreSQL the database
    writes the rows itself (COPY, into a temporary file, then streamed from it), byte for byte
    as csv.writer would; elsewhere, or when it could not, csv.writer in blocks of STREAM_CHUNK
    rows."""
    yield _csv_header(kind)
    count = None
    if connection.vendor == "postgresql":
        with tempfile.TemporaryFile() as spool:
            count = _copy_csv(kind, rows.queryset, spool)
            if count is not None:
                spool.seek(0)
                decoder = codecs.getincrementaldecoder("utf-8")()
                while block := spool.read(COPY_BLOCK):
                    yield decoder.decode(block)
                yield decoder.decode(b"", final=True)
    if count is None:
        count = 0
        for block, rows_in_block in _python_csv(rows, _csv_converters(kind)):
            count += rows_in_block
            yield block
    ExportLog.objects.filter(pk=log.pk).update(row_count=count)


def stream_xlsx(kind: Kind, rows, log: ExportLog):
    """The workbook in blocks as the rows come (see xlsx_stream); the log gets the row count
    at the end."""
    from exchange.xlsx_stream import stream_xlsx as workbook

    count = 0

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    yield from workbook(kind.column_names, counted(), sheet_name=kind.id)
    ExportLog.objects.filter(pk=log.pk).update(row_count=count)
