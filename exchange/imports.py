"""Bulk imports of records from CSV or XLSX: all or nothing, row-by-row errors, idempotent.

How a file goes in (the same path for the page and for `manage.py import_records`):

1. The header must hold exactly the kind's columns (any order): a missing, unknown or repeated
   column refuses the whole file before any row is read.
2. Rows are streamed from the file (csv.reader / openpyxl read_only) and handled in chunks of
   CHUNK rows, so memory does not grow with the file. For each chunk the natural keys and the
   references (establishment codes, report references) are fetched in one query each, never
   one query per row; locality codes go through `localities.codes.resolve`, cached per code.
3. Each row becomes a model instance validated by the model's own `full_clean()` (its messages
   are in the user's language). Unique keys and foreign keys are checked here in bulk instead of
   by `full_clean`, which would run queries per row; so are the fields parse() already checked
   exactly as their own clean() would (validated_here: choices, dates, booleans).
4. A row equal to its record is skipped (no write, no history row); a new row is created and a
   changed one updated, both with their history rows: the rows simple_history's bulk helpers
   would write, copied from the records by one INSERT ... SELECT per batch (copy_history).
5. Everything runs in one transaction; after the first error nothing more is written, the
   remaining rows are still checked so every error is listed, and the transaction is rolled
   back: one bad row and nothing is written. A dry run always rolls back.
6. A record twice in the file is an error that names the line of its first occurrence. The
   keys met so far are kept in a temporary table of the import's own transaction (SeenKeys),
   not in Python, so that memory stays bounded by the chunk however long the file is.
"""

import csv
import datetime
import functools
import io
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from exchange.exports import RAW_COLUMNS
from localities.codes import resolve
from localities.models import (
    Case,
    CaseArticle,
    Establishment,
    Inspection,
    InspectionOutcome,
    InspectionTeam,
    Line,
    Locality,
    Report,
    ReportKind,
    ReportOutcome,
)
from localities.permissions import can_import

CHUNK = 2000
BATCH = 1000
MAX_ERRORS_LISTED = 500
MAX_CHANGES_LISTED = 200
CHANGE_REASON = "import"

COLUMNS = {
    "establishments": [
        "code",
        "name",
        "line",
        "commune_code",
        "address",
        "permit_number",
        "opened_on",
        "closed_on",
        "in_scope",
    ],
    "inspections": [
        "establishment_code",
        "inspected_on",
        "team",
        "outcome",
        "fine_vnd",
        "violations",
        "notes",
    ],
    "reports": [
        "reference",
        "kind",
        "locality_code",
        "received_on",
        "verified_on",
        "classified_on",
        "handled_on",
        "outcome",
        "extended_until",
        "summary",
    ],
    "cases": [
        "reference",
        "locality_code",
        "article",
        "opened_on",
        "handled_on",
        "report_reference",
    ],
}

# The columns a raw export adds after the template's, for reading (names, the province, the
# deadline the app computes): a file exported, edited and imported again may keep them; they
# are ignored, never written.
EXPORT_ONLY_COLUMNS = {
    kind: [column for column, _path in RAW_COLUMNS[kind] if column not in columns]
    for kind, columns in COLUMNS.items()
}
KIND_LABELS = {
    "establishments": gettext_lazy("Establishments"),
    "inspections": gettext_lazy("Inspections"),
    "reports": gettext_lazy("Reports"),
    "cases": gettext_lazy("Cases"),
}


class FileRefused(Exception):
    """The whole file is refused (unreadable, wrong format, wrong header): no row was read."""


@dataclass
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportResult:
    kind: str
    total: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[tuple[int, str, list[str]]] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, line: int, column: str, message: str):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append(RowError(line, column, str(message)))

    @property
    def errors_not_listed(self) -> int:
        return self.error_count - len(self.errors)


