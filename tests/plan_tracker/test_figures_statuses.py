"""Statuses of the reports and cases targets that the shared scenario never reaches: reports on
time met and on track, cases growth not met and behind, and the not-applicable cases of both
(plan-rules §7). Each test builds its own records in TP Hồ Chí Minh; Hà Nội stays empty, so the
province's row and the nation's total hold the same counts as the communes below them.

Targets: reports on time 100%, cases growth 3% a year.
"""

from decimal import Decimal

from localities.selectors import Frame
from plan_tracker.metrics import compliance_table
from tests.plan_tracker.scenario import D, case, report

METRICS = ("reports_on_time", "annual_inspection", "full_coverage", "cases_growth")


def commune_row(world, commune, *, year, as_of):
    table = compliance_table(
        frame=Frame.nation(), year=year, as_of=as_of, level="commune", locality=world.hcm
    )
    return next(row for row in table.rows if row.locality == commune)


def province_and_nation(world, *, year, as_of):
    table = compliance_table(frame=Frame.nation(), year=year, as_of=as_of)
    hcm = next(row for row in table.rows if row.locality == world.hcm)
    return hcm, table.total


def cases(world, prefix, count, handled):
    for i in range(count):
        case(f"{prefix}{i}", world.sai_gon, D(handled.year, 1, 1), handled)


# --- reports on time ----------------------------------------------------------------------------


def test_it_meets_reports_on_time_when_every_report_due_was_handled_by_its_deadline(world, kinds):
    crime = kinds["crime_denunciation"]
    # Received 05/01/2024 (deadline 25/01), handled 20/01; received 01/08/2024 (deadline
    # 21/08), handled on the deadline itself; received 20/12/2024 (deadline 09/01/2025),
    # handled 09/01/2025.
    report("T1", world.sai_gon, crime, D(2024, 1, 5), handled=D(2024, 1, 20))
    report("T2", world.sai_gon, crime, D(2024, 8, 1), handled=D(2024, 8, 21))
    report("T3", world.ben_thanh, crime, D(2024, 12, 20), handled=D(2025, 1, 9))
    as_of = D(2025, 2, 1)
    sai_gon = commune_row(world, world.sai_gon, year=2024, as_of=as_of)
    hcm, nation = province_and_nation(world, year=2024, as_of=as_of)
    # Sài Gòn: 2 on time / (2 received − 0 pending) = 100.0% ≥ 100: met.
    assert (sai_gon["reports_handled_on_time"], sai_gon["reports_on_time_pct"]) == (
        2,
        Decimal("100.0"),
    )
    assert sai_gon["status_reports_on_time"] == "met"
    # TP HCM and the nation: (2 + 1) / (3 − 0) = 100.0%: met.
    for row in (hcm, nation):
        assert (row["reports_received"], row["reports_handled_on_time"]) == (3, 3)
        assert row["reports_on_time_pct"] == Decimal("100.0")
        assert row["status_reports_on_time"] == "met"


def test_it_puts_reports_on_time_on_track_in_the_running_year_against_the_threshold_itself(
    world, kinds
):
    crime = kinds["crime_denunciation"]
    report("T1", world.sai_gon, crime, D(2024, 1, 5), handled=D(2024, 1, 20))
    report("T2", world.sai_gon, crime, D(2024, 3, 1), handled=D(2024, 3, 2))
    as_of = D(2024, 3, 10)  # 70 of 366 days: no pro-rating of the 100% target
    sai_gon = commune_row(world, world.sai_gon, year=2024, as_of=as_of)
    hcm, nation = province_and_nation(world, year=2024, as_of=as_of)
    # 2 on time / 2 due = 100.0% ≥ 100: on track, at every level.
    for row in (sai_gon, hcm, nation):
        assert row["reports_on_time_pct"] == Decimal("100.0")
        assert row["status_reports_on_time"] == "on_track"
    # One late report in Bến Thành (received 02/01, deadline 22/01, handled 23/01): TP HCM and
    # the nation 2 / 3 = 66.7%: behind, while Sài Gòn stays on track.
    report("T3", world.ben_thanh, crime, D(2024, 1, 2), handled=D(2024, 1, 23))
    sai_gon = commune_row(world, world.sai_gon, year=2024, as_of=as_of)
    hcm, nation = province_and_nation(world, year=2024, as_of=as_of)
    assert sai_gon["status_reports_on_time"] == "on_track"
    for row in (hcm, nation):
        assert row["reports_on_time_pct"] == Decimal("66.7")
        assert row["status_reports_on_time"] == "behind"


