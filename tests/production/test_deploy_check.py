"""Django's deployment check finds nothing to say about the settings a deployment runs with:
DEBUG off, a secret key and the host named, everything else left at its default."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def deploy_check(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "SESSION_", "CSRF_", "PLAN_TRACKER_HTTPS"))
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="plan.example.gov.vn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        **extra,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_check_prints_no_issue(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_check_would_see_https_turned_off(tmp_path):
    # The same check fails when the HTTPS protections are switched off: it is really looking.
    result = deploy_check(tmp_path, PLAN_TRACKER_HTTPS="false")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS
    assert "security.W008" in result.stderr + result.stdout  # no SSL redirect
