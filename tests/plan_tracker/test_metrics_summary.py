"""The establishment figures from the summary of inspected years: used exactly where it gives
the same answer as the inspections themselves, and never older than the last write."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from localities.models import Establishment, Inspection
from localities.selectors import Frame
from plan_tracker import metrics
from plan_tracker.metrics import compliance_series, compliance_table
from tests.plan_tracker import scenario
from tests.plan_tracker.scenario import D

AS_OF_DATES = [
    D(2024, 1, 1),
    D(2024, 6, 30),
    D(2024, 9, 1),
    D(2024, 12, 30),
    D(2024, 12, 31),
    D(2025, 1, 1),
    D(2025, 3, 31),
]


@pytest.fixture
def built(world, kinds):
    scenario.build(world, kinds)
    return world


def establishment_sql(captured) -> str:
    return next(q["sql"] for q in captured if 'FROM "localities_establishment"' in q["sql"])


def figures(table):
    return [(row.locality and row.locality.code, row.values) for row in [*table.rows, table.total]]


@pytest.mark.parametrize("as_of", [*AS_OF_DATES, pytest.param(None, id="today")], ids=str)
def test_the_summary_gives_the_same_figures_as_the_inspections(built, monkeypatch, as_of):
    # Today is taken when the test runs, under a fixed name (a test's name must not change
    # from one day to the next).
    as_of = as_of or timezone.localdate()

    def tables():
        return [
            compliance_series(
                frame=Frame.nation(), years=[2021, 2022, 2023, 2024, 2025], as_of=as_of, **where
            )
            for where in ({}, {"level": "commune", "locality": built.hn})
        ]

    fast = tables()
    monkeypatch.setattr(metrics, "_summary_is_exact", lambda *args, **kwargs: False)
    exact = tables()
    for fast_series, exact_series in zip(fast, exact, strict=True):
        assert fast_series.keys() == exact_series.keys()
        for year in fast_series:
            assert figures(fast_series[year]) == figures(exact_series[year])


def test_a_finished_year_reads_the_summary_without_a_probe(built):
    with CaptureQueriesContext(connection) as captured:
        compliance_table(frame=Frame.nation(), year=2024, as_of=D(2025, 3, 31))
    sql = establishment_sql(captured)
    # The inspected figures come from the summary: no EXISTS probe of the inspections; the
    # inspections made are counted only for the establishments it says were inspected.
    assert "localities_inspected_years" in sql and "EXISTS" not in sql.upper()
    # plan, targets, localities, establishments, reports, cases, activities
    assert len(captured) == 8


def test_the_running_year_reads_the_summary_when_nothing_is_dated_after_the_as_of_date(built):
    # The scenario's last inspection is E5's 01/01/2025: as of 31/03/2025, 2025 is running and
    # nothing is dated after it, so one probe says the summary is exact.
    with CaptureQueriesContext(connection) as captured:
        table = compliance_table(frame=Frame.nation(), year=2025, as_of=D(2025, 3, 31))
    assert len(captured) == 9
    assert "localities_inspected_years" in establishment_sql(captured)
    hn = next(row for row in table.rows if row.locality == built.hn)
    # 2025 through 31/03: E5 (01/01/2025) = 1 of Hà Nội's 5 + 4 (Hoàn Kiếm) operating.
    assert hn.values["inspected_in_year"] == 1
    assert hn.values["establishments_operating"] == 9


def test_an_earlier_as_of_date_with_later_inspections_reads_the_first_dates_of_the_year(built):
    # As of 01/09/2024, E2's 31/12/2024 and E4's 10/09/2024 lie after it in the same year: the
    # years alone (which have 2024 for both) would count them, so 2024 is read from its first
    # inspection dates, the years before from the years; no inspection is probed.
    with CaptureQueriesContext(connection) as captured:
        table = compliance_table(
            frame=Frame.nation(), year=2024, as_of=D(2024, 9, 1), level="commune", locality=built.hn
        )
    sql = establishment_sql(captured)
    assert "localities_first_inspections" in sql and "localities_inspected_years" in sql
    assert 'localities_inspection"' not in sql
    # The probe, and the inspections made (one grouped query of their own).
    assert sum('localities_inspection"' in q["sql"] for q in captured) == 2
    ba_dinh = next(row for row in table.rows if row.locality == built.ba_dinh)
    assert ba_dinh.values["inspected_in_year"] == 2  # E1 (01/03), E4 (10/02)


def test_figures_follow_the_last_write_at_once(built):
    def inspected_2025():
        table = compliance_table(
            frame=Frame.nation(), year=2025, level="commune", locality=built.hn
        )
        return next(r for r in table.rows if r.locality == built.ba_dinh).values

    before = inspected_2025()
    assert before["inspected_in_year"] == 1  # E5 (01/01/2025)
    e3 = Establishment.objects.get(code="E3")
    visit = Inspection.objects.create(
        establishment=e3, inspected_on=D(2025, 5, 5), team="police", outcome="no_violation"
    )
    after = inspected_2025()
    assert after["inspected_in_year"] == 2
    assert after["inspected_since_plan_start"] == before["inspected_since_plan_start"] + 1
    visit.delete()
    assert inspected_2025() == before


def ba_dinh_mid_2024(built):
    """Ba Đình's establishment figures of 2024 as of 30/06/2024, with the SQL that counted them."""
    with CaptureQueriesContext(connection) as captured:
        table = compliance_table(
            frame=Frame.nation(),
            year=2024,
            as_of=D(2024, 6, 30),
            level="commune",
            locality=built.hn,
        )
    assert 'localities_inspection"' not in establishment_sql(captured)
    values = next(row for row in table.rows if row.locality == built.ba_dinh).values
    return {
        name: values[name]
        for name in (
            "establishments_operating",
            "inspected_in_year",
            "establishments_open_at_end",
            "inspected_since_plan_start",
        )
    }


