"""The figures of plan-rules §7 against a hand-computed scenario (tests/plan_tracker/scenario.py).

Every expectation is worked out by hand in the comment beside it.
"""

from decimal import Decimal
from fractions import Fraction

import pytest

from localities.models import Locality
from localities.selectors import Frame
from plan_tracker import metrics
from plan_tracker.metrics import FIGURES, OutOfScope, compliance_table
from plan_tracker.models import Plan, Target
from tests.plan_tracker import scenario
from tests.plan_tracker.scenario import D, establishment

PAST = D(2025, 3, 31)  # 2024 is over; R6 still pending (deadline 15/04/2025)


@pytest.fixture
def built(world, kinds):
    scenario.build(world, kinds)
    return world


def row_of(table, locality):
    return next(r for r in table.rows if r.locality == locality)


def communes_2024(as_of=PAST, **kwargs):
    hn = Locality.objects.get(scheme="2025", code="01")
    return compliance_table(
        frame=Frame.nation(), year=2024, as_of=as_of, level="commune", locality=hn, **kwargs
    )


# --- establishments -------------------------------------------------------------------------


def test_establishments_operating_counts_closed_and_opened_mid_year_but_not_out_of_scope(built):
    values = row_of(communes_2024(), built.ba_dinh).values
    # Operating on some day of 01/01–31/12/2024: E1 (closed 30/06), E2 (opened 01/07), E3, E4,
    # E5, E6 = 6; E7 is out of the plan's scope.
    assert values["establishments_operating"] == 6
    # Inspected in 2024: E1 (01/03), E2 (31/12), E4 (twice, counted once) = 3; E5's 01/01/2025
    # and E6's 31/12/2023 are outside the year.
    assert values["inspected_in_year"] == 3
    assert values["inspected_in_year_pct"] == Decimal("50.0")  # 3 / 6 = 50.0%


def test_coverage_counts_establishments_open_on_the_last_day_inspected_since_the_plan_began(built):
    values = row_of(communes_2024(), built.ba_dinh).values
    # Open on E = 31/12/2024: E2, E3, E4, E5, E6 = 5 (E1 closed on 30/06).
    assert values["establishments_open_at_end"] == 5
    # Inspected in 01/01/2021–31/12/2024: E2, E4, E6 (31/12/2023) = 3; E5 only in 2025.
    assert values["inspected_since_plan_start"] == 3
    assert values["coverage_pct"] == Decimal("60.0")  # 3 / 5


def test_an_inspection_on_1_january_counts_in_its_own_year(built):
    values = row_of(communes_2024(), built.ba_dinh).values
    values_2025 = row_of(
        compliance_table(
            frame=Frame.nation(), year=2025, as_of=PAST, level="commune", locality=built.hn
        ),
        built.ba_dinh,
    ).values
    assert values["inspected_in_year"] == 3  # E5's 01/01/2025 is not in 2024
    # 2025 through 31/03/2025: operating E2..E6 = 5 (E1 closed in 2024); inspected: E5
    # (01/01/2025) = 1 -> 1/5 = 20.0%; since the plan began: E2, E4, E5, E6 = 4 of 5 = 80.0%.
    assert values_2025["establishments_operating"] == 5
    assert values_2025["inspected_in_year"] == 1
    assert values_2025["inspected_in_year_pct"] == Decimal("20.0")
    assert values_2025["coverage_pct"] == Decimal("80.0")


# --- reports --------------------------------------------------------------------------------


def test_reports_follow_their_legal_clock(built):
    values = row_of(communes_2024(), built.ba_dinh).values
    # Received in 2024: R1..R6 = 6 (R7 in 2025).
    assert values["reports_received"] == 6
    # Handled by 31/03/2025: R1, R2, R3, R4 (received 20/12, handled 05/01/2025) = 4.
    assert values["reports_handled"] == 4
    # On time: R1, R3 (extended to 31/07, handled 20/07), R4 (09/01 deadline) = 3; R2 is late.
    assert values["reports_handled_on_time"] == 3
    # Not handled: R6 deadline 15/04/2025 >= A -> pending; R5 deadline 21/11/2024 < A -> overdue.
    assert values["reports_pending"] == 1
    assert values["reports_overdue"] == 1
    # 3 / (6 received − 1 pending) = 60.0%
    assert values["reports_on_time_pct"] == Decimal("60.0")


