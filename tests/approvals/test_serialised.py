"""A write racing a submission of its year, on two real connections: either the write is
refused by the submission's lock, or the submission stores it — never a submitted snapshot
that disagrees with the records stored beside it.

PostgreSQL only: SQLite lets one transaction write at a time, so the race cannot happen there.
"""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from localities.models import Inspection
from localities.services import record_save
from plan_tracker.approvals import State, YearApproval, locks_read_once, take_step

pytestmark = [
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="concurrent transactions need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT = 10  # seconds a thread may take before the test fails


def backend_pid(holder: dict):
    """Note the backend of this thread's own connection (for pg_stat_activity)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        holder["pid"] = cursor.fetchone()[0]


def waits_for_a_lock(pid) -> bool:
    with connection.cursor() as cursor:
        for _ in range(250):
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
            if row and row[0] == "Lock":
                return True
            time.sleep(0.02)
    return False


def in_thread(target):
    """Run `target` in a thread of its own (its own database connection), closing that
    connection after; the thread's exception, if any, lands in the returned dict."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = target(outcome)
        except Exception as error:  # noqa: BLE001 - read by the test
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def new_inspection(hanoi):
    return Inspection(
        establishment=hanoi.est2,
        inspected_on=datetime.date(2024, 9, 9),
        team="police",
        outcome="no_violation",
    )


def submit(personas, plan, world):
    def run(outcome):
        backend_pid(outcome)
        return take_step(
            user=personas.hn_officer, action="submit", plan=plan, province=world.hn, year=2024
        )

    return run


def stored_inspected(approval) -> int:
    return approval.snapshot["province"]["inspected_in_year"]


def test_a_submission_waits_for_a_write_under_way_and_stores_it(hanoi, personas, plan, world):
    # Before: EST-1 and EST-3 of Hà Nội's three establishments were inspected in 2024.
    committed = threading.Event()
    release = threading.Event()

    def write(outcome):
        with transaction.atomic():
            record_save(user=personas.hn_officer, record=new_inspection(hanoi))
            committed.set()  # checked and written, not committed yet
            release.wait(WAIT)

    writer, written = in_thread(write)
    assert committed.wait(WAIT)
    submitter, submitted = in_thread(submit(personas, plan, world))
    for _ in range(250):
        if "pid" in submitted:
            break
        time.sleep(0.02)
    assert waits_for_a_lock(submitted["pid"]), "the submission should wait for the write"
    release.set()
    writer.join(WAIT)
    submitter.join(WAIT)
    assert not writer.is_alive() and not submitter.is_alive()
    assert "error" not in written and "error" not in submitted

    approval = YearApproval.objects.get(province=world.hn, year=2024)
    assert approval.state == State.SUBMITTED
    # The write committed first: the snapshot counts its inspection, 3 of 3.
    assert stored_inspected(approval) == 3
    assert Inspection.objects.filter(establishment__commune__province=world.hn).count() == 3


def test_a_write_waits_for_a_submission_under_way_and_is_refused(hanoi, personas, plan, world):
    taken = threading.Event()
    release = threading.Event()

    def submit_and_hold(outcome):
        with transaction.atomic():
            approval = take_step(
                user=personas.hn_officer, action="submit", plan=plan, province=world.hn, year=2024
            )
            taken.set()  # the figures read and stored, not committed yet
            release.wait(WAIT)
        return approval

    def write(outcome):
        backend_pid(outcome)
        with transaction.atomic():
            return record_save(user=personas.hn_officer, record=new_inspection(hanoi))

    submitter, submitted = in_thread(submit_and_hold)
    assert taken.wait(WAIT)
    writer, written = in_thread(write)
    for _ in range(250):
        if "pid" in written:
            break
        time.sleep(0.02)
    assert waits_for_a_lock(written["pid"]), "the write should wait for the submission"
    release.set()
    submitter.join(WAIT)
    writer.join(WAIT)
    assert not writer.is_alive() and not submitter.is_alive()

    assert isinstance(written.get("error"), ValidationError)
    codes = [error.code for errors in written["error"].error_dict.values() for error in errors]
    assert codes == ["year_locked"]
    approval = YearApproval.objects.get(province=world.hn, year=2024)
    assert approval.state == State.SUBMITTED
    assert stored_inspected(approval) == 2
    assert Inspection.objects.filter(establishment__commune__province=world.hn).count() == 2


def test_a_write_of_another_province_does_not_wait_for_a_submission(hanoi, personas, plan, world):
    taken = threading.Event()
    release = threading.Event()

    def submit_and_hold(outcome):
        with transaction.atomic():
            take_step(
                user=personas.hn_officer, action="submit", plan=plan, province=world.hn, year=2024
            )
            taken.set()
            release.wait(WAIT)

    submitter, _submitted = in_thread(submit_and_hold)
    try:
        assert taken.wait(WAIT)
        with transaction.atomic():
            inspection = Inspection(
                establishment=hanoi.est_sg,
                inspected_on=datetime.date(2024, 9, 9),
                team="police",
                outcome="no_violation",
            )
            record_save(user=personas.admin, record=inspection)
    finally:
        release.set()
        submitter.join(WAIT)
    assert Inspection.objects.filter(pk=inspection.pk).exists()


def test_a_submission_waits_for_an_import_under_way(hanoi, personas, plan, world):
    """An import reads the locks once, at its start: every province's row stays share-locked
    until it ends, so a submission waits for it instead of storing figures it then changes."""
    began = threading.Event()
    release = threading.Event()

    def importing(outcome):
        with transaction.atomic(), locks_read_once():
            began.set()
            release.wait(WAIT)

    importer, _imported = in_thread(importing)
    assert began.wait(WAIT)
    submitter, submitted = in_thread(submit(personas, plan, world))
    for _ in range(250):
        if "pid" in submitted:
            break
        time.sleep(0.02)
    assert waits_for_a_lock(submitted["pid"]), "the submission should wait for the import"
    release.set()
    importer.join(WAIT)
    submitter.join(WAIT)
    assert not submitter.is_alive() and "error" not in submitted
    assert submitted["value"].state == State.SUBMITTED
