"""Every figure and every status of plan-rules §7 at commune, province and national level, with
two provinces that both hold records: the shared scenario (tests/plan_tracker/scenario.py) in
Hà Nội, and the records below in TP Hồ Chí Minh, made in this module only.

Phường Sài Gòn:
  S1 opened 01/01/2020, inspected 15/03/2024
  S2 opening unknown, inspected 10/10/2022 only
  S3 opened 01/01/2019, closed 01/12/2024, inspected 20/11/2024
  S4 opening unknown, never inspected
  S5 opened 31/12/2024, never inspected
  T1 crime, received 05/01/2024, deadline 25/01, handled 20/01/2024 (on time)
  T2 crime, received 01/08/2024, deadline 21/08, handled 21/08/2024 (on its deadline: on time)
  T3 denunciation, received 10/12/2024, deadline 09/01/2025, handled 09/01/2025 (on time)
  Cases handled 15/03/2023, 15/11/2023, 31/12/2023 (three in 2023) and 10/04/2024 (one in 2024).
Phường Bến Thành:
  B1, B2, B6 opening unknown, inspected 05/05/2024, 06/06/2024, 08/08/2024
  B3 opening unknown, inspected 07/07/2021 only
  B4 opening unknown, inspected 01/01/2021 only (the plan's first day)
  B5 opening unknown, never inspected
  B7 out of the plan's scope, inspected 09/09/2024 (never counted)
  U1 crime, received 28/12/2024, extended to 10/04/2025, not handled (pending until then)
  One case handled 05/09/2024, none in 2023.

Targets: reports on time 100%, annual inspection 20%, full coverage 100% by 31/12/2025,
cases growth 3% a year. The plan runs 01/01/2021–31/12/2025: 1825 days from first to last day.
"""

from decimal import Decimal

import pytest

from localities.selectors import Frame
from plan_tracker.metrics import PLAN_FIGURES, RECORD_FIGURES, compliance_table
from tests.plan_tracker import scenario
from tests.plan_tracker.scenario import D, case, establishment, report

# The figures of plan-rules §7 and the inspections made that count targets read.
SIXTEEN = RECORD_FIGURES + PLAN_FIGURES

FINISHED = D(2025, 3, 31)  # 2024 is over; R6 and U1 still pending
RUNNING = D(2024, 9, 1)  # 245 of 366 days of 2024
METRICS = ("reports_on_time", "annual_inspection", "full_coverage", "cases_growth")


@pytest.fixture
def nation(world, kinds):
    scenario.build(world, kinds)
    sg, bt = world.sai_gon, world.ben_thanh
    crime, denunciation = kinds["crime_denunciation"], kinds["denunciation"]

    establishment("S1", sg, opened=D(2020, 1, 1), inspected=[D(2024, 3, 15)])
    establishment("S2", sg, inspected=[D(2022, 10, 10)])
    establishment(
        "S3", sg, opened=D(2019, 1, 1), closed=D(2024, 12, 1), inspected=[D(2024, 11, 20)]
    )
    establishment("S4", sg)
    establishment("S5", sg, opened=D(2024, 12, 31))
    report("T1", sg, crime, D(2024, 1, 5), handled=D(2024, 1, 20))
    report("T2", sg, crime, D(2024, 8, 1), handled=D(2024, 8, 21))
    report("T3", sg, denunciation, D(2024, 12, 10), handled=D(2025, 1, 9))
    case("K1", sg, D(2023, 1, 10), D(2023, 3, 15))
    case("K2", sg, D(2023, 1, 10), D(2023, 11, 15))
    case("K3", sg, D(2023, 1, 10), D(2023, 12, 31))
    case("K4", sg, D(2024, 1, 10), D(2024, 4, 10))

    establishment("B1", bt, inspected=[D(2024, 5, 5)])
    establishment("B2", bt, inspected=[D(2024, 6, 6)])
    establishment("B3", bt, inspected=[D(2021, 7, 7)])
    establishment("B4", bt, inspected=[D(2021, 1, 1)])
    establishment("B5", bt)
    establishment("B6", bt, inspected=[D(2024, 8, 8)])
    establishment("B7", bt, in_scope=False, inspected=[D(2024, 9, 9)])
    report("U1", bt, crime, D(2024, 12, 28), extended=D(2025, 4, 10))
    case("K5", bt, D(2024, 6, 1), D(2024, 9, 5))
    return world


