"""The import engine: one file of one kind checked, and written all or nothing.

How a file goes in (the same path for the page, the import jobs and `manage.py import_records`):

1. The header is checked first (exchange.imports.files): a wrong one refuses the whole file.
2. Rows are streamed from the file and handled in chunks of CHUNK rows, so memory does not grow
   with the file. For each chunk the natural keys and the references (establishment codes,
   report references) are fetched in one query each, never one query per row; locality codes
   go through `localities.codes.resolve`, cached per code.
3. Each row becomes a model instance validated by the model's own `full_clean()` (its messages
   are in the user's language). Unique keys and foreign keys are checked here in bulk instead of
   by `full_clean`, which would run queries per row; so are the fields parse() already checked
   exactly as their own clean() would (validated_here: choices, dates, booleans), and the
   fields no file sets (the key, the version, the times). The checks of all rows take the same
   today and the same submitted and approved years, each read once (one_day, locks_read_once).
   A kind whose model's clean() is a rule on plain values (plain_new: inspections, whose
   Inspection.rule_errors clean() calls) checks a new row without a record when no year is
   locked: each field by its own clean(), as full_clean would, then that rule; the row is
   written from its plain values (records_insert_values), with the same history row.
4. A row equal to its record is skipped (no write, no history row); the new and changed ones
   of a chunk are written by localities.services.records_save_bulk, as a form's save would
   write them (the province, a report's deadline, the version, a history row each, the
   writer's area checked again), in a few statements a chunk: on PostgreSQL the new records
   and the batch's list of them by COPY (localities.copy), the history rows by one
   INSERT ... SELECT.
5. Everything runs in one transaction; after the first error nothing more is written, the
   remaining rows are still checked so every error is listed, and the transaction is rolled
   back: one bad row and nothing is written. A dry run always rolls back.
   The records written are listed on an ImportBatch (exchange.models) in the same
   transaction, for the list of exactly the records the import created or changed.
6. A record twice in the file is an error that names the line of its first occurrence. The
   keys met so far are kept in a temporary table of the import's own transaction (SeenKeys),
   not in Python, so that memory stays bounded by the chunk however long the file is.
7. The file's first PREVIEW_ROWS rows are described for the preview as they are checked: each
   row's line, its record, whether it is new, changed, unchanged or wrong, and for a changed
   record each field that would change, old → new (shown as a record's history shows them).
   Only the fields an import writes are compared, and none of them is a reporter's identity.

The importers of the kinds (exchange.imports.importers) say their columns, how a row is parsed,
its key and what it refers to; everything else is here.
"""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from exchange.imports.cells import CellError
from exchange.imports.files import NUL_COLUMNS, file_format, read_table
from exchange.models import ImportBatch, ImportedRecord
from localities.codes import resolve
from localities.copy import copy_rows, copy_supported
from localities.models import Locality
from localities.models.validation import field_errors, one_day, raise_if
from localities.permissions import IMPORT, can_import, scope_of
from localities.services import records_insert_values, records_save_bulk
from localities.views.history import shown_value
from plan_tracker.approvals import locks_read_once, nothing_locked

