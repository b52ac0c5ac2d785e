"""Large imports in the background: an ImportJob checked, then imported, as a task of the queue.

A file of more than settings.IMPORT_INLINE_MAX_ROWS rows would take longer than a request may
(100,000 inspections: ~16 s to check, as long again to import, against gunicorn's 30 s). The
upload is saved through Django's storage API (default_storage, under imports/: a folder of the
machine, or an S3-compatible store shared by several machines), an ImportJob row is made, and
each run of the job (its check, its import, a run again) is a task on the task queue
(`run_import_job`, django.tasks API; settings.TASKS: the database backend with `manage.py
db_worker` by default, RQ on Redis for several machines). Any worker on any machine may run it:
the task carries only the job's id and run number, the worker reads the file from the storage
and runs exchange.imports.import_file exactly as the inline path does, with its `progress`
callback (called once a chunk of rows, imports.CHUNK) writing rows_done and the heartbeat.

The ImportJob row is the job's truth for every process: state, rows done, heartbeat, errors.
The import runs inside one transaction (all or nothing), so its own connection cannot publish
progress; a second connection of the worker, in autocommit, writes it to the row, and sees a
cancel or a newer run of the job there, which stops the run. On SQLite one connection writes at
a time: the check writes no record, so it runs in a read (DEFERRED) transaction and its
progress is written as on PostgreSQL; the import holds the database's only write lock from its
first row to its commit, so its progress is not written while it runs (the page says so), and
it is known to be alive by that very lock.

A job whose heartbeat is older than STALE_AFTER while it runs (and, on SQLite, while nobody
holds the write lock), or that waits for a task the queue no longer has, was interrupted (its
worker was stopped or killed): it may be run again, and since a run writes nothing until its
transaction commits, nothing of it was written. Each run has its own number (`attempt`): a run
that is no longer the job's current one writes nothing.

Uploads are kept a day in the storage; jobs that no longer run, JOB_KEEP_DAYS (then deleted,
with their stored files, at the next upload), and so are the lists of the records imports
wrote (ImportBatch). A job stores its check's preview of the file's first rows, and once
imported, its batch.
"""

import contextlib
import datetime
import logging
import shutil
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task

from exchange.imports import FileRefused, ImportResult, RowError, import_file
from exchange.models import ImportBatch, ImportJob

logger = logging.getLogger(__name__)

State = ImportJob.State
# The folder of default_storage that holds the uploads.
UPLOAD_FOLDER = "imports"
# An upload is kept this long (seconds), then deleted at the next upload.
UPLOAD_MAX_AGE = 24 * 3600
# A running job silent for longer than this was interrupted. Progress is written at least
# every chunk of rows (a fraction of a second to a few seconds), so three minutes is far off.
STALE_AFTER = datetime.timedelta(minutes=3)
XLSX_EMPTY_MAX_BYTES = 64 * 1024
# A job no longer running is kept this long for its owner's list of recent imports, then
# deleted with what it holds (the file's errors, the records it changed).
JOB_KEEP_DAYS = 30


# -- the stored uploads -------------------------------------------------------------------------


def upload_name(key: str, fmt: str) -> str:
    return f"{UPLOAD_FOLDER}/{key}.{fmt}"


def save_upload(upload, *, key: str, fmt: str) -> str:
    """Store an uploaded file; the name it is stored under."""
    return default_storage.save(upload_name(key, fmt), upload)


def job_file(job: ImportJob) -> str:
    return job.stored_file or upload_name(job.file_key, job.file_format)


def delete_upload(name: str):
    with contextlib.suppress(FileNotFoundError):
        default_storage.delete(name)


@contextlib.contextmanager
def local_file(name: str):
    """A path on this machine to read the stored file from (the readers of CSV and XLSX open
    paths). A folder of the machine is read in place; a remote store's file is copied to a
    private temporary file for as long as it is read, then deleted."""
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        pass
    else:
        yield Path(path)
        return
    with (
        default_storage.open(name, "rb") as source,
        tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as copy,
    ):
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield Path(copy.name)


