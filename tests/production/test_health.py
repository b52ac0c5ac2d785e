import os

import pytest
from django.db import OperationalError
from django.test import override_settings
from django_tasks import task

from plan_tracker import health

# The suite's Redis database (tests/exchange/queues.py: a run beside another names its own).
REDIS_DB = int(os.environ.get("PLAN_TRACKER_TEST_REDIS_DB", "11"))


@task()
def record_nothing():
    """A task for the queue to hold; never run here."""


@pytest.mark.django_db
def test_it_reports_the_database_and_the_tasks_waiting_in_the_queue(client):
    record_nothing.enqueue()
    record_nothing.enqueue()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["queue"] == {"backend": "DatabaseBackend", "ok": True, "waiting": 2}


@pytest.mark.django_db
def test_a_task_already_finished_is_not_counted_as_waiting(client):
    from django_tasks_db.models import DBTaskResult

    record_nothing.enqueue()
    DBTaskResult.objects.update(status="SUCCESSFUL")
    record_nothing.enqueue()

    assert client.get("/healthz").json()["queue"]["waiting"] == 1


@pytest.mark.django_db
def test_it_needs_no_login_and_names_no_secret(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    text = response.content.decode()
    assert settings.SECRET_KEY not in text
    assert settings.DATABASES["default"]["NAME"] not in text


@pytest.mark.django_db
def test_it_answers_503_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 10.0.0.5 failed: password wrong")

    monkeypatch.setattr(health.connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["database"] == {
        "ok": False,
        "vendor": health.connection.vendor,
        "error": "OperationalError",
    }
    # The queue's table lives in the same database.
    assert body["queue"]["ok"] is False
    assert "10.0.0.5" not in response.content.decode()


@pytest.mark.django_db
def test_it_answers_503_when_the_queue_table_is_missing(client, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    def missing(*args, **kwargs):
        raise OperationalError('relation "django_tasks_database_dbtaskresult" does not exist')

    monkeypatch.setattr(DBTaskResult.objects, "ready", missing)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"]["ok"] is True
    assert response.json()["queue"] == {
        "backend": "DatabaseBackend",
        "ok": False,
        "error": "OperationalError",
    }


def _rq(port):
    return override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        RQ_QUEUES={"default": {"HOST": "127.0.0.1", "PORT": port, "DB": REDIS_DB}},
    )


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.django_db
def test_with_the_rq_backend_it_asks_redis(client):
    if not _redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    with _rq(6379):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["queue"] == {"backend": "RQBackend", "ok": True, "waiting": 0}


@pytest.mark.django_db
def test_with_the_rq_backend_it_answers_503_when_redis_does_not(client):
    import socket

    # A loopback port nobody listens on: bound, never listened to, then released.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with _rq(port):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"]["ok"] is True
    assert response.json()["queue"] == {
        "backend": "RQBackend",
        "ok": False,
        "error": "ConnectionError",
    }