CHUNK = 2000
MAX_ERRORS_LISTED = 500
MAX_CHANGES_LISTED = 200
PREVIEW_ROWS = 100
CHANGE_REASON = "import"


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
    # The first PREVIEW_ROWS rows of the file: {"line", "key", "status", "changes"}, status one
    # of NEW, CHANGED, UNCHANGED, ERROR, changes [[column, label, old, new], ...] (as JSON).
    preview: list[dict] = field(default_factory=list)
    written: bool = False
    # The ImportBatch of the records written (an import that wrote something).
    batch: int | None = None

    @property
    def changes_beyond_preview(self) -> list[tuple[int, str, list[str]]]:
        """The changed records listed after the preview's last row."""
        last = self.preview[-1]["line"] if self.preview else 0
        return [change for change in self.changes if change[0] > last]

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
        lines = [firsts[key] for key in keys]
        postgresql = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            if postgresql:
                # Two array parameters rather than two placeholders a key.
                cursor.execute(
                    f"INSERT INTO {self.table} (k, line) "
                    "SELECT * FROM unnest(%s::text[], %s::integer[]) ON CONFLICT (k) DO NOTHING",
                    [keys, lines],
                )
            else:
                cursor.execute(
                    f"INSERT INTO {self.table} (k, line) VALUES "
                    + ", ".join(["(%s, %s)"] * len(keys))
                    + " ON CONFLICT (k) DO NOTHING",
                    [value for pair in zip(keys, lines, strict=True) for value in pair],
                )
            if cursor.rowcount == len(keys):
                return {}
            if postgresql:
                cursor.execute(f"SELECT k, line FROM {self.table} WHERE k = ANY(%s)", [keys])
            else:
                among = ", ".join(["%s"] * len(keys))
                cursor.execute(f"SELECT k, line FROM {self.table} WHERE k IN ({among})", keys)
            # A line is never on two rows: the key was there before if its line is another one.
            return {key: line for key, line in cursor.fetchall() if line != firsts[key]}

    def drop(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {self.table}")


NEW, CHANGED, UNCHANGED, ERROR = "new", "changed", "unchanged", "error"


class NewRecords:
    """New records of `model` made from rows' values by the model's positional construction
    (as Model.from_db makes the database's), each field's default worked out once: by keyword,
    every record would look up the default of each field it is not given and go through the
    descriptor of each foreign key, a third of the time a large file takes to check. A
    related record given is kept on the new one as the descriptor would keep it, so that its
    checks read it without a query."""

    def __init__(self, model):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.names = {field.name for field in self.fields}
        # A callable default (a time, a new key) is called for each record, as by keyword.
        self.defaults = [
            field.get_default if field.has_default() and callable(field.default) else None
            for field in self.fields
        ]
        self.fixed = [field.get_default() for field in self.fields]

    def make(self, values: dict):
        if not self.names.issuperset(values):
            return self.model(**values)
        args, related = [], []
        for model_field, call, fixed in zip(self.fields, self.defaults, self.fixed, strict=True):
            if model_field.name not in values:
                args.append(fixed if call is None else call())
                continue
            value = values[model_field.name]
            if model_field.is_relation and value is not None:
                related.append((model_field, value))
                value = getattr(value, model_field.target_field.attname)
            args.append(value)
        record = self.model(*args)
        for model_field, value in related:
            model_field.set_cached_value(record, value)
        return record


class PlainValues:
    """A row's values ({field name: value}, a related record for a foreign key) as the plain
    values of its record's columns ({attname: value}, a foreign key as its key)."""

    def __init__(self, model):
        self.related = {
            field.name: (field.attname, field.target_field.attname)
            for field in model._meta.concrete_fields
            if field.is_relation
        }

    def of(self, values: dict) -> dict:
        plain = dict(values)
        for name, (attname, target) in self.related.items():
            if name in plain:
                value = plain.pop(name)
                plain[attname] = getattr(value, target) if value is not None else None
        return plain


class FileRow:
    """One line of the file while it is checked."""

    __slots__ = ("line", "text", "values", "failed", "key", "refs", "status", "changes")

    def __init__(self, line: int, text: dict):
        self.line = line
        self.text = text
        self.values: dict = {}
        self.failed = False
        self.key = None
        self.refs: dict = {}
        self.status = ""
        self.changes: list = []


class Importer:
    """The common path; each kind says its columns, parsing, keys and references."""

    kind = ""
    model = None
    key_column = ""
    # Model field -> column, for the model's own error messages.
    field_columns: dict = {}
    # Fields written on create and compared/updated on re-import.
    fields: list[str] = []
    # Fields the kind's own checks (check_row) may set besides those, written with them.
    also_written: list[str] = []
    # Foreign keys checked here in bulk rather than by full_clean (which queries per row).
    checked_here: list[str] = []
    # Whether a new row is checked from its plain values, by the fields' own clean() and the
    # kind's rule_errors(), and written without a record of its own (records_insert_values):
    # for a kind whose model's clean() is its rule_errors() once no year is locked.
    plain_new = False
    # Fields whose value parse() already validated exactly as the field's own clean() would
    # (a choice of the field's choices, a date or None for a nullable date, a bool): full_clean
    # skips their field checks; the model's clean() still sees them.
    validated_here: list[str] = []
    # What the import page calls the kind, its columns (the template's header, in its order) and
    # a row of example values for the template's instructions.
    label = ""
    columns: list[str] = []
    examples: dict[str, str] = {}

    def __init__(self, *, user, progress: Callable[[int], None] | None = None):
        if not can_import(user):
            raise PermissionDenied(_("Your role may read records but not import them."))
        self.user = user
        self.progress = progress
        self.result = ImportResult(kind=self.kind)
        self.seen: SeenKeys | None = None
        self.batch: ImportBatch | None = None
        self._places: dict = {}
        # A national importer's codes and records need no look-up in its area.
        self.national = scope_of(user).national
        self.within = None if self.national else Locality.objects.restrict(user, IMPORT)

    def scoped(self, model):
        return model.objects.restrict(self.user, IMPORT)

    def error(self, row: FileRow, column: str, message):
        row.failed = True
        self.result.add_error(row.line, column, message)

    def place(self, row: FileRow, column: str, *, communes_only: bool):
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

    def cell(self, row: FileRow, column: str, parser, *args):
        try:
            return parser(row.text.get(column, ""), *args)
        except CellError as error:
            self.error(row, column, str(error))
            return None

    # to be defined by the kinds
    def parse(self, row: FileRow):
        raise NotImplementedError

    def resolve_refs(self, rows: list[FileRow]):
        """Bulk look-ups of what the rows refer to (one query per chunk)."""

    def existing(self, keys: list) -> dict:
        raise NotImplementedError

    def in_scope_pks(self, objects: list) -> set:
        if self.national or not objects:
            return {o.pk for o in objects}
        return set(
            self.scoped(self.model)
            .filter(pk__in=[o.pk for o in objects])
            .values_list("pk", flat=True)
        )

    # What the kind's form says of a key another record already has (localities.forms).
    taken_message = ""

    def out_of_scope_message(self, row: FileRow) -> str:
        """For a key a record outside the importer's area has: what the form says of any key
        already taken, without saying where, so that the answer tells nothing of that record."""
        return str(self.taken_message)

    def describe_key(self, row: FileRow) -> str:
        return str(row.key)

    def key_text(self, key) -> str:
        """The key as the text SeenKeys keeps."""
        return str(key)

    # the common path
    def check_chunk(self, rows: list[FileRow]) -> tuple[list, list, list]:
        """The chunk's rows checked: (new records, new records' plain values, changed records)
        to write."""
        room = min(PREVIEW_ROWS - len(self.result.preview), len(rows))
        self._last_previewed = rows[room - 1].line if room > 0 else 0
        for row in rows:
            nul = row.text.pop(NUL_COLUMNS, None)
            if nul:
                # Its text goes no further: PostgreSQL refuses a NUL in any text it is sent.
                row.text = {}
                for column in nul:
                    self.error(
                        row,
                        "" if column == "-" else column,
                        _(
                            "This cell holds a NUL character (code 0), which no record may "
                            "contain: the file may be saved in another encoding; save it as "
                            "“CSV UTF-8” (or as XLSX) and try again."
                        ),
                    )
                continue
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
        to_create, to_insert, to_update = [], [], []
        new_record = NewRecords(self.model).make
        # With no year locked, clean() is the kind's rule_errors() (locks.YearLocked): a new
        # row is then checked and written from its plain values, with no record made.
        plain = self.plain_new and nothing_locked()
        plain_values = PlainValues(self.model).of
        # The derived fields (the province, a report's deadline) are set when it is written;
        # the key, the version and the times are the app's own, never the file's.
        exclude = [
            *self.checked_here,
            *self.validated_here,
            *self.model.derived_fields,
            *(f.name for f in self.model._meta.concrete_fields if f.primary_key or not f.editable),
        ]
        # The fields full_clean() would check (Model.clean_fields), for the plain values.
        checked = [f for f in self.model._meta.fields if f.name not in exclude and not f.generated]
        for row in candidates:
            obj = found.get(row.key)
            if obj is not None and obj.pk not in allowed:
                self.error(row, self.key_column, self.out_of_scope_message(row))
                continue
            if obj is not None:
                self.make_records(row)
                changed = [f for f in self.fields if _differs(obj, f, row.values[f])]
                changed += self.other_changes(obj, row)
                if not changed:
                    self.result.unchanged += 1
                    row.status = UNCHANGED
                    continue
                if self._previewed(row):
                    row.changes = self._changes(obj, row, changed)
                # Every value, not only the changed ones: the related objects found in bulk
                # then serve clean() without a query per row.
                for name, value in row.values.items():
                    setattr(obj, name, value)
            elif plain:
                obj, changed = None, None
            else:
                self.make_records(row)
                obj = new_record(row.values)
                changed = None
            try:
                if obj is None:
                    values = plain_values(row.values)
                    errors = field_errors(checked, values)
                    for name, rule in self.rule_errors(row, values).items():
                        errors.setdefault(name, []).extend(rule)
                    raise_if(errors)
                else:
                    obj.full_clean(
                        exclude=exclude, validate_unique=False, validate_constraints=False
                    )
                    self.check_row(obj, row)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    column = "" if name == NON_FIELD_ERRORS else self.field_columns.get(name, name)
                    for message in messages:
                        self.error(row, column, message)
                continue
            if changed is None:
                self.result.new += 1
                row.status = NEW
                if obj is None:
                    to_insert.append(values)
                else:
                    to_create.append(obj)
            else:
                self.result.changed += 1
                row.status = CHANGED
                to_update.append(obj)
                if len(self.result.changes) < MAX_CHANGES_LISTED:
                    self.result.changes.append(
                        (
                            row.line,
                            self.describe_key(row),
                            [self.field_columns.get(f, f) for f in changed],
                        )
                    )
        self._preview(rows)
        return to_create, to_insert, to_update

    def _previewed(self, row: FileRow) -> bool:
        """Whether the row is one of the file's first PREVIEW_ROWS (set by check_chunk)."""
        return row.line <= self._last_previewed

    def _changes(self, obj, row: FileRow, changed: list[str]) -> list[list[str]]:
        """[[column, label, old, new], ...] for the fields of `obj` that `row` changes, shown as
        a record's history shows them (before the row's values are set on it)."""
        described = []
        for name in changed:
            model_field = obj._meta.get_field(name)
            column = self.field_columns.get(name, name)
            if name not in row.values:
                # A change the kind handles itself (other_changes): the file's text is the new
                # value.
                old = getattr(obj, model_field.attname)
                described.append(
                    [
                        column,
                        str(model_field.verbose_name),
                        shown_value(model_field, old, {}),
                        row.text.get(column, ""),
                    ]
                )
                continue
            old, new = getattr(obj, model_field.attname), row.values[name]
            related = {}
            if model_field.is_relation:
                target = model_field.target_field.attname
                old_object = getattr(obj, name) if old is not None else None
                related = {getattr(o, target): str(o) for o in (old_object, new) if o is not None}
                new = getattr(new, target) if new is not None else None
            described.append(
                [
                    self.field_columns.get(name, name),
                    str(model_field.verbose_name),
                    shown_value(model_field, old, related),
                    shown_value(model_field, new, related),
                ]
            )
        return described

    def _preview(self, rows: list[FileRow]):
        """The chunk's rows among the file's first PREVIEW_ROWS, in the result's preview."""
        for row in rows:
            if len(self.result.preview) >= PREVIEW_ROWS:
                return
            self.result.preview.append(
                {
                    "line": row.line,
                    "key": self.describe_key(row)
                    if row.key is not None
                    else row.text.get(self.key_column, ""),
                    "status": ERROR if row.failed else row.status,
                    "changes": [] if row.failed else row.changes,
                }
            )

    def other_changes(self, obj, row: FileRow) -> list[str]:
        """The columns of `row` besides `fields` that change the record `obj`."""
        return []

    def make_records(self, row: FileRow):
        """Before a row's values are set on a record: a kind whose look-ups keep what a row
        refers to as plain values (resolve_refs) makes each a record here, as a foreign key
        takes it. A row checked from its plain values (plain_new) never needs them."""

    def check_row(self, obj, row: FileRow):
        """The kind's own checks of a row whose record passed full_clean (ValidationError)."""

    def rule_errors(self, row: FileRow, values: dict) -> dict:
        """For a kind with plain_new: the model's rules (those of its clean()) for the new
        record of `row`, whose column values are `values` ({attname: value}):
        {field: [ValidationError]}."""
        raise NotImplementedError

    def written(self, new: list, changed: list):
        """After a chunk's records are written, in the import's transaction (the records made:
        a kind with plain_new writes its new rows without one, so it may not use this)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.plain_new and cls.written is not Importer.written:
            raise TypeError(f"{cls.__name__} writes new rows without records: no written() hook")

    def check_repeats(self, rows: list[FileRow]):
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

    def run(self, lines: Iterator[tuple[int, dict]], *, commit: bool) -> ImportResult:
        # The submitted and approved years, read once for every row's check of them.
        # The same today for every row's checks, read once too.
        with transaction.atomic(), locks_read_once(), one_day():
            # On an exception the transaction's rollback takes the table away.
            self.seen = SeenKeys()
            chunk: list[FileRow] = []
            for line, text in lines:
                chunk.append(FileRow(line, text))
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
                self.result.batch = None  # rolled back with the records
        return self.result

    def _handle(self, chunk: list[FileRow], commit: bool):
        listed = len(self.result.errors)
        to_create, to_insert, to_update = self.check_chunk(chunk)
        # Errors are found in passes (cells, references, the model's checks): list them by line.
        self.result.errors[listed:] = sorted(self.result.errors[listed:], key=lambda e: e.line)
        self.result.total += len(chunk)
        if commit and self.result.ok:
            records_save_bulk(
                user=self.user,
                model=self.model,
                new=to_create,
                changed=to_update,
                fields=[*self.fields, *self.also_written],
                change_reason=CHANGE_REASON,
            )
            inserted = records_insert_values(
                user=self.user, model=self.model, rows=to_insert, change_reason=CHANGE_REASON
            )
            self._remember([*(r.pk for r in to_create), *inserted], [r.pk for r in to_update])

            self.written(to_create, to_update)
        if self.progress:
            self.progress(len(chunk))

    def _remember(self, created: list[int], changed: list[int]):
        """List the records just written (their keys) on the import's batch (made at its
        first write)."""
        if not created and not changed:
            return
        if self.batch is None:
            self.batch = ImportBatch.objects.create(
                user=self.user if self.user.pk is not None else None,
                model=self.model._meta.label_lower,
            )
            self.result.batch = self.batch.pk
        listed = (
            (self.batch.pk, pk, is_new)
            for pks, is_new in ((created, True), (changed, False))
            for pk in pks
        )
        if copy_supported(ImportedRecord):
            meta = ImportedRecord._meta
            columns = [meta.get_field(name).column for name in ("batch", "record_id", "created")]
            copy_rows(meta.db_table, columns, listed)
            return
        ImportedRecord.objects.bulk_create(
            [
                ImportedRecord(batch_id=batch, record_id=record, created=is_new)
                for batch, record, is_new in listed
            ],
            batch_size=1000,
        )


def _differs(obj, name: str, value) -> bool:
    field_ = obj._meta.get_field(name)
    if field_.is_relation:
        current = getattr(obj, field_.attname)
        return current != (
            getattr(value, field_.target_field.attname) if value is not None else None
        )
    return getattr(obj, name) != value


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
    # The kinds name their importers, which build on this module: they are looked up when a
    # file comes in.
    from exchange.kinds import KINDS

    described = KINDS[kind]
    importer = described.importer(user=user, progress=progress)
    _header, lines = read_table(
        path,
        fmt,
        columns=described.import_columns,
        ignored=described.export_only_columns,
        label=described.label,
        words=described.header_words(),
    )
    return importer.run(lines, commit=commit)
