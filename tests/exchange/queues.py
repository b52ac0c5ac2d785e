"""The task queue in the exchange tests: its backends, and a worker that runs in the test.

Where the queue is not the point the tests use django-tasks' DummyBackend (tasks stored, run
only when `work()` is called); the import jobs' tests run on the database backend and on the RQ
backend (Redis at 127.0.0.1:6379, database REDIS_DB, flushed before and after each test).
"""

import os

import pytest
from django.test import Client, TestCase

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
BACKENDS = {
    "db": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}},
    "rq": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
}
# A run of the suite beside another (CI runs PostgreSQL's and SQLite's side by side) names its
# own database, so that neither flushes the other's queue.
REDIS_DB = int(os.environ.get("PLAN_TRACKER_TEST_REDIS_DB", "11"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"


def use(name: str, settings):
    """Switch the task backend to `name` ("db" or "rq") for the test."""
    settings.TASKS = BACKENDS[name]
    if name == "rq":
        _redis(settings)


def _redis(settings):
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("PLAN_TRACKER_REQUIRE_REDIS"):
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379 (the RQ backend's tests)")
    connection.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}


def flush_redis():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.exceptions.ConnectionError:
        pass


def work() -> int:
    """Run the tasks waiting in the configured backend, in this thread (as a worker would);
    how many ran. A task that fails fails the test."""
    from exchange.jobs import run_import_job

    backend = run_import_job.get_backend()
    kind = type(backend).__name__
    if kind == "DummyBackend":
        waiting = list(backend.results)
        backend.clear()
        for queued in waiting:
            queued.task.call(*queued.args, **queued.kwargs)
        return len(waiting)
    if kind == "DatabaseBackend":
        return _work_db(backend)
    if kind == "RQBackend":
        return _work_rq()
    raise AssertionError(f"no worker for {kind}")


def _work_db(backend) -> int:
    from django_tasks import TaskResultStatus
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name=backend.alias,
        startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )  # fmt: skip
    ran = 0
    while True:
        waiting = DBTaskResult.objects.ready().filter(backend_name=backend.alias)
        queued = waiting.order_by("enqueued_at").first()
        if queued is None:
            return ran
        queued.claim(worker.worker_id)
        worker.run_task(queued)
        queued.refresh_from_db()
        assert queued.status == TaskResultStatus.SUCCESSFUL, queued.traceback
        ran += 1


def _work_rq() -> int:
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default", job_class=Job)
    waiting = queue.count
    worker = django_rq.get_worker("default", job_class=Job, worker_class=SimpleWorker)
    worker.work(burst=True, with_scheduler=False)
    failed = queue.failed_job_registry
    assert failed.count == 0, [
        Job.fetch(job_id, connection=queue.connection).exc_info for job_id in failed.get_job_ids()
    ]
    return waiting


class CommittingClient(Client):
    """A test client whose requests end as committed ones do: the on-commit callbacks they
    leave (the queueing of a job's task) run when each request ends, although the test's
    transaction never commits."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)