def test_an_extension_moves_the_deadline(built, kinds):
    from localities.models import Report

    r3 = Report.objects.get(reference="R3")
    assert r3.deadline == D(2024, 7, 31)
    # Without it the base deadline (01/06 + 30 days = 01/07/2024) would make it late.
    assert kinds["denunciation"].base_deadline(r3.received_on) == D(2024, 7, 1)


# --- cases ----------------------------------------------------------------------------------


def test_cases_growth_compares_with_the_previous_year(built):
    values = row_of(communes_2024(), built.ba_dinh).values
    # 2024: C3 (01/01), C4, C7 = 3 (C5 on 02/01/2025, C6 not handled); 2023: C1, C2 (31/12) = 2.
    assert values["cases_handled"] == 3
    assert values["cases_handled_prev_year"] == 2
    assert values["cases_growth_pct"] == Decimal("50.0")  # (3 − 2) / 2


# --- larger localities: ratio of sums -------------------------------------------------------


def test_a_province_percentage_is_the_ratio_of_sums_not_the_mean_of_its_communes(built):
    table = communes_2024()
    ba_dinh, hoan_kiem = row_of(table, built.ba_dinh), row_of(table, built.hoan_kiem)
    # Hoàn Kiếm: 4 operating, H1 inspected = 25.0%.
    assert hoan_kiem["inspected_in_year_pct"] == Decimal("25.0")
    # Hà Nội: (3 + 1) / (6 + 4) = 40.0%, while the mean of 50.0% and 25.0% is 37.5%.
    assert table.total.locality == built.hn
    assert table.total["inspected_in_year"] == 4
    assert table.total["establishments_operating"] == 10
    assert table.total["inspected_in_year_pct"] == Decimal("40.0")
    mean = (ba_dinh["inspected_in_year_pct"] + hoan_kiem["inspected_in_year_pct"]) / 2
    assert mean == Decimal("37.5") != table.total["inspected_in_year_pct"]
    # Coverage: (3 + 1) / (5 + 4) = 44.4%.
    assert table.total["coverage_pct"] == Decimal("44.4")


def test_records_placed_at_the_province_count_in_its_total_only(built):
    table = communes_2024()
    # Reports: Ba Đình's 6 + RP (Hà Nội itself) = 7 received, 5 handled, 4 on time, 1 pending;
    # 4 / (7 − 1) = 66.7%. No commune row holds RP.
    assert table.total["reports_received"] == 7
    assert table.total["reports_handled_on_time"] == 4
    assert table.total["reports_on_time_pct"] == Decimal("66.7")
    assert sum(r["reports_received"] for r in table.rows) == 6
    # Cases: 3 + CP = 4 against 2 -> 100.0%.
    assert table.total["cases_growth_pct"] == Decimal("100.0")


def test_the_national_table_has_one_row_per_province_and_the_nation_as_total(built):
    table = compliance_table(frame=Frame.nation(), year=2024, as_of=PAST)
    assert [r.locality.code for r in table.rows] == ["01", "79"]
    hn_row = table.rows[0]
    assert hn_row["establishments_operating"] == 10
    assert hn_row["reports_received"] == 7
    assert table.total.locality is None
    assert table.total["level"] == "nation"
    assert table.total["inspected_in_year_pct"] == Decimal("40.0")  # HCM adds nothing


