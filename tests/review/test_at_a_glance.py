"""The national table at a glance, on the small world of conftest.py in 2024, with a third
province that has no record (Tỉnh Trống, 02) and a fourth whose only record is a case (Tỉnh
Án, 04: cases growth from 0 the year before is n/a, so every target is n/a there).

Statuses in 2024 (a finished year, judged met / not met), by hand:
  Hà Nội: annual 1/2 = 50% met, reports 1/1 met, coverage 2/2 met, cases 3 ≥ 2.06 met.
  TP HCM: annual 1/3 not met, reports 0/1 not met, coverage 1/3 not met, cases 1 not met.
  Tỉnh Trống, Tỉnh Án: n/a for all four.
So for each target: met 1, not met 1, on track 0, behind 0, n/a 2.
"""

import datetime
import re

from django.urls import reverse

from tests.conftest import make_locality
from tests.plan_tracker.scenario import case


def page(client, personas, plan, **extra):
    client.force_login(personas.ministry)
    return client.get(reverse("dashboard_national"), {"plan": plan.pk, "year": 2024, **extra})


def provinces(world):
    make_locality("2025", "02", "Tỉnh Trống", "province")
    with_case = make_locality("2025", "04", "Tỉnh Án", "province")
    case("AN-1", with_case, datetime.date(2024, 1, 1), datetime.date(2024, 3, 1))


def test_the_glance_counts_each_status_of_each_target(client, personas, reviewed, world):
    provinces(world)
    response = page(client, personas, reviewed)
    glance = {line["target"].metric: line for line in response.context["glance"]}
    for metric in ("annual_inspection", "reports_on_time", "full_coverage", "cases_growth"):
        counts = {info["id"]: n for info, n in glance[metric]["cells"]}
        assert counts == {
            "met": 1,
            "not_met": 1,
            "on_track": 0,
            "behind": 0,
            "not_applicable": 2,
        }, metric
    html = response.content.decode()
    block = html[html.index('id="at-a-glance"') : html.index('id="compliance"')]
    row = re.search(r'<tr data-metric="annual_inspection">(.*?)</tr>', block, re.S).group(1)
    cells = re.findall(r'data-status="(\w+)">(\d+)</td>', row)
    assert cells == [
        ("met", "1"),
        ("not_met", "1"),
        ("on_track", "0"),
        ("behind", "0"),
        ("not_applicable", "2"),
    ]


def test_the_provinces_come_worst_first_unless_sorted(client, personas, reviewed, world):
    provinces(world)
    response = page(client, personas, reviewed)
    # TP HCM (79) has a target not met: before Hà Nội (01), whose code comes first; Tỉnh Án
    # (04, every target n/a) last.
    assert [r["code"] for r in response.context["table"].data] == ["79", "01", "04"]
    # A sort link still sorts: by name, "Thanh pho Ha Noi", "Thanh pho Ho Chi Minh", "Tinh An".
    sorted_response = page(client, personas, reviewed, sort="locality")
    assert [r["code"] for r in sorted_response.context["table"].data] == ["01", "79", "04"]
    sorted_response = page(client, personas, reviewed, sort="-target_annual_inspection")
    assert [r["code"] for r in sorted_response.context["table"].data] == ["01", "79", "04"]


def test_provinces_with_no_record_are_folded_into_one_line(client, personas, reviewed, world):
    provinces(world)
    response = page(client, personas, reviewed)
    html = response.content.decode()
    assert [p.code for p in response.context["quiet"]] == ["02"]
    assert "02" not in [r["code"] for r in response.context["table"].data]
    fold = re.search(
        r'<details class="fold small mb-3" id="quiet-provinces">(.*?)</details>', html, re.S
    ).group(1)
    assert "<summary>1 tỉnh, thành phố chưa có cơ sở, nguồn tin hay vụ án nào</summary>" in fold
    assert '<li class="list-inline-item" data-code="02">Tỉnh Trống</li>' in fold
    # The total still counts every province, and the downloads hold them all.
    assert len(response.context["figures"].rows) == 4


def test_a_table_with_every_province_recorded_has_no_fold(client, personas, reviewed):
    response = page(client, personas, reviewed)
    assert response.context["quiet"] == []
    assert 'id="quiet-provinces"' not in response.content.decode()


def test_the_glance_costs_no_query(client, personas, reviewed, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page(client, personas, reviewed)
    with CaptureQueriesContext(connection) as before:
        page(client, personas, reviewed)
    provinces(world)
    with django_assert_num_queries(len(before.captured_queries)):
        page(client, personas, reviewed)
