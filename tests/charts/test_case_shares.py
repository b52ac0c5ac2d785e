"""The charts page's cases the ministry watches: each year's share of online cases (among the
cases handled whose way of operating is recorded) and of cases with minors (among the cases
handled), for the nation, a province and their rows, counted by hand from tests/cases/watched.py;
within the reader's area, in a number of queries that does not grow with the localities.

As of 31/01/2025 (HN-8, handled 01/02/2025, has not been handled yet):

2024   handled  recorded  online        minors
HN        5        4      3 → 75.0%     2 → 40.0%   (HN-1..HN-5; HN-4 not recorded)
  BĐ      2        2      2 → 100.0%    1 → 50.0%   (HN-1, HN-2)
  HK      2        1      0 → 0.0%      1 → 50.0%   (HN-3, HN-4)
  (HN-5 is placed at Hà Nội itself: in the province's total, in no commune's row)
HCM       2        2      1 → 50.0%     1 → 50.0%   (SG-1, SG-2)
nation    7        6      4 → 66.7%     3 → 42.9%
2023: HN-7 alone: 1 handled, 0 online of 1 → 0.0%, 1 with minors → 100.0%.
2021, 2022, 2025 (as of 31/01): nothing handled → n/a.
"""

import datetime

import pytest
from django.urls import reverse

from localities.selectors import Frame
from plan_tracker import metrics
from tests.cases.watched import build, make_case
from tests.conftest import make_locality


@pytest.fixture
def watched(world):
    return build(world)


D = datetime.date
AS_OF = D(2025, 1, 31)
Q2024 = {"year": "2024", "as_of": "31/01/2025"}


def counts(kinds: metrics.CaseKinds) -> tuple:
    return (
        kinds.cases_handled,
        kinds.cases_modus_recorded,
        kinds.cases_online,
        kinds.cases_with_minors,
    )


def test_the_shares_of_the_nation_and_its_provinces(world, watched):
    series = metrics.case_kinds_series(Frame.nation(), years=[2023, 2024, 2025], as_of=AS_OF)
    y2024 = series[2024]
    assert counts(y2024[world.hn.pk]) == (5, 4, 3, 2)
    assert (y2024[world.hn.pk].online_pct, y2024[world.hn.pk].with_minors_pct) == (75, 40)
    assert counts(y2024[world.hcm.pk]) == (2, 2, 1, 1)
    nation = y2024[None]
    assert counts(nation) == (7, 6, 4, 3)
    assert str(nation.online_pct) == "66.7"
    assert str(nation.with_minors_pct) == "42.9"
    assert nation.modus_not_recorded == 1
    assert counts(series[2023][None]) == (1, 1, 0, 1)
    assert (series[2023][None].online_pct, series[2023][None].with_minors_pct) == (0, 100)
    # HN-8 was handled after the as-of date: it does not exist yet.
    assert counts(series[2025][None]) == (0, 0, 0, 0)
    assert series[2025][None].online_pct is None
    assert series[2025][None].with_minors_pct is None


def test_a_provinces_communes_and_its_own_cases(world, watched):
    series = metrics.case_kinds_series(
        Frame.nation(), years=[2024], as_of=AS_OF, level="commune", locality=world.hn
    )
    y2024 = series[2024]
    assert counts(y2024[world.ba_dinh.pk]) == (2, 2, 2, 1)
    assert counts(y2024[world.hoan_kiem.pk]) == (2, 1, 0, 1)
    # HN-5, placed at Hà Nội itself, counts in the total only.
    assert counts(y2024[world.hn.pk]) == (1, 1, 1, 0)
    assert counts(y2024[None]) == (5, 4, 3, 2)
    assert world.sai_gon.pk not in y2024


def test_a_year_not_begun_has_an_empty_total(world, watched):
    series = metrics.case_kinds_series(Frame.nation(), years=[2025], as_of=D(2024, 12, 31))
    assert series == {2025: {None: metrics.CaseKinds()}}