def test_a_zero_denominator_is_not_applicable_never_zero_or_a_hundred(built):
    sai_gon = row_of(
        compliance_table(
            frame=Frame.nation(), year=2024, as_of=PAST, level="commune", locality=built.hcm
        ),
        built.sai_gon,
    )
    for name in ("inspected_in_year_pct", "coverage_pct", "reports_on_time_pct"):
        assert sai_gon[name] is None
    assert sai_gon["cases_growth_pct"] is None
    for metric in ("annual_inspection", "full_coverage", "reports_on_time", "cases_growth"):
        assert sai_gon[f"status_{metric}"] == "not_applicable"
    # Hoàn Kiếm has cases neither in 2024 nor 2023: growth n/a.
    hoan_kiem = row_of(communes_2024(), built.hoan_kiem)
    assert hoan_kiem["cases_growth_pct"] is None
    assert hoan_kiem["status_cases_growth"] == "not_applicable"


def test_the_as_of_date_cuts_off_later_events(built):
    values = row_of(communes_2024(as_of=D(2024, 9, 1)), built.ba_dinh).values
    # E = 01/09/2024. Operating: E1..E6 = 6. Inspected by then: E1 (01/03), E4 (10/02) = 2;
    # E2's 31/12 and E4's 10/09 have not happened -> 2/6 = 33.3%.
    assert values["inspected_in_year"] == 2
    assert values["inspected_in_year_pct"] == Decimal("33.3")
    # Open on 01/09: E2..E6 = 5; inspected since 2021: E4, E6 = 2 -> 40.0%.
    assert values["coverage_pct"] == Decimal("40.0")
    # Received by 01/09: R1, R2, R3 = 3, all handled; on time R1, R3 -> 2/3 = 66.7%.
    assert values["reports_received"] == 3
    assert values["reports_on_time_pct"] == Decimal("66.7")
    # Cases so far: C3, C4 = 2 (C7 on 30/11 not yet).
    assert values["cases_handled"] == 2


def test_a_handling_after_the_as_of_date_is_not_yet_a_handling(built):
    values = row_of(communes_2024(as_of=D(2025, 1, 2)), built.ba_dinh).values
    # On 02/01/2025 R4 (handled 05/01/2025, deadline 09/01) is still pending, with R6.
    # Handled R1, R2, R3 = 3; on time R1, R3 = 2; pending 2; overdue R5 = 1;
    # 2 / (6 − 2) = 50.0%.
    assert values["reports_handled"] == 3
    assert values["reports_pending"] == 2
    assert values["reports_overdue"] == 1
    assert values["reports_on_time_pct"] == Decimal("50.0")


def test_a_closure_after_the_as_of_date_has_not_happened(world):
    est = establishment("X1", world.sai_gon, opened=D(2020, 1, 1), closed=D(2024, 10, 1))
    assert est.closed_on
    table = compliance_table(
        frame=Frame.nation(), year=2024, as_of=D(2024, 6, 1), level="commune", locality=world.hcm
    )
    # On 01/06/2024 the closure of 01/10 has not happened: open at E.
    assert row_of(table, world.sai_gon)["establishments_open_at_end"] == 1
    table = compliance_table(
        frame=Frame.nation(), year=2024, as_of=D(2024, 12, 31), level="commune", locality=world.hcm
    )
    assert row_of(table, world.sai_gon)["establishments_open_at_end"] == 0


def test_an_establishment_opened_after_the_as_of_date_does_not_exist_yet(world):
    establishment("X2", world.sai_gon, opened=D(2024, 8, 1))
    table = compliance_table(
        frame=Frame.nation(), year=2024, as_of=D(2024, 7, 31), level="commune", locality=world.hcm
    )
    assert row_of(table, world.sai_gon)["establishments_operating"] == 0


# --- statuses ---------------------------------------------------------------------------------


