"""The legal clock of each kind of report (plan-rules §5), with hand-computed dates, and the
status of a report on an as-of date, in Python and in SQL alike."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from localities.models import Report, ReportStatus
from tests.localities.conftest import make_report

D = datetime.date
CRIME_KINDS = ["crime_denunciation", "crime_information", "prosecution_petition"]


@pytest.mark.parametrize("kind", CRIME_KINDS)
def test_a_crime_report_is_due_twenty_days_after_receipt(world, kinds, kind):
    # 10/01/2024 + 20 days = 30/01/2024.
    report = make_report(world.ba_dinh, "R1", kind=kind, received_on=D(2024, 1, 10))
    assert report.deadline == D(2024, 1, 30)


@pytest.mark.parametrize("kind", CRIME_KINDS)
@pytest.mark.parametrize(
    ("extended_until", "why"),
    [
        (D(2024, 3, 10), "first extension: 2 calendar months from 10/01/2024"),
        (D(2024, 5, 10), "second extension: 2 more months, 4 in all"),
    ],
)
def test_a_crime_report_may_be_extended_to_two_then_four_months(
    world, kinds, kind, extended_until, why
):
    report = make_report(
        world.ba_dinh, "R1", kind=kind, received_on=D(2024, 1, 10), extended_until=extended_until
    )
    assert report.deadline == extended_until, why


@pytest.mark.parametrize("kind", CRIME_KINDS)
def test_a_crime_report_cannot_be_extended_beyond_four_months(world, kinds, kind):
    # 10/01/2024 + 4 months = 10/05/2024; one day more is refused.
    with pytest.raises(ValidationError) as caught:
        make_report(
            world.ba_dinh,
            "R1",
            kind=kind,
            received_on=D(2024, 1, 10),
            extended_until=D(2024, 5, 11),
        )
    assert "extended_until" in caught.value.message_dict


def test_calendar_months_are_clamped_to_the_end_of_a_short_month(world, kinds):
    # 31/10/2023 + 4 months = 31/02/2024, which does not exist: 29/02/2024 (a leap year).
    assert kinds["crime_information"].legal_maximum(D(2023, 10, 31)) == D(2024, 2, 29)
    make_report(
        world.ba_dinh,
        "R1",
        kind="crime_information",
        received_on=D(2023, 10, 31),
        extended_until=D(2024, 2, 29),
    )
    with pytest.raises(ValidationError):
        make_report(
            world.ba_dinh,
            "R2",
            kind="crime_information",
            received_on=D(2023, 10, 31),
            extended_until=D(2024, 3, 1),
        )


def test_a_denunciation_is_due_thirty_days_after_acceptance(world, kinds):
    # 01/03/2024 + 30 days = 31/03/2024.
    report = make_report(world.ba_dinh, "R1", kind="denunciation", received_on=D(2024, 3, 1))
    assert report.deadline == D(2024, 3, 31)


@pytest.mark.parametrize(
    ("extended_until", "arithmetic"),
    [
        (D(2024, 4, 30), "complex: 30 + 30 = 60 days from 01/03/2024 (31 in March, 29 in April)"),
        (D(2024, 5, 30), "especially complex: 30 + 30 + 30 = 90 days (31 + 30 + 29)"),
    ],
)
def test_a_denunciation_may_be_extended_to_sixty_then_ninety_days(
    world, kinds, extended_until, arithmetic
):
    report = make_report(
        world.ba_dinh,
        "R1",
        kind="denunciation",
        received_on=D(2024, 3, 1),
        extended_until=extended_until,
    )
    assert report.deadline == extended_until, arithmetic


def test_a_denunciation_cannot_be_extended_beyond_ninety_days(world, kinds):
    # Day 91 after 01/03/2024 is 31/05/2024.
    with pytest.raises(ValidationError) as caught:
        make_report(
            world.ba_dinh,
            "R1",
            kind="denunciation",
            received_on=D(2024, 3, 1),
            extended_until=D(2024, 5, 31),
        )
    assert "extended_until" in caught.value.message_dict


def test_removing_an_extension_brings_back_the_base_deadline(world, kinds):
    report = make_report(
        world.ba_dinh,
        "R1",
        kind="denunciation",
        received_on=D(2024, 3, 1),
        extended_until=D(2024, 4, 30),
    )
    report.extended_until = None
    report.save()
    report.refresh_from_db()
    assert report.deadline == D(2024, 3, 31)


# A crime information received 01/03/2024 is due on 21/03/2024 (1 + 20).
STATUS_CASES = [
    # (handled_on, as_of, expected, why)
    (None, D(2024, 3, 10), ReportStatus.PENDING, "11 days left: more than 5"),
    (None, D(2024, 3, 15), ReportStatus.PENDING, "6 days left"),
    (None, D(2024, 3, 16), ReportStatus.DUE_SOON, "5 days left"),
    (None, D(2024, 3, 21), ReportStatus.DUE_SOON, "due that very day"),
    (None, D(2024, 3, 22), ReportStatus.OVERDUE, "one day past the deadline"),
    (D(2024, 3, 20), D(2024, 3, 19), ReportStatus.DUE_SOON, "the handling is after the as-of date"),
    (D(2024, 3, 20), D(2024, 3, 20), ReportStatus.HANDLED_ON_TIME, "handled a day early"),
    (D(2024, 3, 21), D(2024, 6, 1), ReportStatus.HANDLED_ON_TIME, "handled on the deadline"),
    (D(2024, 3, 25), D(2024, 3, 24), ReportStatus.OVERDUE, "not handled yet on 24/03"),
    (D(2024, 3, 25), D(2024, 3, 25), ReportStatus.HANDLED_LATE, "handled 4 days late"),
]


@pytest.mark.parametrize(("handled_on", "as_of", "expected", "why"), STATUS_CASES)
def test_a_reports_status_on_an_as_of_date(world, kinds, handled_on, as_of, expected, why):
    report = make_report(
        world.ba_dinh,
        "R1",
        received_on=D(2024, 3, 1),
        handled_on=handled_on,
        outcome="no_violation" if handled_on else "",
    )
    assert report.deadline == D(2024, 3, 21)
    assert report.status(as_of) == expected, why
    one = Report.objects.filter(pk=report.pk)
    assert one.with_status(as_of).get().status_code == expected, why
    # The filters the work lists, the figures and the digest count with say the same.
    open_states = {ReportStatus.PENDING, ReportStatus.DUE_SOON, ReportStatus.OVERDUE}
    assert one.open_on(as_of).exists() == (expected in open_states), why
    assert one.overdue_on(as_of).exists() == (expected == ReportStatus.OVERDUE), why
    assert one.due_soon_on(as_of).exists() == (expected == ReportStatus.DUE_SOON), why


def test_an_extension_moves_the_status_with_the_deadline(world, kinds):
    # Due 21/03/2024, extended to 21/04/2024: on 01/04/2024 it is pending again (20 days left).
    report = make_report(
        world.ba_dinh, "R1", received_on=D(2024, 3, 1), extended_until=D(2024, 4, 21)
    )
    assert report.status(D(2024, 4, 1)) == ReportStatus.PENDING
    assert report.days_left(D(2024, 4, 1)) == 20
    assert report.status(D(2024, 4, 22)) == ReportStatus.OVERDUE
