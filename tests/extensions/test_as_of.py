"""At an as-of date A the deadline in force is the base one plus the extensions decided on or
before A (plan-rules §7: nothing dated after A exists, decisions included), in Python
(Report.status), in SQL (ReportQuerySet), in the figures (plan_tracker.metrics), the work lists
and the digest. Hand-computed cases on a denunciation (30 days from receipt, at most 90)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from localities.models import Locality, Report, ReportExtension, ReportStatus
from localities.selectors import Frame
from localities.services import report_extend
from plan_tracker import metrics
from tests.localities.conftest import add_extension, make_report

D = datetime.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def received_1_october(world, reference="TC-1", **extra):
    # Received 01/10/2025: base deadline 01/10 + 30 days = 31/10/2025; maximum 30/12/2025.
    return make_report(
        world.ba_dinh, reference, kind="denunciation", received_on=D(2025, 10, 1), **extra
    )


def sql_status(report, day):
    return Report.objects.filter(pk=report.pk).with_status(day).get().status_code


def sql_deadline(report, day):
    return Report.objects.filter(pk=report.pk).with_deadline_on(day).get().deadline_then


def test_an_extension_counts_from_the_day_it_was_decided(world, kinds):
    report = received_1_october(world)
    add_extension(report, D(2025, 12, 30), D(2025, 10, 20))
    report.refresh_from_db()
    # On 15/10/2025 the extension decided on 20/10 does not exist: the base deadline, 16 days on.
    for day, deadline in [
        (D(2025, 10, 15), D(2025, 10, 31)),
        (D(2025, 10, 19), D(2025, 10, 31)),
        (D(2025, 10, 20), D(2025, 12, 30)),
        (D(2026, 11, 1), D(2025, 12, 30)),
    ]:
        assert report.deadline_on(day) == deadline, day
        assert sql_deadline(report, day) == deadline, day
    assert report.status(D(2025, 10, 15)) == ReportStatus.PENDING
    assert report.days_left(D(2025, 10, 15)) == 16


def test_a_deadline_due_soon_before_the_decision_is_no_longer_due_soon_after_it(world, kinds):
    report = received_1_october(world)
    add_extension(report, D(2025, 12, 30), D(2025, 10, 28))
    report.refresh_from_db()
    # 27/10: 31/10 is 4 days on (due soon, 5 days); 28/10: decided, 30/12 is 63 days on.
    cases = [
        (D(2025, 10, 27), ReportStatus.DUE_SOON),
        (D(2025, 10, 28), ReportStatus.PENDING),
        (D(2025, 12, 31), ReportStatus.OVERDUE),
    ]
    for day, expected in cases:
        assert report.status(day) == expected, day
        assert sql_status(report, day) == expected, day
        one = Report.objects.filter(pk=report.pk)
        assert one.due_soon_on(day).exists() == (expected == ReportStatus.DUE_SOON), day
        assert one.overdue_on(day).exists() == (expected == ReportStatus.OVERDUE), day


def test_a_second_extension_counts_from_its_own_decision(world, kinds):
    report = received_1_october(world)
    add_extension(report, D(2025, 11, 30), D(2025, 10, 25))
    add_extension(report, D(2025, 12, 30), D(2025, 11, 28))
    report.refresh_from_db()
    for day, deadline in [
        (D(2025, 10, 24), D(2025, 10, 31)),  # none decided yet
        (D(2025, 11, 27), D(2025, 11, 30)),  # the first only
        (D(2025, 11, 28), D(2025, 12, 30)),  # both
    ]:
        assert report.deadline_on(day) == deadline, day
        assert sql_deadline(report, day) == deadline, day


def unknown_decision(report, until, recorded_on):
    """An extension recorded before decisions were dated: counted from the day recorded."""
    extension = ReportExtension(
        report=report, sequence=1, extended_until=until, decided_on=None, recorded_on=recorded_on
    )
    extension.save()
    report.apply_extension(extension)
    report.save()
    return extension


def test_an_extension_without_decision_date_counts_from_the_day_it_was_recorded(world, kinds):
    report = received_1_october(world)
    unknown_decision(report, D(2025, 12, 30), D(2026, 1, 15))
    report.refresh_from_db()
    # 01/11/2025: the base deadline (31/10) has passed and the extension is not recorded yet.
    assert report.status(D(2025, 11, 1)) == ReportStatus.OVERDUE
    assert sql_status(report, D(2025, 11, 1)) == ReportStatus.OVERDUE
    assert report.deadline_on(D(2026, 1, 15)) == D(2025, 12, 30)


def hanoi_2025(as_of):
    hn = Locality.objects.get(scheme="2025", code="01")
    table = metrics.compliance_table(
        Frame.nation(), year=2025, as_of=as_of, level="commune", locality=hn
    )
    return table.total.values


def test_the_figures_count_an_extension_only_from_its_decision(world, kinds):
    """Four denunciations of Ba Đình received 01/10/2025 (base deadline 31/10/2025):

    R1 handled 20/11/2025, extended to 30/12/2025 by a decision of 25/10/2025: on time.
    R2 handled 20/11/2025, extension recorded without decision date on 15/01/2026: late at
       31/12/2025, on time from 15/01/2026 (the day it was recorded).
    R3 handled 20/11/2025, no extension: late.
    R4 not handled, extended to 30/12/2025 by a decision of 20/10/2025.
    """
    r1 = received_1_october(world, "R1", handled_on=D(2025, 11, 20), outcome="no_violation")
    add_extension(r1, D(2025, 12, 30), D(2025, 10, 25))
    r2 = received_1_october(world, "R2", handled_on=D(2025, 11, 20), outcome="no_violation")
    unknown_decision(r2, D(2025, 12, 30), D(2026, 1, 15))
    received_1_october(world, "R3", handled_on=D(2025, 11, 20), outcome="no_violation")
    r4 = received_1_october(world, "R4")
    add_extension(r4, D(2025, 12, 30), D(2025, 10, 20))

    # A = 15/10/2025: nothing handled, nothing extended; all four in time (deadline 31/10).
    at = hanoi_2025(D(2025, 10, 15))
    assert (at["reports_received"], at["reports_pending"], at["reports_overdue"]) == (4, 4, 0)
    # A = 01/11/2025: R1, R2, R3 not handled yet; R1 (decided 25/10) and R4 (20/10) extended to
    # 30/12 -> pending 2; R2 (not recorded yet) and R3 -> overdue 2.
    at = hanoi_2025(D(2025, 11, 1))
    assert (at["reports_pending"], at["reports_overdue"]) == (2, 2)
    # A = 31/12/2025: handled 3; on time R1 only; R4 overdue since 31/12 (30/12 < A).
    # On time % = 1 / (4 − 0 pending) = 25.0%.
    at = hanoi_2025(D(2025, 12, 31))
    assert (at["reports_handled"], at["reports_handled_on_time"]) == (3, 1)
    assert (at["reports_pending"], at["reports_overdue"]) == (0, 1)
    assert str(at["reports_on_time_pct"]) == "25.0"
    # A = 15/01/2026: R2's extension is recorded: on time R1, R2 = 2 of 4 = 50.0%.
    at = hanoi_2025(D(2026, 1, 15))
    assert at["reports_handled_on_time"] == 2
    assert str(at["reports_on_time_pct"]) == "50.0"


def test_a_report_overdue_since_29_november_cannot_be_made_on_time_a_year_later(
    world, kinds, personas
):
    """The review's case: a denunciation received 29/10/2025 is due 28/11/2025 (overdue from
    29/11/2025), handled 05/01/2026; a year later (30/11/2026) an officer records an extension
    to 09/01/2026 decided that day. It is refused, and Hà Nội's 2025 figure does not move."""
    report = make_report(
        world.ba_dinh,
        "DEMO-BC-01-0039",
        kind="denunciation",
        received_on=D(2025, 10, 29),
        handled_on=D(2026, 1, 5),
        outcome="administrative_penalty",
    )
    assert report.deadline == D(2025, 11, 28)
    assert report.status(D(2025, 11, 29)) == ReportStatus.OVERDUE
    before = hanoi_2025(D(2026, 11, 30))
    assert (before["reports_handled"], before["reports_handled_on_time"]) == (1, 0)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        report_extend(
            user=personas.hn_officer,
            report=report,
            extended_until=D(2026, 1, 9),
            decided_on=D(2026, 11, 30),
            decision_no="99/QĐ-CSĐT",
            decided_by="Thủ trưởng CQĐT",
        )
    messages = caught.value.message_dict["decided_on"]
    assert any("30/11/2026" in m and "(28/11/2025)" in m for m in messages)
    report.refresh_from_db()
    assert report.deadline == D(2025, 11, 28)
    assert hanoi_2025(D(2026, 11, 30)) == before
    assert report.status(D(2026, 11, 30)) == ReportStatus.HANDLED_LATE


