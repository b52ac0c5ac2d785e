"""The plans in force for a locality and year, and count targets judged at commune and province
level side by side with a national plan (hand-computed; records in tests/plans/conftest.py).

2026 has 365 days. As of 30/06/2026 (running): 31 + 28 + 31 + 30 + 31 + 30 = 181 days elapsed,
share 181/365. As of 31/12/2026 the year is finished (met / not met).
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from localities.selectors import Frame
from plan_tracker.metrics import compliance_table, judged_series
from plan_tracker.models import Plan
from tests.plan_tracker.scenario import D

RUNNING = D(2026, 6, 30)
FINISHED = D(2026, 12, 31)


def programme():
    return Plan.objects.get(first_year=2021, last_year=2025)


def test_the_plans_in_force_are_the_national_ones_and_those_of_the_localitys_province(world, plans):
    hcm_plan = Plan.objects.create(
        name="Kế hoạch TP HCM 2026", province=world.hcm, first_year=2026, last_year=2026
    )
    in_force = Plan.objects.in_force
    # A Hà Nội commune and Hà Nội itself: the national plan first, then Hà Nội's.
    assert list(in_force(world.ba_dinh, 2026)) == [plans.national, plans.hanoi]
    assert list(in_force(world.hn, 2026)) == [plans.national, plans.hanoi]
    # A commune of TP HCM: the national plan and TP HCM's, never Hà Nội's.
    assert list(in_force(world.sai_gon, 2026)) == [plans.national, hcm_plan]
    # The nation: national plans only.
    assert list(in_force(None, 2026)) == [plans.national]
    # 2025: the 2021–2025 programme alone; 2031: nothing.
    assert list(in_force(world.ba_dinh, 2025)) == [programme()]
    assert list(in_force(world.ba_dinh, 2031)) == []


def tables_of(world, plans_judged, *, as_of, level="commune", locality=None):
    series = judged_series(
        Frame.nation(),
        years=[2026],
        as_of=as_of,
        plans=plans_judged,
        level=level,
        locality=world.hn if locality is None else locality,
    )
    return series[2026]


def row(table, place):
    if place is None or place == table.total.locality:
        return table.total
    return next(r for r in table.rows if r.locality == place)


def test_a_hanoi_commune_is_judged_against_the_national_plan_and_hanois_side_by_side(
    records_2026, plans
):
    world = records_2026
    national, hanoi = tables_of(world, [plans.national, plans.hanoi], as_of=RUNNING)
    assert (national.plan, hanoi.plan) == (plans.national, plans.hanoi)
    bd, hk = row(national, world.ba_dinh), row(national, world.hoan_kiem)
    # Figures (the same in both tables): Ba Đình operating X1, X2, X3 = 3 (X4 out of scope),
    # inspected by 30/06: X1 = 1 → 33.3%; inspections made: X1's two = 2 (X2's 01/07 is after
    # A); cases K1, K2 = 2. Hoàn Kiếm: Y1 operating, inspected 15/07 (after A): 0 → 0.0%, 0
    # inspections, 0 cases.
    assert (bd["establishments_operating"], bd["inspected_in_year"]) == (3, 1)
    assert bd["inspected_in_year_pct"] == Decimal("33.3")
    assert (bd["inspections_made"], bd["cases_handled"]) == (2, 2)
    assert (hk["inspected_in_year_pct"], hk["inspections_made"], hk["cases_handled"]) == (
        Decimal("0.0"),
        0,
        0,
    )
    # National plan: annual inspection on track when ≥ 20 × 181/365 = 9.92%: Ba Đình 33.3% on
    # track, Hoàn Kiếm 0.0% behind. Cases ≥ 2 per commune, on track when ≥ 2 × 181/365 = 0.99:
    # Ba Đình 2 on track, Hoàn Kiếm 0 behind.
    assert (bd["status_annual_inspection"], bd["status_cases_handled_count"]) == (
        "on_track",
        "on_track",
    )
    assert (hk["status_annual_inspection"], hk["status_cases_handled_count"]) == (
        "behind",
        "behind",
    )
    # Hà Nội's plan: cases ≥ 4 for the province as a whole → not applicable to a commune;
    # inspections ≥ 2 per commune, on track when ≥ 2 × 181/365 = 0.99: Ba Đình 2 on track,
    # Hoàn Kiếm 0 behind; reports on time: no report due → not applicable.
    bd_hn, hk_hn = row(hanoi, world.ba_dinh), row(hanoi, world.hoan_kiem)
    assert bd_hn["status_cases_handled_count"] == "not_applicable"
    assert hk_hn["status_cases_handled_count"] == "not_applicable"
    assert (bd_hn["status_inspections_count"], hk_hn["status_inspections_count"]) == (
        "on_track",
        "behind",
    )
    assert bd_hn["status_reports_on_time"] == "not_applicable"
    assert hanoi.columns[-3:] == [
        "status_cases_handled_count",
        "status_inspections_count",
        "status_reports_on_time",
    ]


def test_hanoi_as_a_whole_is_judged_against_both_plans(records_2026, plans):
    world = records_2026
    national, hanoi = tables_of(world, [plans.national, plans.hanoi], as_of=RUNNING)
    hn_national, hn_own = national.total, hanoi.total
    assert hn_national.locality == world.hn
    # Hà Nội: operating 3 + 1 = 4, inspected 1 → 25.0% ≥ 9.92: on track; cases K1, K2, KP = 3
    # ≥ 0.99: on track (national); 3 ≥ 4 × 181/365 = 1.98: on track (Hà Nội's, province as a
    # whole); inspections 2 + 0 = 2 ≥ 0.99: on track.
    assert hn_national["inspected_in_year_pct"] == Decimal("25.0")
    assert hn_national["cases_handled"] == 3
    assert hn_national["status_annual_inspection"] == "on_track"
    assert hn_national["status_cases_handled_count"] == "on_track"
    assert hn_own["status_cases_handled_count"] == "on_track"
    assert hn_own["status_inspections_count"] == "on_track"


def test_count_targets_are_met_or_not_at_the_years_end(records_2026, plans):
    world = records_2026
    national, hanoi = tables_of(world, [plans.national, plans.hanoi], as_of=FINISHED)
    bd, hk = row(hanoi, world.ba_dinh), row(hanoi, world.hoan_kiem)
    # The whole year: Ba Đình inspections X1 × 2 + X2 = 3 ≥ 2: met; Hoàn Kiếm Y1 = 1 < 2: not
    # met; Hà Nội 4 ≥ 2: met. Cases: Hà Nội 3 < 4: not met (Hà Nội's plan); against the
    # national 2 per commune: Ba Đình 2 ≥ 2 met, Hoàn Kiếm 0 not met, Hà Nội 3 met.
    assert (bd["inspections_made"], hk["inspections_made"]) == (3, 1)
    assert (bd["status_inspections_count"], hk["status_inspections_count"]) == ("met", "not_met")
    assert hanoi.total["inspections_made"] == 4
    assert hanoi.total["status_inspections_count"] == "met"
    assert hanoi.total["status_cases_handled_count"] == "not_met"
    assert [
        row(national, place)["status_cases_handled_count"]
        for place in (world.ba_dinh, world.hoan_kiem, None)
    ] == ["met", "not_met", "met"]


def test_a_count_target_is_not_applicable_before_its_year_and_outside_its_plan(records_2026, plans):
    world = records_2026
    before = judged_series(
        Frame.nation(),
        years=[2027],
        as_of=RUNNING,
        plans=[plans.national],
        locality=world.hn,
        level="commune",
    )[2027][0]
    assert before.total["status_cases_handled_count"] == "not_applicable"
    # 2025 is outside Hà Nội's 2026 plan.
    outside = compliance_table(
        Frame.nation(),
        year=2025,
        as_of=RUNNING,
        plan=plans.hanoi,
        level="commune",
        locality=world.hn,
    )
    assert outside.total["status_inspections_count"] == "not_applicable"


def test_a_provinces_plan_judges_no_other_province(records_2026, plans):
    world = records_2026
    national_rows = judged_series(
        Frame.nation(), years=[2026], as_of=RUNNING, plans=[plans.hanoi], level="province"
    )[2026][0]
    hn, hcm = (row(national_rows, place) for place in (world.hn, world.hcm))
    assert hn["status_inspections_count"] == "on_track"
    assert hcm["status_inspections_count"] == "not_applicable"
    # Nor the nation as a whole.
    assert national_rows.total["status_inspections_count"] == "not_applicable"


def test_judging_against_several_plans_costs_the_queries_of_one(records_2026, plans):
    world = records_2026

    def cost(chosen):
        chosen = list(
            Plan.objects.filter(pk__in=[p.pk for p in chosen]).prefetch_related("targets")
        )
        with CaptureQueriesContext(connection) as captured:
            tables_of(world, chosen, as_of=RUNNING)
        return len(captured)

    one = cost([plans.national])
    assert cost([plans.national, plans.hanoi]) == one
    assert cost([plans.national, plans.hanoi, programme()]) == one


@pytest.mark.parametrize("communes", [2, 12])
def test_the_queries_do_not_grow_with_the_communes(records_2026, plans, communes):
    from tests.conftest import make_locality

    world = records_2026
    for i in range(communes):
        make_locality("2025", f"9{i:04d}", f"Xã {i}", "commune", world.hn)
    chosen = list(Plan.objects.in_force(world.hn, 2026).prefetch_related("targets"))
    with CaptureQueriesContext(connection) as captured:
        tables_of(world, chosen, as_of=RUNNING)
    # The locality's check, the rows' localities, the probe that says whether the summary of
    # inspected years is exact in the running year, then one grouped query per kind of record
    # (establishments, reports, cases, activities): 7 for 2 communes as for 12, for two plans
    # as for one.
    assert len(captured) == 8


def test_a_page_of_judged_figures_counts_inspections_only_for_a_plan_that_targets_them(
    records_2026, plans
):
    world = records_2026

    def judged(chosen):
        chosen = list(
            Plan.objects.filter(pk__in=[p.pk for p in chosen]).prefetch_related("targets")
        )
        with CaptureQueriesContext(connection) as captured:
            series = judged_series(
                Frame.nation(),
                years=[2026],
                as_of=RUNNING,
                plans=chosen,
                level="commune",
                locality=world.hn,
                every_figure=False,
            )
        return series[2026], len(captured)

    # The national plan targets no inspection count: the scan of the inspections is left out
    # (one statement fewer than the 8 of every figure) and the figure is None, not 0.
    (national,), queries = judged([plans.national])
    assert queries == 7
    bd = row(national, world.ba_dinh)
    assert bd["inspections_made"] is None
    assert national.total["inspections_made"] is None
    # The other figures are counted as before: Ba Đình operating 3, inspected by 30/06 1.
    assert (bd["establishments_operating"], bd["inspected_in_year"]) == (3, 1)
    # Hà Nội's plan targets inspections (≥ 2 per commune): counted, Ba Đình's X1 × 2 = 2 by
    # 30/06, Hoàn Kiếm 0, Hà Nội 2; Ba Đình on track (2 ≥ 2 × 181/365 = 0.99).
    (national, hanoi), queries = judged([plans.national, plans.hanoi])
    assert queries == 8
    assert row(hanoi, world.ba_dinh)["inspections_made"] == 2
    assert row(national, world.hoan_kiem)["inspections_made"] == 0
    assert hanoi.total["inspections_made"] == 2
    assert row(hanoi, world.ba_dinh)["status_inspections_count"] == "on_track"
