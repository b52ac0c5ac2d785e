"""Large imports as background jobs (exchange/jobs.py): upload → job page with progress → the
preview → confirm → the import's progress → done; interrupted jobs; owners only.

The tests of an officer's jobs run twice, on the database backend and on the RQ backend: the
views queue the tasks, and `run` works the queue in the test's own thread (the worker's code,
in the test's transaction). test_import_worker.py runs real worker processes.
"""

import datetime
import io
import os
import re
import time
import zipfile

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from exchange import jobs
from exchange.imports import engine
from exchange.models import ImportJob
from exchange.views import imports as import_views
from localities.models import Establishment
from plan_tracker.health import queue_state
from tests.exchange import queues
from tests.exchange.helpers import csv_bytes, xlsx_bytes

State = ImportJob.State

GOOD = [
    ["E-1", "Khách sạn Một", "accommodation", "00004", "", "", "15/03/2019", "", ""],
    ["E-2", "Karaoke Hai", "karaoke", "00070", "", "", "", "", ""],
    ["E-3", "Massage Ba", "massage", "00070", "", "", "", "", ""],
]
# Line 3 (the second data row) has a line of business that does not exist.
BAD = [GOOD[0], ["E-2", "Karaoke Hai", "hotel", "00070", "", "", "", "", ""], GOOD[2]]
# Sài Gòn is in Hồ Chí Minh City: outside a Hà Nội officer's area.
OUTSIDE = [GOOD[0], ["E-9", "Karaoke Chín", "karaoke", "26734", "", "", "", "", ""]]


@pytest.fixture
def small_threshold(settings):
    # Files of more than 2 rows run as jobs.
    settings.IMPORT_INLINE_MAX_ROWS = 2


@pytest.fixture
def officer(client, personas, small_threshold, queue):
    client.force_login(personas.hn_officer)
    client.cookies["django_language"] = "en"
    return client


def upload(client, rows, *, kind="establishments", name="big.csv", **headers):
    return client.post(
        reverse("import_upload"),
        {"kind": kind, "file": SimpleUploadedFile(name, csv_bytes(kind, rows))},
        **headers,
    )


def the_job(client) -> ImportJob:
    return ImportJob.objects.get(pk=client.session[import_views.SESSION_KEY]["job"])


def run(job) -> ImportJob:
    """Work the queue (the job's current run), in this thread, as a worker does."""
    assert queues.work() >= 1
    job.refresh_from_db()
    return job


def stored(job) -> bool:
    return default_storage.exists(jobs.job_file(job))


def page(client, job):
    response = client.get(reverse("import_job", args=[job.pk]))
    assert response.status_code == 200
    return response, response.content.decode()


# -- inline or job -----------------------------------------------------------------------------


def test_a_file_above_the_threshold_becomes_a_job_and_one_at_it_stays_inline(officer):
    response = upload(officer, GOOD[:2])
    assert response["Location"] == reverse("import_preview")
    assert "job" not in officer.session[import_views.SESSION_KEY]
    assert not ImportJob.objects.exists()

    response = upload(officer, GOOD)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("import_job", args=[job.pk])
    assert (job.user.username, job.kind, job.file_format, job.file_name) == (
        "hn_officer",
        "establishments",
        "csv",
        "big.csv",
    )
    assert (job.state, job.rows_total, job.rows_done, job.language) == (State.WAITING, 3, 0, "en")
    assert stored(job)
    # The session's upload is the job; the inline preview sends to it.
    assert officer.get(reverse("import_preview"))["Location"] == reverse(
        "import_job", args=[job.pk]
    )
    assert officer.post(reverse("import_confirm"))["Location"] == reverse(
        "import_job", args=[job.pk]
    )