# -- reading files -----------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(path: Path) -> Iterator[list[str]]:
    # utf-8-sig drops a BOM if there is one (Excel writes one), and reads plain UTF-8 too.
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        # Excel set to Vietnamese writes ";" between cells (the comma is the decimal mark).
        delimiter = ";" if first.count(";") > first.count(",") else ","
        handle.seek(0)
        for row in csv.reader(handle, delimiter=delimiter):
            yield [cell.strip() for cell in row]


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileRefused(
            _("The file could not be read as an XLSX workbook (%(error)s).") % {"error": error}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def file_format(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise FileRefused(
        _("Upload a .csv (UTF-8) or .xlsx file; “%(name)s” is neither.") % {"name": filename}
    )


def count_rows(path: Path, fmt: str) -> int | None:
    """A quick estimate of the data rows, for the progress bar (None if unknown)."""
    if fmt == "csv":
        with open(path, "rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        return max(lines - 1, 0)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True)
        rows = workbook.worksheets[0].max_row
        workbook.close()
        return max((rows or 1) - 1, 0)
    except Exception:
        return None


def read_table(path: Path, fmt: str, kind: str) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """Check the header, then yield (line number, {column: text}) for each non-empty row."""
    rows = _csv_rows(path) if fmt == "csv" else _xlsx_rows(path)
    try:
        header = next(rows)
    except StopIteration:
        raise FileRefused(_("The file is empty: it needs a header row.")) from None
    except UnicodeDecodeError:
        raise FileRefused(
            _("The file is not UTF-8 text: save it as “CSV UTF-8” (or as XLSX) and try again.")
        ) from None
    header = [h.strip().lstrip("\ufeff").lower() for h in header]
    while header and not header[-1]:
        header.pop()
    expected = COLUMNS[kind]
    missing = [c for c in expected if c not in header]
    ignored = EXPORT_ONLY_COLUMNS[kind]
    unknown = [c for c in header if c not in expected and c not in ignored]
    repeated = sorted({c for c in header if header.count(c) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(
            _("unknown columns: %(columns)s")
            % {"columns": ", ".join(c or "(empty)" for c in unknown)}
        )
    if repeated:
        problems.append(_("repeated columns: %(columns)s") % {"columns": ", ".join(repeated)})
    if problems:
        raise FileRefused(
            _(
                "The header row does not match the %(kind)s template (%(problems)s). The columns "
                "must be exactly: %(expected)s (a file exported from here may also keep the "
                "columns the export adds, which are ignored: %(ignored)s)."
            )
            % {
                "kind": KIND_LABELS[kind],
                "problems": "; ".join(problems),
                "expected": ", ".join(expected),
                "ignored": ", ".join(ignored),
            }
        )

    def records():
        line = 1
        try:
            for row in rows:
                line += 1
                if not any(row):
                    continue
                values = {
                    column: cell
                    for column, cell in zip(header, row, strict=False)
                    if column not in ignored
                }
                extra = [cell for cell in row[len(header) :] if cell]
                if extra:
                    values["__extra__"] = extra
                yield line, values
        except UnicodeDecodeError:
            raise FileRefused(
                _(
                    "Line %(line)s is not UTF-8 text: save the file as “CSV UTF-8” (or as XLSX) "
                    "and try again."
                )
                % {"line": line}
            ) from None

    return header, records()


# -- parsing cells -----------------------------------------------------------------------------

DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
TRUE = {"true", "1", "yes", "y", "x", "có", "co", "c"}
FALSE = {"false", "0", "no", "n", "không", "khong", "k"}


class CellError(Exception):
    pass


def parse_date(text: str) -> datetime.date | None:
    if not text:
        return None
    match = YMD.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = DMY.match(text)
        if not match:
            raise CellError(
                _("“%(value)s” is not a date: write dd/mm/yyyy or YYYY-MM-DD.") % {"value": text}
            )
        day, month, year = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("“%(value)s” is not a real date.") % {"value": text}) from None


def parse_bool(text: str, default: bool) -> bool:
    if not text:
        return default
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise CellError(_("“%(value)s” is not yes or no: write true or false.") % {"value": text})


def parse_amount(text: str) -> int:
    if not text:
        return 0
    value = text.replace(" ", "")
    if GROUPED.match(text):
        value = re.sub(r"[.,\s]", "", text)
    if not value.isdigit():
        raise CellError(
            _("“%(value)s” is not an amount in VND: write a whole number, e.g. 1500000.")
            % {"value": text}
        )
    return int(value)


@functools.cache
def _choice_values(choices) -> tuple[str, ...]:
    return tuple(str(v) for v in choices.values)


def parse_choice(text: str, choices) -> str:
    values = _choice_values(choices)
    if text in values:
        return text
    raise CellError(
        _("“%(value)s” is not allowed here: write one of %(choices)s.")
        % {"value": text, "choices": ", ".join(values)}
    )


# -- the kinds ---------------------------------------------------------------------------------


class SeenKeys:
    """The keys met so far in the file, each with the line of its first occurrence.

    A temporary table (one per import, unique key) in the import's own transaction: a
    rolled-back import takes it away with everything else, a finished one drops it. Each chunk
    costs one INSERT ... ON CONFLICT DO NOTHING, and one SELECT more only when the chunk
    repeats a key of an earlier chunk. Works on PostgreSQL and SQLite alike."""

    def __init__(self):
        self.table = f"exchange_import_keys_{uuid.uuid4().hex}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table} (k text PRIMARY KEY, line integer NOT NULL)"
            )

    def earlier(self, firsts: dict[str, int]) -> dict[str, int]:
        """Record the chunk's keys ({key: its first line in the chunk}); return {key: line} for
        the keys an earlier chunk already had, with the line where the file first had them."""
        if not firsts:
            return {}
        keys = list(firsts)
        params = []
        for key in keys:
            params += [key, firsts[key]]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self.table} (k, line) VALUES "
                + ", ".join(["(%s, %s)"] * len(keys))
                + " ON CONFLICT (k) DO NOTHING",
                params,
            )
            if cursor.rowcount == len(keys):
                return {}
            cursor.execute(
                f"SELECT k, line FROM {self.table} WHERE k IN ({', '.join(['%s'] * len(keys))})",
                keys,
            )
            # A line is never on two rows: the key was there before if its line is another one.
            return {key: line for key, line in cursor.fetchall() if line != firsts[key]}

    def drop(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {self.table}")


class Row:
    """One line of the file while it is checked."""

    __slots__ = ("line", "text", "values", "failed", "key", "refs")

    def __init__(self, line: int, text: dict):
        self.line = line
        self.text = text
        self.values: dict = {}
        self.failed = False
        self.key = None
        self.refs: dict = {}


class Importer:
    """The common path; each kind says its columns, parsing, keys and references."""

    kind = ""
    model = None
    key_column = ""
    # Model field -> column, for the model's own error messages.
    field_columns: dict = {}
    # Fields written on create and compared/updated on re-import.
    fields: list[str] = []
    # Foreign keys checked here in bulk rather than by full_clean (which queries per row).
    checked_here = ["province"]
    # Fields whose value parse() already validated exactly as the field's own clean() would
    # (a choice of the field's choices, a date or None for a nullable date, a bool): full_clean
    # skips their field checks; the model's clean() still sees them.
    validated_here: list[str] = []

    def __init__(self, *, user, progress: Callable[[int], None] | None = None):
        if not can_import(user):
            raise PermissionDenied(_("Your role may read records but not import them."))
        self.user = user
        self.progress = progress
        self.result = ImportResult(kind=self.kind)
        self.seen: SeenKeys | None = None
        self._places: dict = {}
        self.within = Locality.objects.restrict(user) if user is not None else None

    # scope helpers
    def scoped(self, model):
        if self.user is None:
            return model.objects.all()
        return model.objects.restrict(self.user)

    def error(self, row: Row, column: str, message):
        row.failed = True
        self.result.add_error(row.line, column, message)

    def place(self, row: Row, column: str, *, communes_only: bool):
        """A current locality for the code in `column`, within the importer's scope."""
        text = row.text.get(column, "")
        if not text:
            self.error(row, column, _("Required: enter a locality code."))
            return None, ""
        cache_key = (text, communes_only)
        if cache_key not in self._places:
            try:
                self._places[cache_key] = resolve(
                    text, communes_only=communes_only, within=self.within
                )
            except ValidationError as error:
                self._places[cache_key] = error
        found = self._places[cache_key]
        if isinstance(found, ValidationError):
            for message in found.messages:
                self.error(row, column, message)
            return None, ""
        return found.locality, found.given

    def cell(self, row: Row, column: str, parser, *args):
        try:
            return parser(row.text.get(column, ""), *args)
        except CellError as error:
            self.error(row, column, str(error))
            return None

    # to be defined by the kinds
    def parse(self, row: Row):
        raise NotImplementedError

    def resolve_refs(self, rows: list[Row]):
        """Bulk look-ups of what the rows refer to (one query per chunk)."""

    def existing(self, keys: list) -> dict:
        raise NotImplementedError

    def in_scope_pks(self, objects: list) -> set:
        if self.user is None or not objects:
            return {o.pk for o in objects}
        return set(
            self.scoped(self.model)
            .filter(pk__in=[o.pk for o in objects])
            .values_list("pk", flat=True)
        )

    def out_of_scope_message(self, row: Row) -> str:
        return _(
            "%(key)s already belongs to a record outside your area: use another %(column)s."
        ) % {"key": row.key, "column": self.key_column}

    def prepare(self, obj):
        """Derived fields that the model's save() would set (bulk writes skip save())."""
        place = obj._place() if hasattr(obj, "_place") else None
        if place is not None:
            obj.province_id = place.province_id or place.pk

    def describe_key(self, row: Row) -> str:
        return str(row.key)

    def key_text(self, key) -> str:
        """The key as the text SeenKeys keeps."""
        return str(key)

    # the common path
    def check_chunk(self, rows: list[Row]) -> tuple[list, list]:
        for row in rows:
            extra = row.text.pop("__extra__", None)
            if extra:
                self.error(
                    row,
                    "",
                    _("This row has %(count)s more cells than the header has columns.")
                    % {"count": len(extra)},
                )
            self.parse(row)
        self.resolve_refs(rows)
        self.check_repeats(rows)
        candidates = [row for row in rows if not row.failed]
        found = self.existing([row.key for row in candidates])
        allowed = self.in_scope_pks(list(found.values()))
        to_create, to_update = [], []
        exclude = [*self.checked_here, *self.validated_here, "deadline"]
        for row in candidates:
            obj = found.get(row.key)
            if obj is not None and obj.pk not in allowed:
                self.error(row, self.key_column, self.out_of_scope_message(row))
                continue
            if obj is not None:
                changed = [f for f in self.fields if _differs(obj, f, row.values[f])]
                if not changed:
                    self.result.unchanged += 1
                    continue
                # Every value, not only the changed ones: the related objects found in bulk
                # then serve clean() without a query per row.
                for name, value in row.values.items():
                    setattr(obj, name, value)
            else:
                obj = self.model(**row.values)
                changed = None
            self.prepare(obj)
            try:
                obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    column = "" if name == NON_FIELD_ERRORS else self.field_columns.get(name, name)
                    for message in messages:
                        self.error(row, column, message)
                continue
            if changed is None:
                self.result.new += 1
                to_create.append(obj)
            else:
                self.result.changed += 1
                to_update.append(obj)
                if len(self.result.changes) < MAX_CHANGES_LISTED:
                    self.result.changes.append(
                        (
                            row.line,
                            self.describe_key(row),
                            [self.field_columns.get(f, f) for f in changed],
                        )
                    )
        return to_create, to_update

    def check_repeats(self, rows: list[Row]):
        """A key already met, in this chunk or an earlier one, is an error naming its first
        line (a failed row's key counts too: the file has it twice either way)."""
        keyed = [(row, self.key_text(row.key)) for row in rows if row.key is not None]
        firsts: dict[str, int] = {}
        for row, text in keyed:
            firsts.setdefault(text, row.line)
        earlier = self.seen.earlier(firsts)
        for row, text in keyed:
            first = earlier.get(text, firsts[text])
            if first != row.line:
                self.error(
                    row,
                    self.key_column,
                    _("%(key)s is already on line %(line)s of this file: each record once.")
                    % {"key": self.describe_key(row), "line": first},
                )

    def write(self, to_create: list, to_update: list):
        fast = _history_by_copy(self.model)
        if to_create:
            if fast:
                self.model._default_manager.bulk_create(to_create, batch_size=BATCH)
                self.copy_history(to_create, "+")
            else:
                bulk_create_with_history(
                    to_create,
                    self.model,
                    batch_size=BATCH,
                    default_user=self.user,
                    default_change_reason=CHANGE_REASON,
                )
        if to_update:
            now = timezone.now()
            for obj in to_update:
                obj.version += 1
                obj.updated_at = now
            fields = [*self.fields, *self.derived_fields(), "version", "updated_at"]
            if fast:
                self.model._default_manager.bulk_update(to_update, fields, batch_size=BATCH)
                self.copy_history(to_update, "~")
            else:
                bulk_update_with_history(
                    to_update,
                    self.model,
                    fields,
                    batch_size=BATCH,
                    default_user=self.user,
                    default_change_reason=CHANGE_REASON,
                )

    def copy_history(self, objects: list, history_type: str):
        """The history rows of records just written, copied from the records themselves by
        INSERT ... SELECT (the rows simple_history's bulk helpers would write, without building
        a historical model instance per row): one statement per BATCH records."""
        history = self.model.history.model
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or not objects:
            return
        user = self.user if self.user is not None else history.get_default_history_user(objects[0])
        fixed = {
            "history_date": timezone.now(),
            "history_change_reason": CHANGE_REASON,
            "history_type": history_type,
            "history_user": user.pk if user is not None else None,
        }
        source = self.model._meta
        target = history._meta
        columns = [target.get_field(f.name).column for f in history.tracked_fields]
        columns += [target.get_field(name).column for name in fixed]
        values = [
            connection.ops.quote_name(source.get_field(f.name).column)
            for f in history.tracked_fields
        ]
        params = [
            target.get_field(name).get_db_prep_save(value, connection)
            for name, value in fixed.items()
        ]
        pk = connection.ops.quote_name(source.pk.column)
        for start in range(0, len(objects), BATCH):
            pks = [o.pk for o in objects[start : start + BATCH]]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {connection.ops.quote_name(target.db_table)} "
                    f"({', '.join(connection.ops.quote_name(c) for c in columns)}) "
                    f"SELECT {', '.join(values)}, {', '.join(['%s'] * len(params))} "
                    f"FROM {connection.ops.quote_name(source.db_table)} "
                    f"WHERE {pk} IN ({', '.join(['%s'] * len(pks))}) ORDER BY {pk}",
                    [*params, *pks],
                )

    def derived_fields(self) -> list[str]:
        return ["province"] if any(f.name == "province" for f in self.model._meta.fields) else []

    def run(self, lines: Iterator[tuple[int, dict]], *, commit: bool) -> ImportResult:
        with transaction.atomic():
            # On an exception the transaction's rollback takes the table away.
            self.seen = SeenKeys()
            chunk: list[Row] = []
            for line, text in lines:
                chunk.append(Row(line, text))
                if len(chunk) >= CHUNK:
                    self._handle(chunk, commit)
                    chunk = []
            if chunk:
                self._handle(chunk, commit)
            self.seen.drop()
            if commit and self.result.ok:
                self.result.written = True
            else:
                transaction.set_rollback(True)
        return self.result

    def _handle(self, chunk: list[Row], commit: bool):
        listed = len(self.result.errors)
        to_create, to_update = self.check_chunk(chunk)
        # Errors are found in passes (cells, references, the model's checks): list them by line.
        self.result.errors[listed:] = sorted(self.result.errors[listed:], key=lambda e: e.line)
        self.result.total += len(chunk)
        if commit and self.result.ok:
            self.write(to_create, to_update)
        if self.progress:
            self.progress(len(chunk))


HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}


