"""`make serve` started as an operator would: web workers and the task worker, DEBUG off, a
secret key generated into its file; a demo user logs in; stopping it stops every process."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from localities.management.commands.load_demo import PASSWORD as DEMO_PASSWORD

from .conftest import PYTHON, ROOT, VENV, Browser, free_port, server_environment

WORKERS = 2


def processes_of_group(group: int) -> dict[int, str]:
    """The live (not zombie) processes of a process group: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # ended meanwhile
            continue
        # pid (name) state ppid pgrp ...: the name may hold spaces, so split after it.
        state, _parent, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == group and state != "Z":
            found[int(entry.name)] = command
    return found


def alive(pids) -> list[int]:
    living = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.append(pid)
    return living


@pytest.fixture
def demo_database(tmp_path):
    """A database file with the official localities and the demo data, as `make run` has."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = server_environment(DATABASE_URL=url, SECRET_KEY="prepare-only")
    for command in (["migrate", "--no-input"], ["load_localities"], ["load_demo"]):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=900,
            capture_output=True,
        )
    return url


def test_make_serve_runs_the_web_workers_and_the_task_worker_and_stops_them_together(
    tmp_path, demo_database, collected_static
):
    if not Path("/usr/bin/make").exists():
        pytest.skip("make is not installed")
    port = free_port()
    key_file = tmp_path / "config" / "secret_key"
    log = (tmp_path / "serve.log").open("w")
    env = server_environment(
        DATABASE_URL=demo_database,
        PLAN_TRACKER_SECRET_KEY_FILE=key_file,
        PLAN_TRACKER_WEB_WORKERS=WORKERS,
        STATIC_ROOT=collected_static,
    )
    # -o setup: the virtual environment is the suite's own, already installed.
    server = subprocess.Popen(
        [
            "make",
            "--no-print-directory",
            "-o",
            "setup",
            "serve",
            f"VENV={VENV}",
            f"HOST=127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the test stops it like Ctrl-C would
    )
    group = server.pid
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        health = browser.wait_until_healthy(server)
        assert health["database"] == {"ok": True, "vendor": "sqlite"}
        assert health["queue"] == {"backend": "DatabaseBackend", "ok": True, "waiting": 0}

        status, headers, _ = browser.log_in("province_officer", DEMO_PASSWORD)
        assert status == 302, "the demo user's login was refused"
        status, _, page = browser.request("/establishments/")
        assert status == 200 and "province_officer" in page
        # DEBUG is off: Django's technical 404 page is not shown.
        status, _, page = browser.request("/no-such-page/")
        assert status == 404 and "Không tìm thấy" in page and "URLconf" not in page

        # The secret key was generated into its file, readable by its owner alone.
        assert len(key_file.read_text().strip()) >= 50
        assert key_file.stat().st_mode & 0o777 == 0o600

        running = processes_of_group(group)
        # The programs, not make and the shell that started them.
        commands = [c for c in running.values() if not c.startswith(("make ", "/bin/bash "))]
        assert sum("manage.py db_worker" in c for c in commands) == 1, commands
        # gunicorn's master and its workers.
        assert sum("gunicorn plan_tracker.wsgi" in c for c in commands) == 1 + WORKERS, commands
    finally:
        running = processes_of_group(group)
        os.killpg(group, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()

    deadline = time.monotonic() + 60
    while alive(running) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alive(running) == [], (tmp_path / "serve.log").read_text()[-3000:]
