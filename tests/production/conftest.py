"""The app run as a server in a subprocess, on a free loopback port."""

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
VENV = Path(PYTHON).parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(**values) -> dict:
    """The environment of a server subprocess: production settings over plain http (the
    loopback has no TLS), and nothing of the suite's own settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "DEBUG"}
    }
    env.update({"DEBUG": "false", "PLAN_TRACKER_HTTPS": "false", "PYTHONUNBUFFERED": "1"})
    env.update({name: str(value) for name, value in values.items()})
    return env


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """collectstatic once for the servers of these tests (hashed, compressed names)."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=server_environment(SECRET_KEY="collectstatic-only", STATIC_ROOT=root),
        check=True,
        timeout=600,
    )
    return root


class Browser:
    """Cookies kept between requests, redirects not followed, any status returned."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )

    def request(self, path: str, data: dict | None = None, timeout: float = 30):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=timeout) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == name)

    def log_in(self, username: str, password: str):
        status, _, _ = self.request("/login/")
        assert status == 200
        return self.request(
            "/login/",
            {
                "csrfmiddlewaretoken": self.cookie("csrftoken"),
                "username": username,
                "password": password,
            },
        )

    def wait_until_healthy(self, process, timeout: float = 600) -> dict:
        """Polls /healthz until it answers 200; fails if the server exits first."""
        import json

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert process.poll() is None, f"the server exited with {process.returncode}"
            try:
                status, _, body = self.request("/healthz", timeout=5)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status = None
            if status == 200:
                return json.loads(body)
            time.sleep(0.5)
        raise AssertionError(f"/healthz did not answer 200 within {timeout} s")