def purge_old_uploads() -> int:
    """Delete the stored uploads older than UPLOAD_MAX_AGE; how many went."""
    try:
        _folders, files = default_storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return 0
    limit = timezone.now() - datetime.timedelta(seconds=UPLOAD_MAX_AGE)
    gone = 0
    for file in files:
        name = f"{UPLOAD_FOLDER}/{file}"
        try:
            if default_storage.get_modified_time(name) < limit:
                default_storage.delete(name)
                gone += 1
        except (OSError, NotImplementedError):
            pass
    return gone


def known_rows(rows: int | None, path: Path, fmt: str) -> int | None:
    """count_rows' answer, or None where it cannot know: a workbook written without its
    dimension reads as 0 rows however many it holds (an empty template is a few KB)."""
    if fmt == "xlsx" and rows == 0 and path.stat().st_size > XLSX_EMPTY_MAX_BYTES:
        return None
    return rows


def runs_inline(rows: int | None, path: Path, fmt: str) -> bool:
    """Whether the file (count_rows gave `rows`) is checked and imported in the request."""
    if rows is None:
        # Not readable as a workbook: the check refuses it at once.
        return True
    rows = known_rows(rows, path, fmt)
    return rows is not None and rows <= settings.IMPORT_INLINE_MAX_ROWS


# -- the job as the page shows it --------------------------------------------------------------


def interrupted(job: ImportJob, *, now=None) -> bool:
    """A job that should be running but shows no sign of it (its worker stopped)."""
    if job.state not in ImportJob.RUNNING:
        return False
    beat = job.heartbeat or job.created
    if (now or timezone.now()) - beat <= STALE_AFTER:
        return False
    if job.state == State.WAITING:
        # Behind other tasks in the queue, or never to run: the queue knows.
        return not _task_waits(job)
    if job.state == State.IMPORTING and not progress_written(job):
        # An import on SQLite writes no heartbeat while it runs, and holds the write lock.
        return not _sqlite_write_lock_held()
    return True


def progress_written(job: ImportJob) -> bool:
    """Whether the job's row shows its progress while it runs: always, except for an import on
    SQLite, whose transaction holds the database's only write lock until it ends."""
    return not (job.state == State.IMPORTING and connection.vendor == "sqlite")


def progress(job: ImportJob) -> tuple[int, int | None]:
    """(rows done, rows in the file or None)."""
    done = job.rows_done
    total = job.rows_total
    if total is not None:
        # count_rows is an estimate (a quoted line break counts as a row): never "41 of 40".
        total = max(total, done)
    return done, total


def _task_waits(job: ImportJob) -> bool:
    """Whether the task of the job's current run is still waiting in the queue."""
    if not job.task_id:
        return False
    try:
        task_result = run_import_job.get_result(job.task_id)
    except Exception:  # unknown to the queue, or the queue unreachable
        return False
    return task_result.status == TaskResultStatus.READY


def _sqlite_write_lock_held() -> bool:
    """Whether a connection (an import's, on SQLite) holds the database's write lock now: one
    that ends, killed or not, releases it. Asked without waiting."""
    if connection.in_atomic_block:
        return False  # this connection's own transaction: nothing to learn
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (waits_ms,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except OperationalError:
            return True
        else:
            cursor.execute("ROLLBACK")
            return False
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(waits_ms)}")


def result(job: ImportJob) -> ImportResult:
    """The job's last check as the ImportResult the preview template reads."""
    outcome = ImportResult(
        kind=job.kind,
        total=job.total,
        new=job.new_count,
        changed=job.changed_count,
        unchanged=job.unchanged_count,
        error_count=job.error_count,
        errors=[RowError(line, column, message) for line, column, message in job.errors],
        changes=[(line, key, columns) for line, key, columns in job.changes],
        preview=job.preview,
        batch=job.batch_id,
    )
    outcome.written = job.state == State.IMPORTED
    return outcome