def expect(*, establishments, reports, cases, inspections, statuses):
    """The 16 figures in the order of SIXTEEN (percentages as text) and the four statuses;
    `inspections` is inspections_made (inspections of in-scope establishments in the year)."""
    values = dict(
        zip(
            RECORD_FIGURES + PLAN_FIGURES,
            (*establishments, *reports, *cases, inspections),
            strict=True,
        )
    )
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = Decimal(value)
    values.update(
        {f"status_{metric}": status for metric, status in zip(METRICS, statuses, strict=True)}
    )
    return values


def figures_of(row):
    return {
        name: row[name]
        for name in (*RECORD_FIGURES, *PLAN_FIGURES, *(f"status_{m}" for m in METRICS))
    }


def every_level(world, as_of):
    """{code: figures} for the four communes, the two provinces and the nation ("")."""
    national = compliance_table(frame=Frame.nation(), year=2024, as_of=as_of)
    found = {row.locality.code: figures_of(row) for row in national.rows}
    found[""] = figures_of(national.total)
    assert national.total["level"] == "nation"
    for province in (world.hn, world.hcm):
        communes = compliance_table(
            frame=Frame.nation(), year=2024, as_of=as_of, level="commune", locality=province
        )
        # The communes' table of a province totals to the province's own row.
        assert figures_of(communes.total) == found[province.code]
        found |= {row.locality.code: figures_of(row) for row in communes.rows}
    return found


