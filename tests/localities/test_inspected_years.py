"""The summary of inspected years (localities.models.InspectedYears): kept by the database's
triggers through every kind of write, rebuilt on demand, and exact under concurrent writers."""

import datetime
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation

from localities import summary
from localities.models import Establishment, FirstInspection, InspectedYears, Inspection
from localities.models.records import year_bits

D = datetime.date


def years_of(est) -> list[int]:
    row = InspectedYears.objects.filter(establishment=est).first()
    return row.year_list() if row else []


def first_days(est) -> dict[int, datetime.date]:
    return dict(FirstInspection.objects.filter(establishment=est).values_list("year", "first_on"))


def make(code, commune):
    return Establishment.objects.create(
        code=code, name=f"Cơ sở {code}", line="karaoke", commune=commune
    )


def inspect(est, day):
    return Inspection.objects.create(
        establishment=est, inspected_on=day, team="police", outcome="no_violation"
    )


def test_year_bits_are_the_years_of_a_mask():
    assert year_bits(2000, 2000) == 1
    assert year_bits(2025, 2025) == 1 << 25
    assert year_bits(2021, 2025) == (1 << 21) + (1 << 22) + (1 << 23) + (1 << 24) + (1 << 25)
    assert InspectedYears(years=year_bits(2021, 2023) | year_bits(2062, 2062)).year_list() == [
        2021,
        2022,
        2023,
        2062,
    ]
    with pytest.raises(ValueError):
        year_bits(1999, 2025)
    with pytest.raises(ValueError):
        year_bits(2025, 2063)


def test_every_kind_of_write_keeps_the_years(world):
    a = make("A", world.ba_dinh)
    b = make("B", world.hoan_kiem)
    assert years_of(a) == []

    first = inspect(a, D(2023, 5, 1))
    assert years_of(a) == [2023]
    inspect(a, D(2023, 9, 1))
    Inspection.objects.bulk_create(
        [
            Inspection(establishment=a, inspected_on=D(2025, 1, 1), team="police"),
            Inspection(establishment=b, inspected_on=D(2021, 12, 31), team="police"),
            Inspection(establishment=b, inspected_on=D(1999, 6, 1), team="police"),  # no bit
        ]
    )
    assert years_of(a) == [2023, 2025]
    assert years_of(b) == [2021]
    # An inspection outside 2000–2062 sets no year and makes no row.
    c = make("C", world.hoan_kiem)
    inspect(c, D(1998, 1, 1))
    assert not InspectedYears.objects.filter(establishment=c).exists()

    # A change of date into another year (a save through the ORM): 2023 stays (the other one).
    first.inspected_on = D(2024, 2, 2)
    first.save()
    assert years_of(a) == [2023, 2024, 2025]

    # A move of an inspection to another establishment.
    Inspection.objects.filter(establishment=a, inspected_on=D(2025, 1, 1)).update(establishment=b)
    assert years_of(a) == [2023, 2024]
    assert years_of(b) == [2021, 2025]

    # A queryset update of several rows at once: all of B's inspections move to A.
    Inspection.objects.filter(establishment=b).update(establishment=a)
    assert years_of(a) == [2021, 2023, 2024, 2025]
    assert years_of(b) == []


def test_deletions_remove_a_year_only_with_its_last_inspection(world):
    a = make("A", world.ba_dinh)
    one = inspect(a, D(2024, 1, 10))
    two = inspect(a, D(2024, 8, 10))
    inspect(a, D(2025, 3, 3))
    one.delete()
    assert years_of(a) == [2024, 2025]
    two.delete()
    assert years_of(a) == [2025]
    Inspection.objects.filter(establishment=a).delete()
    assert years_of(a) == []
    # No row is left: the establishment can be deleted, also by plain SQL.
    assert not InspectedYears.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM localities_establishment WHERE id = %s", [a.pk])
    assert not Establishment.objects.filter(pk=a.pk).exists()