def test_the_xhr_upload_is_sent_to_the_job(officer):
    response = upload(officer, GOOD, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    job = ImportJob.objects.get()
    assert response.json() == {"next": reverse("import_job", args=[job.pk])}


def test_the_default_threshold_is_5000_rows(tmp_path):
    assert settings.IMPORT_INLINE_MAX_ROWS == 5000
    path = tmp_path / "f.csv"
    path.write_bytes(b"header\n" + b"row\n" * 5000)
    assert jobs.runs_inline(5000, path, "csv")
    assert not jobs.runs_inline(5001, path, "csv")


def test_a_workbook_without_its_dimension_counts_as_large(tmp_path, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 5000
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"x" * (jobs.XLSX_EMPTY_MAX_BYTES + 1))
    small = tmp_path / "small.xlsx"
    small.write_bytes(b"x" * 6000)
    assert jobs.known_rows(0, big, "xlsx") is None
    assert not jobs.runs_inline(0, big, "xlsx")
    assert jobs.runs_inline(0, small, "xlsx")
    # Unreadable (count_rows answers None): checked inline, where it is refused at once.
    assert jobs.runs_inline(None, small, "xlsx")


def without_dimension(content: bytes) -> bytes:
    """The workbook as some writers save it: its sheet does not say how many rows it has."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            target.writestr(item, data)
    return out.getvalue()


def test_a_workbook_without_its_dimension_is_checked_with_its_row_count_unknown(
    officer, monkeypatch
):
    monkeypatch.setattr(jobs, "XLSX_EMPTY_MAX_BYTES", 0)  # any such workbook may be large
    content = without_dimension(xlsx_bytes("establishments", GOOD))
    officer.post(
        reverse("import_upload"),
        {"kind": "establishments", "file": SimpleUploadedFile("big.xlsx", content)},
    )
    job = the_job(officer)
    assert (job.file_format, job.rows_total) == ("xlsx", None)
    job = run(job)
    # Not "3 of 0" made into "3 of 3": the count stays unknown, the check is complete.
    assert (job.state, job.rows_total, job.rows_done, job.new_count) == (State.CHECKED, None, 3, 3)
    status = import_views._job_status(job)
    assert (status["rows_total"], status["percent"]) == (None, None)


# -- the job's steps ---------------------------------------------------------------------------


def test_a_job_is_checked_then_imported(officer):
    upload(officer, GOOD)
    job = the_job(officer)
    response, html = page(officer, job)
    assert 'id="import-job"' in html and 'data-state="waiting"' in html
    assert '<meta http-equiv="refresh"' in html  # inside <noscript>
    assert "js/import_job.js" in html

    job = run(job)
    assert job.state == State.CHECKED
    assert (job.total, job.new_count, job.changed_count, job.unchanged_count) == (3, 3, 0, 0)
    assert (job.error_count, job.errors, job.rows_done) == (0, [], 3)
    assert job.started_at and job.checked_at and job.finished_at is None
    assert Establishment.objects.count() == 0  # the check writes nothing
    response, html = page(officer, job)
    assert response.context["result"].new == 3
    assert 'id="confirm-button"' in html and "Import: 3 new, 0 changed" in html
    assert reverse("import_job_confirm", args=[job.pk]) in html
    assert "js/import_job.js" not in html and "refresh" not in html

    response = officer.post(reverse("import_job_confirm", args=[job.pk]))
    assert response["Location"] == reverse("import_job", args=[job.pk])
    job.refresh_from_db()
    assert (job.state, job.attempt, job.rows_done) == (State.IMPORTING, 2, 0)
    assert job.confirmed_at is not None
    response, html = page(officer, job)
    assert 'data-state="importing"' in html and "Importing the file" in html
    # An import under way is not stopped.
    assert 'id="cancel-button"' not in html
    officer.post(reverse("import_job_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == State.IMPORTING

    job = run(job)
    assert job.state == State.IMPORTED
    assert (job.new_count, job.changed_count, job.unchanged_count, job.rows_done) == (3, 0, 0, 3)
    assert set(Establishment.objects.values_list("code", flat=True)) == {"E-1", "E-2", "E-3"}
    assert not stored(job)
    response, html = page(officer, job)
    assert "Imported big.csv: 3 new, 0 changed, 0 unchanged." in html
    # A link to the list of exactly the records imported.
    listed = f"{reverse('establishment_list')}?import={job.batch_id}"
    assert f'href="{listed}" id="job-list-link"' in html and "Open the 3 imported records" in html
    # Done: the session's upload is forgotten.
    assert import_views.SESSION_KEY not in officer.session
    # Confirming again does nothing.
    officer.post(reverse("import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.attempt) == (State.IMPORTED, 2)


def test_the_check_lists_errors_row_by_row_and_offers_no_confirm(officer):
    upload(officer, BAD)
    job = run(the_job(officer))
    assert job.state == State.CHECKED
    assert job.error_count == 1
    [[line, column, message]] = job.errors
    assert (line, column) == (3, "line")
    assert "hotel" in message
    response, html = page(officer, job)
    assert response.context["result"].errors_not_listed == 0
    assert 'id="import-errors"' in html and "<code>line</code>" in html
    assert 'id="confirm-button"' not in html
    assert "There is 1 error" in html
    # Posting confirm anyway starts nothing.
    officer.post(reverse("import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.attempt) == (State.CHECKED, 1)
    assert Establishment.objects.count() == 0


def test_errors_beyond_the_listed_ones_are_counted(officer, monkeypatch):
    monkeypatch.setattr(engine, "MAX_ERRORS_LISTED", 2)
    rows = [[f"E-{n}", "X", "hotel", "00004", "", "", "", "", ""] for n in range(5)]
    upload(officer, rows)
    job = run(the_job(officer))
    assert (job.error_count, len(job.errors)) == (5, 2)
    assert [e[0] for e in job.errors] == [2, 3]
    response, html = page(officer, job)
    assert response.context["result"].errors_not_listed == 3
    assert "… and 3 more errors not listed." in html


def test_a_record_outside_the_area_is_refused(officer):
    upload(officer, OUTSIDE)
    # Two rows: inline at this threshold; a third makes it a job.
    upload(officer, OUTSIDE + [GOOD[1]])
    job = run(the_job(officer))
    assert job.error_count == 1 and job.errors[0][:2] == [3, "commune_code"]
    assert Establishment.objects.count() == 0


def test_the_import_checks_again_and_writes_nothing_if_a_row_fails(officer, world, monkeypatch):
    # One row a chunk: E-1 is written before E-2 fails, and still nothing is imported.
    monkeypatch.setattr(engine, "CHUNK", 1)
    upload(officer, GOOD)
    job = run(the_job(officer))
    assert job.state == State.CHECKED and job.error_count == 0
    officer.post(reverse("import_job_confirm", args=[job.pk]))
    # Between the check and the import someone registers E-2 in Hồ Chí Minh City.
    Establishment(code="E-2", name="X", line="karaoke", commune=world.sai_gon).save()
    job = run(job)
    assert job.state == State.CHECKED and job.recheck_failed
    assert job.error_count == 1 and job.errors[0][0] == 3
    assert list(Establishment.objects.values_list("code", flat=True)) == ["E-2"]
    assert stored(job)
    response, html = page(officer, job)
    assert "The file no longer passes the checks: nothing was imported." in html
    assert 'id="confirm-button"' not in html


def test_a_refused_header_is_shown(officer):
    officer.post(
        reverse("import_upload"),
        {
            "kind": "establishments",
            "file": SimpleUploadedFile("h.csv", b"code,name\n1,A\n2,B\n3,C\n"),
        },
    )
    job = run(the_job(officer))
    assert (job.state, job.refused) == (State.FAILED, True)
    response, html = page(officer, job)
    assert 'id="import-refused"' in html and "missing columns" in html
    assert 'id="retry-button"' not in html  # the same file would be refused again


def test_a_job_whose_file_is_gone_fails_and_says_so(officer):
    upload(officer, GOOD)
    job = the_job(officer)
    default_storage.delete(jobs.job_file(job))
    job = run(job)
    assert job.state == State.FAILED and "upload it again" in job.failure
    response, html = page(officer, job)
    assert 'id="import-refused"' in html and 'id="retry-button"' not in html


def test_a_checked_job_whose_file_is_gone_fails_at_confirm_and_imports_nothing(officer):
    upload(officer, GOOD)
    job = run(the_job(officer))
    assert job.state == State.CHECKED
    default_storage.delete(jobs.job_file(job))  # the day's uploads were purged meanwhile
    officer.post(reverse("import_job_confirm", args=[job.pk]))
    job = run(job)
    assert (job.state, job.refused) == (State.FAILED, True)
    assert "upload it again" in job.failure
    response, html = page(officer, job)
    assert 'id="import-refused"' in html and "upload it again" in html
    assert 'id="retry-button"' not in html and 'id="confirm-button"' not in html
    assert Establishment.objects.count() == 0


def test_cancel_discards_the_job_and_its_file(officer):
    upload(officer, GOOD)
    job = the_job(officer)
    response = officer.post(reverse("import_job_cancel", args=[job.pk]))
    assert response["Location"] == reverse("import_upload")
    job.refresh_from_db()
    assert job.state == State.CANCELLED and job.finished_at is not None
    assert not stored(job)
    assert import_views.SESSION_KEY not in officer.session
    assert jobs.run_job(job.pk, job.attempt) is None  # a thread started late does nothing
    job.refresh_from_db()
    assert job.state == State.CANCELLED


def test_the_session_cancel_and_a_new_upload_cancel_the_job(officer):
    upload(officer, GOOD)
    first = the_job(officer)
    upload(officer, GOOD)
    second = the_job(officer)
    first.refresh_from_db()
    assert first.state == State.CANCELLED and second.state == State.WAITING
    officer.post(reverse("import_cancel"))
    second.refresh_from_db()
    assert second.state == State.CANCELLED


def test_a_cancelled_run_stops_at_its_next_chunk(officer, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 1)
    upload(officer, GOOD)
    job = the_job(officer)
    seen = []

    def progress_then_cancel(self, rows):
        seen.append(rows)
        # The officer presses "Stop" while the first chunk is being checked.
        if len(seen) == 1:
            assert officer.post(reverse("import_job_cancel", args=[job.pk])).status_code == 302
        return original(self, rows)

    original = jobs._Progress.__call__
    monkeypatch.setattr(jobs._Progress, "__call__", progress_then_cancel)
    assert queues.work() == 1
    # The run saw the cancel in the job's row at its first chunk and ended there, writing
    # nothing: no second chunk, no result.
    assert seen == [1]
    job.refresh_from_db()
    assert (job.rows_done, job.total, job.checked_at) == (0, 0, None)
    # Here the cancel shared the run's connection and went with its rollback; a worker's run
    # has its own (test_import_worker.py).
    assert job.state == State.CHECKING


# -- interrupted jobs --------------------------------------------------------------------------


def _silent_for(job, minutes):
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    job.refresh_from_db()
    return job


def test_a_silent_check_is_interrupted_and_can_be_run_again(officer):
    upload(officer, GOOD)
    job = the_job(officer)
    ImportJob.objects.filter(pk=job.pk).update(state=State.CHECKING, rows_done=2)
    job = _silent_for(job, 1)
    assert not jobs.interrupted(job)  # still within STALE_AFTER
    job = _silent_for(job, 10)
    assert jobs.interrupted(job)
    status = officer.get(reverse("import_job_status", args=[job.pk])).json()
    assert status["interrupted"] is True and status["state"] == "checking"
    response, html = page(officer, job)
    assert 'id="job-interrupted"' in html and "Nothing was imported" in html
    assert 'id="retry-button"' in html and "Run the check again" in html
    assert "js/import_job.js" not in html

    officer.post(reverse("import_job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.attempt, job.rows_done) == (State.WAITING, 2, 0)
    assert not jobs.interrupted(job)
    # The old run, were it still alive somewhere, writes nothing any more.
    assert jobs.run_job(job.pk, 1) is None
    job = run(job)
    assert job.state == State.CHECKED and job.new_count == 3


def test_an_interrupted_import_runs_again_and_imports_once(officer):
    upload(officer, GOOD)
    job = run(the_job(officer))
    officer.post(reverse("import_job_confirm", args=[job.pk]))
    job = _silent_for(job, 10)
    assert job.state == State.IMPORTING and jobs.interrupted(job)
    response, html = page(officer, job)
    assert "Nothing of it was written" in html and "Run the import again" in html
    assert Establishment.objects.count() == 0
    officer.post(reverse("import_job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.attempt) == (State.IMPORTING, 3)
    job = run(job)
    assert job.state == State.IMPORTED and Establishment.objects.count() == 3


def test_run_again_is_refused_for_a_job_that_is_not_stopped(officer):
    upload(officer, GOOD)
    job = the_job(officer)
    officer.post(reverse("import_job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.attempt) == (State.WAITING, 1)


# -- the page's progress -----------------------------------------------------------------------


def test_the_status_says_how_far_the_check_is(officer, personas):
    upload(officer, GOOD)
    job = the_job(officer)
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.CHECKING, rows_done=40000, rows_total=100000, heartbeat=timezone.now()
    )
    url = reverse("import_job_status", args=[job.pk])
    assert officer.get(url).json() == {
        "state": "checking",
        "interrupted": False,
        "rows_done": 40000,
        "rows_total": 100000,
        "percent": 40,
        # The app groups thousands with a dot in both languages (plan_tracker/formats).
        "text": "Checked 40.000 of 100.000 rows",
    }
    officer.cookies["django_language"] = "vi"
    assert officer.get(url).json()["text"] == "Đã kiểm tra 40.000 / 100.000 dòng"
    response, html = page(officer, job)
    assert 'aria-valuenow="40"' in html and ' pct-40"' in html
    assert "Đã kiểm tra 40.000 / 100.000 dòng" in html
    ImportJob.objects.filter(pk=job.pk).update(state=State.IMPORTING, rows_done=100002)
    status = officer.get(url).json()
    if connection.vendor == "sqlite":
        # The import holds SQLite's only write lock: its progress is not written while it runs.
        assert (status["percent"], status["rows_total"]) == (None, 100002)
        assert status["text"] == (
            "Đang nhập 100.002 dòng: các dòng được lưu cùng một lúc khi dòng cuối cùng xong"
        )
    else:
        # An estimate below the rows read never shows more than 100%.
        assert (status["percent"], status["rows_total"]) == (100, 100002)


def test_the_upload_page_lists_the_officers_jobs(officer, personas):
    upload(officer, GOOD)
    job = the_job(officer)
    html = officer.get(reverse("import_upload")).content.decode()
    assert 'id="recent-jobs"' in html and reverse("import_job", args=[job.pk]) in html
    ImportJob.objects.create(
        user=personas.hcm_officer, kind="establishments", file_format="csv",
        file_name="theirs.csv", file_key="k" * 32,
    )  # fmt: skip
    assert "theirs.csv" not in officer.get(reverse("import_upload")).content.decode()


# -- owners only -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["hcm_officer", "admin", "ministry"])
def test_another_users_job_answers_404(officer, client, personas, who):
    upload(officer, GOOD)
    job = the_job(officer)
    client.force_login(getattr(personas, who))
    for name in ["import_job", "import_job_status"]:
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    for name in ["import_job_confirm", "import_job_cancel", "import_job_retry"]:
        assert client.post(reverse(name, args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.state == State.WAITING


def test_job_pages_need_a_login(client, db):
    response = client.get(reverse("import_job", args=[1]))
    assert response.status_code == 302 and "/login/" in response["Location"]


# -- the progress seen from another connection ---------------------------------------------

background = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@background
def test_the_progress_is_written_from_a_second_connection(personas):
    """What the job's thread does while its import's transaction is open: the job's row is
    updated in autocommit, and a cancelled job stops the run."""
    job = ImportJob.objects.create(
        user=personas.hn_officer, kind="establishments", file_format="csv",
        file_name="f.csv", file_key="a" * 32, state=State.CHECKING, rows_total=10,
    )  # fmt: skip
    writer = jobs._SideWriter()
    try:
        assert writer.progress(job.pk, job.attempt, State.CHECKING, 4)
        job.refresh_from_db()
        assert job.rows_done == 4 and job.heartbeat is not None
        assert not writer.progress(job.pk, job.attempt + 1, State.CHECKING, 6)  # a newer run
        ImportJob.objects.filter(pk=job.pk).update(state=State.CANCELLED)
        assert not writer.progress(job.pk, job.attempt, State.CHECKING, 6)
        job.refresh_from_db()
        assert job.rows_done == 4
    finally:
        writer.close()


def test_old_jobs_that_no_longer_run_are_purged_at_the_next_upload(officer, personas):
    def job(state, days_ago):
        made = ImportJob.objects.create(
            user=personas.hn_officer,
            kind="establishments",
            file_format="csv",
            file_name=f"{state}-{days_ago}.csv",
            file_key=f"k{state}{days_ago}",
            state=state,
        )
        ImportJob.objects.filter(pk=made.pk).update(
            created=timezone.now() - datetime.timedelta(days=days_ago)
        )
        return made.pk

    gone = [job(State.IMPORTED, 31), job(State.FAILED, 40), job(State.CANCELLED, 31)]
    kept = [job(State.IMPORTED, 29), job(State.CHECKED, 2), job(State.CHECKING, 45)]
    upload(officer, GOOD[:1])  # inline (one row): the purge runs all the same
    assert not ImportJob.objects.filter(pk__in=gone).exists()
    # Recent ones stay, and a running one whatever its age (it shows as interrupted).
    assert set(ImportJob.objects.filter(pk__in=kept).values_list("pk", flat=True)) == set(kept)


def test_the_stored_files_of_purged_jobs_and_of_old_uploads_are_deleted(officer, personas):
    upload(officer, GOOD)
    old = the_job(officer)
    assert stored(old)
    ImportJob.objects.filter(pk=old.pk).update(
        state=State.FAILED, created=timezone.now() - datetime.timedelta(days=31)
    )
    # An upload of the session before (inline), left in the storage two days ago.
    lost = default_storage.save(jobs.upload_name("f" * 32, "csv"), io.BytesIO(b"code\n"))
    path = default_storage.path(lost)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(path, (two_days_ago, two_days_ago))
    upload(officer, GOOD)
    new = the_job(officer)
    assert not ImportJob.objects.filter(pk=old.pk).exists()
    assert not stored(old) and not default_storage.exists(lost)
    assert stored(new)
    assert default_storage.listdir(jobs.UPLOAD_FOLDER)[1] == [f"{new.file_key}.csv"]


def test_the_queue_state_says_how_many_tasks_wait(officer, queue):
    backend = {"db": "DatabaseBackend", "rq": "RQBackend"}[queue]
    assert queue_state() == {"backend": backend, "ok": True, "waiting": 0}
    upload(officer, GOOD)
    upload(officer, GOOD)
    assert queue_state() == {"backend": backend, "ok": True, "waiting": 2}
    run(the_job(officer))
    assert queue_state()["waiting"] == 0


def test_a_waiting_job_is_interrupted_only_when_its_task_is_no_longer_queued(officer):
    upload(officer, GOOD)
    job = _silent_for(the_job(officer), 10)
    assert job.state == State.WAITING and job.task_id
    # Behind other tasks: still waiting in the queue, not interrupted.
    assert not jobs.interrupted(job)
    # Its task lost (the queue's store emptied): interrupted, to be run again.
    ImportJob.objects.filter(pk=job.pk).update(task_id="")
    job.refresh_from_db()
    assert jobs.interrupted(job) and jobs.can_run_again(job)
    officer.post(reverse("import_job_retry", args=[job.pk]))
    job = run(job)
    assert (job.state, job.attempt, job.new_count) == (State.CHECKED, 2, 3)


@pytest.mark.parametrize(
    "name,backend",
    [("db", "DatabaseBackend"), ("rq", "RQBackend")],
)
def test_the_environment_chooses_the_queue(name, backend):
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from exchange.jobs import run_import_job; "
        "print(type(run_import_job.get_backend()).__name__)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plan_tracker.settings"}
    env["PLAN_TRACKER_TASKS"] = name
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == backend
    env["PLAN_TRACKER_TASKS"] = "celery"
    refused = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "PLAN_TRACKER_TASKS must be one of" in refused.stderr
