"""Figures and statuses on the boundary days of plan-rules §7: events on the as-of date itself, a
deadline equal to it, 31 December, the full-coverage line, and the days before the plan.

Each test builds its own records in Phường Sài Gòn (TP Hồ Chí Minh). Targets: reports on time
100%, annual inspection 20%, full coverage 100% by 31/12/2025, cases growth 3% a year. The plan
runs 01/01/2021–31/12/2025: 1825 days from its first to its last day.
"""

from decimal import Decimal

from localities.models import Establishment, Inspection
from localities.selectors import Frame
from plan_tracker.metrics import compliance_table
from tests.plan_tracker.scenario import D, case, establishment, report

METRICS = ("reports_on_time", "annual_inspection", "full_coverage", "cases_growth")


def sai_gon(world, *, year, as_of):
    table = compliance_table(
        frame=Frame.nation(), year=year, as_of=as_of, level="commune", locality=world.hcm
    )
    return next(row for row in table.rows if row.locality == world.sai_gon)


def statuses(row):
    return {metric: row[f"status_{metric}"] for metric in METRICS}


def test_it_counts_an_inspection_a_handling_and_a_closure_dated_on_the_as_of_date(world, kinds):
    as_of = D(2024, 9, 1)
    # X1 closes on A and is inspected on A; X2 is inspected the day after A.
    establishment("X1", world.sai_gon, opened=D(2020, 1, 1), closed=as_of, inspected=[as_of])
    establishment("X2", world.sai_gon, opened=D(2020, 1, 1), inspected=[D(2024, 9, 2)])
    # A report received 20/08 (deadline 09/09) handled on A; one received on A, not handled.
    report("R1", world.sai_gon, kinds["crime_denunciation"], D(2024, 8, 20), handled=as_of)
    report("R2", world.sai_gon, kinds["crime_denunciation"], as_of)
    # A case handled on A, one the day after.
    case("C1", world.sai_gon, D(2024, 1, 1), as_of)
    case("C2", world.sai_gon, D(2024, 1, 1), D(2024, 9, 2))

    row = sai_gon(world, year=2024, as_of=as_of)
    # Operating: X1 (closed on A: still operating on A), X2 = 2; inspected in the year: X1
    # (on A) = 1 → 50.0%.
    assert (row["establishments_operating"], row["inspected_in_year"]) == (2, 1)
    assert row["inspected_in_year_pct"] == Decimal("50.0")
    # Open on E = A: X1, X2 = 2; covered since 01/01/2021: X1 = 1 → 50.0%.
    assert (row["establishments_open_at_end"], row["inspected_since_plan_start"]) == (2, 1)
    assert row["coverage_pct"] == Decimal("50.0")
    # Received R1, R2 (on A) = 2; handled R1 (on A), on time (09/09); R2 pending →
    # 1 / (2 − 1) = 100.0%.
    assert (row["reports_received"], row["reports_handled"]) == (2, 1)
    assert (row["reports_handled_on_time"], row["reports_pending"]) == (1, 1)
    assert row["reports_on_time_pct"] == Decimal("100.0")
    # Cases: C1 (on A) = 1.
    assert row["cases_handled"] == 1

    # The day after: X1 has closed (still operating in the year, no longer open at E), X2 is
    # inspected: 2 of 2 inspected; open X2 = 1, covered 1 → 100.0%; C2 counts.
    row = sai_gon(world, year=2024, as_of=D(2024, 9, 2))
    assert (row["establishments_operating"], row["inspected_in_year"]) == (2, 2)
    assert (row["establishments_open_at_end"], row["inspected_since_plan_start"]) == (1, 1)
    assert row["cases_handled"] == 2


def test_it_keeps_a_report_whose_deadline_is_the_as_of_date_pending_not_overdue(world, kinds):
    crime = kinds["crime_denunciation"]
    # Received 12/08/2024: deadline 12/08 + 20 days = 01/09/2024. Not handled.
    late = report("R1", world.sai_gon, crime, D(2024, 8, 12))
    assert late.deadline == D(2024, 9, 1)
    row = sai_gon(world, year=2024, as_of=D(2024, 9, 1))
    # On its deadline it is still in time: pending 1, overdue 0, 0 / (1 − 1): n/a.
    assert (row["reports_pending"], row["reports_overdue"]) == (1, 0)
    assert row["reports_on_time_pct"] is None
    assert row["status_reports_on_time"] == "not_applicable"
    # The day after it is overdue: 0 / (1 − 0) = 0.0%: behind.
    row = sai_gon(world, year=2024, as_of=D(2024, 9, 2))
    assert (row["reports_pending"], row["reports_overdue"]) == (0, 1)
    assert row["reports_on_time_pct"] == Decimal("0.0")
    assert row["status_reports_on_time"] == "behind"
    # Handled on its deadline, which is A: on time, 1 / 1 = 100.0%.
    late.handled_on = D(2024, 9, 1)
    late.outcome = "no_violation"
    late.save()
    row = sai_gon(world, year=2024, as_of=D(2024, 9, 1))
    assert (row["reports_handled_on_time"], row["reports_pending"]) == (1, 0)
    assert row["status_reports_on_time"] == "on_track"