# --- the page ----------------------------------------------------------------------------------


def cases_of(response):
    assert response.status_code == 200
    return response.context["chart"]["cases"]


def point(cases, year):
    return next(p for p in cases["over_years"] if p["year"] == year)


def test_the_national_charts_show_each_year_and_each_province(client, personas, world, watched):
    client.force_login(personas.ministry)
    cases = cases_of(client.get(reverse("dashboard_charts"), Q2024))
    assert [p["year"] for p in cases["over_years"]] == [2021, 2022, 2023, 2024, 2025]
    y2024 = point(cases, 2024)
    assert y2024["handled"] == 7 and y2024["not_recorded"] == 1
    assert y2024["online"] == {"value": 66.7, "numerator": 4, "denominator": 6}
    assert y2024["minors"] == {"value": 42.9, "numerator": 3, "denominator": 7}
    assert point(cases, 2023)["online"]["value"] == 0.0
    assert point(cases, 2023)["minors"]["value"] == 100.0
    assert point(cases, 2021)["online"]["value"] is None
    assert point(cases, 2025)["begun"] and point(cases, 2025)["handled"] == 0
    rows = {r["code"]: r for r in cases["rows"]}
    assert rows["01"]["online"] == {"value": 75.0, "numerator": 3, "denominator": 4}
    assert rows["01"]["minors"] == {"value": 40.0, "numerator": 2, "denominator": 5}
    assert rows["79"]["online"] == {"value": 50.0, "numerator": 1, "denominator": 2}
    assert rows["79"]["minors"] == {"value": 50.0, "numerator": 1, "denominator": 2}
    assert rows["01"]["url"].startswith(reverse("dashboard_charts"))
    assert "locality=01" in rows["01"]["url"]
    assert cases["quiet"] == 0


def test_the_page_gives_the_same_figures_as_tables(client, personas, world, watched):
    client.force_login(personas.ministry)
    body = client.get(reverse("dashboard_charts"), Q2024).content.decode()
    assert 'id="cases-chart"' in body
    years = body[
        body.index('id="cases-years-table"') : body.index(
            "</table>", body.index("cases-years-table")
        )
    ]
    # 2024: 7 handled, 66,7% (4 / 6) online, 42,9% (3 / 7) with minors, 1 not recorded.
    assert '<th scope="row">2024</th>' in years
    cells = years[years.index('<th scope="row">2024</th>') :].split("</tr>")[0]
    for text in ("7", "66,7%", "4 / 6", "42,9%", "3 / 7", "1"):
        assert f">{text}</td>" in cells
    localities = body[body.index('id="cases-localities-table"') :].split("</table>")[0]
    assert "Thành phố Hà Nội" in localities and "75,0%" in localities and "3 / 4" in localities
    assert "Vụ án trên mạng và vụ án có người chưa thành niên qua các năm" in body


def test_a_provinces_charts_show_its_communes(client, personas, world, watched):
    client.force_login(personas.hn_officer)
    cases = cases_of(client.get(reverse("dashboard_charts"), {**Q2024, "locality": "01"}))
    y2024 = point(cases, 2024)
    assert y2024["online"] == {"value": 75.0, "numerator": 3, "denominator": 4}
    assert y2024["minors"] == {"value": 40.0, "numerator": 2, "denominator": 5}
    rows = {r["code"]: r for r in cases["rows"]}
    assert sorted(rows) == ["00004", "00070"]
    assert rows["00004"]["online"] == {"value": 100.0, "numerator": 2, "denominator": 2}
    assert rows["00070"]["online"] == {"value": 0.0, "numerator": 0, "denominator": 1}
    assert rows["00070"]["not_recorded"] == 1
    assert rows["00070"]["minors"] == {"value": 50.0, "numerator": 1, "denominator": 2}
    assert rows["00004"]["url"] is None


