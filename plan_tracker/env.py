"""Settings from the environment, failing loudly on a bad value (the healthchecks habit)."""

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The embedded SQLite serves several officers at once (threads of one server): a write
# transaction takes the write lock when it begins (IMMEDIATE) and waits up to 20 s for it,
# instead of failing at once with "database is locked" when a reader turns writer; WAL lets
# pages be read while someone writes. (tests/test_settings.py: two writers on a file.)
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


def env_rate(name: str, default: str) -> str:
    """A rate limit as "count/period": a whole number, then s, m, h or d, optionally with a
    multiple ("600/h", "20/10m"); the form django-ratelimit reads."""
    raw = os.environ.get(name, default)
    match = _RATE.match(raw)
    if not match or int(match[1]) < 1 or match[2] == "0":
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 600/h or 20/10m (count/period, the period in "
            f"s, m, h or d), got {raw!r}"
        )
    return f"{match[1]}/{match[2]}{match[3]}"


def secret_key_from_file(path: Path) -> str:
    """The secret key kept in `path`, generated there (readable by its owner only) the first
    time. Generated once, so sessions and password-reset links survive restarts, and shared
    by every process of the server that reads the same file."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    from django.core.management.utils import get_random_secret_key

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = get_random_secret_key()
    # O_EXCL: of two processes starting at once, one writes the key and the other reads it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_when_written(path)
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    return key


def _read_when_written(path: Path) -> str:
    import time

    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.1)
    raise ImproperlyConfigured(f"The secret key file {path} is empty")
