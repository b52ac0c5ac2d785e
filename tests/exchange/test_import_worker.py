"""Import jobs run by real worker processes (`manage.py db_worker`) on the database the test
uses: the job's progress seen from this process while a run is half-way, a cancel seen by the
run, and a worker killed in the middle of an import (nothing written; the job runs again)."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from exchange import jobs
from exchange.models import ImportJob
from localities.models import Establishment
from tests.exchange import queues
from tests.exchange.test_import_jobs import the_job, upload

State = ImportJob.State
ROOT = Path(__file__).resolve().parents[2]
GATED_WORKER = Path(__file__).with_name("gated_worker.py")
# Six rows: three chunks of two for the gated worker.
ROWS = [[f"K-{n}", f"Cơ sở {n}", "karaoke", "00004", "", "", "", "", ""] for n in range(1, 7)]
# Only to end a test that would otherwise hang: nothing here is timed.
HANG_GUARD_S = 120

# Serialized rollback, as every test of the suite that commits: its flush then leaves the
# database as the tests after it expect.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def shared_database(transactional_db, personas, tmp_path):
    """DATABASE_URL for another process to open the test's database: on PostgreSQL the test
    database itself; on SQLite (in memory in the tests, which no other process can open) a copy
    in a file that this process also uses for the length of the test."""
    wrapper = connections["default"]
    settings_dict = wrapper.settings_dict
    if wrapper.vendor != "sqlite":
        yield (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@"
            f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/"
            f"{settings_dict['NAME']}"
        )
        return
    path = tmp_path / "db.sqlite3"
    with wrapper.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    # The in-memory database lives as long as its connection is open: keep it aside.
    memory, name = wrapper.connection, settings_dict["NAME"]
    wrapper.connection = None
    settings_dict["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        wrapper.close()
        settings_dict["NAME"] = name
        wrapper.connection = memory


@pytest.fixture
def officer(client, personas, settings, shared_database):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    settings.TASKS = queues.BACKENDS["db"]
    client.force_login(personas.hn_officer)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def worker_env(shared_database, settings, tmp_path):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "plan_tracker.settings",
        "DATABASE_URL": shared_database,
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "PLAN_TRACKER_TASKS": "db",
    }


WORKER_OPTIONS = ["--no-reload", "--no-startup-delay", "--interval", "0.05"]


def work_out(env, tmp_path):
    """`manage.py db_worker --batch`: runs the waiting tasks, then ends."""
    done = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", *WORKER_OPTIONS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def gated_worker(env, tmp_path, *options):
    gate = tmp_path / "gate"
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [sys.executable, str(GATED_WORKER), str(gate), *WORKER_OPTIONS, *options],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    process.gate, process.log = gate, log
    deadline = time.monotonic() + HANG_GUARD_S
    while not gate.with_suffix(".reached").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError((tmp_path / "worker.log").read_text())
        time.sleep(0.02)
    return process


def test_a_check_shows_its_progress_to_other_processes_and_stops_when_cancelled(
    officer, worker_env, tmp_path
):
    upload(officer, ROWS)
    job = the_job(officer)
    process = gated_worker(worker_env, tmp_path, "--batch")
    try:
        # The worker is half-way: its first chunk of 2 rows checked, its transaction open.
        status = officer.get(reverse("import_job_status", args=[job.pk])).json()
        assert (status["state"], status["rows_done"], status["rows_total"]) == ("checking", 2, 6)
        assert status["text"] == "Checked 2 of 6 rows" and status["interrupted"] is False
        # Cancelled from this process while the check runs (on SQLite too: the check holds
        # no write lock).
        response = officer.post(reverse("import_job_cancel", args=[job.pk]))
        assert response["Location"] == reverse("import_upload")
    finally:
        process.gate.with_suffix(".go").touch()
        assert process.wait(HANG_GUARD_S) == 0, (tmp_path / "worker.log").read_text()
        process.log.close()
    job.refresh_from_db()
    # The run saw the cancel at its next chunk and stopped: no more progress, no result.
    assert (job.state, job.rows_done, job.total, job.checked_at) == (State.CANCELLED, 2, 0, None)
    assert DBTaskResult.objects.get(id=job.task_id).return_value == "superseded"


def test_a_worker_killed_in_the_middle_of_an_import_leaves_nothing_and_the_job_runs_again(
    officer, worker_env, tmp_path
):
    upload(officer, ROWS)
    job = the_job(officer)
    work_out(worker_env, tmp_path)
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.new_count, job.error_count) == (State.CHECKED, 6, 6, 0)

    officer.post(reverse("import_job_confirm", args=[job.pk]))
    process = gated_worker(worker_env, tmp_path)
    try:
        # Half-way: the first 2 rows are written inside the import's open transaction.
        job.refresh_from_db()
        assert (job.state, job.attempt) == (State.IMPORTING, 2)
        if connection.vendor == "sqlite":
            # Its progress is not written (the import holds the only write lock), and the
            # lock tells it is alive.
            assert job.rows_done == 0
            assert jobs._sqlite_write_lock_held()
        else:
            assert job.rows_done == 2
        assert Establishment.objects.count() == 0
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(HANG_GUARD_S)
        process.log.close()
    assert process.returncode == -signal.SIGKILL

    # Nothing of the killed run was written; the job still says "importing".
    assert Establishment.objects.count() == 0
    job.refresh_from_db()
    assert job.state == State.IMPORTING
    if connection.vendor == "sqlite":
        assert not jobs._sqlite_write_lock_held()
    # Silent for longer than STALE_AFTER: interrupted, with a button to run it again.
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat=timezone.now() - jobs.STALE_AFTER - datetime.timedelta(seconds=1)
    )
    job.refresh_from_db()
    assert jobs.interrupted(job)
    html = officer.get(reverse("import_job", args=[job.pk])).content.decode()
    assert 'id="job-interrupted"' in html and "Run the import again" in html

    officer.post(reverse("import_job_retry", args=[job.pk]))
    work_out(worker_env, tmp_path)
    job.refresh_from_db()
    assert (job.state, job.attempt, job.rows_done, job.new_count) == (State.IMPORTED, 3, 6, 6)
    assert set(Establishment.objects.values_list("code", flat=True)) == {
        f"K-{n}" for n in range(1, 7)
    }
    assert not jobs.default_storage.exists(jobs.job_file(job))