def test_each_reader_sees_only_their_area(client, personas, world, watched):
    client.force_login(personas.hcm_officer)
    cases = cases_of(client.get(reverse("dashboard_charts"), Q2024))
    assert point(cases, 2024)["online"] == {"value": 50.0, "numerator": 1, "denominator": 2}
    assert point(cases, 2023)["handled"] == 0
    assert sorted(r["code"] for r in cases["rows"]) == ["26734", "26740"]
    response = client.get(reverse("dashboard_charts"), {**Q2024, "locality": "01"})
    assert response.status_code == 404
    client.force_login(personas.commune_officer)
    cases = cases_of(client.get(reverse("dashboard_charts"), Q2024))
    assert point(cases, 2024)["online"] == {"value": 100.0, "numerator": 2, "denominator": 2}
    assert point(cases, 2024)["minors"] == {"value": 50.0, "numerator": 1, "denominator": 2}
    assert cases["rows"] == []


def test_localities_that_handled_no_case_are_counted_apart(client, personas, world):
    make_case(world, "HN-X", "ba_dinh", "street", False, "", False, D(2024, 1, 1), D(2024, 2, 1))
    client.force_login(personas.ministry)
    cases = cases_of(client.get(reverse("dashboard_charts"), Q2024))
    assert [r["code"] for r in cases["rows"]] == ["01"]
    assert cases["quiet"] == 1
    assert rows_online(cases) == {"01": 0.0}


def rows_online(cases):
    return {r["code"]: r["online"]["value"] for r in cases["rows"]}


# --- queries -----------------------------------------------------------------------------------


def grow(n, world):
    for i in range(n):
        province = make_locality("2025", f"{40 + i}", f"Tỉnh {i}", "province")
        commune = make_locality("2025", f"{30000 + i}", f"Xã {i}", "commune", province)
        setattr(world, f"x{i}", commune)
        make_case(
            world,
            f"X-{i}",
            f"x{i}",
            "online_ott",
            False,
            "16_17",
            False,
            D(2024, 1, 1),
            D(2024, 3, 1),
        )


@pytest.mark.parametrize("provinces", [2, 10])
def test_the_national_charts_cost_the_same_queries_whatever_the_provinces(
    client, personas, world, watched, django_assert_num_queries, provinces
):
    grow(provinces, world)
    client.force_login(personas.ministry)
    # session, user, assignment, plans, targets, localities, establishments, reports, cases,
    # activities, the probe for inspections after the as-of date, and the cases the ministry
    # watches (one grouped query for every year and province)
    with django_assert_num_queries(14):
        response = client.get(reverse("dashboard_charts"), Q2024)
    cases = response.context["chart"]["cases"]
    assert len(cases["rows"]) == 2 + provinces
    assert point(cases, 2024)["online"]["numerator"] == 4 + provinces


@pytest.mark.parametrize("communes", [2, 10])
def test_a_provinces_charts_cost_the_same_queries_whatever_the_communes(
    client, personas, world, watched, django_assert_num_queries, communes
):
    for i in range(communes):
        commune = make_locality("2025", f"{30000 + i}", f"Xã {i}", "commune", world.hn)
        setattr(world, f"x{i}", commune)
        make_case(
            world, f"X-{i}", f"x{i}", "street", False, "", False, D(2024, 1, 1), D(2024, 3, 1)
        )
    client.force_login(personas.hn_officer)
    # session, user, assignment, plans, targets, the province, its place in the officer's area
    # (checked by the selection and by the table), the communes, the probe for inspections
    # after the as-of date, establishments, reports, cases, activities, the cases the ministry
    # watches, and the officer's locality in the navigation bar
    with django_assert_num_queries(18):
        response = client.get(reverse("dashboard_charts"), {**Q2024, "locality": "01"})
    assert len(response.context["chart"]["cases"]["rows"]) == 2 + communes
