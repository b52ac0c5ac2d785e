"""The review's figures on the small world of conftest.py, computed by hand there."""

import datetime
from decimal import Decimal

from django.utils import translation

from localities.selectors import Frame
from plan_tracker import review as plan_review

D = datetime.date
AS_OF = D(2026, 11, 30)


def build(plan, locality=None):
    return plan_review.build_review(Frame.nation(), plan=plan, as_of=AS_OF, locality=locality)


def by_code(review):
    return {p.locality.code: p for p in review.places}


def test_each_year_is_read_as_of_its_last_day_and_said_live(reviewed):
    review = build(reviewed)
    assert [(y.year, y.as_of, y.source) for y in review.years] == [
        (2023, D(2023, 12, 31), "live"),
        (2024, D(2024, 12, 31), "live"),
    ]
    assert review.all_live
    with translation.override("en"):
        assert review.years[0].source_label == "live (not approved)"


def test_the_year_figures_are_one_function_of_plan_year_and_frame(reviewed, world):
    figures = plan_review.year_figures(reviewed, 2024, Frame.nation(), as_of=AS_OF)
    rows = {row.locality.code: row for row in figures.table.rows}
    # Hà Nội 2024: 1 of 2 inspected; TP HCM: 1 of 3.
    assert rows["01"]["inspected_in_year"] == 1
    assert rows["01"]["inspected_in_year_pct"] == Decimal("50.0")
    assert rows["79"]["inspected_in_year_pct"] == Decimal("33.3")
    assert figures.table.as_of == D(2024, 12, 31)


def test_hanoi_reached_every_target_every_year_and_hcm_never_did(reviewed):
    review = build(reviewed)
    places = by_code(review)
    for metric in ("annual_inspection", "reports_on_time", "full_coverage", "cases_growth"):
        assert places["01"].targets[metric].verdict == "every", metric
        assert places["79"].targets[metric].verdict == "never", metric
    # Full coverage in 2023 is judged on its line (on track / behind), in 2024 met / not met.
    assert places["01"].targets["full_coverage"].years_good == [2023, 2024]
    assert places["79"].targets["full_coverage"].years_bad == [2023, 2024]
    verdicts = {v["target"].metric: v for v in review.verdicts()}
    assert [p.locality.code for p in verdicts["annual_inspection"]["every"]] == ["01"]
    assert [p.locality.code for p in verdicts["annual_inspection"]["never"]] == ["79"]


def test_the_whole_plan_figures_are_from_summed_counts(reviewed):
    review = build(reviewed)
    places = by_code(review)
    hn, hcm = places["01"].targets, places["79"].targets
    assert (hn["annual_inspection"].numerator, hn["annual_inspection"].denominator) == (3, 4)
    assert hn["annual_inspection"].value == Decimal("75.0")
    assert hcm["annual_inspection"].value == Decimal("16.7")  # 1 / 6
    assert hn["reports_on_time"].value == Decimal("100.0")  # 2 / 2
    assert hcm["reports_on_time"].value == Decimal("0.0")  # 0 / 2
    assert hn["full_coverage"].value == Decimal("100.0")  # 2 / 2 on 31/12/2024
    assert hcm["full_coverage"].value == Decimal("33.3")  # 1 / 3
    assert hn["cases_growth"].value == Decimal("200.0")  # 3 in 2024 against 1 in 2022
    assert hcm["cases_growth"].value == Decimal("-50.0")  # 1 against 2
    nation = review.total.targets["annual_inspection"]
    assert (nation.numerator, nation.denominator, nation.value) == (4, 10, Decimal("40.0"))
    assert nation.verdict == "never"  # 40% in 2023 and in 2024, below 50%


def test_what_remained_at_the_plans_end(reviewed):
    review = build(reviewed)
    places = by_code(review)
    assert review.end == D(2024, 12, 31)
    # B1 (inspected before the plan only) and B2; the report of 01/12/2024 (deadline 21/12).
    assert (places["79"].never_inspected, places["79"].reports_overdue) == (2, 1)
    assert (places["01"].never_inspected, places["01"].reports_overdue) == (0, 0)
    assert (review.total.never_inspected, review.total.reports_overdue) == (2, 1)


def test_a_provinces_review_has_its_communes(reviewed, world):
    review = build(reviewed, locality=world.hcm)
    codes = {p.locality.code: p for p in review.places}
    assert set(codes) == {"26734", "26740"}
    assert codes["26734"].targets["annual_inspection"].verdict == "never"
    assert codes["26740"].targets["annual_inspection"].verdict == "none"  # nothing recorded
    assert (review.total.never_inspected, review.total.reports_overdue) == (2, 1)
    assert review.total.targets["annual_inspection"].value == Decimal("16.7")


def test_the_review_of_a_plan_still_running_reads_the_remainder_on_the_as_of_date(reviewed):
    review = plan_review.build_review(Frame.nation(), plan=reviewed, as_of=D(2024, 6, 30))
    assert review.end == D(2024, 6, 30)
    assert not review.plan_over
    # On 30/06/2024 the report of December 2024 was not received: nothing overdue.
    assert review.total.reports_overdue == 0
    assert [y.as_of for y in review.years] == [D(2023, 12, 31), D(2024, 6, 30)]


def test_an_approved_province_year_is_read_from_its_snapshot(reviewed, world, personas):
    from plan_tracker.approvals import YearApproval, take_step

    for user, action in [(personas.hn_officer, "submit"), (personas.ministry, "approve")]:
        take_step(user=user, action=action, plan=reviewed, province=world.hn, year=2024)
    # The stored figure is the one read, whatever the records say now: a marker value.
    approval = YearApproval.objects.get(plan=reviewed, province=world.hn, year=2024)
    snapshot = approval.snapshot
    assert snapshot["province"]["inspected_in_year_pct"] in ("50.0", 50.0, Decimal("50.0"))
    snapshot["province"]["inspected_in_year_pct"] = "77.7"
    YearApproval.objects.filter(pk=approval.pk).update(snapshot=snapshot)

    figures = plan_review.year_figures(reviewed, 2024, Frame.nation(), as_of=AS_OF)
    rows = {row.locality.code: row for row in figures.table.rows}
    assert str(rows["01"]["inspected_in_year_pct"]) == "77.7"
    # TP HCM has no approval: live.
    assert rows["79"]["inspected_in_year_pct"] == Decimal("33.3")
    assert (figures.source, figures.approved_rows) == ("partly approved", 1)
    with translation.override("en"):
        assert figures.source_label == "approved for 1 of 2, live for the others"
    # 2023 is not approved anywhere.
    assert plan_review.year_figures(reviewed, 2023, Frame.nation(), as_of=AS_OF).source == "live"
