"""Who may take which step of a province's year, from which state (plan_tracker.approvals)."""

import pytest

from localities.permissions import OutOfScope
from plan_tracker.approvals import ApprovalStep, State, StepRefused, YearApproval


def test_a_provincial_officer_submits_ministry_approves_an_administrator_reopens(
    hanoi, personas, step
):
    submitted = step(personas.hn_officer, "submit")
    assert submitted.state == State.SUBMITTED
    assert submitted.submitted_by == personas.hn_officer
    approved = step(personas.ministry, "approve")
    assert approved.state == State.APPROVED
    assert approved.decided_by == personas.ministry
    reopened = step(personas.admin, "reopen", comment="Sai số liệu tin báo")
    assert reopened.state == State.REOPENED
    again = step(personas.hn_officer, "submit")
    assert again.state == State.SUBMITTED
    history = list(
        ApprovalStep.objects.filter(approval=again).values_list(
            "action", "user__username", "from_state", "to_state", "comment"
        )
    )
    assert history == [
        ("submit", "hn_officer", "not_submitted", "submitted", ""),
        ("approve", "ministry", "submitted", "approved", ""),
        ("reopen", "admin", "approved", "reopened", "Sai số liệu tin báo"),
        ("submit", "hn_officer", "reopened", "submitted", ""),
    ]


def test_ministry_returns_with_a_comment_and_the_province_submits_again(hanoi, personas, step):
    step(personas.hn_officer, "submit")
    with pytest.raises(StepRefused, match="comment"):
        step(personas.ministry, "return")
    returned = step(personas.ministry, "return", comment="Thiếu số liệu xã")
    assert returned.state == State.RETURNED
    assert step(personas.hn_officer, "submit").state == State.SUBMITTED


@pytest.mark.parametrize(
    "persona, action",
    [
        ("commune_officer", "submit"),
        ("ministry", "submit"),
        ("admin", "submit"),
        ("hn_officer", "approve"),
        ("admin", "approve"),
        ("hn_officer", "return"),
    ],
)
def test_a_role_without_the_step_is_refused(hanoi, personas, step, persona, action):
    if action != "submit":
        step(personas.hn_officer, "submit")
    before = YearApproval.objects.filter(year=2024).values_list("state", flat=True).first()
    with pytest.raises(StepRefused, match="Only"):
        step(getattr(personas, persona), action, comment="x")
    after = YearApproval.objects.filter(year=2024).values_list("state", flat=True).first()
    assert after == before


@pytest.mark.parametrize("persona", ["hn_officer", "ministry"])
def test_only_an_administrator_reopens(approved_2024, personas, step, persona):
    with pytest.raises(StepRefused, match="administrator"):
        step(getattr(personas, persona), "reopen", comment="x")
    assert YearApproval.objects.get(year=2024).state == State.APPROVED


def test_a_step_the_state_does_not_allow_is_refused(hanoi, personas, step):
    with pytest.raises(StepRefused, match="not submitted"):
        step(personas.ministry, "approve")
    with pytest.raises(StepRefused, match="not submitted"):
        step(personas.admin, "reopen", comment="x")
    step(personas.hn_officer, "submit")
    with pytest.raises(StepRefused, match="submitted"):
        step(personas.hn_officer, "submit")
    with pytest.raises(StepRefused, match="submitted"):
        step(personas.admin, "reopen", comment="x")
    step(personas.ministry, "approve")
    with pytest.raises(StepRefused, match="approved"):
        step(personas.ministry, "return", comment="x")
    with pytest.raises(StepRefused, match="approved"):
        step(personas.hn_officer, "submit")
    with pytest.raises(StepRefused, match="comment"):
        step(personas.admin, "reopen")


def test_an_officer_of_another_province_gets_out_of_scope(hanoi, personas, step):
    with pytest.raises(OutOfScope):
        step(personas.hcm_officer, "submit")
    assert not YearApproval.objects.exists()


def test_a_year_outside_the_plan_is_refused(hanoi, personas, step):
    with pytest.raises(StepRefused, match="2019"):
        step(personas.hn_officer, "submit", year=2019)


def test_each_province_has_its_own_year(hanoi, personas, step, world):
    step(personas.hn_officer, "submit")
    step(personas.hcm_officer, "submit", province=world.hcm)
    step(personas.ministry, "approve")
    states = dict(YearApproval.objects.values_list("province__code", "state"))
    assert states == {"01": "approved", "79": "submitted"}