def test_it_finds_reports_on_time_not_applicable_when_every_report_received_is_pending(
    world, kinds
):
    # Received 20/12/2024 (crime, deadline 09/01/2025) and 15/12/2024 (denunciation, deadline
    # 14/01/2025), neither handled: on 05/01/2025 both are still in time.
    report("P1", world.sai_gon, kinds["crime_denunciation"], D(2024, 12, 20))
    report("P2", world.sai_gon, kinds["denunciation"], D(2024, 12, 15))
    as_of = D(2025, 1, 5)
    sai_gon = commune_row(world, world.sai_gon, year=2024, as_of=as_of)
    hcm, nation = province_and_nation(world, year=2024, as_of=as_of)
    for row in (sai_gon, hcm, nation):
        # 2 received, 2 pending: 0 / (2 − 2) has no denominator, neither 0% nor 100%.
        assert (row["reports_received"], row["reports_pending"]) == (2, 2)
        assert row["reports_on_time_pct"] is None
        assert row["status_reports_on_time"] == "not_applicable"
    # On 10/01/2025 the crime report's deadline (09/01) has passed: 0 / (2 − 1) = 0.0%.
    sai_gon = commune_row(world, world.sai_gon, year=2024, as_of=D(2025, 1, 10))
    assert (sai_gon["reports_pending"], sai_gon["reports_overdue"]) == (1, 1)
    assert sai_gon["reports_on_time_pct"] == Decimal("0.0")
    assert sai_gon["status_reports_on_time"] == "not_met"


# --- cases growth -------------------------------------------------------------------------------


def test_it_finds_cases_growth_not_met_when_it_shows_three_percent_but_falls_short(world):
    # 67 cases handled in 2023, 69 in 2024: (69 − 67) / 67 = 2.985%, shown as 3.0%, but
    # 69 < 67 × 1.03 = 69.01: not met, at the commune, the province and the nation.
    cases(world, "A", 67, D(2023, 6, 1))
    cases(world, "B", 69, D(2024, 6, 1))
    sai_gon = commune_row(world, world.sai_gon, year=2024, as_of=D(2025, 1, 31))
    hcm, nation = province_and_nation(world, year=2024, as_of=D(2025, 1, 31))
    for row in (sai_gon, hcm, nation):
        assert (row["cases_handled"], row["cases_handled_prev_year"]) == (69, 67)
        assert row["cases_growth_pct"] == Decimal("3.0")
        assert row["status_cases_growth"] == "not_met"
    # One more case in 2024: 70 ≥ 69.01: met.
    case("B69", world.ben_thanh, D(2024, 1, 1), D(2024, 12, 31))
    hcm, nation = province_and_nation(world, year=2024, as_of=D(2025, 1, 31))
    assert hcm["status_cases_growth"] == nation["status_cases_growth"] == "met"


def test_it_puts_cases_growth_behind_when_the_year_so_far_is_short_of_the_pace(world):
    # 67 cases in 2023. In 2024: 34 handled 01/03/2024, 35 handled 01/10/2024.
    cases(world, "A", 67, D(2023, 6, 1))
    cases(world, "B", 34, D(2024, 3, 1))
    cases(world, "C", 35, D(2024, 10, 1))
    # On 01/07/2024, 183 of 366 days = one half: the pace is 67 × 1.03 / 2 = 34.505 cases;
    # 34 so far: behind, at the commune and at the province (and the nation).
    as_of = D(2024, 7, 1)
    sai_gon = commune_row(world, world.sai_gon, year=2024, as_of=as_of)
    hcm, nation = province_and_nation(world, year=2024, as_of=as_of)
    for row in (sai_gon, hcm, nation):
        assert (row["cases_handled"], row["cases_handled_prev_year"]) == (34, 67)
        # The §7 figure itself: (34 − 67) / 67 = −49.3%.
        assert row["cases_growth_pct"] == Decimal("-49.3")
        assert row["status_cases_growth"] == "behind"
    # A 35th case handled on the as-of date itself reaches the pace: 35 ≥ 34.505: on track.
    case("D0", world.sai_gon, D(2024, 1, 1), as_of)
    hcm, nation = province_and_nation(world, year=2024, as_of=as_of)
    assert hcm["cases_handled"] == 35
    assert hcm["status_cases_growth"] == nation["status_cases_growth"] == "on_track"


