"""The lists: filters (each restricted to the user's area), sorting, 25 a page, and a number of
SQL queries that does not grow with the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from localities.models import Report
from tests.localities.conftest import (
    make_case,
    make_establishment,
    make_inspection,
    make_report,
)

D = datetime.date


@pytest.fixture
def hn(client, login, records):
    login("hn_officer")
    client.cookies["django_language"] = "en"
    return records


def shown(response):
    return [str(row.record) for row in response.context["table"].paginated_rows]


def codes(response):
    return sorted(row.record.code for row in response.context["table"].paginated_rows)


def listed_codes(response):
    """The codes in the order the page lists them."""
    return [row.record.code for row in response.context["table"].paginated_rows]


def references(response):
    return sorted(row.record.reference for row in response.context["table"].paginated_rows)


def test_establishments_are_searched_by_code_name_and_address(client, hn, world):
    make_establishment(world.hoan_kiem, "EST-X", address="12 phố Hàng Bạc")
    assert codes(client.get(reverse("establishment_list"), {"q": "hàng bạc"})) == ["EST-X"]
    assert codes(client.get(reverse("establishment_list"), {"q": "est-b"})) == ["EST-BD"]
    # As the picker searches: tone marks and case aside, every word anywhere.
    assert codes(client.get(reverse("establishment_list"), {"q": "HANG bac 12"})) == ["EST-X"]


def test_establishments_filter_by_commune_line_scope_and_operating_status(client, hn, world, today):
    make_establishment(world.hoan_kiem, "EST-KARA", line="karaoke")
    make_establishment(world.hoan_kiem, "EST-OUT", in_scope=False)
    make_establishment(world.hoan_kiem, "EST-SHUT", closed_on=D(2023, 6, 30))
    url = reverse("establishment_list")
    assert codes(client.get(url, {"commune": world.ba_dinh.pk})) == ["EST-BD"]
    assert codes(client.get(url, {"line": "karaoke"})) == ["EST-KARA"]
    assert codes(client.get(url, {"in_scope": "false"})) == ["EST-OUT"]
    assert codes(client.get(url, {"operating": "closed"})) == ["EST-SHUT"]
    assert "EST-SHUT" not in codes(client.get(url, {"operating": "operating"}))


def test_establishments_never_inspected_since_the_plan_began(client, hn, world):
    # EST-BD and EST-HK were inspected on 05/03/2024; EST-OLD only in 2019, before 01/01/2021.
    old = make_establishment(world.hoan_kiem, "EST-OLD", opened_on=D(2018, 1, 1))
    make_inspection(old, D(2019, 5, 5))
    make_establishment(world.ba_dinh, "EST-NEVER")
    response = client.get(reverse("establishment_list"), {"not_inspected_since": "01/01/2021"})
    assert codes(response) == ["EST-NEVER", "EST-OLD"]
    # As of 31/12/2018 only EST-OLD was open (the others opened in 2020), and its inspection of
    # 2019 had not happened yet.
    response = client.get(
        reverse("establishment_list"),
        {"not_inspected_since": "01/01/2015", "as_of": "31/12/2018"},
    )
    assert codes(response) == ["EST-OLD"]


def test_inspections_filter_by_outcome_team_and_year(client, hn, records):
    est = records.establishment["HK"]
    make_inspection(
        est,
        D(2023, 5, 5),
        outcome="violation",
        violations="Không đăng ký lưu trú",
        fine_vnd=1000,
        team="interagency",
    )
    url = reverse("inspection_list")
    assert len(shown(client.get(url, {"year": 2023}))) == 1
    assert len(shown(client.get(url, {"year": 2024}))) == 2  # BD and HK on 05/03/2024
    assert len(shown(client.get(url, {"outcome": "violation"}))) == 1
    assert len(shown(client.get(url, {"team": "interagency"}))) == 1


def test_reports_filter_by_status_computed_against_the_deadline_and_today(client, hn, world, today):
    # Crime information: due 20 days after receipt.
    Report.objects.all().delete()
    make_report(world.ba_dinh, "PENDING", received_on=today - datetime.timedelta(days=5))
    make_report(world.ba_dinh, "DUE-SOON", received_on=today - datetime.timedelta(days=16))
    make_report(world.ba_dinh, "OVERDUE", received_on=today - datetime.timedelta(days=21))
    make_report(
        world.ba_dinh,
        "ON-TIME",
        received_on=D(2024, 1, 1),
        handled_on=D(2024, 1, 21),
        outcome="no_violation",
    )
    make_report(
        world.ba_dinh,
        "LATE",
        received_on=D(2024, 1, 1),
        handled_on=D(2024, 1, 22),
        outcome="no_violation",
    )
    url = reverse("report_list")
    for status, expected in [
        ("pending", ["PENDING"]),  # 15 days left
        ("due_soon", ["DUE-SOON"]),  # 4 days left
        ("overdue", ["OVERDUE"]),  # due yesterday
        ("handled_on_time", ["ON-TIME"]),  # handled on its deadline, 21/01/2024
        ("handled_late", ["LATE"]),  # a day after it
    ]:
        assert references(client.get(url, {"status": status})) == expected, status


def test_reports_filter_by_kind_locality_year_and_search(client, hn, world):
    make_report(world.hoan_kiem, "DEN-2023", kind="denunciation", received_on=D(2023, 4, 4))
    url = reverse("report_list")
    assert references(client.get(url, {"kind": "denunciation"})) == ["DEN-2023"]
    assert references(client.get(url, {"year": 2023})) == ["DEN-2023"]
    assert references(client.get(url, {"locality": world.hn.pk})) == ["REP-HN"]
    assert references(client.get(url, {"q": "tin báo rep-hk"})) == ["REP-HK"]


def test_cases_filter_by_article_handled_and_year(client, hn, world):
    make_case(
        world.ba_dinh, "CASE-328", article="328", opened_on=D(2022, 2, 2), handled_on=D(2023, 3, 3)
    )
    url = reverse("case_list")
    assert references(client.get(url, {"article": "328"})) == ["CASE-328"]
    assert references(client.get(url, {"handled": "true"})) == ["CASE-328"]
    assert "CASE-328" not in references(client.get(url, {"handled": "false"}))
    # Opened in 2022 and handled in 2023: found under either year.
    assert references(client.get(url, {"year": 2022})) == ["CASE-328"]
    assert references(client.get(url, {"year": 2023})) == ["CASE-328"]


def test_a_list_is_sortable_by_its_columns(client, hn, world):
    make_establishment(world.ba_dinh, "EST-AAA")
    response = client.get(reverse("establishment_list"), {"sort": "-code"})
    assert listed_codes(response) == ["EST-HK", "EST-BD", "EST-AAA"]
    # EST-BD and EST-HK were inspected on 05/03/2024; EST-HK again on 01/06/2024; EST-AAA never.
    make_inspection(hn.establishment["HK"], D(2024, 6, 1))
    # The most recent first; never inspected last, in both directions and on every database.
    response = client.get(reverse("establishment_list"), {"sort": "-last_inspected"})
    assert listed_codes(response) == ["EST-HK", "EST-BD", "EST-AAA"]
    response = client.get(reverse("establishment_list"), {"sort": "last_inspected"})
    assert listed_codes(response) == ["EST-BD", "EST-HK", "EST-AAA"]
    response = client.get(reverse("report_list"), {"sort": "status_code"})
    assert response.status_code == 200


def test_a_list_shows_25_rows_a_page(client, hn, world):
    for i in range(30):
        make_establishment(world.ba_dinh, f"EST-P{i:02d}")
    response = client.get(reverse("establishment_list"))
    # 30 + EST-BD + EST-HK = 32 rows: 25 on page 1, 7 on page 2.
    assert len(shown(response)) == 25
    assert len(shown(client.get(reverse("establishment_list"), {"page": 2}))) == 7


def test_national_users_choose_a_province_before_a_commune(client, login, records, world):
    login("ministry")
    response = client.get(reverse("establishment_list"))
    form = response.context["filter"].form
    assert len(list(form.fields["commune"].widget.choices)) == 1  # only "choose a province first"
    response = client.get(reverse("establishment_list"), {"province": world.hcm.pk})
    form = response.context["filter"].form
    offered = [c[0] for c in form.fields["commune"].widget.choices if c[0]]
    assert {int(str(v)) for v in offered} == {world.sai_gon.pk, world.ben_thanh.pk}
    assert codes(response) == ["EST-SG"]


LIST_URLS = ["establishment_list", "inspection_list", "report_list", "case_list"]


def add_rows(world, n, start):
    for i in range(start, start + n):
        est = make_establishment(world.ba_dinh if i % 2 else world.hoan_kiem, f"EST-Q{i:03d}")
        make_inspection(est, D(2024, 1, 2))
        make_report(world.ba_dinh, f"REP-Q{i:03d}")
        make_case(world.hoan_kiem, f"CASE-Q{i:03d}")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["hn_officer", "commune_officer", "ministry"])
@pytest.mark.parametrize("url_name", LIST_URLS)
def test_a_list_page_costs_the_same_queries_for_3_or_30_rows(
    client, login, records, world, persona, url_name, django_assert_max_num_queries
):
    login(persona)
    url = reverse(url_name)
    add_rows(world, 3, 0)
    few = count_queries(client, url)
    add_rows(world, 27, 3)
    many = count_queries(client, url)
    assert few == many
    # Measured: 6 to 8 — session, user, assignment, the count, the page, the locality
    # drop-down, (a report list: the kinds), (a national user: the provinces).
    with django_assert_max_num_queries(8):
        client.get(url)


@pytest.mark.parametrize("model", ["establishment", "inspection", "report", "case"])
def test_a_record_page_costs_a_bounded_number_of_queries(
    client, hn, records, model, django_assert_max_num_queries
):
    record = records.of(model)["BD"]
    # Measured: 5 to 8 (the record, its history, the labels in it, an establishment's
    # inspections, a report's cases and identity-look count).
    with django_assert_max_num_queries(9):
        assert client.get(reverse(f"{model}_detail", args=[record.pk])).status_code == 200


def test_the_home_page_counts_the_users_area_in_one_query_per_kind_of_record(
    client, login, personas, records, today, django_assert_num_queries
):
    from localities.selectors import Frame
    from plan_tracker.metrics import home_figures

    user = login("commune_officer")
    make_inspection(records.establishment["BD"], today)
    frame = Frame.of(user)  # the assignment, read once per request
    with django_assert_num_queries(4):
        counts = home_figures(frame, today=today)
    # Ba Đình: EST-BD operates (opened 15/01/2020, never closed); inspected today; REP-BD was
    # due on 21/02/2024 and is not handled: overdue; CASE-BD is open.
    assert counts == {
        "establishments": 1,
        "inspections_this_year": 1,
        "reports_pending": 0,
        "reports_overdue": 1,
        "reports_this_year": 0,
        "cases_handled_this_year": 0,
        "cases_open": 1,
        "year": today.year,
    }
    html = client.get(reverse("home")).content.decode()
    assert 'id="records-cards"' in html


def test_an_establishments_page_number_out_of_range_still_opens_it(client, hn, records):
    # EST-BD has one inspection: one page of them. A page past the end, or not a number, shows
    # that page rather than a server error.
    url = reverse("establishment_detail", args=[records.establishment["BD"].pk])
    for page in ("2", "999999999999999999999", "x", "-1"):
        response = client.get(url, {"page": page})
        assert response.status_code == 200, page
        assert len(response.context["inspections"].paginated_rows) == 1, page


def test_an_establishments_line_reads_in_the_active_language():
    from django.utils import translation

    from localities.models import Establishment

    disco = Establishment(line="discotheque")
    with translation.override("en"):
        assert disco.get_line_display() == "Discotheque"
    with translation.override("vi"):
        assert disco.get_line_display() == "Vũ trường"
    # A value outside the lines (an old row) is shown as it is, as Django's own would.
    assert Establishment(line="sauna_old").get_line_display() == "sauna_old"
