"""`backup FILE` and `restore FILE` on the database the suite runs on (PostgreSQL or SQLite):
a round trip brings back every row of every table."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from localities.models import Establishment, Report, ReporterIdentity
from tests.localities.conftest import (
    SECRET_NAME,
    make_case,
    make_establishment,
    make_inspection,
    make_report,
)

# serialized_rollback, as the suite's other transactional tests: the flush after each leaves the
# database empty for the next one to restore its rows.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def every_row() -> dict[str, list]:
    """Each table's rows, in a stable order, as comparable values."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            snapshot[table] = sorted((tuple(map(comparable, row)) for row in cursor), key=repr)
    return snapshot


def comparable(value):
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, float | Decimal | datetime.date):
        return repr(value)
    return value


@pytest.fixture
def records(world, personas, kinds):
    est = make_establishment(world.ba_dinh, "BD-1")
    est.name = "Khách sạn Ba Đình mới"
    est.save()  # a second history row
    make_inspection(est)
    report = make_report(world.ba_dinh, "BD-R1")
    ReporterIdentity.objects.create(
        report=report, full_name=SECRET_NAME, address="Số 7 phố Kim Mã", contact="0900000000"
    )
    make_case(world.hn, "HN-C1")
    return report


def test_a_round_trip_keeps_every_row_history_and_reporter_identity(records, tmp_path):
    before = every_row()
    history = Establishment.history.model._meta.db_table
    identities = ReporterIdentity._meta.db_table
    assert len(before[history]) == 2
    assert [row for row in before[identities] if SECRET_NAME in row]
    backup = tmp_path / "plan-tracker.backup"

    call_command("backup", str(backup))
    # What happens after the backup is undone by the restore: a deletion, an edit, a new row.
    ReporterIdentity.objects.all().delete()
    Establishment.objects.update(address="đã sửa")
    make_report(records.locality, "BD-R2")
    assert every_row() != before
    call_command("restore", str(backup), "--yes")

    after = every_row()
    assert {table: len(rows) for table, rows in after.items()} == {
        table: len(rows) for table, rows in before.items()
    }
    assert after == before
    assert ReporterIdentity.objects.get().full_name == SECRET_NAME
    assert not Report.objects.filter(reference="BD-R2").exists()


def test_the_restored_database_takes_new_rows(records, tmp_path):
    backup = tmp_path / "plan-tracker.backup"
    call_command("backup", str(backup))
    call_command("restore", str(backup), "--yes")

    # The sequences came back with the rows: a new row gets a free key.
    new = make_report(records.locality, "BD-R3")

    assert new.pk > records.pk


def test_restore_refuses_without_yes_when_it_may_not_ask(records, tmp_path):
    backup = tmp_path / "plan-tracker.backup"
    call_command("backup", str(backup))
    make_report(records.locality, "BD-R2")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(backup), "--no-input")

    assert Report.objects.filter(reference="BD-R2").exists()


def test_restore_asks_and_does_nothing_unless_told_yes(records, tmp_path, monkeypatch):
    backup = tmp_path / "plan-tracker.backup"
    call_command("backup", str(backup))
    make_report(records.locality, "BD-R2")
    questions = []
    monkeypatch.setattr("builtins.input", lambda text: questions.append(text) or "no")

    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(backup))

    assert "replaced" in questions[0]
    assert Report.objects.filter(reference="BD-R2").exists()

    monkeypatch.setattr("builtins.input", lambda text: "yes")
    call_command("restore", str(backup))
    assert not Report.objects.filter(reference="BD-R2").exists()


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_database(db, tmp_path):
    stranger = tmp_path / "notes.txt"
    stranger.write_text("not a backup")

    with pytest.raises(CommandError, match="not a"):
        call_command("restore", str(stranger), "--yes")
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.backup"), "--yes")
