"""manage.py approval (each step as a named user, exit 1 with the reason when refused) and
compliance_report --approved (the approved figures; exit 1 when the year is not approved)."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from localities.models import Inspection
from localities.services import record_save
from plan_tracker.approvals import ApprovalStep, State, YearApproval, take_step


def approval(*args):
    out = io.StringIO()
    call_command("approval", *args, stdout=out)
    return out.getvalue()


def run(step, user, *extra):
    return approval(step, "--year", "2024", "--locality", "01", "--user", user, *extra)


def test_the_four_steps_by_their_roles(hanoi, personas):
    assert run("submit", "hn_officer").startswith("Thành phố Hà Nội 2024: Submitted (")
    assert "Approved" in run("approve", "ministry")
    assert "Reopened" in run("reopen", "admin", "--comment", "Sửa số liệu")
    run("submit", "hn_officer")
    assert "Returned" in run("return", "ministry", "--comment", "Thiếu xã")
    steps = ApprovalStep.objects.values_list("action", "user__username", "comment")
    assert list(steps) == [
        ("submit", "hn_officer", ""),
        ("approve", "ministry", ""),
        ("reopen", "admin", "Sửa số liệu"),
        ("submit", "hn_officer", ""),
        ("return", "ministry", "Thiếu xã"),
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (("approve", "ministry"), "is not submitted: it cannot be approved"),
        (("submit", "ministry"), "Only a provincial officer"),
        (("submit", "hcm_officer"), "outside your area"),
        (("submit", "nobody"), "No user is named nobody"),
    ],
)
def test_a_refused_step_exits_1_with_the_reason(hanoi, personas, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not YearApproval.objects.filter(state=State.SUBMITTED).exists()


def test_the_exit_code_is_1(hanoi, personas, capsys):
    # As from the shell: manage.py turns the refusal into exit status 1 and its message.
    argv = ["manage.py", "approval", "approve", "--year", "2024", "--locality", "01"]
    with pytest.raises(SystemExit) as exit_code:
        ManagementUtility([*argv, "--user", "ministry"]).execute()
    assert exit_code.value.code == 1
    assert "cannot be approved" in capsys.readouterr().err


def test_an_unknown_province_exits_1(hanoi, personas):
    with pytest.raises(CommandError, match="No province"):
        approval("submit", "--year", "2024", "--locality", "00004", "--user", "hn_officer")


def report(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("compliance_report", "--year", "2024", "--approved", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_approved_figures_are_printed_as_approved(approved_2024, hanoi, personas):
    # Reopened, an inspection of EST-2 added in 2024, then submitted and approved again: the
    # approved figures are the new ones (3 of 3 inspected).
    take_step(
        user=personas.admin,
        action="reopen",
        plan=approved_2024.plan,
        province=approved_2024.province,
        year=2024,
        comment="Thêm kiểm tra",
    )

    record_save(
        user=personas.hn_officer,
        record=Inspection(
            establishment=hanoi.est2,
            inspected_on=datetime.date(2024, 9, 9),
            team="police",
            outcome="no_violation",
        ),
    )
    for user, action in ((personas.hn_officer, "submit"), (personas.ministry, "approve")):
        take_step(
            user=user,
            action=action,
            plan=approved_2024.plan,
            province=approved_2024.province,
            year=2024,
        )
    out, err = report("--locality", "01", "--level", "province")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [
        (r["locality_code"], r["inspected_in_year"], r["inspected_in_year_pct"]) for r in rows
    ] == [("01", "3", "100.0")]
    assert "approved on" in err and "by ministry" in err and "as of 31/12/2024" in err
    out, _err = report("--locality", "01", "--level", "commune", "--total", "--format", "json")
    data = json.loads(out)
    # Ba Đình (EST-1, EST-2: 2 of 2), Hoàn Kiếm (EST-3: 1 of 1), then Hà Nội's total.
    assert [(r["locality_code"], r["inspected_in_year"]) for r in data] == [
        ("00004", 2),
        ("00070", 1),
        ("01", 3),
    ]
    out, _err = report("--locality", "00070")
    assert [r["locality_code"] for r in csv.DictReader(io.StringIO(out))] == ["00070"]


@pytest.mark.parametrize("steps", [[], ["submit"], ["submit", "return"]])
def test_a_year_not_approved_exits_1(hanoi, personas, step, steps):
    users = {"submit": personas.hn_officer, "return": personas.ministry}
    for action in steps:
        step(users[action], action, comment="x")
    with pytest.raises(CommandError, match="The year 2024 of Thành phố Hà Nội is not approved"):
        report("--locality", "01")


def test_approved_needs_a_locality(approved_2024):
    with pytest.raises(CommandError, match="--approved needs --locality"):
        report()