def test_statuses_of_a_finished_year(built):
    table = communes_2024()
    ba_dinh, hoan_kiem = row_of(table, built.ba_dinh), row_of(table, built.hoan_kiem)
    # annual inspection: 50.0% >= 20 -> met; Hoàn Kiếm 25.0% >= 20 -> met.
    assert ba_dinh["status_annual_inspection"] == "met"
    assert hoan_kiem["status_annual_inspection"] == "met"
    # reports: 60.0% < 100 -> not met; Hoàn Kiếm has no due report -> n/a.
    assert ba_dinh["status_reports_on_time"] == "not_met"
    assert hoan_kiem["status_reports_on_time"] == "not_applicable"
    # cases: 50.0% >= 3 -> met.
    assert ba_dinh["status_cases_growth"] == "met"
    # full coverage at 31/12/2024, before the plan's last day: the line is at
    # 100 × 1460 / 1825 = 80.0% (01/01/2021 → 31/12/2024 = 1460 days of 1825); 60.0% is behind.
    assert ba_dinh["status_full_coverage"] == "behind"
    assert table.total["status_full_coverage"] == "behind"  # 44.4%
    assert table.total["status_reports_on_time"] == "not_met"  # 66.7%


def test_statuses_of_the_running_year_follow_the_share_of_the_year_elapsed(built):
    table = communes_2024(as_of=D(2024, 9, 1))
    ba_dinh = row_of(table, built.ba_dinh)
    # 01/01–01/09/2024 = 245 days of 366: the annual goal so far is 20 × 245/366 = 13.39%;
    # 33.3% -> on track.
    assert metrics.elapsed_share(2024, D(2024, 9, 1)) == Fraction(245, 366)
    assert ba_dinh["status_annual_inspection"] == "on_track"
    # Reports: 66.7% < 100% -> behind (each report has its own clock: no pro-rating).
    assert ba_dinh["status_reports_on_time"] == "behind"
    # Cases: 2 so far >= 2 × 1.03 × 245/366 = 1.38 -> on track (although the §7 figure is
    # (2 − 2) / 2 = 0.0%).
    assert ba_dinh["cases_growth_pct"] == Decimal("0.0")
    assert ba_dinh["status_cases_growth"] == "on_track"
    # Full coverage: the line on 01/09/2024 is 100 × 1339 / 1825 = 73.4%; 40.0% -> behind.
    assert ba_dinh["status_full_coverage"] == "behind"


def test_the_annual_goal_of_the_running_year_is_exact_at_half_the_year(world):
    # Ten establishments in Sài Gòn, one inspected on 01/03/2024: 10.0%.
    for i in range(10):
        establishment(f"S{i}", world.sai_gon, inspected=[D(2024, 3, 1)] if i == 0 else [])

    def status(as_of):
        table = compliance_table(
            frame=Frame.nation(), year=2024, as_of=as_of, level="commune", locality=world.hcm
        )
        return row_of(table, world.sai_gon)["status_annual_inspection"]

    # Through 01/07/2024 = 183 of 366 days = exactly half: goal 10% -> on track.
    assert status(D(2024, 7, 1)) == "on_track"
    # Through 02/07/2024 = 184/366: goal 10.05% > 10% -> behind.
    assert status(D(2024, 7, 2)) == "behind"
    # The year over: 10% < 20% -> not met.
    assert status(D(2025, 1, 1)) == "not_met"


def test_full_coverage_is_judged_against_the_threshold_only_at_the_plans_end(world):
    establishment("S1", world.sai_gon, inspected=[D(2022, 5, 5)])
    establishment("S2", world.sai_gon, inspected=[D(2025, 12, 31)])
    establishment("B1", world.ben_thanh, inspected=[D(2021, 1, 4)])
    establishment("B2", world.ben_thanh)

    def statuses(year, as_of):
        table = compliance_table(
            frame=Frame.nation(), year=year, as_of=as_of, level="commune", locality=world.hcm
        )
        return [row_of(table, c)["status_full_coverage"] for c in (world.sai_gon, world.ben_thanh)]

    # At 31/12/2025 (the plan's last day): Sài Gòn 2/2 = 100% -> met; Bến Thành 1/2 -> not met.
    assert statuses(2025, D(2026, 1, 15)) == ["met", "not_met"]
    # On 30/06/2023: the line is 100 × 910 / 1825 = 49.9% (01/01/2021 → 30/06/2023 = 910 days).
    # Sài Gòn 1/2 = 50% -> on track; Bến Thành 1/2 = 50% -> on track.
    assert statuses(2023, D(2023, 6, 30)) == ["on_track", "on_track"]
    # On 31/12/2023 (year over, plan not): line = 1094/1825 = 59.9%: both behind.
    assert statuses(2023, D(2024, 2, 1)) == ["behind", "behind"]