def test_it_judges_the_year_whole_on_31_december(world, kinds):
    # Ten establishments, one inspected 01/03/2024 and one on 31/12/2024: 2 / 10 = 20%.
    for i in range(10):
        inspected = {0: [D(2024, 3, 1)], 1: [D(2024, 12, 31)]}.get(i, [])
        establishment(f"S{i}", world.sai_gon, inspected=inspected)
    # One report handled on time; one case in 2023 and one in 2024 (1 < 1 × 1.03).
    report("R1", world.sai_gon, kinds["crime_denunciation"], D(2024, 5, 1), handled=D(2024, 5, 2))
    case("C1", world.sai_gon, D(2023, 1, 1), D(2023, 5, 1))
    case("C2", world.sai_gon, D(2024, 1, 1), D(2024, 5, 1))

    row = sai_gon(world, year=2024, as_of=D(2024, 12, 31))
    # On 31/12 the year is finished: 20 % ≥ 20 met; 1/1 on time met; 1 < 1.03 not met. Full
    # coverage is judged against the line until the plan's last day: 2 / 10 = 20% against
    # 100 × 1460 / 1825 = 80%: behind.
    assert row["inspected_in_year"] == 2
    assert statuses(row) == {
        "reports_on_time": "met",
        "annual_inspection": "met",
        "full_coverage": "behind",
        "cases_growth": "not_met",
    }
    # On 30/12 the year is running: 1 inspected (31/12 has not come) = 10% against
    # 20 × 365/366 = 19.95%: behind; 1 < 1 × 1.03 × 365/366 = 1.027: behind.
    row = sai_gon(world, year=2024, as_of=D(2024, 12, 30))
    assert statuses(row) == {
        "reports_on_time": "on_track",
        "annual_inspection": "behind",
        "full_coverage": "behind",
        "cases_growth": "behind",
    }


def test_it_judges_full_coverage_against_the_threshold_on_the_plans_last_day(world):
    # Two establishments: one inspected 31/12/2025 (the plan's last day), one never.
    establishment("S1", world.sai_gon, inspected=[D(2025, 12, 31)])
    establishment("S2", world.sai_gon)
    # On 31/12/2025: 1 / 2 = 50% against 100%: not met (no longer the line).
    row = sai_gon(world, year=2025, as_of=D(2025, 12, 31))
    assert row["coverage_pct"] == Decimal("50.0")
    assert row["status_full_coverage"] == "not_met"
    # Once S2 is inspected on that day too: 2 / 2 = 100%: met.
    establishment("S3", world.sai_gon, closed=D(2025, 12, 30))
    Inspection.objects.create(
        establishment=Establishment.objects.get(code="S2"),
        inspected_on=D(2025, 12, 31),
        team="police",
        outcome="no_violation",
    )
    row = sai_gon(world, year=2025, as_of=D(2025, 12, 31))
    # S3 closed the day before: not open at E. 2 / 2 = 100.0%: met.
    assert (row["establishments_open_at_end"], row["inspected_since_plan_start"]) == (2, 2)
    assert row["status_full_coverage"] == "met"


def test_it_is_on_track_exactly_on_the_full_coverage_line(world):
    # Five establishments, one inspected 15/06/2021: 1 / 5 = 20.0% covered.
    establishment("S0", world.sai_gon, inspected=[D(2021, 6, 15)])
    for i in range(1, 5):
        establishment(f"S{i}", world.sai_gon)
    # On 01/01/2022, 365 days after the plan's first day: line = 100 × 365 / 1825 = 20% exactly:
    # 1 × 100 ≥ 20 × 5: on track.
    row = sai_gon(world, year=2022, as_of=D(2022, 1, 1))
    assert row["coverage_pct"] == Decimal("20.0")
    assert row["status_full_coverage"] == "on_track"
    # On 02/01/2022: line = 100 × 366 / 1825 = 20.05% > 20%: behind.
    row = sai_gon(world, year=2022, as_of=D(2022, 1, 2))
    assert row["status_full_coverage"] == "behind"


def test_it_finds_every_status_not_applicable_before_the_plans_first_day(world, kinds):
    establishment("S1", world.sai_gon, opened=D(2019, 1, 1), inspected=[D(2020, 6, 1)])
    report("R1", world.sai_gon, kinds["crime_denunciation"], D(2020, 5, 1), handled=D(2020, 5, 2))
    case("C1", world.sai_gon, D(2019, 1, 1), D(2019, 5, 1))
    case("C2", world.sai_gon, D(2020, 1, 1), D(2020, 5, 1))
    case("C3", world.sai_gon, D(2020, 1, 1), D(2020, 6, 1))
    as_of = D(2020, 12, 31)  # the day before the plan's first day

    # The plan's first year has not begun: nothing of 2021 has happened.
    row = sai_gon(world, year=2021, as_of=as_of)
    assert row["establishments_operating"] == row["reports_received"] == 0
    assert row["cases_handled"] == 0
    assert row["inspected_in_year_pct"] is None
    assert row["reports_on_time_pct"] is None
    assert set(statuses(row).values()) == {"not_applicable"}

    # 2020 is finished but outside the plan: its figures are there (1 of 1 inspected, 1 of 1
    # report on time, 2 cases against 1), every status n/a; no inspection can date from the
    # plan's first day yet: 0 covered of 1 open.
    row = sai_gon(world, year=2020, as_of=as_of)
    assert row["inspected_in_year_pct"] == Decimal("100.0")
    assert row["reports_on_time_pct"] == Decimal("100.0")
    assert row["cases_growth_pct"] == Decimal("100.0")
    assert (row["establishments_open_at_end"], row["inspected_since_plan_start"]) == (1, 0)
    assert set(statuses(row).values()) == {"not_applicable"}
