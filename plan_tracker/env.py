"""Settings from the environment, failing loudly on a bad value (the healthchecks habit)."""

import os
import re

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