def test_thresholds_are_data_not_code(built):
    Target.objects.filter(metric="annual_inspection").update(threshold=Decimal("55"))
    # Ba Đình 50.0% < 55 -> not met now; Hoàn Kiếm 25% too.
    table = communes_2024()
    assert row_of(table, built.ba_dinh)["status_annual_inspection"] == "not_met"
    Target.objects.filter(metric="annual_inspection").update(threshold=Decimal("50"))
    # 3 × 100 >= 50 × 6: exactly at the threshold -> met.
    assert row_of(communes_2024(), built.ba_dinh)["status_annual_inspection"] == "met"


def test_a_plan_for_the_next_period_needs_no_code_change(built):
    plan = Plan.objects.create(name="Kế hoạch 2026–2030", first_year=2026, last_year=2030)
    Target.objects.create(plan=plan, metric="annual_inspection", threshold=Decimal("30"))
    table = compliance_table(
        frame=Frame.nation(),
        year=2026,
        as_of=D(2026, 12, 31),
        plan=plan,
        level="commune",
        locality=built.hn,
    )
    assert table.columns[-1] == "status_annual_inspection"
    assert len(table.columns) == 5 + 15 + 1 + 5 + 1
    # Since 01/01/2026 Ba Đình's open establishments E2..E6 have no inspection: 0 of 5.
    assert row_of(table, built.ba_dinh)["coverage_pct"] == Decimal("0.0")
    assert row_of(table, built.ba_dinh)["status_annual_inspection"] == "not_met"


def test_a_year_not_begun_or_outside_the_plan_is_not_applicable(built):
    future = row_of(communes_2024(as_of=D(2023, 6, 1)), built.ba_dinh)
    assert future["establishments_operating"] == 0
    assert future["status_annual_inspection"] == "not_applicable"
    outside = compliance_table(
        frame=Frame.nation(), year=2026, as_of=D(2026, 6, 1), level="commune", locality=built.hn
    )
    assert row_of(outside, built.ba_dinh)["establishments_operating"] == 5
    assert {
        v for k, v in row_of(outside, built.ba_dinh).values.items() if k.startswith("status_")
    } == {"not_applicable"}


def test_percentages_round_half_up_to_one_decimal():
    assert metrics.percentage(1, 16) == Decimal("6.3")  # 6.25
    assert metrics.percentage(1, 3) == Decimal("33.3")
    assert metrics.percentage(2, 3) == Decimal("66.7")
    assert metrics.percentage(-1, 8) == Decimal("-12.5")
    assert metrics.percentage(1, 0) is None


# --- the table's shape ------------------------------------------------------------------------


def test_columns_are_the_contracts(built):
    table = communes_2024()
    assert table.columns == [
        "locality_code",
        "locality_name",
        "level",
        "year",
        "as_of",
        *FIGURES,
        "status_reports_on_time",
        "status_annual_inspection",
        "status_full_coverage",
        "status_cases_growth",
    ]
    first = table.as_dicts()[0]
    assert list(first) == table.columns
    assert first["as_of"] == "2025-03-31"
    assert len(table.as_dicts(total=True)) == len(table.rows) + 1


