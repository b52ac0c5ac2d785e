"""Large imports in the background: an ImportJob checked, then imported, in a thread.

A file of more than settings.IMPORT_INLINE_MAX_ROWS rows would take longer than a request may
(100,000 inspections: ~16 s to check, as long again to import, against gunicorn's 30 s). The
upload makes an ImportJob and starts a daemon thread of the server process with its own
database connection; the page polls the job. The thread runs exchange.imports.import_file
exactly as the inline path does, with its `progress` callback (called once a chunk of rows,
imports.CHUNK) writing rows_done and the heartbeat.

The import runs inside one transaction, so its own connection cannot publish progress: on
PostgreSQL a second connection of the thread writes it (and sees a cancel or a newer run of the
job, which stops the run). SQLite takes one writer at a time, so there the progress of a run
lives in this process's memory (`_live`), which the page reads when the run is in the same
process; the database gets the job's state only between runs.

A job whose heartbeat is older than STALE_AFTER while it runs, and that no thread of this
process runs, was interrupted (the server stopped): it may be run again, and since a run writes
nothing until its transaction commits, nothing of it was written.
"""

import datetime
import logging
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exchange.imports import FileRefused, ImportResult, RowError, import_file
from exchange.models import ImportJob

logger = logging.getLogger(__name__)

State = ImportJob.State
UPLOAD_DIR = Path(tempfile.gettempdir()) / "plan_tracker_imports"
# A running job silent for longer than this was interrupted. Progress is written at least
# every chunk of rows (a fraction of a second to a few seconds), so three minutes is far off.
STALE_AFTER = datetime.timedelta(minutes=3)
XLSX_EMPTY_MAX_BYTES = 64 * 1024
# A job no longer running is kept this long for its owner's list of recent imports, then
# deleted with what it holds (the file's errors, the records it changed).
JOB_KEEP_DAYS = 30


def upload_path(key: str, fmt: str) -> Path:
    return UPLOAD_DIR / f"{key}.{fmt}"


def job_path(job: ImportJob) -> Path:
    return upload_path(job.file_key, job.file_format)


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


# -- what this process runs --------------------------------------------------------------------


@dataclass
class Live:
    """A run in this process: its progress, fresher than the database's on SQLite."""

    attempt: int
    rows_done: int = 0
    beat: datetime.datetime = field(default_factory=timezone.now)
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None


_live: dict[int, Live] = {}
_live_lock = threading.Lock()


def live(job: ImportJob) -> Live | None:
    """This process's run of the job's current attempt, if there is one."""
    with _live_lock:
        run = _live.get(job.pk)
    if run is not None and run.attempt == job.attempt:
        return run
    return None


def wait(job: ImportJob, timeout: float | None = None) -> bool:
    """Wait for this process's thread of the job, if any; True when none is left running."""
    run = live(job)
    if run is None or run.thread is None:
        return True
    run.thread.join(timeout)
    return not run.thread.is_alive()


# -- the job as the page shows it --------------------------------------------------------------


def interrupted(job: ImportJob, *, now=None) -> bool:
    """A job that should be running but shows no sign of it (the server stopped)."""
    if job.state not in ImportJob.RUNNING or live(job) is not None:
        return False
    beat = job.heartbeat or job.created
    return (now or timezone.now()) - beat > STALE_AFTER


def progress(job: ImportJob) -> tuple[int, int | None]:
    """(rows done, rows in the file or None), from this process's run when it has one."""
    run = live(job)
    done = run.rows_done if run is not None else job.rows_done
    total = job.rows_total
    if total is not None:
        # count_rows is an estimate (a quoted line break counts as a row): never "41 of 40".
        total = max(total, done)
    return done, total


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
    }


# -- starting, confirming, cancelling, running again --------------------------------------------


def create(
    *, user, kind: str, fmt: str, name: str, key: str, rows: int | None, in_request=True
) -> ImportJob:
    """A job for a stored upload (from a view: its thread starts after the request)."""
    job = ImportJob.objects.create(
        user=user,
        kind=kind,
        file_format=fmt,
        file_name=name[:255],
        file_key=key,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        rows_total=rows,
        heartbeat=timezone.now(),
    )
    start(job, in_request=in_request)
    return job