# 2024 seen on 31/03/2025: the year is finished (met / not met), the plan is not, so full
# coverage is judged against the line on E = 31/12/2024: 100 × 1460 / 1825 = 80.0%.
# Cases growth is met when cases ≥ previous year's × 1.03.
FINISHED_2024 = {
    # Ba Đình, as in the shared scenario: 3 of 6 inspected; 3 of 5 covered; 3 on time of
    # 6 received − 1 pending = 60.0%; cases 3 against 2 (3 ≥ 2.06: met).
    "00004": expect(
        establishments=(6, 3, "50.0", 5, 3, "60.0"),
        reports=(6, 4, 3, 1, 1, "60.0"),
        cases=(3, 2, "50.0"),
        inspections=4,  # E1, E2, E4 twice (E7 out of scope)
        statuses=("not_met", "met", "behind", "met"),
    ),
    # Hoàn Kiếm: H1..H4 operating, H1 inspected 04/04/2024 → 1 / 4 = 25.0% (≥ 20: met) and
    # 25.0% covered (< 80.0: behind); no report, no case: n/a.
    "00070": expect(
        establishments=(4, 1, "25.0", 4, 1, "25.0"),
        reports=(0, 0, 0, 0, 0, None),
        cases=(0, 0, None),
        inspections=1,  # H1
        statuses=("not_applicable", "met", "behind", "not_applicable"),
    ),
    # Hà Nội: 6 + 4 = 10 operating, 3 + 1 = 4 inspected → 40.0%; 5 + 4 = 9 open, 3 + 1 = 4
    # covered → 44.4%; reports 6 + RP = 7, handled 4 + 1 = 5, on time 3 + 1 = 4, 1 pending,
    # 1 overdue → 4 / (7 − 1) = 66.7%; cases 3 + CP = 4 against 2 → 100.0% (4 ≥ 2.06: met).
    "01": expect(
        establishments=(10, 4, "40.0", 9, 4, "44.4"),
        reports=(7, 5, 4, 1, 1, "66.7"),
        cases=(4, 2, "100.0"),
        inspections=5,  # 4 + 1
        statuses=("not_met", "met", "behind", "met"),
    ),
    # Sài Gòn: operating S1..S5 = 5 (S3 closed 01/12, S5 opened 31/12); inspected S1, S3 = 2
    # → 40.0%; open on 31/12: S1, S2, S4, S5 = 4, covered S1, S2 = 2 → 50.0% (< 80.0: behind);
    # reports T1, T2, T3 all handled on time → 3 / (3 − 0) = 100.0% (met); cases 1 against 3 →
    # (1 − 3) / 3 = −66.7% (1 < 3 × 1.03 = 3.09: not met).
    "26734": expect(
        establishments=(5, 2, "40.0", 4, 2, "50.0"),
        reports=(3, 3, 3, 0, 0, "100.0"),
        cases=(1, 3, "-66.7"),
        inspections=2,  # S1, S3
        statuses=("met", "met", "behind", "not_met"),
    ),
    # Bến Thành: B1..B6 operating and open = 6 (B7 out of scope); inspected B1, B2, B6 = 3 →
    # 50.0%; covered B1, B2, B3, B4 (01/01/2021), B6 = 5 → 83.3% (≥ 80.0: on track); U1
    # received and pending → 0 / (1 − 1): n/a; one case against none in 2023: n/a.
    "26740": expect(
        establishments=(6, 3, "50.0", 6, 5, "83.3"),
        reports=(1, 0, 0, 1, 0, None),
        cases=(1, 0, None),
        inspections=3,  # B1, B2, B6 (B7 out of scope)
        statuses=("not_applicable", "met", "on_track", "not_applicable"),
    ),
    # TP Hồ Chí Minh: 5 + 6 = 11 operating, 2 + 3 = 5 inspected → 45.5% (the mean of 40.0 and
    # 50.0 would be 45.0); 4 + 6 = 10 open, 2 + 5 = 7 covered → 70.0% (< 80.0: behind);
    # reports 3 + 1 = 4, handled 3, on time 3, pending 0 + 1 = 1 → 3 / (4 − 1) = 100.0% (met);
    # cases 1 + 1 = 2 against 3 + 0 = 3 → −33.3% (2 < 3.09: not met).
    "79": expect(
        establishments=(11, 5, "45.5", 10, 7, "70.0"),
        reports=(4, 3, 3, 1, 0, "100.0"),
        cases=(2, 3, "-33.3"),
        inspections=5,  # 2 + 3
        statuses=("met", "met", "behind", "not_met"),
    ),
    # The nation: 10 + 11 = 21 operating, 4 + 5 = 9 inspected → 42.9%; 9 + 10 = 19 open,
    # 4 + 7 = 11 covered → 57.9% (< 80.0: behind); reports 7 + 4 = 11, handled 5 + 3 = 8, on
    # time 4 + 3 = 7, pending 1 + 1 = 2, overdue 1 + 0 = 1 → 7 / (11 − 2) = 77.8% (not met);
    # cases 4 + 2 = 6 against 2 + 3 = 5 → 20.0% (6 ≥ 5 × 1.03 = 5.15: met).
    "": expect(
        establishments=(21, 9, "42.9", 19, 11, "57.9"),
        reports=(11, 8, 7, 2, 1, "77.8"),
        cases=(6, 5, "20.0"),
        inspections=10,  # 5 + 5
        statuses=("not_met", "met", "behind", "met"),
    ),
}