def _result_fields(outcome: ImportResult) -> dict:
    return {
        "total": outcome.total,
        "new_count": outcome.new,
        "changed_count": outcome.changed,
        "unchanged_count": outcome.unchanged,
        "error_count": outcome.error_count,
        "errors": [[e.line, e.column, e.message] for e in outcome.errors],
        "changes": [[line, key, list(columns)] for line, key, columns in outcome.changes],
        "preview": outcome.preview,
        "batch_id": outcome.batch,
    }


# -- the queue ---------------------------------------------------------------------------------


@task()
def run_import_job(job_id: int, attempt: int) -> str:
    """The task of one run of a job: its check, or its import."""
    job = run_job(job_id, attempt)
    return job.state if job is not None else "superseded"


# -- starting, confirming, cancelling, running again --------------------------------------------


def create(
    *, user, kind: str, fmt: str, name: str, key: str, stored: str, rows: int | None,
    in_request=True,
) -> ImportJob:  # fmt: skip
    """A job for a stored upload (from a view: its task is queued after the request)."""
    job = ImportJob.objects.create(
        user=user,
        kind=kind,
        file_format=fmt,
        file_name=name[:255],
        file_key=key,
        stored_file=stored,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        rows_total=rows,
        heartbeat=timezone.now(),
    )
    start(job, in_request=in_request)
    return job


def start(job: ImportJob, *, in_request: bool = False):
    """Queue the task of the job's current run, once the current transaction has committed
    (a worker must find the run it is given) and, from a view, once the request is finished."""
    job_id, attempt = job.pk, job.attempt

    def enqueue():
        try:
            queued = run_import_job.enqueue(job_id, attempt)
            _update(ImportJob.objects.filter(pk=job_id, attempt=attempt), task_id=queued.id)
        except Exception:
            # The job then waits for no task: after STALE_AFTER it shows as interrupted, and
            # its owner can run it again.
            logger.exception("import job %s: its task could not be queued", job_id)

    if in_request:
        _after_request(lambda: transaction.on_commit(enqueue))
    else:
        transaction.on_commit(enqueue)


# A request's own last writes (its session above all) come after the view, in the middleware.
# On SQLite an import holds the only write lock from its first row to its last, so a task run
# at once by a worker would hold them up until it ends: the task is queued when the request is
# finished (Django sends request_finished once the response is sent).
_request = threading.local()


def _after_request(launch):
    if not hasattr(_request, "pending"):
        _request.pending = []
    _request.pending.append(launch)


@receiver(request_finished)
def _request_finished(**kwargs):
    pending = getattr(_request, "pending", None)
    _request.pending = []
    for launch in pending or ():
        launch()


def _move(job: ImportJob, **values) -> bool:
    """Move the job on from the state and run it was read in; False if it moved meanwhile
    (another request, or its run ending)."""
    return bool(
        _update(ImportJob.objects.filter(pk=job.pk, attempt=job.attempt, state=job.state), **values)
    )


def _start_new_run(job: ImportJob, *, in_request: bool, **values) -> bool:
    """Move the job on to a new run (a new attempt, from no rows done) and queue it."""
    if not _move(
        job,
        attempt=F("attempt") + 1,
        rows_done=0,
        heartbeat=timezone.now(),
        task_id="",
        **values,
    ):
        return False
    job.refresh_from_db()
    start(job, in_request=in_request)
    return True


def confirm(job: ImportJob, *, in_request=True) -> bool:
    """Start the import of a checked job whose file passed; False if it cannot be."""
    if job.state != State.CHECKED or job.error_count or not (job.new_count or job.changed_count):
        return False
    return _start_new_run(
        job,
        in_request=in_request,
        state=State.IMPORTING,
        confirmed_at=timezone.now(),
        recheck_failed=False,
    )