def test_a_series_gives_each_year_the_same_figures_as_its_own_table(built):
    series = metrics.compliance_series(
        frame=Frame.nation(),
        years=[2023, 2024, 2025],
        as_of=PAST,
        level="commune",
        locality=built.hn,
    )
    for year in (2023, 2024, 2025):
        single = compliance_table(
            frame=Frame.nation(), year=year, as_of=PAST, level="commune", locality=built.hn
        )
        assert series[year].total.values == single.total.values
        assert [r.values for r in series[year].rows] == [r.values for r in single.rows]


# --- scope ------------------------------------------------------------------------------------


def test_a_provincial_officer_sees_only_their_province(built, personas):
    table = compliance_table(frame=Frame.of(personas.hn_officer), year=2024, as_of=PAST)
    assert [r.locality for r in table.rows] == [built.hn]
    assert table.total.locality == built.hn
    with pytest.raises(OutOfScope):
        compliance_table(
            frame=Frame.of(personas.hn_officer),
            year=2024,
            as_of=PAST,
            level="commune",
            locality=built.hcm,
        )
    table = compliance_table(frame=Frame.of(personas.hcm_officer), year=2024, as_of=PAST)
    assert table.total["establishments_operating"] == 0


def test_a_commune_officer_sees_only_their_commune(built, personas):
    officer = personas.commune_officer
    table = compliance_table(
        frame=Frame.of(officer), year=2024, as_of=PAST, level="commune", locality=built.ba_dinh
    )
    assert [r.locality for r in table.rows] == [built.ba_dinh]
    assert table.total["establishments_operating"] == 6
    # Without a locality: their commune too, and its total leaves out Hoàn Kiếm and Hà Nội's own.
    table = compliance_table(frame=Frame.of(officer), year=2024, as_of=PAST, level="commune")
    assert [r.locality for r in table.rows] == [built.ba_dinh]
    assert table.total["reports_received"] == 6
    assert table.total.locality == built.ba_dinh
    for kwargs in (
        {"level": "province"},
        {"level": "commune", "locality": built.hn},
        {"level": "commune", "locality": built.hoan_kiem},
    ):
        with pytest.raises(OutOfScope):
            compliance_table(frame=Frame.of(officer), year=2024, as_of=PAST, **kwargs)


def test_someone_without_an_assignment_sees_nothing(built, personas):
    table = compliance_table(frame=Frame.of(personas.outsider), year=2024, as_of=PAST)
    assert table.rows == []
    assert table.total["establishments_operating"] == 0


def test_an_old_scheme_locality_is_refused(built):
    with pytest.raises(OutOfScope):
        compliance_table(
            frame=Frame.nation(), year=2024, as_of=PAST, level="commune", locality=built.old_hn
        )


# --- queries ------------------------------------------------------------------------------------


def grow(world, kinds, communes: int):
    """`communes` communes in Hà Nội, each with 3 establishments, 2 inspections, 2 reports and
    2 cases, plus as many provinces (each with one commune and one establishment)."""
    from tests.conftest import make_locality

    for i in range(communes):
        commune = make_locality("2025", f"{10000 + i}", f"Xã {i}", "commune", world.hn)
        for j in range(3):
            establishment(
                f"G{i}-{j}", commune, inspected=[D(2024, 2, 1), D(2024, 3, 1)] if j == 0 else []
            )
        for j in range(2):
            scenario.report(f"GR{i}-{j}", commune, kinds["crime_denunciation"], D(2024, 5, 1))
            scenario.case(f"GC{i}-{j}", commune, D(2023, 5, 1), D(2024, 6, 1))
        province = make_locality("2025", f"{50 + i}", f"Tỉnh {i}", "province")
        establishment(
            f"GP{i}", make_locality("2025", f"{20000 + i}", f"Xã P{i}", "commune", province)
        )