def test_mid_year_figures_follow_the_first_dates_through_moves_and_deletions(built):
    # As of 30/06/2024 (E2's 31/12 and E4's 10/09 lie after it): operating E1 (closed 30/06,
    # still open that day), E3, E4, E5, E6 = 5, E2 opens 01/07; inspected in 2024 by then E1
    # (01/03) and E4 (10/02) = 2; since the plan began also E6 (31/12/2023) = 3.
    assert ba_dinh_mid_2024(built) == {
        "establishments_operating": 5,
        "inspected_in_year": 2,
        "establishments_open_at_end": 5,
        "inspected_since_plan_start": 3,
    }
    # An inspection before the plan (15/12/2020) counts neither in 2024 nor since the plan.
    e3 = Establishment.objects.get(code="E3")
    Inspection.objects.create(
        establishment=e3, inspected_on=D(2020, 12, 15), team="police", outcome="no_violation"
    )
    assert ba_dinh_mid_2024(built)["inspected_since_plan_start"] == 3
    # E4's 10/02/2024 moved to 10/08/2024: its first of 2024 is then after 30/06: 1 and 2 left.
    Inspection.objects.filter(establishment__code="E4", inspected_on=D(2024, 2, 10)).update(
        inspected_on=D(2024, 8, 10)
    )
    figures = ba_dinh_mid_2024(built)
    assert (figures["inspected_in_year"], figures["inspected_since_plan_start"]) == (1, 2)
    # E1's only inspection deleted: none in 2024 by 30/06, and only E6 since the plan began.
    Inspection.objects.filter(establishment__code="E1").delete()
    figures = ba_dinh_mid_2024(built)
    assert (figures["inspected_in_year"], figures["inspected_since_plan_start"]) == (0, 1)
    # Moved back to 01/01/2024 (the first day of the year counts): E4 again, 1 and 2.
    Inspection.objects.filter(establishment__code="E4", inspected_on=D(2024, 8, 10)).update(
        inspected_on=D(2024, 1, 1)
    )
    figures = ba_dinh_mid_2024(built)
    assert (figures["inspected_in_year"], figures["inspected_since_plan_start"]) == (1, 2)


@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
def test_a_communes_figures_looked_up_one_by_one_equal_its_row_of_the_province(built, as_of):
    # A commune's own table looks each establishment's summaries up by its key; the province's
    # table joins them: the commune's row is the same in both, every year and as-of date.
    years = [2021, 2022, 2023, 2024, 2025]
    with CaptureQueriesContext(connection) as captured:
        own = compliance_series(
            frame=Frame.nation(), years=years, as_of=as_of, level="commune", locality=built.ba_dinh
        )
    sql = establishment_sql(captured)
    assert "JOIN" not in sql.upper() and "localities_inspected_years" in sql
    province = compliance_series(
        frame=Frame.nation(), years=years, as_of=as_of, level="commune", locality=built.hn
    )
    assert own.keys() == province.keys()
    for year in own:
        (row,) = own[year].rows
        in_province = next(r for r in province[year].rows if r.locality == built.ba_dinh)
        assert row.values == in_province.values
        assert (
            own[year].total.values["establishments_operating"]
            == row.values["establishments_operating"]
        )
