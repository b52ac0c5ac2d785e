"""A small world of Hà Nội in 2024, whose figures are counted by hand in the tests:

* Ba Đình: EST-1 (opened 2020) inspected on 05/03/2024, EST-2 (opened 2020) never inspected;
* Hoàn Kiếm: EST-3 (opened 2020) inspected on 10/06/2024;
* Ba Đình: report R-1 (crime information, 20 days) received on 01/02/2024, handled on
  10/02/2024 (on time); report R-2 received on 01/11/2024, never handled (overdue at the year's
  end: its deadline was 21/11/2024);
* Hoàn Kiếm: case C-1 opened on 01/03/2024, handled on 01/05/2024.

TP Hồ Chí Minh has one establishment in Sài Gòn, inspected on 01/04/2024.
"""

import datetime

import pytest
from django.utils import translation

from localities.models import Case, Establishment, Inspection, Report


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English, the source language (one test reads Vietnamese)."""
    with translation.override("en"):
        yield


def save(record):
    record.full_clean()
    record.save()
    return record


@pytest.fixture
def hanoi(world, personas, kinds):
    opened = datetime.date(2020, 1, 15)
    est1 = save(
        Establishment(
            code="EST-1",
            name="Khách sạn Một",
            line="accommodation",
            commune=world.ba_dinh,
            opened_on=opened,
        )
    )
    est2 = save(
        Establishment(
            code="EST-2",
            name="Karaoke Hai",
            line="karaoke",
            commune=world.ba_dinh,
            opened_on=opened,
        )
    )
    est3 = save(
        Establishment(
            code="EST-3",
            name="Massage Ba",
            line="massage",
            commune=world.hoan_kiem,
            opened_on=opened,
        )
    )
    est_sg = save(
        Establishment(
            code="EST-SG",
            name="Khách sạn Sài Gòn",
            line="accommodation",
            commune=world.sai_gon,
            opened_on=opened,
        )
    )
    insp1 = save(
        Inspection(
            establishment=est1,
            inspected_on=datetime.date(2024, 3, 5),
            team="police",
            outcome="no_violation",
        )
    )
    insp3 = save(
        Inspection(
            establishment=est3,
            inspected_on=datetime.date(2024, 6, 10),
            team="police",
            outcome="no_violation",
        )
    )
    save(
        Inspection(
            establishment=est_sg,
            inspected_on=datetime.date(2024, 4, 1),
            team="police",
            outcome="no_violation",
        )
    )
    r1 = save(
        Report(
            reference="R-1",
            kind_id="crime_information",
            locality=world.ba_dinh,
            received_on=datetime.date(2024, 2, 1),
            handled_on=datetime.date(2024, 2, 10),
            outcome="no_violation",
        )
    )
    r2 = save(
        Report(
            reference="R-2",
            kind_id="crime_information",
            locality=world.ba_dinh,
            received_on=datetime.date(2024, 11, 1),
        )
    )
    c1 = save(
        Case(
            reference="C-1",
            locality=world.hoan_kiem,
            article="327",
            opened_on=datetime.date(2024, 3, 1),
            handled_on=datetime.date(2024, 5, 1),
        )
    )
    return type(
        "Hanoi",
        (),
        {
            "est1": est1,
            "est2": est2,
            "est3": est3,
            "est_sg": est_sg,
            "insp1": insp1,
            "insp3": insp3,
            "r1": r1,
            "r2": r2,
            "c1": c1,
        },
    )


@pytest.fixture
def plan(db):
    from plan_tracker.metrics import default_plan

    return default_plan()


@pytest.fixture
def step(plan, world):
    """Take a step on Hà Nội's (or another province's) year as a user."""
    from plan_tracker.approvals import take_step

    def _step(user, action, *, year=2024, province=None, comment=""):
        return take_step(
            user=user,
            action=action,
            plan=plan,
            province=province or world.hn,
            year=year,
            comment=comment,
        )

    return _step


@pytest.fixture
def approved_2024(hanoi, personas, step):
    step(personas.hn_officer, "submit")
    return step(personas.ministry, "approve")