@pytest.mark.parametrize("communes", [2, 10])
def test_a_table_costs_the_same_queries_whatever_the_number_of_localities(
    world, kinds, django_assert_num_queries, communes
):
    grow(world, kinds, communes)
    plan = Plan.objects.get(is_default=True)
    # The plan's targets, the localities, establishments, inspections, reports, cases,
    # activities.
    with django_assert_num_queries(7):
        national = compliance_table(frame=Frame.nation(), year=2024, as_of=PAST, plan=plan)
    assert len(national.rows) == 2 + communes
    # + the check that the province is within reach.
    with django_assert_num_queries(8):
        table = compliance_table(
            frame=Frame.nation(),
            year=2024,
            as_of=PAST,
            plan=plan,
            level="commune",
            locality=world.hn,
        )
    assert len(table.rows) == 2 + communes
    # 3 establishments per new commune, 1 inspected: 1/3 each.
    assert table.total["establishments_operating"] == 3 * communes
    assert table.total["inspected_in_year"] == communes


@pytest.mark.parametrize("communes", [2, 10])
def test_a_series_over_the_plans_years_costs_the_same_queries_as_one_year(
    world, kinds, django_assert_num_queries, communes
):
    grow(world, kinds, communes)
    plan = Plan.objects.get(is_default=True)
    # The default plan and its targets, the localities, establishments, reports, cases,
    # activities.
    with django_assert_num_queries(8):
        series = metrics.compliance_series(
            frame=Frame.nation(), years=plan.years, as_of=D(2026, 1, 1), level="province"
        )
    assert sorted(series) == [2021, 2022, 2023, 2024, 2025]


def test_an_officers_table_costs_one_more_query_for_their_assignment(
    built, personas, django_assert_num_queries
):
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(pk=personas.hn_officer.pk)  # nothing cached
    plan = Plan.objects.get(is_default=True)
    with django_assert_num_queries(8):
        compliance_table(frame=Frame.of(officer), year=2024, as_of=PAST, plan=plan)


# --- pace and work lists ------------------------------------------------------------------------


def test_pace_says_how_many_more_inspections_a_month(built):
    table = communes_2024(as_of=D(2024, 9, 1))
    pace = metrics.pace(table)
    # Hà Nội on 01/09/2024: operating 6 + 4 = 10, inspected E1, E4, H1 = 3; 20% of 10 = 2
    # -> nothing more needed this year.
    assert pace["annual_inspection"].needed == 0
    # Coverage: open 5 + 4 = 9, inspected since 2021: E4, E6, H1 = 3; 100% -> 6 more, over
    # September 2024 … December 2025 = 16 months -> ceil(6 / 16) = 1 a month.
    coverage = pace["full_coverage"]
    assert (coverage.needed, coverage.months_left, coverage.per_month) == (6, 16, 1)


def test_pace_of_the_annual_target_in_a_big_commune(world):
    for i in range(50):
        establishment(f"P{i}", world.sai_gon, inspected=[D(2024, 2, 2)] if i < 3 else [])
    table = compliance_table(
        frame=Frame.nation(),
        year=2024,
        as_of=D(2024, 10, 15),
        level="commune",
        locality=world.sai_gon,
    )
    pace = metrics.pace(table)["annual_inspection"]
    # 20% of 50 = 10, 3 done -> 7 more over October, November, December -> ceil(7/3) = 3 a month.
    assert (pace.needed, pace.months_left, pace.per_month) == (7, 3, 3)


def test_there_is_no_annual_pace_for_a_finished_year(built):
    assert "annual_inspection" not in metrics.pace(communes_2024())