def test_every_kind_of_write_keeps_the_first_date_of_each_year(world):
    a = make("A", world.ba_dinh)
    b = make("B", world.hoan_kiem)
    late = inspect(a, D(2024, 9, 1))
    assert first_days(a) == {2024: D(2024, 9, 1)}
    early = inspect(a, D(2024, 3, 1))  # earlier in the same year: the first date moves back
    inspect(a, D(2024, 5, 1))  # later: it stays
    Inspection.objects.bulk_create(
        [
            Inspection(establishment=a, inspected_on=D(2025, 2, 2), team="police"),
            Inspection(establishment=a, inspected_on=D(2025, 1, 15), team="police"),
            Inspection(establishment=b, inspected_on=D(1999, 6, 1), team="police"),  # no year
        ]
    )
    assert first_days(a) == {2024: D(2024, 3, 1), 2025: D(2025, 1, 15)}
    assert first_days(b) == {}

    # The first inspection of 2024 deleted: the next one (01/05) is the first.
    early.delete()
    assert first_days(a)[2024] == D(2024, 5, 1)
    # Moved to another year: 2024's first is what remains, 2023 gains one.
    Inspection.objects.filter(inspected_on=D(2024, 5, 1)).update(inspected_on=D(2023, 12, 31))
    assert first_days(a) == {2023: D(2023, 12, 31), 2024: D(2024, 9, 1), 2025: D(2025, 1, 15)}
    # A date moved within its year, later than another one of that year.
    Inspection.objects.filter(inspected_on=D(2025, 1, 15)).update(inspected_on=D(2025, 6, 6))
    assert first_days(a)[2025] == D(2025, 2, 2)
    # Moved to another establishment: each has its own first dates.
    late.establishment = b
    late.save()
    assert first_days(a) == {2023: D(2023, 12, 31), 2025: D(2025, 2, 2)}
    assert first_days(b) == {2024: D(2024, 9, 1)}
    # The last inspection of a year gone: so is the year.
    late.delete()
    assert first_days(b) == {}
    assert summary.rebuild(connection) == 0


def test_the_rebuild_mends_the_first_dates(world):
    a = make("A", world.ba_dinh)
    b = make("B", world.hoan_kiem)
    inspect(a, D(2022, 4, 1))
    inspect(a, D(2022, 8, 1))
    inspect(b, D(2023, 1, 1))
    FirstInspection.objects.filter(establishment=a).update(first_on=D(2022, 8, 1))
    FirstInspection.objects.filter(establishment=b).delete()
    FirstInspection.objects.create(establishment=b, year=2030, first_on=D(2030, 1, 1))
    assert summary.rebuild(connection) == 2
    assert first_days(a) == {2022: D(2022, 4, 1)}
    assert first_days(b) == {2023: D(2023, 1, 1)}
    assert summary.rebuild(connection) == 0


def test_the_rebuild_finds_and_mends_drift(world):
    a = make("A", world.ba_dinh)
    b = make("B", world.hoan_kiem)
    inspect(a, D(2022, 1, 1))
    inspect(b, D(2023, 1, 1))
    assert summary.rebuild(connection) == 0
    # Drift the way a restore without triggers would: one row wrong, one missing.
    InspectedYears.objects.filter(establishment=a).update(years=year_bits(2030, 2030))
    InspectedYears.objects.filter(establishment=b).delete()
    assert summary.rebuild(connection) == 2
    assert years_of(a) == [2022]
    assert years_of(b) == [2023]
    assert summary.rebuild(connection) == 0


def test_the_command_reports_the_rebuild(world, capsys):
    a = make("A", world.ba_dinh)
    inspect(a, D(2022, 1, 1))
    InspectedYears.objects.filter(establishment=a).update(years=0)
    with translation.override("en"):
        call_command("rebuild_inspected_years")
    assert capsys.readouterr().out == (
        "Summary of inspected years rebuilt: 1 establishment(s) corrected.\n"
    )
    assert years_of(a) == [2022]
    with translation.override("vi"):
        call_command("rebuild_inspected_years")
    assert "sửa 0 cơ sở" in capsys.readouterr().out


