"""The app survives a PostgreSQL restart without being restarted itself: its persistent
connections are checked before reuse (CONN_HEALTH_CHECKS), so the first request after the
restart opens a new one instead of failing on the dead one."""

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import global_settings, settings
from django.contrib.auth import get_user_model
from django.db import connection, connections

from .conftest import PYTHON, ROOT, Browser, free_port, server_environment

PASSWORD = "a-long-enough-password"

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="restarts PostgreSQL: runs when the suite runs on PostgreSQL",
    ),
    pytest.mark.skipif(
        not (shutil.which("pg_ctlcluster") and Path("/etc/postgresql").is_dir()),
        reason="needs Debian's pg_ctlcluster to restart the local PostgreSQL",
    ),
]


def restart_postgresql():
    version = sorted(Path("/etc/postgresql").iterdir())[0].name
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        timeout=120,
        capture_output=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], timeout=30)
        if ready.returncode == 0:
            return
        time.sleep(0.5)
    raise AssertionError("PostgreSQL did not come back within 120 s")


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_app_answers_after_postgresql_restarts(tmp_path, collected_static, world, settings):
    # The server checks the password with the real hashers, not the suite's fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    get_user_model().objects.create_user("restart_admin", password=PASSWORD, is_superuser=True)
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    # One worker: the request after the restart reuses the connection the one before opened.
    server = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "plan_tracker.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=server_environment(
            DATABASE_URL=database_url(),
            SECRET_KEY="database-restart-test-key-" + "x" * 40,
            DB_CONN_MAX_AGE=600,
            STATIC_ROOT=collected_static,
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        browser.wait_until_healthy(server)
        assert browser.log_in("restart_admin", PASSWORD)[0] == 302
        status, _, page = browser.request("/establishments/")
        assert status == 200 and "restart_admin" in page

        # The suite's own connection would die with the server: close it first.
        connections.close_all()
        restart_postgresql()

        status, _, page = browser.request("/establishments/")
        assert status == 200 and "restart_admin" in page
        status, _, _ = browser.request("/healthz")
        assert status == 200
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
        # The rest of the suite reconnects on its next query.
        connections.close_all()