def test_work_lists_of_a_commune(built):
    plan = Plan.objects.get(is_default=True)
    never = metrics.never_inspected(
        frame=Frame.nation(), locality=built.ba_dinh, plan=plan, as_of=PAST
    )
    # Open on 31/03/2025 with no inspection since 01/01/2021: E3 only (E5 inspected 01/01/2025).
    assert [e.code for e in never] == ["E3"]
    todo = metrics.reports_to_handle(frame=Frame.nation(), locality=built.ba_dinh, as_of=PAST)
    # Not handled by 31/03/2025: R5 (deadline 21/11/2024, overdue), R7 (10/01 + 20 = 30/01/2025,
    # overdue), R6 (15/04/2025) -> by deadline.
    assert [r.reference for r in todo] == ["R5", "R7", "R6"]
    day = D(2025, 4, 10)
    soon = metrics.reports_to_handle(frame=Frame.nation(), locality=built.ba_dinh, as_of=day)
    assert [r.reference for r in soon.due_soon_on(day)] == ["R6"]  # 15/04 = 10/04 + 5 days
    assert not todo.due_soon_on(PAST)


def test_a_work_list_counts_past_its_limit_in_the_same_query(built, django_assert_num_queries):
    plan = Plan.objects.get(is_default=True)
    nation = Frame.nation()
    with django_assert_num_queries(1):
        todo = metrics.reports_to_handle_list(
            nation, locality=built.ba_dinh, as_of=D(2025, 4, 10), limit=2
        )
    # Open on 10/04/2025: R5 and R7 (overdue), R6 (due 15/04, the fifth day: due soon); the
    # first two shown, all three counted.
    assert [r.reference for r in todo.rows] == ["R5", "R7"]
    assert (todo.count, todo.counts) == (3, {"due_soon": 1, "overdue": 2})
    # The same counts as the querysets give.
    day = D(2025, 4, 10)
    whole = metrics.reports_to_handle(nation, locality=built.ba_dinh, as_of=day)
    assert todo.count == whole.count()
    assert todo.counts["overdue"] == whole.overdue_on(day).count()
    with django_assert_num_queries(1):
        never = metrics.never_inspected_list(
            nation, locality=built.ba_dinh, plan=plan, as_of=PAST, limit=10
        )
    assert ([e.code for e in never.rows], never.count, never.counts) == (["E3"], 1, {})


def test_an_empty_work_list_counts_nothing(world):
    plan = Plan.objects.get(is_default=True)
    establishment("DONE", world.sai_gon, inspected=[D(2024, 5, 5)])
    never = metrics.never_inspected_list(
        Frame.nation(), locality=world.sai_gon, plan=plan, as_of=PAST, limit=10
    )
    assert (never.rows, never.count) == ([], 0)
    todo = metrics.reports_to_handle_list(
        Frame.nation(), locality=world.sai_gon, as_of=PAST, limit=10
    )
    assert (todo.rows, todo.count, todo.counts) == ([], 0, {"due_soon": 0, "overdue": 0})


def test_never_inspected_lists_the_oldest_first(world):
    establishment("N1", world.sai_gon, opened=D(2015, 1, 1))
    establishment("N2", world.sai_gon, opened=D(2010, 1, 1))
    establishment("N3", world.sai_gon)
    establishment("N4", world.sai_gon, opened=D(2012, 1, 1), inspected=[D(2021, 6, 1)])
    plan = Plan.objects.get(is_default=True)
    never = metrics.never_inspected(frame=Frame.nation(), locality=world.hcm, plan=plan, as_of=PAST)
    # Unknown opening counts as open since always: first; then 2010, 2015; N4 was inspected.
    assert [e.code for e in never] == ["N3", "N2", "N1"]


@pytest.mark.parametrize(
    ("amount", "goal", "times", "expected"),
    [
        # 80% of 7 is 5.6: 6 reaches it, 5 does not.
        (600, Fraction(80), 7, True),
        (500, Fraction(80), 7, False),
        # Exactly on the goal: 2/3 × 3 = 2.
        (2, Fraction(2, 3), 3, True),
        (1, Fraction(2, 3), 3, False),
        # A count target without a denominator: 31 × 4/5 = 24.8.
        (25, Fraction(31 * 4, 5), 1, True),
        (24, Fraction(31 * 4, 5), 1, False),
    ],
)
def test_reaches_compares_exactly(amount, goal, times, expected):
    assert metrics.reaches(amount, goal, times) is expected
