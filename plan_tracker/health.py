"""/healthz: whether this web process reaches the database and the task queue, for a load
balancer or a monitor. No login; names no host, user or error message (only the kind of
failure), so nothing about the installation leaks."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure to reach it is the answer, not a crash
        logger.warning("Health check: the database does not answer (%s)", type(error).__name__)
        # The next request opens a new connection rather than reusing a broken one.
        connection.close_if_unusable_or_obsolete()
        return {"ok": False, "vendor": connection.vendor, "error": type(error).__name__}
    return {"ok": True, "vendor": connection.vendor}


def queue_state() -> dict:
    """The default task backend of the TASKS setting, asked in its own way: the database
    backend, whether its table answers and how many tasks wait to run; the RQ backend, whether
    Redis answers and how many jobs wait in its queues; any other backend (immediate, dummy)
    runs tasks where they are enqueued and has nothing to reach."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    state = {"backend": type(backend).__name__}
    try:
        if _is_database_backend(backend):
            from django_tasks_db.models import DBTaskResult

            state["waiting"] = (
                DBTaskResult.objects.ready().filter(backend_name=backend.alias).count()
            )
        elif _is_rq_backend(backend):
            import django_rq

            waiting = 0
            for name in sorted(backend.queues):
                queue = django_rq.get_queue(name)
                queue.connection.ping()
                waiting += queue.count
            state["waiting"] = waiting
    except Exception as error:  # Redis or the database unreachable, the table missing
        logger.warning("Health check: the task queue does not answer (%s)", type(error).__name__)
        if isinstance(error, DatabaseError):
            connection.close_if_unusable_or_obsolete()
        return {**state, "ok": False, "error": type(error).__name__}
    return {**state, "ok": True}


def _is_database_backend(backend) -> bool:
    try:
        from django_tasks_db import DatabaseBackend
    except ImportError:
        return False
    return isinstance(backend, DatabaseBackend)


def _is_rq_backend(backend) -> bool:
    try:
        from django_tasks_rq import RQBackend
    except ImportError:
        return False
    return isinstance(backend, RQBackend)


@never_cache
def healthz(request):
    database = database_state()
    queue = queue_state()
    healthy = database["ok"] and queue["ok"]
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "database": database, "queue": queue},
        status=200 if healthy else 503,
    )
