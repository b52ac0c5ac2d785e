"""The figures stored at submission are plan-rules §7's, counted by hand on the small world of
conftest.py, as of the year's end."""

import datetime

from localities.selectors import Frame
from plan_tracker.approvals import YearApproval
from plan_tracker.compliance_io import table_json
from plan_tracker.metrics import compliance_table


def figures(row, names):
    return {name: row[name] for name in names}


NAMES = [
    "establishments_operating",
    "inspected_in_year",
    "inspected_in_year_pct",
    "establishments_open_at_end",
    "inspected_since_plan_start",
    "coverage_pct",
    "reports_received",
    "reports_handled",
    "reports_handled_on_time",
    "reports_pending",
    "reports_overdue",
    "reports_on_time_pct",
    "cases_handled",
    "cases_handled_prev_year",
    "cases_growth_pct",
]


def test_the_snapshot_holds_the_province_and_its_communes_as_of_the_years_end(
    hanoi, personas, step, world
):
    approval = step(personas.hn_officer, "submit")
    snapshot = YearApproval.objects.get(pk=approval.pk).snapshot
    assert snapshot["as_of"] == "2024-12-31"
    # Hà Nội: EST-1, EST-2, EST-3 operate all year; EST-1 and EST-3 inspected: 2/3 = 66.7 %.
    # R-1 handled on time (deadline 21/02), R-2 overdue on 31/12 (deadline 21/11): 1 on time
    # of 2 due = 50.0 %. C-1 handled in 2024, none in 2023: no growth percentage.
    assert figures(snapshot["province"], NAMES) == {
        "establishments_operating": 3,
        "inspected_in_year": 2,
        "inspected_in_year_pct": 66.7,
        "establishments_open_at_end": 3,
        "inspected_since_plan_start": 2,
        "coverage_pct": 66.7,
        "reports_received": 2,
        "reports_handled": 1,
        "reports_handled_on_time": 1,
        "reports_pending": 0,
        "reports_overdue": 1,
        "reports_on_time_pct": 50.0,
        "cases_handled": 1,
        "cases_handled_prev_year": 0,
        "cases_growth_pct": None,
    }
    ba_dinh = approval.snapshot_row(world.ba_dinh.pk)
    hoan_kiem = approval.snapshot_row(world.hoan_kiem.pk)
    # Ba Đình: EST-1 of EST-1, EST-2 inspected (50.0 %); both reports; no case.
    assert figures(ba_dinh, ["establishments_operating", "inspected_in_year_pct"]) == {
        "establishments_operating": 2,
        "inspected_in_year_pct": 50.0,
    }
    assert (ba_dinh["reports_received"], ba_dinh["cases_handled"]) == (2, 0)
    # Hoàn Kiếm: EST-3 inspected (100.0 %); no report; C-1.
    assert (hoan_kiem["inspected_in_year_pct"], hoan_kiem["reports_received"]) == (100.0, 0)
    assert hoan_kiem["cases_handled"] == 1
    assert set(snapshot["communes_by_pk"]) == {str(world.ba_dinh.pk), str(world.hoan_kiem.pk)}


def test_the_snapshot_equals_the_live_figures_at_submission(hanoi, personas, step, world, plan):
    approval = step(personas.hn_officer, "submit")
    as_of = datetime.date(2024, 12, 31)
    live = compliance_table(
        Frame.nation(), year=2024, as_of=as_of, plan=plan, level="province", locality=world.hn
    )
    assert approval.snapshot["province"] == table_json(live)[0]
    communes = compliance_table(
        Frame.nation(), year=2024, as_of=as_of, plan=plan, level="commune", locality=world.hn
    )
    assert sorted(
        approval.snapshot["communes_by_pk"].values(), key=lambda r: r["locality_code"]
    ) == (table_json(communes))