def _history_by_copy(model) -> bool:
    """Whether copy_history writes the model's history rows: the new records' primary keys
    come back from a bulk insert, the history table numbers its own rows, and it has no field
    but the tracked ones and simple_history's usual five. Otherwise simple_history's own bulk
    helpers do it."""
    history = model.history.model
    names = {f.name for f in history._meta.concrete_fields}
    return (
        connection.features.can_return_rows_from_bulk_insert
        and isinstance(history._meta.pk, models.AutoField)
        and names == {f.name for f in history.tracked_fields} | HISTORY_FIELDS
    )


def _differs(obj, name: str, value) -> bool:
    field_ = obj._meta.get_field(name)
    if field_.is_relation:
        current = getattr(obj, field_.attname)
        return current != (
            getattr(value, field_.target_field.attname) if value is not None else None
        )
    return getattr(obj, name) != value


class EstablishmentImporter(Importer):
    kind = "establishments"
    model = Establishment
    key_column = "code"
    field_columns = {"commune": "commune_code", "locality_code_given": "commune_code"}
    fields = [
        "name",
        "line",
        "commune",
        "locality_code_given",
        "address",
        "permit_number",
        "opened_on",
        "closed_on",
        "in_scope",
    ]
    checked_here = ["province", "commune"]
    validated_here = ["line", "opened_on", "closed_on", "in_scope"]

    def parse(self, row):
        t = row.text
        code = t.get("code", "")
        if not code:
            self.error(row, "code", _("Required: enter the establishment's registry code."))
        commune, given = self.place(row, "commune_code", communes_only=True)
        row.values = {
            "code": code,
            "name": t.get("name", ""),
            "line": self.cell(row, "line", parse_choice, Line),
            "commune": commune,
            "locality_code_given": given,
            "address": t.get("address", ""),
            "permit_number": t.get("permit_number", ""),
            "opened_on": self.cell(row, "opened_on", parse_date),
            "closed_on": self.cell(row, "closed_on", parse_date),
            "in_scope": self.cell(row, "in_scope", parse_bool, True),
        }
        if code:
            row.key = code

    def existing(self, keys):
        objects = Establishment.objects.filter(code__in=keys).select_related("commune")
        return {o.code: o for o in objects}