def can_cancel(job: ImportJob) -> bool:
    # An import under way is not stopped: it may be committing, and then it did import.
    return job.state in (State.WAITING, State.CHECKING, State.CHECKED, State.FAILED) or (
        job.state == State.IMPORTING and interrupted(job)
    )


def cancel(job: ImportJob) -> bool:
    """Stop and discard a job (its stored file too); False if it cannot be cancelled. A run
    under way sees the cancel in the job's row at its next chunk and stops, writing nothing."""
    if not can_cancel(job):
        return False
    if not _move(job, state=State.CANCELLED, finished_at=timezone.now()):
        return False
    delete_upload(job_file(job))
    return True


def can_run_again(job: ImportJob) -> bool:
    return interrupted(job) or (job.state == State.FAILED and not job.refused)


def run_again(job: ImportJob, *, in_request=True) -> bool:
    """Run an interrupted (or failed) job again from the step it was at."""
    if not can_run_again(job):
        return False
    return _start_new_run(
        job,
        in_request=in_request,
        state=State.IMPORTING if job.confirmed_at is not None else State.WAITING,
        failure="",
        finished_at=None,
    )


# -- the run -----------------------------------------------------------------------------------


class Stopped(Exception):
    """The job was cancelled, or a newer run of it started: this run ends, writing nothing."""


class _SideWriter:
    """A second connection of the worker, in autocommit, for the job's progress: the import's
    own connection is inside its transaction until the end."""

    def __init__(self):
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        ops = self.connection.ops
        self.sql = (
            f"UPDATE {ops.quote_name(ImportJob._meta.db_table)} "
            f"SET {ops.quote_name('rows_done')} = %s, {ops.quote_name('heartbeat')} = %s "
            f"WHERE {ops.quote_name('id')} = %s AND {ops.quote_name('attempt')} = %s "
            f"AND {ops.quote_name('state')} = %s"
        )

    def progress(self, job_id: int, attempt: int, state: str, rows_done: int) -> bool:
        beat = self.connection.ops.adapt_datetimefield_value(timezone.now())
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, [rows_done, beat, job_id, attempt, state])
            return cursor.rowcount == 1

    def close(self):
        self.connection.close()


class _OwnConnection:
    """The progress written through the run's own connection, for a run made inside a
    transaction that is already open (a second connection would not see the job's row)."""

    def progress(self, job_id: int, attempt: int, state: str, rows_done: int) -> bool:
        return bool(
            ImportJob.objects.filter(pk=job_id, attempt=attempt, state=state).update(
                rows_done=rows_done, heartbeat=timezone.now()
            )
        )

    def close(self):
        pass


class _Progress:
    """The importer's progress callback: rows done, the heartbeat, and the stop signal (the
    job's row no longer in the state and run this run was started for)."""

    def __init__(self, job: ImportJob, writer):
        self.job = job
        self.writer = writer
        self.done = 0

    def __call__(self, rows: int):
        self.done += rows
        if self.writer is not None and not self.writer.progress(
            self.job.pk, self.job.attempt, self.job.state, self.done
        ):
            raise Stopped


def _update(queryset, **values) -> int:
    """An UPDATE that waits out a concurrent SQLite writer (shared-cache SQLite answers
    "database table is locked" at once instead of waiting)."""
    for wait_s in (0.05, 0.1, 0.2, 0.5, 1, 1, 2, 2, 5, 5, 0):
        try:
            return queryset.update(**values)
        except OperationalError as error:
            if "locked" not in str(error) or not wait_s:
                raise
            time.sleep(wait_s)
    return 0


def _progress_writer(commit: bool):
    if connection.in_atomic_block:
        return _OwnConnection()
    if commit and connection.vendor == "sqlite":
        # The import's transaction holds the only write lock: a second connection would wait
        # for it to end.
        return None
    return _SideWriter()