# 2024 seen on 01/09/2024: the year is running, 245 of 366 days elapsed. Annual goal so far:
# 20 × 245 / 366 = 13.39%; coverage line on 01/09/2024: 100 × 1339 / 1825 = 73.37%; reports
# against 100% itself; cases on track when cases ≥ previous year's × 1.03 × 245 / 366.
RUNNING_2024 = {
    # Ba Đình: E1..E6 operating; inspected by 01/09: E1, E4 = 2 → 33.3%; open on 01/09:
    # E2..E6 = 5, covered E4, E6 = 2 → 40.0%; reports R1, R2, R3 all handled, on time R1, R3 →
    # 2 / 3 = 66.7% (behind); cases C3, C4 = 2 against 2 → 0.0%, 2 ≥ 2 × 1.03 × 245/366 = 1.38.
    "00004": expect(
        establishments=(6, 2, "33.3", 5, 2, "40.0"),
        reports=(3, 3, 2, 0, 0, "66.7"),
        cases=(2, 2, "0.0"),
        inspections=2,  # E1, E4's of 10/02
        statuses=("behind", "on_track", "behind", "on_track"),
    ),
    # Hoàn Kiếm: as when finished (H1 inspected 04/04): 25.0% ≥ 13.39; 25.0% < 73.37.
    "00070": expect(
        establishments=(4, 1, "25.0", 4, 1, "25.0"),
        reports=(0, 0, 0, 0, 0, None),
        cases=(0, 0, None),
        inspections=1,  # H1
        statuses=("not_applicable", "on_track", "behind", "not_applicable"),
    ),
    # Hà Nội: 2 + 1 = 3 of 6 + 4 = 10 → 30.0%; 2 + 1 = 3 of 5 + 4 = 9 → 33.3%; reports
    # 3 + RP = 4, all handled, on time 2 + 1 = 3 → 75.0% (behind); cases 2 + CP (08/08) = 3
    # against 2 → 50.0%, 3 ≥ 1.38: on track.
    "01": expect(
        establishments=(10, 3, "30.0", 9, 3, "33.3"),
        reports=(4, 4, 3, 0, 0, "75.0"),
        cases=(3, 2, "50.0"),
        inspections=3,  # 2 + 1
        statuses=("behind", "on_track", "behind", "on_track"),
    ),
    # Sài Gòn: operating S1..S4 = 4 (S5 opens on 31/12), inspected S1 = 1 (S3's 20/11 not yet)
    # → 25.0%; open S1..S4 = 4 (S3 closes on 01/12), covered S1, S2 = 2 → 50.0% (behind);
    # reports T1, T2 on time → 2 / 2 = 100.0% (on track); cases K4 = 1 against 3 (K2 on
    # 15/11/2023 counts: the whole previous year is before A) → −66.7%, 1 < 3 × 1.03 × 245/366
    # = 2.07: behind.
    "26734": expect(
        establishments=(4, 1, "25.0", 4, 2, "50.0"),
        reports=(2, 2, 2, 0, 0, "100.0"),
        cases=(1, 3, "-66.7"),
        inspections=1,  # S1
        statuses=("on_track", "on_track", "behind", "behind"),
    ),
    # Bến Thành: B1..B6, inspected B1, B2, B6 = 3 → 50.0%; covered 5 of 6 → 83.3% (≥ 73.37:
    # on track); U1 not yet received; K5 (05/09) not yet handled: n/a.
    "26740": expect(
        establishments=(6, 3, "50.0", 6, 5, "83.3"),
        reports=(0, 0, 0, 0, 0, None),
        cases=(0, 0, None),
        inspections=3,  # B1, B2, B6
        statuses=("not_applicable", "on_track", "on_track", "not_applicable"),
    ),
    # TP Hồ Chí Minh: 1 + 3 = 4 of 4 + 6 = 10 → 40.0%; 2 + 5 = 7 of 4 + 6 = 10 → 70.0%
    # (< 73.37: behind); reports 2 / 2 → 100.0% (on track); cases 1 + 0 = 1 against 3 + 0 = 3
    # → −66.7%, 1 < 2.07: behind.
    "79": expect(
        establishments=(10, 4, "40.0", 10, 7, "70.0"),
        reports=(2, 2, 2, 0, 0, "100.0"),
        cases=(1, 3, "-66.7"),
        inspections=4,  # 1 + 3
        statuses=("on_track", "on_track", "behind", "behind"),
    ),
    # The nation: 3 + 4 = 7 of 10 + 10 = 20 → 35.0%; 3 + 7 = 10 of 9 + 10 = 19 → 52.6%
    # (behind); reports 4 + 2 = 6, on time 3 + 2 = 5 → 83.3% (behind); cases 3 + 1 = 4 against
    # 2 + 3 = 5 → −20.0%, but 4 ≥ 5 × 1.03 × 245/366 = 3.45: on track.
    "": expect(
        establishments=(20, 7, "35.0", 19, 10, "52.6"),
        reports=(6, 6, 5, 0, 0, "83.3"),
        cases=(4, 5, "-20.0"),
        inspections=7,  # 3 + 4
        statuses=("behind", "on_track", "behind", "on_track"),
    ),
}


