"""The demo data set shows real approvals: the default plan's 2025 approved for Hà Nội
(submitted by the demo provincial officer, approved by the ministry) and returned with a comment
for Hồ Chí Minh City; running the command again adds nothing."""

import pytest
from django.core.management import call_command

from localities.models import Establishment, Report
from plan_tracker.approvals import ApprovalStep, State, YearApproval
from tests.conftest import make_locality


@pytest.fixture
def demo_world(world):
    """The demo's third province (Đà Nẵng) beside the test world's two."""
    da_nang = make_locality("2025", "48", "Thành phố Đà Nẵng", "province")
    make_locality("2025", "20194", "Phường Hải Châu", "commune", da_nang)
    return world


def steps_of(approval):
    return [
        (s.action, s.user.username, s.from_state, s.to_state, s.comment)
        for s in approval.steps.order_by("at", "pk")
    ]


def test_the_demo_records_2025_approved_for_hanoi_and_returned_for_another(demo_world):
    call_command("load_demo", stdout=None)
    hanoi = YearApproval.objects.get(province=demo_world.hn, year=2025)
    assert hanoi.state == State.APPROVED
    assert (hanoi.submitted_by.username, hanoi.decided_by.username) == (
        "province_officer",
        "ministry",
    )
    assert steps_of(hanoi) == [
        ("submit", "province_officer", State.NOT_SUBMITTED, State.SUBMITTED, ""),
        ("approve", "ministry", State.SUBMITTED, State.APPROVED, ""),
    ]
    # The stored figures are those of Hà Nội's demo records as of 31/12/2025.
    assert hanoi.snapshot["as_of"] == "2025-12-31"
    received = Report.objects.filter(province=demo_world.hn, received_on__year=2025).count()
    assert hanoi.snapshot["province"]["reports_received"] == received

    hcm = YearApproval.objects.get(province=demo_world.hcm, year=2025)
    assert hcm.state == State.RETURNED
    (submitted, returned) = steps_of(hcm)
    assert submitted[:2] == ("submit", "province_officer_hcm")
    assert returned[:2] == ("return", "ministry") and returned[4]
    assert YearApproval.objects.count() == 2


def test_loading_the_demo_twice_duplicates_nothing(demo_world):
    call_command("load_demo", stdout=None)
    counts = (
        Establishment.objects.count(),
        YearApproval.objects.count(),
        ApprovalStep.objects.count(),
    )
    call_command("load_demo", stdout=None)
    assert (
        (
            Establishment.objects.count(),
            YearApproval.objects.count(),
            ApprovalStep.objects.count(),
        )
        == counts
        == (counts[0], 2, 4)
    )