@contextlib.contextmanager
def _reading_transaction(commit: bool):
    """On SQLite the check runs in a DEFERRED transaction: it writes no record (only its own
    temporary table), so it takes no write lock and the progress can be written meanwhile.
    (The connection otherwise begins each transaction IMMEDIATE; django-tasks-db's worker
    switches the mode the same way for its own claim.)"""
    if commit or connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    mode = connection.transaction_mode
    connection.transaction_mode = "DEFERRED"
    try:
        yield
    finally:
        connection.transaction_mode = mode


def run_job(job_id: int, attempt: int) -> ImportJob | None:
    """Run one attempt of a job to its end (the task's body; tests call it directly).
    Returns the job as it ended, or None if the run was not (or no longer) the job's own."""
    job = ImportJob.objects.select_related("user").filter(pk=job_id, attempt=attempt).first()
    if job is None or job.state not in ImportJob.RUNNING:
        return None
    mine = ImportJob.objects.filter(pk=job_id, attempt=attempt)
    now = timezone.now()
    commit = job.state == State.IMPORTING
    if not commit:
        if not _update(
            mine.filter(state__in=[State.WAITING, State.CHECKING]),
            state=State.CHECKING,
            started_at=now,
            heartbeat=now,
            rows_done=0,
        ):
            return None
        job.state = State.CHECKING
    name = job_file(job)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if not default_storage.exists(name):
            return _finish(
                job,
                mine,
                state=State.FAILED,
                refused=True,  # running it again cannot help
                failure=_(
                    "The uploaded file is no longer on the server (uploads are kept for a day): "
                    "upload it again."
                ),
            )
        writer = _progress_writer(commit)
        counter = _Progress(job, writer)
        try:
            with local_file(name) as path, _reading_transaction(commit):
                outcome = import_file(
                    job.kind,
                    path,
                    user=job.user,
                    commit=commit,
                    filename=f"x.{job.file_format}",
                    progress=counter,
                )
        except Stopped:
            return None
        except FileRefused as error:
            return _finish(job, mine, state=State.FAILED, refused=True, failure=str(error))
        except Exception as error:  # anything else: the transaction was rolled back
            logger.exception("import job %s failed", job_id)
            message = (
                _("The import stopped on an unexpected error (%(error)s): nothing was imported.")
                if commit
                else _("The check stopped on an unexpected error (%(error)s).")
            )
            return _finish(
                job, mine, state=State.FAILED, failure=message % {"error": type(error).__name__}
            )
        finally:
            if writer is not None:
                writer.close()
    fields = _result_fields(outcome)
    done = counter.done
    if outcome.written:
        # It is in the records, whatever happened to the job meanwhile.
        delete_upload(name)
        return _finish(
            job, ImportJob.objects.filter(pk=job_id), state=State.IMPORTED, rows_done=done, **fields
        )
    return _finish(
        job,
        mine,
        state=State.CHECKED,
        checked_at=timezone.now(),
        rows_done=done,
        recheck_failed=commit,
        **fields,
    )


def _finish(job: ImportJob, queryset, *, state, **values) -> ImportJob | None:
    """Write a run's end, unless the job moved on meanwhile (cancelled, run again)."""
    now = timezone.now()
    values["finished_at"] = None if state == State.CHECKED else now
    if state != State.IMPORTED:
        queryset = queryset.filter(state=job.state)
    if not _update(queryset, state=state, heartbeat=now, **values):
        return None
    return ImportJob.objects.get(pk=job.pk)


def purge_old_jobs() -> int:
    """Delete the jobs older than JOB_KEEP_DAYS that are not running, with their stored files;
    how many went."""
    limit = timezone.now() - datetime.timedelta(days=JOB_KEEP_DAYS)
    old = ImportJob.objects.filter(created__lt=limit).exclude(state__in=ImportJob.RUNNING)
    for job in old.only("pk", "file_key", "file_format", "stored_file"):
        delete_upload(job_file(job))
    deleted, _by_model = old.delete()
    # The lists of what imports wrote (a job's, a page's or the command's) go with them.
    ImportBatch.objects.filter(created__lt=limit).delete()
    return deleted