def test_it_finds_cases_growth_not_applicable_with_cases_this_year_and_none_the_year_before(
    world,
):
    # Two cases in 2024, none in 2023 (one in 2022 is not the year before).
    case("K0", world.sai_gon, D(2022, 1, 1), D(2022, 12, 31))
    case("K1", world.sai_gon, D(2024, 1, 1), D(2024, 2, 1))
    case("K2", world.sai_gon, D(2024, 1, 1), D(2024, 3, 1))
    for as_of in (D(2024, 6, 1), D(2025, 6, 1)):  # running, then finished
        sai_gon = commune_row(world, world.sai_gon, year=2024, as_of=as_of)
        hcm, nation = province_and_nation(world, year=2024, as_of=as_of)
        for row in (sai_gon, hcm, nation):
            assert (row["cases_handled"], row["cases_handled_prev_year"]) == (2, 0)
            assert row["cases_growth_pct"] is None
            assert row["status_cases_growth"] == "not_applicable"


def test_it_counts_the_whole_previous_year_once_the_year_has_begun(world):
    # Cases handled 15/02/2023, 15/11/2023 and 31/12/2023, and 01/02/2024. On 01/03/2024 every
    # case of 2023 is before A, so all 3 count, also those handled later in the year than A's
    # day (15/11, 31/12): "handled in year Y − 1 (up to A)" is the whole of 2023.
    for ref, handled in (("K1", D(2023, 2, 15)), ("K2", D(2023, 11, 15)), ("K3", D(2023, 12, 31))):
        case(ref, world.sai_gon, D(2023, 1, 1), handled)
    case("K4", world.sai_gon, D(2024, 1, 1), D(2024, 2, 1))
    hcm, _nation = province_and_nation(world, year=2024, as_of=D(2024, 3, 1))
    assert (hcm["cases_handled"], hcm["cases_handled_prev_year"]) == (1, 3)
    # The pace follows from the whole year: 3 × 1.03 × 61/366 = 0.515 ≤ 1: on track.
    assert hcm["status_cases_growth"] == "on_track"


def test_it_counts_the_previous_year_only_up_to_the_as_of_date_before_the_year_begins(world):
    # Cases handled 15/03/2024, 01/09/2024, 02/09/2024 and 15/11/2024. The 2025 figures as of
    # 01/09/2024: 2025 has not begun (no case of it yet, every status n/a); the year before
    # counts up to A: 15/03 and 01/09 (on A itself) = 2.
    for ref, handled in (
        ("K1", D(2024, 3, 15)),
        ("K2", D(2024, 9, 1)),
        ("K3", D(2024, 9, 2)),
        ("K4", D(2024, 11, 15)),
    ):
        case(ref, world.sai_gon, D(2024, 1, 1), handled)
    sai_gon = commune_row(world, world.sai_gon, year=2025, as_of=D(2024, 9, 1))
    hcm, nation = province_and_nation(world, year=2025, as_of=D(2024, 9, 1))
    for row in (sai_gon, hcm, nation):
        assert (row["cases_handled"], row["cases_handled_prev_year"]) == (0, 2)
        assert {row[f"status_{metric}"] for metric in METRICS} == {"not_applicable"}
    # Once 2025 has begun, the whole of 2024 counts: 4.
    hcm, _nation = province_and_nation(world, year=2025, as_of=D(2025, 1, 1))
    assert hcm["cases_handled_prev_year"] == 4
