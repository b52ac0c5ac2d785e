"""The communication and training activities' figures, worked by hand at commune, province and
national level, and the status of the communication coverage target.

The activities (Hà Nội: Ba Đình and Hoàn Kiếm; TP Hồ Chí Minh: Sài Gòn and Bến Thành):

| ref | commune    | held on    | kind          | people |
| A1  | Ba Đình    | 10/03/2025 | communication | 100    |
| A2  | Ba Đình    | 01/06/2025 | communication | 50     |
| A3  | Hoàn Kiếm  | 01/04/2025 | training      | 30     |
| A4  | Hoàn Kiếm  | 31/12/2024 | communication | 20     |
| A5  | Sài Gòn    | 15/09/2025 | communication | 200    |
| A6  | Bến Thành  | 20/11/2025 | communication | 10     |
"""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from localities.models import Level, Locality
from localities.selectors import Frame
from plan_tracker import metrics
from plan_tracker.metrics import compliance_table
from plan_tracker.models import Metric, Plan, Target
from tests.conftest import make_locality
from tests.localities.conftest import make_activity
from tests.plan_tracker.scenario import D

pytestmark = pytest.mark.django_db

FINISHED = D(2025, 12, 31)
# 1 January to 30 June 2025: 181 of 365 days.
RUNNING = D(2025, 6, 30)


@pytest.fixture
def held(world):
    make_activity(world.ba_dinh, "A1", held_on=D(2025, 3, 10), people_reached=100)
    make_activity(world.ba_dinh, "A2", held_on=D(2025, 6, 1), people_reached=50)
    make_activity(world.hoan_kiem, "A3", held_on=D(2025, 4, 1), kind="training", people_reached=30)
    make_activity(world.hoan_kiem, "A4", held_on=D(2024, 12, 31), people_reached=20)
    make_activity(world.sai_gon, "A5", held_on=D(2025, 9, 15), people_reached=200)
    ben_thanh = Locality.objects.get(code="26740", scheme="2025")
    make_activity(ben_thanh, "A6", held_on=D(2025, 11, 20), people_reached=10)
    return world


@pytest.fixture
def plan(db):
    """The 2021–2025 plan, with the national programme's threshold: 70% of the communes."""
    plan = Plan.objects.get(is_default=True)
    Target.objects.create(plan=plan, metric=Metric.COMMUNICATION_COVERAGE, threshold=70)
    return Plan.objects.prefetch_related("targets").get(pk=plan.pk)


def figures(row):
    return tuple(row[name] for name in metrics.ACTIVITY_FIGURES)


def by_code(table):
    found = {row.locality.code: row for row in table.rows}
    found[""] = table.total
    return found


def test_a_finished_years_figures_at_every_level(held, plan):
    national = by_code(compliance_table(Frame.nation(), year=2025, as_of=FINISHED, plan=plan))
    # (activities held, people reached, communes, communes with communication, share)
    # Hà Nội: A1, A2, A3 held; 100 + 50 + 30 = 180 people; of its 2 communes only Ba Đình
    #   held a communication activity (A3 is a training, A4 is of 2024) -> 1 / 2 = 50.0.
    assert figures(national["01"]) == (3, 180, 2, 1, Decimal("50.0"))
    # TP Hồ Chí Minh: A5, A6; 210 people; both communes -> 2 / 2 = 100.0.
    assert figures(national["79"]) == (2, 210, 2, 2, Decimal("100.0"))
    # The nation sums the counts: 5 held, 390 people, 3 of 4 communes -> 75.0.
    assert figures(national[""]) == (5, 390, 4, 3, Decimal("75.0"))

    communes = by_code(
        compliance_table(
            Frame.nation(),
            year=2025,
            as_of=FINISHED,
            plan=plan,
            level=Level.COMMUNE,
            locality=held.hn,
        )
    )
    # Ba Đình: two communication meetings count as one commune: 1 / 1 = 100.0.
    assert figures(communes["00004"]) == (2, 150, 1, 1, Decimal("100.0"))
    # Hoàn Kiếm: a training only in 2025 -> 0 / 1 = 0.0.
    assert figures(communes["00070"]) == (1, 30, 1, 0, Decimal("0.0"))
    # The communes' total is Hà Nội's row.
    assert figures(communes[""]) == figures(national["01"])


def test_an_activity_counts_in_the_year_it_was_held(held, plan):
    national = by_code(compliance_table(Frame.nation(), year=2024, as_of=FINISHED, plan=plan))
    # 2024: A4 in Hoàn Kiếm alone -> Hà Nội 1 held, 20 people, 1 / 2 communes = 50.0.
    assert figures(national["01"]) == (1, 20, 2, 1, Decimal("50.0"))
    assert figures(national["79"]) == (0, 0, 2, 0, Decimal("0.0"))


def test_the_as_of_date_cuts_off_later_activities(held, plan):
    national = by_code(compliance_table(Frame.nation(), year=2025, as_of=RUNNING, plan=plan))
    # As of 30/06/2025: Hà Nội's A1, A2 (01/06), A3 all held -> unchanged; TP Hồ Chí Minh's
    # A5 (15/09) and A6 (20/11) not yet -> 0 of 2; the nation 1 of 4 = 25.0.
    assert figures(national["01"]) == (3, 180, 2, 1, Decimal("50.0"))
    assert figures(national["79"]) == (0, 0, 2, 0, Decimal("0.0"))
    assert figures(national[""]) == (3, 180, 4, 1, Decimal("25.0"))


