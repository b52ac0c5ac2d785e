"""Plans after 2025: a national plan for 2026–2030 and Hà Nội's own 2026 plan, with the records
of 2026 in Hà Nội that both judge (hand-computed figures in tests/plans/test_in_force.py).

Phường Ba Đình:
  X1 opened 01/01/2020, inspected 10/02/2026 and 10/05/2026
  X2 opened 01/01/2020, inspected 01/07/2026
  X3 opening unknown, never inspected
  X4 out of the plan's scope, inspected 01/03/2026 (never counted)
  cases handled 01/03/2026 and 01/06/2026
Phường Hoàn Kiếm:
  Y1 opening unknown, inspected 15/07/2026
Hà Nội itself: a case handled 20/04/2026.

National plan 2026–2030: annual inspection ≥ 20% (each commune), cases handled ≥ 2 (count,
each commune).
Hà Nội's plan 2026 (Kế hoạch 07/KH-UBND of 07/01/2026): cases handled ≥ 4 (count, the province
as a whole), inspections made ≥ 2 (count, each commune), reports on time 100% (each commune).
"""

from decimal import Decimal

import pytest

from plan_tracker.models import Plan, Target
from tests.plan_tracker.scenario import D, case, establishment


@pytest.fixture
def plans(world):
    national = Plan.objects.create(
        name="Kế hoạch quốc gia 2026–2030",
        first_year=2026,
        last_year=2030,
        document_number="12/KH-BCA",
        document_date=D(2025, 12, 20),
        issuing_body="Bộ Công an",
    )
    Target.objects.create(plan=national, metric="annual_inspection", threshold=Decimal("20"))
    Target.objects.create(plan=national, metric="cases_handled_count", threshold=Decimal("2"))
    hanoi = Plan.objects.create(
        name="Kế hoạch phòng, chống mại dâm năm 2026 của Hà Nội",
        province=world.hn,
        first_year=2026,
        last_year=2026,
        document_number="07/KH-UBND",
        document_date=D(2026, 1, 7),
        issuing_body="UBND Thành phố Hà Nội",
    )
    Target.objects.create(
        plan=hanoi,
        metric="cases_handled_count",
        threshold=Decimal("4"),
        applies_to="whole_province",
    )
    Target.objects.create(plan=hanoi, metric="inspections_count", threshold=Decimal("2"))
    Target.objects.create(plan=hanoi, metric="reports_on_time", threshold=Decimal("100"))
    return type("Plans", (), {"national": national, "hanoi": hanoi})


@pytest.fixture
def records_2026(world):
    bd, hk = world.ba_dinh, world.hoan_kiem
    establishment("X1", bd, opened=D(2020, 1, 1), inspected=[D(2026, 2, 10), D(2026, 5, 10)])
    establishment("X2", bd, opened=D(2020, 1, 1), inspected=[D(2026, 7, 1)])
    establishment("X3", bd)
    establishment("X4", bd, in_scope=False, inspected=[D(2026, 3, 1)])
    establishment("Y1", hk, inspected=[D(2026, 7, 15)])
    case("K1", bd, D(2026, 1, 5), D(2026, 3, 1))
    case("K2", bd, D(2026, 1, 5), D(2026, 6, 1))
    case("KP", world.hn, D(2026, 1, 5), D(2026, 4, 20))
    return world