@pytest.mark.parametrize("code", list(FINISHED_2024))
def test_it_gives_every_figure_and_status_of_a_finished_year_at_every_level(nation, code):
    assert every_level(nation, FINISHED)[code] == FINISHED_2024[code]


@pytest.mark.parametrize("code", list(RUNNING_2024))
def test_it_gives_every_figure_and_status_of_the_running_year_at_every_level(nation, code):
    assert every_level(nation, RUNNING)[code] == RUNNING_2024[code]


def test_it_computes_the_nations_percentages_from_summed_counts_not_from_the_provinces(nation):
    table = compliance_table(frame=Frame.nation(), year=2024, as_of=FINISHED)
    hn, hcm = table.rows
    total = table.total

    def mean(name):
        return (hn[name] + hcm[name]) / 2

    # Annual inspection: (4 + 5) / (10 + 11) = 9 / 21 = 42.9%; mean of 40.0 and 45.5 = 42.75.
    assert total["inspected_in_year_pct"] == Decimal("42.9")
    assert mean("inspected_in_year_pct") == Decimal("42.75")
    # Coverage: (4 + 7) / (9 + 10) = 11 / 19 = 57.9%; mean of 44.4 and 70.0 = 57.2.
    assert total["coverage_pct"] == Decimal("57.9")
    assert mean("coverage_pct") == Decimal("57.2")
    # Reports on time: (4 + 3) / (6 + 3) = 7 / 9 = 77.8%; mean of 66.7 and 100.0 = 83.35.
    assert total["reports_on_time_pct"] == Decimal("77.8")
    assert mean("reports_on_time_pct") == Decimal("83.35")
    # Cases growth: (6 − 5) / 5 = 20.0%; mean of 100.0 and −33.3 = 33.35.
    assert total["cases_growth_pct"] == Decimal("20.0")
    assert mean("cases_growth_pct") == Decimal("33.35")
    # The status follows the summed counts too: Hà Nội met, TP HCM not met, the nation met
    # because 6 ≥ 5 × 1.03.
    assert (hn["status_cases_growth"], hcm["status_cases_growth"]) == ("met", "not_met")
    assert total["status_cases_growth"] == "met"


def test_it_counts_no_record_twice_between_communes_provinces_and_the_nation(nation):
    national = compliance_table(frame=Frame.nation(), year=2024, as_of=FINISHED)
    counts = [name for name in SIXTEEN if not name.endswith("_pct")]
    for name in counts:
        assert national.total[name] == sum(row[name] for row in national.rows), name
    # Records placed at Hà Nội itself (RP, CP) are in no commune row: the communes of the nation
    # add up to the nation less those: reports 11 − 1 = 10, cases 6 − 1 = 5.
    communes = [
        row
        for province in (nation.hn, nation.hcm)
        for row in compliance_table(
            frame=Frame.nation(), year=2024, as_of=FINISHED, level="commune", locality=province
        ).rows
    ]
    assert sum(row["reports_received"] for row in communes) == 10
    assert sum(row["cases_handled"] for row in communes) == 5
    assert sum(row["establishments_operating"] for row in communes) == 21