class InspectionImporter(Importer):
    kind = "inspections"
    model = Inspection
    key_column = "establishment_code"
    field_columns = {"establishment": "establishment_code"}
    fields = ["team", "outcome", "fine_vnd", "violations", "notes"]
    checked_here = ["establishment"]
    validated_here = ["inspected_on", "team", "outcome"]

    def parse(self, row):
        t = row.text
        inspected_on = self.cell(row, "inspected_on", parse_date)
        if not t.get("inspected_on"):
            self.error(row, "inspected_on", _("Required: enter the inspection date."))
        if not t.get("establishment_code"):
            self.error(row, "establishment_code", _("Required: enter the establishment's code."))
        row.values = {
            "inspected_on": inspected_on,
            "team": self.cell(row, "team", parse_choice, InspectionTeam),
            "outcome": self.cell(row, "outcome", parse_choice, InspectionOutcome),
            "fine_vnd": self.cell(row, "fine_vnd", parse_amount),
            "violations": t.get("violations", ""),
            "notes": t.get("notes", ""),
        }

    def resolve_refs(self, rows):
        codes = {r.text.get("establishment_code") for r in rows if r.text.get("establishment_code")}
        found = {
            e.code: e
            for e in self.scoped(Establishment)
            .filter(code__in=codes)
            .only("pk", "code", "name", "opened_on", "commune_id", "province_id")
        }
        for row in rows:
            code = row.text.get("establishment_code")
            if not code:
                continue
            establishment = found.get(code)
            if establishment is None:
                self.error(
                    row,
                    "establishment_code",
                    _("No establishment has the registry code %(code)s in your area.")
                    % {"code": code},
                )
                continue
            row.values["establishment"] = establishment
            if row.values["inspected_on"]:
                row.key = (establishment.pk, row.values["inspected_on"])
                row.refs["code"] = code

    def describe_key(self, row):
        return f"{row.refs.get('code')} {row.values['inspected_on']:%d/%m/%Y}"

    def key_text(self, key):
        establishment_id, inspected_on = key
        return f"{establishment_id}:{inspected_on.isoformat()}"

    def existing(self, keys):
        if not keys:
            return {}
        wanted = set(keys)
        # The establishments × the dates is a cross product of the pairs wanted (~2.5 rows a
        # key): read it as bare tuples, and whole records only for the pairs in the file.
        pairs = (
            Inspection.objects.filter(
                establishment_id__in={k[0] for k in keys}, inspected_on__in={k[1] for k in keys}
            )
            .order_by()
            .values_list("pk", "establishment_id", "inspected_on")
        )
        pks = [pk for pk, establishment_id, day in pairs if (establishment_id, day) in wanted]
        if not pks:
            return {}
        objects = Inspection.objects.filter(pk__in=pks).order_by()
        return {(o.establishment_id, o.inspected_on): o for o in objects}

    def in_scope_pks(self, objects):
        # The key holds the establishment, already found within the scope.
        return {o.pk for o in objects}

    def prepare(self, obj):
        pass

    def derived_fields(self):
        return []


