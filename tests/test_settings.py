import pytest
from django.core.exceptions import ImproperlyConfigured

from plan_tracker.env import env_bool, env_int, env_list


def test_env_bool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False


def test_env_bool_refuses_a_bad_value_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int_reads_a_number_and_refuses_anything_else_loudly(monkeypatch):
    assert env_int("X_ROWS", 5000) == 5000
    monkeypatch.setenv("X_ROWS", " 20000 ")
    assert env_int("X_ROWS", 5000) == 20000
    monkeypatch.setenv("X_ROWS", "20k")
    with pytest.raises(ImproperlyConfigured, match="X_ROWS"):
        env_int("X_ROWS", 5000)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]


def _sqlite(path, options):
    """A bare Django SQLite connection to a file, with these OPTIONS."""
    from django.db.backends.sqlite3.base import DatabaseWrapper
    from django.db.utils import ConnectionHandler

    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}}
    )
    settings = handler.settings["default"]
    settings["OPTIONS"] = dict(options)
    return DatabaseWrapper(settings, alias=f"file-{path.stem}")


class _Atomic:
    """What transaction.atomic() does on SQLite, on a bare connection: BEGIN (in the
    connection's transaction mode) … COMMIT or ROLLBACK."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        self.conn.ensure_connection()
        self.conn._start_transaction_under_autocommit()

    def __exit__(self, kind, value, traceback):
        self.conn.commit() if kind is None else self.conn.rollback()


def _two_writers(path, options) -> tuple[list, bool]:
    """Writer A holds a write transaction; meanwhile writer B begins its own, reads, then
    writes. Returns the errors B met, and whether B's transaction began before A committed and
    ended after it (B waited for A rather than slipping in before or after).

    A holds its write until B is done (B failing ends it at once) or, B being blocked, for at
    most `hold` seconds: the outcome is B's, never a race against a sleep."""
    import threading

    hold = 1.0
    setup = _sqlite(path, options)
    setup.cursor().execute("CREATE TABLE IF NOT EXISTS t (x integer)")
    setup.close()
    a_writes, a_committed, b_done = threading.Event(), threading.Event(), threading.Event()
    errors, began_before_a_committed = [], []

    def writer_a():
        conn = _sqlite(path, options)
        try:
            with _Atomic(conn):
                conn.cursor().execute("INSERT INTO t VALUES (1)")
                a_writes.set()
                b_done.wait(hold)
            a_committed.set()
        finally:
            a_writes.set()
            conn.close()

    def writer_b():
        conn = _sqlite(path, options)
        try:
            assert a_writes.wait(10), "writer A never wrote"
            began_before_a_committed.append(not a_committed.is_set())
            with _Atomic(conn):
                conn.cursor().execute("SELECT count(*) FROM t").fetchone()
                conn.cursor().execute("INSERT INTO t VALUES (2)")
        except Exception as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            b_done.set()
            conn.close()

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive(), "a writer did not finish within 30 s"
    # B began while A held its write and then wrote: it can only have waited for A's commit.
    waited = began_before_a_committed == [True] and a_committed.is_set() and not errors
    return errors, waited


def test_the_embedded_sqlite_makes_a_second_writer_wait_instead_of_failing(
    tmp_path, django_db_blocker
):
    from plan_tracker.env import SQLITE_OPTIONS

    with django_db_blocker.unblock():
        errors, waited = _two_writers(tmp_path / "app.sqlite3", SQLITE_OPTIONS)
        assert errors == [] and waited
        # Without them (a deferred BEGIN) the same two writers fail: the test can tell.
        errors, _waited = _two_writers(tmp_path / "plain.sqlite3", {"timeout": 1})
    assert errors and "locked" in str(errors[0])