def test_the_figures_cost_the_same_queries_however_many_reports_are_extended(world, kinds):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            hanoi_2025(D(2025, 10, 22))
        return len(captured.captured_queries)

    report = received_1_october(world, "Q-0")
    add_extension(report, D(2025, 12, 30), D(2025, 10, 25))
    one = queries()
    for i in range(1, 6):
        report = received_1_october(world, f"Q-{i}")
        add_extension(report, D(2025, 11, 30), D(2025, 10, 20 + i))
        add_extension(report, D(2025, 12, 30), D(2025, 11, 20))
    assert queries() == one


def test_the_work_lists_order_and_show_the_deadline_in_force_on_the_as_of_date(world, kinds):
    early = received_1_october(world, "EARLY")
    add_extension(early, D(2025, 12, 30), D(2025, 10, 25))
    # Received 05/10/2025: due 04/11/2025.
    make_report(world.ba_dinh, "PLAIN", kind="denunciation", received_on=D(2025, 10, 5))
    todo = metrics.reports_to_handle(Frame.nation(), locality=world.hn, as_of=D(2025, 10, 22))
    # On 22/10 EARLY's extension is not decided: due 31/10, before PLAIN's 04/11.
    assert [(r.reference, r.deadline_then) for r in todo] == [
        ("EARLY", D(2025, 10, 31)),
        ("PLAIN", D(2025, 11, 4)),
    ]
    todo = metrics.reports_to_handle(Frame.nation(), locality=world.hn, as_of=D(2025, 10, 25))
    assert [(r.reference, r.deadline_then) for r in todo] == [
        ("PLAIN", D(2025, 11, 4)),
        ("EARLY", D(2025, 12, 30)),
    ]
    # Report.status reads the annotated deadline, even where the extension does not count yet
    # (EARLY on 22/10): no query per report.
    on_22 = metrics.reports_to_handle(Frame.nation(), locality=world.hn, as_of=D(2025, 10, 22))
    with CaptureQueriesContext(connection) as captured:
        rows = list(on_22)
        days = [r.days_left(D(2025, 10, 22)) for r in rows]
    assert len(captured.captured_queries) == 1
    # On 22/10: EARLY due 31/10 (9 days), PLAIN due 04/11 (13 days).
    assert days == [9, 13]
    # On 27/10 (a day the extension exists): EARLY is not due soon, though 31/10 is 4 days on.
    assert sql_status(early, D(2025, 10, 27)) == ReportStatus.PENDING