def start(job: ImportJob, *, in_request: bool = False):
    """Run the job's current attempt in a daemon thread, once the current transaction has
    committed and, from a view, once the request is finished."""
    job_id, attempt = job.pk, job.attempt

    def launch():
        run = Live(attempt=attempt)
        thread = threading.Thread(
            target=_thread_main, args=(job_id, attempt), name=f"import-job-{job_id}", daemon=True
        )
        run.thread = thread
        with _live_lock:
            _live[job_id] = run
        thread.start()

    transaction.on_commit(lambda: _after_request(launch) if in_request else launch())


# A request's own last writes (its session above all) come after the view, in the middleware.
# On SQLite a run's transaction holds the only write lock from its first row to its last, so a
# run started by the view would hold them up until it ends: the thread starts when the request
# is finished (Django sends request_finished once the response is sent).
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
    """Move the job on to a new run (a new attempt, from no rows done) and start it."""
    if not _move(job, attempt=F("attempt") + 1, rows_done=0, heartbeat=timezone.now(), **values):
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
    """Stop and discard a job (its stored file too); False if it cannot be cancelled."""
    if not can_cancel(job):
        return False
    run = live(job)
    if run is not None:
        # Seen by this process's thread at its next chunk (the only way on SQLite).
        run.stop.set()
    if not _move(job, state=State.CANCELLED, finished_at=timezone.now()):
        return False
    job_path(job).unlink(missing_ok=True)
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
    """A second connection of the running thread, in autocommit, for the job's progress: the
    import's own connection is inside its transaction until the end."""

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


class _Progress:
    """The importer's progress callback: rows done, the heartbeat, and the stop signal."""

    def __init__(self, job: ImportJob, run: Live, writer: _SideWriter | None):
        self.job = job
        self.run = run
        self.writer = writer
        self.done = 0

    def __call__(self, rows: int):
        self.done += rows
        self.run.rows_done = self.done
        self.run.beat = timezone.now()
        if self.run.stop.is_set():
            raise Stopped
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


def _thread_main(job_id: int, attempt: int):
    try:
        run_job(job_id, attempt)
    except Exception:
        logger.exception("import job %s: the run could not record its end", job_id)
    finally:
        connections.close_all()  # this thread's own connections


def run_job(job_id: int, attempt: int) -> ImportJob | None:
    """Run one attempt of a job to its end (the thread's body; tests call it directly).
    Returns the job as it ended, or None if the run was not (or no longer) the job's own."""
    with _live_lock:
        run = _live.get(job_id)
        if run is None or run.attempt != attempt:
            run = _live[job_id] = Live(attempt=attempt, thread=threading.current_thread())
    try:
        return _run(job_id, attempt, run)
    finally:
        with _live_lock:
            if _live.get(job_id) is run:
                del _live[job_id]


def _run(job_id: int, attempt: int, run: Live) -> ImportJob | None:
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
    path = job_path(job)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if not path.exists():
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
        # A second connection sees only committed rows: in a test's transaction it would not
        # see the job, so there the progress stays in this process.
        writer = (
            _SideWriter()
            if connection.vendor != "sqlite" and not connection.in_atomic_block
            else None
        )
        try:
            outcome = import_file(
                job.kind,
                path,
                user=job.user,
                commit=commit,
                filename=f"x.{job.file_format}",
                progress=_Progress(job, run, writer),
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
    done = run.rows_done
    if outcome.written:
        # It is in the records, whatever happened to the job meanwhile.
        path.unlink(missing_ok=True)
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
    """Delete the jobs older than JOB_KEEP_DAYS that are not running; how many went."""
    limit = timezone.now() - datetime.timedelta(days=JOB_KEEP_DAYS)
    old = ImportJob.objects.filter(created__lt=limit).exclude(state__in=ImportJob.RUNNING)
    deleted, _by_model = old.delete()
    return deleted