def test_the_triggers_are_installed_after_every_migration(db):
    """SQLite rebuilds a table for some migrations, and its triggers go with it: this fails
    then, before the figures silently go stale."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'localities_inspection'::regclass "
                "AND tgname LIKE 'localities_inspected_years_%%'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'localities_inspection'"
            )
        names = {name for (name,) in cursor.fetchall()}
    expected = {"insert", "update", "delete"}
    if connection.vendor == "postgresql":
        expected.add("truncate")
    assert names == {f"localities_inspected_years_{name}" for name in expected}


# ---------------------------------------------------------------------------------------------
# Concurrent writers (PostgreSQL: SQLite has one writer at a time)

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="concurrent transactions need PostgreSQL"
)


def _other_connection():
    import psycopg2

    settings = connection.settings_dict
    conn = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
    )
    return conn


def _insert(cursor, est_id, day):
    cursor.execute(
        "INSERT INTO localities_inspection (establishment_id, inspected_on, team, outcome, "
        "violations, fine_vnd, notes, version, created_at, updated_at) "
        "VALUES (%s, %s, 'police', 'no_violation', '', 0, '', 1, now(), now())",
        [est_id, day],
    )


def _blocked(conn) -> bool:
    """Whether conn's backend is waiting for a lock."""
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                [conn.get_backend_pid()],
            )
            row = cursor.fetchone()
            if row and row[0] == "Lock":
                return True
            time.sleep(0.02)
    return False


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("deleter_first", [False, True])
def test_a_concurrent_insert_and_delete_lose_no_year(world, deleter_first):
    """One transaction deletes the establishment's only 2023 inspection while another adds
    one in 2024; whichever takes the summary row first, the other waits and the result is
    2024 alone — the recount sees the committed insert, the insert ORs into the recount."""
    est = make("A", world.ba_dinh)
    old = inspect(est, D(2023, 3, 3))
    assert years_of(est) == [2023]

    inserter, deleter = _other_connection(), _other_connection()
    try:
        first, second = (deleter, inserter) if deleter_first else (inserter, deleter)

        def write(conn):
            with conn.cursor() as cursor:
                if conn is inserter:
                    _insert(cursor, est.pk, D(2024, 4, 4))
                else:
                    cursor.execute("DELETE FROM localities_inspection WHERE id = %s", [old.pk])

        write(first)  # uncommitted: holds the summary row
        thread = threading.Thread(target=write, args=(second,))
        thread.start()
        assert _blocked(second), "the second writer should wait for the first"
        first.commit()
        thread.join(10)
        assert not thread.is_alive()
        second.commit()
    finally:
        inserter.close()
        deleter.close()
    assert years_of(est) == [2024]
    assert first_days(est) == {2024: D(2024, 4, 4)}
    assert summary.rebuild(connection) == 0


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_inserts_for_one_establishment_neither_deadlock_nor_lose(world):
    est = make("A", world.ba_dinh)
    one, two = _other_connection(), _other_connection()
    try:
        with one.cursor() as cursor:
            _insert(cursor, est.pk, D(2022, 2, 2))
        errors = []

        def second_insert():
            try:
                with two.cursor() as cursor:
                    _insert(cursor, est.pk, D(2024, 2, 2))
                two.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        thread = threading.Thread(target=second_insert)
        thread.start()
        assert _blocked(two)
        one.commit()
        thread.join(10)
        assert not thread.is_alive() and errors == []
    finally:
        one.close()
        two.close()
    assert years_of(est) == [2022, 2024]


def test_a_rolled_back_write_leaves_the_summary_as_it_was(world):
    est = make("A", world.ba_dinh)
    inspect(est, D(2022, 2, 2))
    with pytest.raises(RuntimeError), transaction.atomic():
        inspect(est, D(2025, 5, 5))
        assert years_of(est) == [2022, 2025]
        raise RuntimeError
    assert years_of(est) == [2022]