def test_the_coverage_target_is_met_or_not_in_a_finished_year(held, plan):
    national = by_code(compliance_table(Frame.nation(), year=2025, as_of=FINISHED, plan=plan))
    status = "status_communication_coverage"
    # 50.0 < 70 not met; 100.0 ≥ 70 met; the nation's 75.0 ≥ 70 met.
    assert (national["01"][status], national["79"][status], national[""][status]) == (
        "not_met",
        "met",
        "met",
    )


def test_the_coverage_target_keeps_pace_with_the_year_while_it_runs(held, plan):
    status = "status_communication_coverage"
    # On 30/06/2025 the goal is 70 × 181 / 365 = 34.71%: Hà Nội's 50.0 is on track, TP Hồ Chí
    # Minh's 0.0 and the nation's 25.0 are behind.
    national = by_code(compliance_table(Frame.nation(), year=2025, as_of=RUNNING, plan=plan))
    assert (national["01"][status], national["79"][status], national[""][status]) == (
        "on_track",
        "behind",
        "behind",
    )
    communes = by_code(
        compliance_table(
            Frame.nation(),
            year=2025,
            as_of=RUNNING,
            plan=plan,
            level=Level.COMMUNE,
            locality=held.hn,
        )
    )
    # A commune's share is 0 or 100: Ba Đình on track, Hoàn Kiếm behind.
    assert (communes["00004"][status], communes["00070"][status]) == ("on_track", "behind")
    goal = metrics.goal_now(Metric.COMMUNICATION_COVERAGE, 70, year=2025, as_of=RUNNING, plan=plan)
    assert goal == Fraction(70 * 181, 365)


def test_the_threshold_is_compared_exactly(world, plan):
    """At 31/12 a threshold of 50 is met by 1 of 2 communes, not by 1 of 3 (33.3)."""
    make_activity(world.ba_dinh, "A1", held_on=D(2025, 5, 5))
    target = plan.targets.get(metric=Metric.COMMUNICATION_COVERAGE)
    target.threshold = 50
    target.save()
    plan = Plan.objects.prefetch_related("targets").get(pk=plan.pk)
    table = by_code(compliance_table(Frame.nation(), year=2025, as_of=FINISHED, plan=plan))
    assert table["01"]["status_communication_coverage"] == "met"
    make_locality("2025", "00073", "Phường Cửa Nam", "commune", world.hn)
    table = by_code(compliance_table(Frame.nation(), year=2025, as_of=FINISHED, plan=plan))
    assert figures(table["01"])[2:] == (3, 1, Decimal("33.3"))
    assert table["01"]["status_communication_coverage"] == "not_met"


def test_a_commune_officer_sees_their_communes_figures_only(held, plan, personas):
    table = compliance_table(
        Frame.of(personas.commune_officer), year=2025, as_of=FINISHED, plan=plan, level="commune"
    )
    assert [row.locality.code for row in table.rows] == ["00004"]
    assert figures(table.total) == (2, 150, 1, 1, Decimal("100.0"))


def test_a_province_with_activities_alone_is_not_folded_as_quiet(held, plan):
    national = compliance_table(Frame.nation(), year=2025, as_of=FINISHED, plan=plan)
    assert all(metrics.has_records(row) for row in national.rows)
    quiet = compliance_table(Frame.nation(), year=2023, as_of=FINISHED, plan=plan)
    # In 2023 nothing was recorded: the communes are places, not records.
    assert not any(metrics.has_records(row) for row in quiet.rows)


@pytest.mark.parametrize("level", ["province", "commune"])
def test_the_figures_cost_the_same_queries_with_more_communes_and_activities(held, plan, level):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            compliance_table(Frame.nation(), year=2025, as_of=FINISHED, plan=plan, level=level)
        return len(captured)

    before = queries()
    for n in range(6):
        commune = make_locality("2025", f"0{n + 100:04d}", f"Xã Mới {n}", "commune", held.hn)
        make_activity(commune, f"NEW-{n}", held_on=D(2025, 2, n + 1))
    assert queries() == before
    # The plan's targets are prefetched: the localities (with each province's communes),
    # establishments, reports, cases, activities.
    assert before == 6


@pytest.mark.parametrize(
    ("name", "args", "query"),
    [
        ("dashboard_national", [], {"year": 2025}),
        ("dashboard_locality", ["hn"], {"year": 2025}),
        ("dashboard_charts", [], {"year": 2025, "metric": "communication_coverage"}),
        ("work_lists", ["ba_dinh"], {"year": 2025}),
        ("review_national", [], {}),
        ("export_report", [], {"year": 2025, "locality": "01"}),
        ("export_compliance", ["csv"], {"year": 2025}),
    ],
)
def test_the_pages_judge_the_communication_target_of_a_plan(
    client, held, plan, personas, name, args, query
):
    from django.urls import reverse

    client.force_login(personas.ministry)
    client.cookies["django_language"] = "en"
    args = [getattr(held, a).pk if a in ("hn", "ba_dinh") else a for a in args]
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8-sig")
    if name == "export_compliance":
        header = body.splitlines()[0].split(",")
        assert "communication_pct" in header and "status_communication_coverage" in header
    elif name != "work_lists":
        assert "Communes holding communication activities" in body
