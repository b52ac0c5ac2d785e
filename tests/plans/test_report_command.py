"""compliance_report for a year under several plans: one row per locality and plan in force, a
`plan` column and a status column for each target of any of them (records and plans in
tests/plans/conftest.py; the statuses as computed by hand in tests/plans/test_in_force.py)."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from plan_tracker.metrics import FIGURES


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def report(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("compliance_report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("level", [["--level", "province"], []], ids=["province", "default"])
def test_hanoi_in_2026_has_a_row_for_each_plan_in_force(records_2026, plans, level):
    # Asked about a province with no level, the command gives the province's own rows.
    text, err = report(
        "--year", "2026", "--as-of", "2026-06-30", "--locality", "01", *level, "--format", "csv",
    )  # fmt: skip
    header = text.splitlines()[0].split(",")
    assert header == [
        "locality_code", "locality_name", "level", "year", "as_of", "plan", *FIGURES,
        "status_annual_inspection", "status_cases_handled_count", "status_inspections_count",
        "status_reports_on_time",
    ]  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["locality_code"], r["plan"]) for r in rows] == [
        ("01", str(plans.national)),
        ("01", str(plans.hanoi)),
    ]
    national, hanoi = rows
    # The same figures in both rows: 3 cases handled, 2 inspections made, 25.0% inspected.
    for row in rows:
        assert (row["cases_handled"], row["inspections_made"]) == ("3", "2")
        assert row["inspected_in_year_pct"] == "25.0"
    # The national plan: on track for both its targets; no target on inspections made or
    # reports: empty.
    assert (national["status_annual_inspection"], national["status_cases_handled_count"]) == (
        "on_track",
        "on_track",
    )
    assert national["status_inspections_count"] == national["status_reports_on_time"] == ""
    # Hà Nội's: cases 3 ≥ 4 × 181/365 on track, inspections on track, no report due: n/a.
    assert hanoi["status_annual_inspection"] == ""
    assert (
        hanoi["status_cases_handled_count"],
        hanoi["status_inspections_count"],
        hanoi["status_reports_on_time"],
    ) == ("on_track", "on_track", "not_applicable")
    assert str(plans.national) in err and str(plans.hanoi) in err


def test_hanois_communes_have_a_row_for_each_plan_and_the_total_last(records_2026, plans):
    text, _ = report(
        "--year", "2026", "--as-of", "2026-06-30", "--locality", "01", "--level", "commune",
        "--total", "--format", "csv",
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["locality_code"], r["plan"] == str(plans.hanoi)) for r in rows] == [
        ("00004", False), ("00004", True), ("00070", False), ("00070", True),
        ("01", False), ("01", True),
    ]  # fmt: skip
    # Hà Nội's cases target is set for the province as a whole: n/a in the commune rows.
    assert [r["status_cases_handled_count"] for r in rows if r["plan"] == str(plans.hanoi)] == [
        "not_applicable",
        "not_applicable",
        "on_track",
    ]
    # Inspections ≥ 2 per commune: Ba Đình 2 on track, Hoàn Kiếm 0 behind.
    assert [r["status_inspections_count"] for r in rows if r["plan"] == str(plans.hanoi)][:2] == [
        "on_track",
        "behind",
    ]


def test_plan_chooses_one_plan(records_2026, plans):
    text, _ = report(
        "--year", "2026", "--as-of", "2026-06-30", "--locality", "01", "--level", "province",
        "--plan", str(plans.hanoi.pk), "--format", "csv",
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["plan"] for r in rows] == [str(plans.hanoi)]
    assert "status_annual_inspection" not in rows[0]


def test_the_current_year_is_the_default_and_runs_without_a_plan_in_force(world, today):
    # No plan covers the current year (only the 2021–2025 programme is recorded): the figures
    # all the same, every status not applicable, and stderr says so.
    text, err = report("--locality", "01", "--level", "province", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["locality_code"], r["year"]) for r in rows] == [("01", str(today.year))]
    assert rows[0]["status_annual_inspection"] == "not_applicable"
    assert "no plan in force" in err


def test_a_plan_and_a_year_outside_it_are_refused(world, plans):
    with pytest.raises(CommandError, match="covers 2026"):
        report("--year", "2025", "--plan", str(plans.hanoi.pk), "--format", "csv")


def test_the_api_gives_each_plan_in_force_with_its_statuses(client, personas, records_2026, plans):
    # A Hà Nội officer's default area is Hà Nội: its total judged against both plans as of
    # 30/06/2026 (hand-computed in tests/plans/test_in_force.py).
    client.force_login(personas.hn_officer)
    body = client.get("/api/v1/compliance", {"year": 2026, "as_of": "30/06/2026"}).json()
    assert body["plan"]["id"] == plans.national.pk
    assert [(p["id"], p["province"]) for p in body["plans_in_force"]] == [
        (plans.national.pk, None),
        (plans.hanoi.pk, "01"),
    ]
    national, hanoi = body["plans_in_force"]
    assert {t["metric"]: t["status"] for t in national["targets"]} == {
        "annual_inspection": "on_track",
        "cases_handled_count": "on_track",
    }
    assert {t["metric"]: t["status"] for t in hanoi["targets"]} == {
        "cases_handled_count": "on_track",
        "inspections_count": "on_track",
        "reports_on_time": "not_applicable",
    }
    assert hanoi["document"] == "07/KH-UBND ngày 07/01/2026, UBND Thành phố Hà Nội"
