"""A small world for the plan's review: a plan of two years (2023–2024) and two provinces, one
that reached every target every year (Hà Nội) and one that never did (TP Hồ Chí Minh).

Plan 2023–2024: annual inspection ≥ 50%, reports on time ≥ 100%, full coverage ≥ 100%,
cases growth ≥ 3%. Crime denunciations have 20 days.

Hà Nội (Phường Ba Đình):
  A1 opened 2020, inspected 01/03/2023 and 01/03/2024; A2 opened 2020, inspected 01/05/2023.
    annual: 2023 2/2 = 100% met; 2024 1/2 = 50% met; whole plan (2+1)/(2+2) = 75.0%.
    coverage: 2023 2/2 on track; 2024 (the plan's last day) 2/2 = 100% met.
  reports: received 01/02/2023 handled 10/02/2023; received 01/03/2024 handled 05/03/2024:
    on time both years (1/1, 1/1), whole plan 2/2 = 100.0%.
  cases handled: 1 in 2022, 2 in 2023 (≥ 1.03 met), 3 in 2024 (≥ 2.06 met);
    whole plan 3 against 1 = +200.0%.
TP Hồ Chí Minh (Phường Sài Gòn):
  B1 opened 2020, inspected 01/06/2022 only (before the plan); B2 opened 2020, never
  inspected; B3 opened 2020, inspected 02/02/2024.
    annual: 2023 0/3 not met; 2024 1/3 = 33.3% not met; whole plan 1/6 = 16.7%.
    coverage: 2023 0/3 behind; 2024 1/3 not met. Never inspected on 31/12/2024: B1, B2.
  reports: received 01/04/2023 handled 01/06/2023 (late); received 01/12/2024, deadline
    21/12/2024, never handled: overdue on 31/12/2024. On time: 0/1 and 0/1.
  cases handled: 2 in 2022, 2 in 2023 (< 2.06 not met), 1 in 2024 (< 2.06 not met);
    whole plan 1 against 2 = −50.0%.
The nation: annual 2023 2/5 = 40.0%, 2024 2/5 = 40.0%, whole plan 4/10 = 40.0% (never met).
"""

import datetime
from decimal import Decimal

import pytest

from plan_tracker.models import Plan, Target
from tests.plan_tracker.scenario import case, establishment, report

D = datetime.date


@pytest.fixture
def short_plan(db):
    plan = Plan.objects.create(name="Kế hoạch thử 2023–2024", first_year=2023, last_year=2024)
    for metric, threshold in [
        ("reports_on_time", "100"),
        ("annual_inspection", "50"),
        ("full_coverage", "100"),
        ("cases_growth", "3"),
    ]:
        Target.objects.create(plan=plan, metric=metric, threshold=Decimal(threshold))
    return Plan.objects.prefetch_related("targets").get(pk=plan.pk)


@pytest.fixture
def reviewed(world, kinds, short_plan):
    crime = kinds["crime_denunciation"]
    bd, sg = world.ba_dinh, world.sai_gon
    establishment("A1", bd, opened=D(2020, 1, 1), inspected=[D(2023, 3, 1), D(2024, 3, 1)])
    establishment("A2", bd, opened=D(2020, 1, 1), inspected=[D(2023, 5, 1)])
    report("HN-1", bd, crime, D(2023, 2, 1), handled=D(2023, 2, 10))
    report("HN-2", bd, crime, D(2024, 3, 1), handled=D(2024, 3, 5))
    for n, day in enumerate(
        [D(2022, 5, 1), D(2023, 1, 5), D(2023, 6, 5), D(2024, 2, 1), D(2024, 4, 1), D(2024, 9, 1)]
    ):
        case(f"HN-C{n}", bd, D(2022, 1, 1), day)
    establishment("B1", sg, opened=D(2020, 1, 1), inspected=[D(2022, 6, 1)])
    establishment("B2", sg, opened=D(2020, 1, 1))
    establishment("B3", sg, opened=D(2020, 1, 1), inspected=[D(2024, 2, 2)])
    report("SG-1", sg, crime, D(2023, 4, 1), handled=D(2023, 6, 1))
    report("SG-2", sg, crime, D(2024, 12, 1))
    for n, day in enumerate(
        [D(2022, 3, 1), D(2022, 4, 1), D(2023, 3, 1), D(2023, 4, 1), D(2024, 5, 1)]
    ):
        case(f"SG-C{n}", sg, D(2022, 1, 1), day)
    return short_plan