class ReportImporter(Importer):
    kind = "reports"
    model = Report
    key_column = "reference"
    field_columns = {"locality": "locality_code", "locality_code_given": "locality_code"}
    fields = [
        "kind",
        "locality",
        "locality_code_given",
        "received_on",
        "verified_on",
        "classified_on",
        "handled_on",
        "outcome",
        "extended_until",
        "summary",
    ]
    checked_here = ["province", "locality", "kind"]
    validated_here = [
        "received_on",
        "verified_on",
        "classified_on",
        "handled_on",
        "outcome",
        "extended_until",
    ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.kinds = {k.code: k for k in ReportKind.objects.all()}

    def parse(self, row):
        t = row.text
        reference = t.get("reference", "")
        if not reference:
            self.error(row, "reference", _("Required: enter the report's reference."))
        kind = self.kinds.get(t.get("kind", ""))
        if kind is None:
            self.error(
                row,
                "kind",
                _("“%(value)s” is not allowed here: write one of %(choices)s.")
                % {"value": t.get("kind", ""), "choices": ", ".join(self.kinds)},
            )
        locality, given = self.place(row, "locality_code", communes_only=False)
        received_on = self.cell(row, "received_on", parse_date)
        if not t.get("received_on"):
            self.error(row, "received_on", _("Required: enter the date the report was received."))
        outcome = t.get("outcome", "")
        row.values = {
            "reference": reference,
            "kind": kind,
            "locality": locality,
            "locality_code_given": given,
            "received_on": received_on,
            "verified_on": self.cell(row, "verified_on", parse_date),
            "classified_on": self.cell(row, "classified_on", parse_date),
            "handled_on": self.cell(row, "handled_on", parse_date),
            "outcome": self.cell(row, "outcome", parse_choice, ReportOutcome) if outcome else "",
            "extended_until": self.cell(row, "extended_until", parse_date),
            "summary": t.get("summary", ""),
        }
        if reference:
            row.key = reference

    def existing(self, keys):
        return {o.reference: o for o in Report.objects.filter(reference__in=keys)}

    def prepare(self, obj):
        super().prepare(obj)
        obj.deadline = obj.compute_deadline()

    def derived_fields(self):
        return ["province", "deadline"]


class CaseImporter(Importer):
    kind = "cases"
    model = Case
    key_column = "reference"
    field_columns = {
        "locality": "locality_code",
        "locality_code_given": "locality_code",
        "report": "report_reference",
    }
    fields = ["locality", "locality_code_given", "article", "opened_on", "handled_on", "report"]
    checked_here = ["province", "locality", "report"]
    validated_here = ["article", "opened_on", "handled_on"]

    def parse(self, row):
        t = row.text
        reference = t.get("reference", "")
        if not reference:
            self.error(row, "reference", _("Required: enter the case reference."))
        locality, given = self.place(row, "locality_code", communes_only=False)
        opened_on = self.cell(row, "opened_on", parse_date)
        if not t.get("opened_on"):
            self.error(row, "opened_on", _("Required: enter the date the case was opened."))
        row.values = {
            "reference": reference,
            "locality": locality,
            "locality_code_given": given,
            "article": self.cell(row, "article", parse_choice, CaseArticle),
            "opened_on": opened_on,
            "handled_on": self.cell(row, "handled_on", parse_date),
            "report": None,
        }
        if reference:
            row.key = reference

    def resolve_refs(self, rows):
        references = {r.text["report_reference"] for r in rows if r.text.get("report_reference")}
        found = {
            r.reference: r
            for r in self.scoped(Report)
            .filter(reference__in=references)
            .only("pk", "reference", "received_on", "locality_id", "province_id")
        }
        for row in rows:
            reference = row.text.get("report_reference")
            if not reference:
                continue
            report = found.get(reference)
            if report is None:
                self.error(
                    row,
                    "report_reference",
                    _("No report has the reference %(reference)s in your area.")
                    % {"reference": reference},
                )
            row.values["report"] = report

    def existing(self, keys):
        return {o.reference: o for o in Case.objects.filter(reference__in=keys)}


IMPORTERS = {
    "establishments": EstablishmentImporter,
    "inspections": InspectionImporter,
    "reports": ReportImporter,
    "cases": CaseImporter,
}


def import_file(
    kind: str,
    path,
    *,
    user,
    commit: bool,
    filename: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check (and, with commit=True and no error, write) a file. Raises FileRefused."""
    path = Path(path)
    fmt = file_format(filename or path.name)
    importer = IMPORTERS[kind](user=user, progress=progress)
    _header, lines = read_table(path, fmt, kind)
    return importer.run(lines, commit=commit)


# -- templates ---------------------------------------------------------------------------------

EXAMPLES = {
    "establishments": {
        "code": "HN-KS-0001",
        "name": "Khách sạn Hoa Sen",
        "line": "accommodation",
        "commune_code": "00004",
        "address": "12 Phố Đội Cấn",
        "permit_number": "123/GCN-ANTT",
        "opened_on": "15/03/2019",
        "closed_on": "",
        "in_scope": "true",
    },
    "inspections": {
        "establishment_code": "HN-KS-0001",
        "inspected_on": "20/05/2025",
        "team": "interagency",
        "outcome": "violation",
        "fine_vnd": "7500000",
        "violations": "Không đăng ký lưu trú",
        "notes": "",
    },
    "reports": {
        "reference": "TB-2025-001",
        "kind": "crime_denunciation",
        "locality_code": "00004",
        "received_on": "02/06/2025",
        "verified_on": "05/06/2025",
        "classified_on": "06/06/2025",
        "handled_on": "18/06/2025",
        "outcome": "case_opened",
        "extended_until": "",
        "summary": "",
    },
    "cases": {
        "reference": "VA-2025-001",
        "locality_code": "00004",
        "article": "327",
        "opened_on": "18/06/2025",
        "handled_on": "",
        "report_reference": "TB-2025-001",
    },
}


def column_help(kind: str) -> list[tuple[str, str]]:
    """(column, what to write) for the template's instructions."""
    date = _("date, dd/mm/yyyy or YYYY-MM-DD")
    locality = _(
        "locality code: 5 digits for a commune or 2 for a province (2025 scheme); an old code "
        "as 2004:xxxxx"
    )
    texts = {
        "code": _("registry code, unique nationwide (required)"),
        "name": _("name (required)"),
        "line": ", ".join(Line.values),
        "commune_code": _("commune code: 5 digits (2025 scheme), or 2004:xxxxx for an old one"),
        "address": _("address"),
        "permit_number": _("security and order permit number, if any"),
        "opened_on": date,
        "closed_on": date,
        "in_scope": _("true or false (empty = true)"),
        "establishment_code": _("the establishment's registry code (required)"),
        "inspected_on": date + " " + _("(required)"),
        "team": ", ".join(InspectionTeam.values),
        "outcome": ", ".join(InspectionOutcome.values)
        if kind == "inspections"
        else ", ".join(ReportOutcome.values) + " " + _("(with handled_on)"),
        "fine_vnd": _("administrative fine in VND, a whole number (empty = 0)"),
        "violations": _("violations found"),
        "notes": _("notes"),
        "reference": _("reference, unique nationwide (required)"),
        "kind": ", ".join(ReportKind.objects.values_list("code", flat=True)),
        "locality_code": locality,
        "received_on": date + " " + _("(required)"),
        "verified_on": date,
        "classified_on": date,
        "handled_on": date,
        "extended_until": date + " " + _("(only with a decided extension)"),
        "summary": _("summary (never the reporter's identity)"),
        "article": ", ".join(CaseArticle.values),
        "report_reference": _("reference of the report the case was born from, if any"),
    }
    return [(column, str(texts[column])) for column in COLUMNS[kind]]


def template_csv(kind: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS[kind])
    # A BOM, so Excel opens the file as UTF-8 and shows the diacritics.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = kind
    sheet.append(COLUMNS[kind])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS[kind], start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column) + 4)
        # Codes and dates as text, so Excel keeps leading zeros ("00004") and the day first.
        if column.endswith("code") or column.endswith("_on") or column == "extended_until":
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    guide = workbook.create_sheet(_("Instructions"))
    guide.append([_("Column"), _("What to write"), _("Example")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column, text in column_help(kind):
        guide.append([column, text, EXAMPLES[kind].get(column, "")])
    guide.append([])
    guide.append(
        [
            _(
                "Fill the first sheet from its second row; keep its header row as it is. Only "
                "the first sheet is read."
            )
        ]
    )
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 90
    guide.column_dimensions["C"].width = 24
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
