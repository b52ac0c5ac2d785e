"""Dashboards, work lists, charts and the CSV download: scope, contents, queries."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from plan_tracker.metrics import FIGURES, PLAN_FIGURES, RECORD_FIGURES
from tests.conftest import make_locality, make_user
from tests.plan_tracker import scenario
from tests.plan_tracker.scenario import establishment

AS_OF = "31/03/2025"  # as in test_metrics: 2024 is over, R6 is still pending
Q2024 = {"year": "2024", "as_of": AS_OF}


@pytest.fixture
def built(world, kinds):
    scenario.build(world, kinds)
    return world


def login(client, user):
    client.force_login(user)
    return client


def as_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))


# --- who sees what ------------------------------------------------------------------------------


def test_dashboards_need_a_login(client, built):
    for url in (
        reverse("dashboard_national"),
        reverse("dashboard_locality", args=[built.hn.pk]),
        reverse("work_lists", args=[built.ba_dinh.pk]),
        reverse("dashboard_charts"),
        reverse("export_compliance", args=["csv"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_ministry_staff_land_on_the_national_table(client, built, personas):
    response = login(client, personas.ministry).get(reverse("dashboard_national"), Q2024)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert [r.locality.code for r in figures.rows] == ["01", "79"]
    body = response.content.decode()
    # The page says which plan and which as-of date it measures against.
    assert "31/03/2025" in body
    assert "2021–2025" in body
    # Hà Nội: 4 / 10 inspected in 2024 = 40,0% (Vietnamese decimal comma), met.
    assert "40,0%" in body
    assert "4 / 10" in body


def test_a_provincial_officer_is_sent_to_their_province(client, built, personas):
    response = login(client, personas.hn_officer).get(reverse("dashboard_national"), Q2024)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard_locality", args=[built.hn.pk]))
    assert "year=2024" in response["Location"]


def test_a_commune_officer_is_sent_to_their_communes_work_lists(client, built, personas):
    response = login(client, personas.commune_officer).get(reverse("dashboard_national"))
    assert response.status_code == 302
    assert response["Location"] == reverse("work_lists", args=[built.ba_dinh.pk])
    # Their commune's "dashboard" is its work lists too.
    response = client.get(reverse("dashboard_locality", args=[built.ba_dinh.pk]))
    assert response["Location"] == reverse("work_lists", args=[built.ba_dinh.pk])


def test_someone_without_an_area_gets_404(client, built, personas):
    assert login(client, personas.outsider).get(reverse("dashboard_national")).status_code == 404
    assert client.get(reverse("export_compliance", args=["csv"])).status_code == 404


def scoped_urls(world):
    """(url name, args, query) of every dashboard URL aimed at one locality."""
    return {
        "hn": [
            ("dashboard_locality", [world.hn.pk], {}),
            ("work_lists", [world.hn.pk], {}),
            ("dashboard_charts", [], {"locality": world.hn.code}),
            ("export_compliance", ["csv"], {"locality": world.hn.code}),
        ],
        "hcm": [
            ("dashboard_locality", [world.hcm.pk], {}),
            ("work_lists", [world.hcm.pk], {}),
            ("dashboard_charts", [], {"locality": world.hcm.code}),
            ("export_compliance", ["csv"], {"locality": world.hcm.code}),
        ],
        "ba_dinh": [
            ("work_lists", [world.ba_dinh.pk], {}),
            ("dashboard_charts", [], {"locality": world.ba_dinh.code}),
            ("export_compliance", ["csv"], {"locality": world.ba_dinh.code}),
        ],
        "hoan_kiem": [
            ("work_lists", [world.hoan_kiem.pk], {}),
            ("dashboard_charts", [], {"locality": world.hoan_kiem.code}),
            ("export_compliance", ["csv"], {"locality": world.hoan_kiem.code}),
        ],
    }


@pytest.mark.parametrize(
    ("persona", "allowed", "refused"),
    [
        ("ministry", ["hn", "hcm", "ba_dinh", "hoan_kiem"], []),
        ("admin", ["hn", "hcm", "ba_dinh", "hoan_kiem"], []),
        ("hn_officer", ["hn", "ba_dinh", "hoan_kiem"], ["hcm"]),
        ("hcm_officer", ["hcm"], ["hn", "ba_dinh", "hoan_kiem"]),
        ("commune_officer", ["ba_dinh"], ["hn", "hcm", "hoan_kiem"]),
        ("outsider", [], ["hn", "hcm", "ba_dinh", "hoan_kiem"]),
    ],
)
def test_each_dashboard_url_answers_404_outside_the_users_area(
    client, built, personas, persona, allowed, refused
):
    login(client, getattr(personas, persona))
    urls = scoped_urls(built)
    for key in allowed:
        for name, args, query in urls[key]:
            response = client.get(reverse(name, args=args), {**Q2024, **query})
            assert response.status_code == 200, (persona, name, key)
    for key in refused:
        for name, args, query in urls[key]:
            response = client.get(reverse(name, args=args), {**Q2024, **query})
            assert response.status_code == 404, (persona, name, key)


def test_an_old_scheme_locality_answers_404(client, built, personas):
    login(client, personas.ministry)
    assert client.get(reverse("dashboard_locality", args=[built.old_hn.pk])).status_code == 404
    assert client.get(reverse("work_lists", args=[built.phuc_xa.pk])).status_code == 404


# --- the province's table -----------------------------------------------------------------------


def test_a_provinces_table_lists_its_communes_with_the_province_as_total(client, built, personas):
    response = login(client, personas.hn_officer).get(
        reverse("dashboard_locality", args=[built.hn.pk]), Q2024
    )
    figures = response.context["figures"]
    assert [r.locality for r in figures.rows] == [built.ba_dinh, built.hoan_kiem]
    assert figures.total.locality == built.hn
    # Ba Đình 3/6 = 50,0%, Hoàn Kiếm 1/4 = 25,0%, Hà Nội 4/10 = 40,0%.
    body = response.content.decode()
    for text in ("50,0%", "25,0%", "40,0%"):
        assert text in body
    # The communes lead to their work lists.
    assert reverse("work_lists", args=[built.ba_dinh.pk]) in body


def test_communes_without_any_record_are_hidden_until_asked(client, world, personas):
    establishment("X1", world.sai_gon)
    login(client, personas.hcm_officer)
    url = reverse("dashboard_locality", args=[world.hcm.pk])
    response = client.get(url, Q2024)
    # Bến Thành has nothing: hidden, and the page says so.
    assert [r.locality for r in response.context["figures"].rows] == [world.sai_gon]
    assert response.context["hidden"] == 1
    response = client.get(url, {**Q2024, "all": "1"})
    assert [r.locality for r in response.context["figures"].rows] == [
        world.sai_gon,
        world.ben_thanh,
    ]


def test_the_table_sorts_by_a_target_with_not_applicable_last(client, world, personas):
    # Sài Gòn 1/2 = 50%, Bến Thành 1/4 = 25%; HN has no establishment (n/a), only a case.
    establishment("S1", world.sai_gon, inspected=[scenario.D(2024, 5, 1)])
    establishment("S2", world.sai_gon)
    establishment("B1", world.ben_thanh, inspected=[scenario.D(2024, 5, 1)])
    for i in range(3):
        establishment(f"B{i + 2}", world.ben_thanh)
    thu = make_locality("2025", "02", "Tỉnh Thử", "province")  # no establishment either
    # A case each, so that neither is folded away with the provinces that have no record.
    scenario.case("C-HN", world.ba_dinh, scenario.D(2024, 1, 1), scenario.D(2024, 2, 1))
    scenario.case("C-02", thu, scenario.D(2024, 1, 1), scenario.D(2024, 2, 1))
    login(client, personas.ministry)
    url = reverse("dashboard_national")

    def order(sort):
        response = client.get(url, {**Q2024, "sort": sort})
        return [r["code"] for r in response.context["table"].data]

    # HCM (1+1)/(2+4) = 33,3%; Hà Nội and Tỉnh Thử n/a, after it both ways.
    assert order("target_annual_inspection")[0] == "79"
    assert order("-target_annual_inspection")[0] == "79"
    # By name, tone marks aside: "Thanh pho Ha Noi", "Thanh pho Ho Chi Minh", "Tinh Thu".
    assert order("locality") == ["01", "79", "02"]
    assert order("-locality") == ["02", "79", "01"]
    # The two n/a rows keep the table's own order (by code) after it, in both directions.
    assert order("-target_annual_inspection") == ["79", "01", "02"]
    assert order("target_annual_inspection") == ["79", "01", "02"]


def row_cells(body: str, code: str) -> list[str]:
    """What each <td> of the table's row for `code` holds, in column order."""
    row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', body, re.S)
    assert row, code
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)


def header_cells(body: str) -> dict[str, tuple[str, str]]:
    """Each header's text -> (its <th> attributes, what it holds)."""
    found = re.findall(r"<th\b([^>]*)>(.*?)</th>", body, re.S)
    return {re.sub(r"<[^>]+>", "", inner).strip(): (attrs, inner) for attrs, inner in found}


def test_a_row_draws_each_target_with_its_figure_badge_bar_and_counts(client, built, personas):
    response = login(client, personas.hn_officer).get(
        reverse("dashboard_locality", args=[built.hn.pk]), Q2024
    )
    body = response.content.decode()
    name, count, reports, annual, coverage, growth, links = row_cells(body, "00004")
    work = reverse("work_lists", args=[built.ba_dinh.pk]) + "?year=2024&amp;as_of=31%2F03%2F2025"
    assert f'<a href="{work}" class="fw-semibold">Phường Ba Đình</a>' in name
    assert "00004" in name
    assert '<span class="figure-num">6</span>' == count  # E1..E6 operated in 2024
    # Reports on time, 2024 is over: 3 on time of 6 received − 1 pending = 60,0% < 100%: not met,
    # a striped red bar filled to 60%, the goal mark at 100%.
    assert 'data-status="not_met"' in reports
    assert "60,0%" in reports and "✘" in reports and "Không đạt" in reports
    assert "bg-danger progress-bar-striped" in reports and ' pct-60"' in reports
    assert 'aria-label="Đạt 60,0% so với mức cần đạt 100,0%"' in reports
    assert "3 / 5" in reports
    # Annual inspection: 3 / 6 = 50,0% >= 20%: met, plain green bar, goal mark at 20%, and no
    # dashed mark (the goal is the target itself in a finished year).
    assert 'data-status="met"' in annual and "✔ Đạt" in re.sub("<[^>]+>", "", annual)
    assert 'bg-success pct-50"' in annual and '"marker at-20"' in annual
    assert "marker-final" not in annual
    assert 'title="Đạt 50,0% so với mức cần đạt 20,0%"' in annual
    assert "3 / 6" in annual
    # Full coverage, judged against the straight line: on 31/12/2024, 1,460 of the plan's 1,825
    # days -> 80,0% expected; 3 of the 5 open then were inspected since 2021 (E2, E4, E6) =
    # 60,0%: behind, a dashed mark at the target (100%).
    assert 'data-status="behind"' in coverage and "bg-warning progress-bar-striped" in coverage
    assert "60,0%" in coverage and '"marker at-80"' in coverage
    assert '<span class="marker marker-final at-100">' in coverage
    assert "3 / 5" in coverage
    # Cases: 3 handled in 2024 (C3, C4, C7) vs 2 in 2023 (C1, C2) = +50,0% >= 3%: met; the bar's
    # scale is max(2 × 1.03, 3) = 3 cases, full, the goal mark at 2.06 / 3 = 68,7% (drawn at 69%).
    assert 'data-status="met"' in growth and "+50,0%" in growth
    assert ' pct-100"' in growth and '"marker at-69"' in growth
    assert "3 so với 2 năm trước" in growth
    # Next steps: the work lists, then the commune's record lists.
    pk = built.ba_dinh.pk
    assert re.findall(r'href="([^"]+)">([^<]+)</a>', links) == [
        (work, "Việc cần làm"),
        (f"{reverse('establishment_list')}?commune={pk}", "Cơ sở kinh doanh"),
        (f"{reverse('inspection_list')}?commune={pk}", "Kiểm tra"),
        (f"{reverse('report_list')}?locality={pk}", "Nguồn tin"),
        (f"{reverse('case_list')}?locality={pk}", "Vụ án"),
    ]
    # Hoàn Kiếm has no report and no case: n/a cells with no bar, the counts still shown.
    _name, _count, reports, annual, _coverage, growth, _links = row_cells(body, "00070")
    for cell in (reports, growth):
        assert 'data-status="not_applicable"' in cell and "progress" not in cell
        assert "Không áp dụng" in cell
    assert "0 / 0" in reports and "0 so với 0 năm trước" in growth
    assert "25,0%" in annual and "1 / 4" in annual
    # The footer: Hà Nội's total, its establishments under the column.
    footer = re.search(r"<tfoot[^>]*>(.*?)</tfoot>", body, re.S).group(1)
    assert "Tổng: Thành phố Hà Nội" in footer and '<td class="text-end"' in footer
    assert "40,0%" in footer and "4 / 10" in footer


def test_the_table_speaks_english_when_asked(client, built, personas):
    client.cookies["django_language"] = "en"
    response = login(client, personas.hn_officer).get(
        reverse("dashboard_locality", args=[built.hn.pk]), Q2024
    )
    body = response.content.decode()
    _name, _count, reports, annual, _coverage, growth, links = row_cells(body, "00004")
    assert "Not met" in reports and "Met" in annual
    assert 'aria-label="50,0% against 20,0% expected"' in annual  # dd/mm/yyyy, decimal comma
    assert "3 vs 2 last year" in growth
    assert ">Work lists</a>" in links and ">Establishments</a>" in links
    assert "Total: Thành phố Hà Nội" in body
    assert "Locality" in header_cells(body)


def test_the_headers_sort_keep_the_query_and_say_which_way(client, built, personas):
    login(client, personas.ministry)
    response = client.get(
        reverse("dashboard_national"), {**Q2024, "sort": "-target_annual_inspection"}
    )
    headers = header_cells(response.content.decode())
    query = "?year=2024&amp;as_of=31%2F03%2F2025&amp;sort="
    attrs, inner = headers["Cơ sở được kiểm tra trong năm"]
    assert 'class="desc orderable target-col"' in attrs and 'aria-sort="descending"' in attrs
    assert 'title="Cơ sở được kiểm tra trong năm ≥ 20%"' in attrs
    assert f'href="{query}target_annual_inspection"' in inner  # next: ascending
    attrs, inner = headers["Địa bàn"]
    assert 'class="orderable"' in attrs and "aria-sort" not in attrs
    assert f'href="{query}locality"' in inner
    attrs, inner = headers["Cơ sở kinh doanh"]
    assert 'class="orderable text-end"' in attrs and f'href="{query}establishments"' in inner
    assert "href" not in headers["Việc tiếp theo"][1]  # not sortable
    # Sorted by name ascending: the name's link sorts descending; an unknown column is ignored.
    response = client.get(reverse("dashboard_national"), {**Q2024, "sort": "bogus,locality"})
    attrs, inner = header_cells(response.content.decode())["Địa bàn"]
    assert 'class="asc orderable"' in attrs and 'aria-sort="ascending"' in attrs
    assert f'href="{query}-locality"' in inner
    # TP Hồ Chí Minh has no record: folded below the table, not a row of it.
    assert [r["code"] for r in response.context["table"].data] == ["01"]


def test_names_are_escaped_in_the_table(client, world, personas):
    odd = make_locality("2025", "00099", 'Xã <b>"Thử" & Nghiệm</b>', "commune", world.hn)
    establishment("X1", odd)
    response = login(client, personas.hn_officer).get(
        reverse("dashboard_locality", args=[world.hn.pk]), Q2024
    )
    body = response.content.decode()
    assert "Xã &lt;b&gt;&quot;Thử&quot; &amp; Nghiệm&lt;/b&gt;" in body
    assert "<b>" not in body


def test_the_work_lists_summary_draws_the_same_cells(client, built, personas):
    response = login(client, personas.commune_officer).get(
        reverse("work_lists", args=[built.ba_dinh.pk]), Q2024
    )
    summary = re.search(r'id="summary"(.*?)<h2', response.content.decode(), re.S).group(1)
    assert 'aria-label="Đạt 50,0% so với mức cần đạt 20,0%"' in summary
    assert 'data-status="behind"' in summary and '"marker at-80"' in summary


def test_the_selectors_refuse_a_bad_date_a_future_date_and_a_year_outside_the_plan(
    client, built, personas
):
    login(client, personas.ministry)
    url = reverse("dashboard_national")
    refused = {
        "31/02/2025": "Nhập một ngày hợp lệ",  # Django's "Enter a valid date."
        "01/01/2999": "01/01/2999",  # the message names the future date
        "01/01/1999": "01/01/2000",  # and the earliest day allowed
    }
    for as_of, said in refused.items():
        response = client.get(url, {"as_of": as_of})
        assert response.status_code == 400, as_of
        assert "figures" not in response.context
        assert said in response.content.decode(), as_of
    response = client.get(url, {"year": "2031", "as_of": AS_OF})
    assert response.status_code == 400
    assert "2021–2025" in response.content.decode()
    response = client.get(url, {"year": "2023", "as_of": "2025-03-31"})  # ISO accepted too
    assert response.context["sel"].as_of == scenario.D(2025, 3, 31)
    assert response.context["figures"].year == 2023


# --- work lists ---------------------------------------------------------------------------------


def test_a_communes_work_lists(client, built, personas):
    response = login(client, personas.commune_officer).get(
        reverse("work_lists", args=[built.ba_dinh.pk]), {"as_of": "10/04/2025"}
    )
    assert response.status_code == 200
    ctx = response.context
    # Never inspected since 01/01/2021 among those open on 10/04/2025: E3 only.
    assert [e.code for e in ctx["never_list"]] == ["E3"]
    # Not handled: R5 (deadline 21/11/2024), R7 (30/01/2025), R6 (15/04/2025).
    assert [r.reference for r in ctx["todo_list"]] == ["R5", "R7", "R6"]
    assert ctx["overdue"] == 2
    assert ctx["due_soon"] == 1  # R6: 15/04 is 10/04 + 5 days, the last day due soon
    # 2025 on 10/04/2025: operating E2..E6 = 5, inspected E5 = 1; 20% of 5 = 1: nothing more.
    assert ctx["pace"]["annual_inspection"].needed == 0
    # Coverage: open 5, inspected since 2021 E2, E4, E5, E6 = 4; 1 more over April–December
    # 2025 = 9 months -> 1 a month.
    coverage = ctx["pace"]["full_coverage"]
    assert (coverage.needed, coverage.months_left, coverage.per_month) == (1, 9, 1)
    body = response.content.decode()
    assert "R5" in body and "E3" in body.replace("Cơ sở E3", "E3")
    # Each report's row: its deadline then, the days overdue or left, its status. R5, due
    # 21/11/2024, is 140 days overdue on 10/04/2025 (9 + 31 + 31 + 28 + 31 + 10); R6, due
    # 15/04/2025, has 5 days left and is due soon.
    rows = _rows(body, "reports-to-handle")
    r5 = next(row for row in rows if ">R5</a>" in row)
    assert r5.startswith('<tr class="table-danger">')
    assert "21/11/2024" in r5 and "quá hạn 140 ngày" in r5 and "text-bg-danger" in r5
    r6 = next(row for row in rows if ">R6</a>" in row)
    assert r6.startswith('<tr class="table-warning">')
    assert "15/04/2025" in r6 and "còn 5 ngày" in r6 and "text-bg-warning" in r6
    r6_pk = next(r.pk for r in ctx["todo_list"] if r.reference == "R6")
    assert f'href="{reverse("report_detail", args=[r6_pk])}"' in r6
    (e3,) = _rows(body, "never-inspected")
    assert f'href="{ctx["never_list"][0].get_absolute_url()}"' in e3
    assert ">E3</span>" in e3


def _rows(body: str, section: str) -> list[str]:
    """The <tr> rows of a work list's table body, as sent."""
    table = body.split(f'id="{section}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return ["<tr" + row.split("</tr>", 1)[0] + "</tr>" for row in table.split("<tr")[1:]]


def test_the_work_lists_due_soon_is_the_reports_due_soon_status(client, built, personas):
    # R6 is due on 15/04/2025. On 09/04 that is 6 days away: pending, not due soon, on the
    # report itself and on the work lists alike; on 10/04 (5 days) it
    # is due soon everywhere.
    from localities.models import Report

    login(client, personas.commune_officer)
    r6 = Report.objects.get(reference="R6")
    for day, due_soon in (("09/04/2025", 0), ("10/04/2025", 1)):
        as_of = scenario.D(2025, 4, int(day[:2]))
        work = client.get(reverse("work_lists", args=[built.ba_dinh.pk]), {"as_of": day})
        assert work.context["due_soon"] == due_soon, day
        assert (r6.status(as_of) == "due_soon") == bool(due_soon), day
        row = next(r for r in _rows(work.content.decode(), "reports-to-handle") if ">R6<" in r)
        assert ('class="table-warning"' in row) == bool(due_soon), day


def test_the_work_lists_rows_escape_what_users_typed(client, built, personas):
    from localities.models import Establishment

    Establishment.objects.filter(code="E3").update(name='Quán <b>"Hoa"</b> & Co', opened_on=None)
    login(client, personas.commune_officer)
    response = client.get(reverse("work_lists", args=[built.ba_dinh.pk]), {"as_of": "10/04/2025"})
    (e3,) = _rows(response.content.decode(), "never-inspected")
    assert "Quán &lt;b&gt;&quot;Hoa&quot;&lt;/b&gt; &amp; Co" in e3 and "<b>" not in e3
    # An unknown opening date is said in words, not left blank.
    assert "không rõ" in e3
    # A province's page adds the commune: the officer of Hà Nội sees Ba Đình on the row.
    login(client, personas.hn_officer)
    province = client.get(reverse("work_lists", args=[built.ba_dinh.province_id]))
    (row,) = [r for r in _rows(province.content.decode(), "never-inspected") if "E3" in r]
    assert f"<td>{built.ba_dinh.name}</td>" in row


def test_the_never_inspected_link_opens_exactly_the_establishments_counted(client, built, personas):
    # Beside E3 (open, in scope, never inspected), three that the work list must not count:
    # one out of the plan's scope, one closed before the as-of date, one opened after it.
    D = scenario.D
    establishment("OUT", built.ba_dinh, in_scope=False)
    establishment("SHUT", built.ba_dinh, opened=D(2020, 1, 1), closed=D(2025, 1, 31))
    establishment("LATE", built.ba_dinh, opened=D(2025, 4, 1))
    login(client, personas.commune_officer)
    response = client.get(reverse("work_lists", args=[built.ba_dinh.pk]), {"as_of": "10/03/2025"})
    counted = [e.code for e in response.context["never_list"]]
    assert counted == ["E3"] and response.context["never_count"] == 1
    listed = client.get(response.context["never_link"])
    assert sorted(row.record.code for row in listed.context["table"].paginated_rows) == counted


def test_work_lists_never_show_a_reporters_identity(client, built, personas):
    from localities.models import Report, ReporterIdentity

    ReporterIdentity.objects.create(
        report=Report.objects.get(reference="R5"), full_name="Nguyễn Bí Mật", contact="0900000000"
    )
    response = login(client, personas.hn_officer).get(
        reverse("work_lists", args=[built.hn.pk]), {"as_of": AS_OF}
    )
    body = response.content.decode()
    assert "R5" in body
    assert "Nguyễn Bí Mật" not in body and "0900000000" not in body


# --- charts -------------------------------------------------------------------------------------


def test_the_charts_page_ranks_and_marks_too_few_to_compare(client, built, personas):
    login(client, personas.ministry)
    response = client.get(reverse("dashboard_charts"), {**Q2024, "metric": "annual_inspection"})
    assert response.status_code == 200
    chart = response.context["chart"]
    # Hà Nội has 10 establishments (>= 5): ranked; HCM has none: too few (n/a), not on top.
    assert [e["code"] for e in chart["ranked"]] == ["01"]
    assert [e["code"] for e in chart["too_few"]] == ["79"]
    # Over the plan's years for the nation: 2024 = 40.0%.
    annual = next(s for s in chart["over_years"] if s["metric"] == "annual_inspection")
    assert [p["year"] for p in annual["points"]] == [2021, 2022, 2023, 2024, 2025]
    assert annual["points"][3]["value"] == 40.0
    # The map has a dot per province with coordinates (both have them in the test world).
    assert {e["code"] for e in chart["map"]} == {"01", "79"}
    body = response.content.decode()
    assert 'id="chart-data"' in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert "cdn" not in body.lower()


def test_a_locality_with_a_small_denominator_is_marked_not_ranked_first(client, world, personas):
    # Sài Gòn: 2 establishments, both inspected (100%); Bến Thành: 10, 3 inspected (30%).
    for i in range(2):
        establishment(f"S{i}", world.sai_gon, inspected=[scenario.D(2024, 5, 1)])
    for i in range(10):
        establishment(f"B{i}", world.ben_thanh, inspected=[scenario.D(2024, 5, 1)] if i < 3 else [])
    login(client, personas.hcm_officer)
    response = client.get(reverse("dashboard_charts"), {**Q2024, "locality": world.hcm.code})
    chart = response.context["chart"]
    assert [e["code"] for e in chart["ranked"]] == ["26740"]  # Bến Thành 30%
    assert [(e["code"], e["too_few"]) for e in chart["too_few"]] == [("26734", True)]


# --- CSV ----------------------------------------------------------------------------------------


CSV_URL = "/exports/compliance.csv"


def test_the_csv_download_is_the_table_with_its_total(client, built, personas):
    response = login(client, personas.ministry).get(CSV_URL, Q2024)
    assert response["Content-Type"].startswith("text/csv")
    assert "as-of-2025-03-31" in response["Content-Disposition"]
    assert "plan-2021-2025" in response["Content-Disposition"]
    rows = as_csv(response)
    assert list(rows[0])[:6] == ["locality_code", "locality_name", "level", "year", "as_of", "plan"]
    assert list(rows[0])[6 : 6 + len(FIGURES)] == FIGURES
    assert [r["locality_code"] for r in rows] == ["01", "79", ""]
    hn, hcm, nation = rows
    # Hà Nội: 4 of 10 inspected -> 40.0; reports 4 / (7 − 1) -> 66.7.
    assert (hn["inspected_in_year"], hn["establishments_operating"]) == ("4", "10")
    assert hn["inspected_in_year_pct"] == "40.0"
    assert hn["reports_on_time_pct"] == "66.7"
    assert hn["status_annual_inspection"] == "met"
    assert hn["as_of"] == "2025-03-31"
    # HCM: nothing -> percentages empty, statuses not_applicable.
    assert hcm["inspected_in_year_pct"] == ""
    assert hcm["status_reports_on_time"] == "not_applicable"
    assert nation["level"] == "nation"
    assert nation["establishments_operating"] == "10"


def test_an_officers_csv_is_their_own_area(client, built, personas):
    response = login(client, personas.hn_officer).get(CSV_URL, Q2024)
    rows = as_csv(response)
    # Hà Nội's communes, then Hà Nội as total (with its own report and case).
    assert [r["locality_code"] for r in rows] == ["00004", "00070", "01"]
    assert rows[-1]["reports_received"] == "7"
    response = login(client, personas.commune_officer).get(CSV_URL, Q2024)
    rows = as_csv(response)
    assert [r["locality_code"] for r in rows] == ["00004", "00004"]
    assert rows[0]["reports_received"] == "6"


# --- queries ------------------------------------------------------------------------------------


def approve_2024(personas, *provinces):
    """Submit and approve 2024 for these provinces (their approved figures on the pages)."""
    from plan_tracker.approvals import take_step
    from plan_tracker.metrics import default_plan

    plan = default_plan()
    officers = {"01": personas.hn_officer, "79": personas.hcm_officer}
    for province in provinces:
        for user, action in ((officers[province.code], "submit"), (personas.ministry, "approve")):
            take_step(user=user, action=action, plan=plan, province=province, year=2024)


def grow_provinces(n):
    for i in range(n):
        province = make_locality("2025", f"{40 + i}", f"Tỉnh {i}", "province")
        commune = make_locality("2025", f"{30000 + i}", f"Xã {i}", "commune", province)
        establishment(f"P{i}", commune, inspected=[scenario.D(2024, 3, 3)])


@pytest.mark.parametrize("provinces", [2, 10])
def test_the_national_page_costs_the_same_queries_whatever_the_number_of_provinces(
    client, world, personas, django_assert_num_queries, provinces
):
    grow_provinces(provinces)
    approve_2024(personas, world.hn, world.hcm)
    login(client, personas.ministry)
    # session, user, assignment, plans, targets, localities, establishments, reports, cases,
    # activities, and the approvals of every province's year (one grouped query, whatever
    # their number); no scan of the inspections (no plan in force targets a count of them)
    with django_assert_num_queries(11):
        response = client.get(reverse("dashboard_national"), Q2024)
    assert len(response.context["figures"].rows) == 2 + provinces


@pytest.mark.parametrize("provinces", [2, 10])
def test_the_charts_cost_the_same_queries_for_every_year_and_province(
    client, world, personas, django_assert_num_queries, provinces
):
    grow_provinces(provinces)
    approve_2024(personas, world.hn, world.hcm)
    login(client, personas.ministry)
    # session, user, assignment, plans, targets, localities, establishments, reports, cases,
    # activities, the probe for inspections after the as-of date (the series reaches 2025,
    # running at 31/03/2025, so the summary of inspected years is used only if there are none),
    # the cases the ministry watches, and the approvals of every province's year (one query,
    # whatever their number)
    with django_assert_num_queries(14):
        response = client.get(reverse("dashboard_charts"), Q2024)
    assert len(response.context["chart"]["ranked"]) + len(response.context["chart"]["too_few"]) == (
        2 + provinces
    )


@pytest.mark.parametrize("communes", [2, 10])
def test_a_provinces_page_and_work_lists_cost_constant_queries(
    client, world, personas, django_assert_num_queries, communes
):
    for i in range(communes):
        commune = make_locality("2025", f"{30000 + i}", f"Xã {i}", "commune", world.hn)
        establishment(f"C{i}", commune)
    approve_2024(personas, world.hn)
    login(client, personas.hn_officer)
    # session, user, assignment, locality, plans, targets, in-scope check, localities,
    # establishments, reports, cases, activities, the approval of the province's year, and the
    # officer's locality in the navigation bar (no scan of the inspections: no plan in force
    # targets a count of them)
    with django_assert_num_queries(14):
        client.get(reverse("dashboard_locality", args=[world.hn.pk]), Q2024)
    # + never inspected (the list and its count in one query), reports to handle (the list and
    # its counts, due soon and overdue among them, in one query), and the probe for
    # inspections after the as-of date (the pace of the running year 2025); the approval of the
    # province's year is one query here as there
    with django_assert_num_queries(17):
        response = client.get(reverse("work_lists", args=[world.hn.pk]), Q2024)
    assert response.context["never_count"] == communes
    assert response.context["approval"].state == "approved"
    # A commune's work lists: as many, whatever the number of communes of its province.
    with django_assert_num_queries(17):
        response = client.get(reverse("work_lists", args=[world.ba_dinh.pk]), Q2024)
    assert response.context["approval"].state == "approved"


# --- the plan admin -----------------------------------------------------------------------------


def test_only_administrators_edit_plans_and_targets(client, built, personas):
    url = reverse("admin:plan_tracker_plan_changelist")
    assert login(client, personas.admin).get(url).status_code == 200
    staff_ministry = make_user("staff_ministry", "ministry", is_staff=True)
    assert login(client, staff_ministry).get(url).status_code == 403
    assert login(client, personas.ministry).get(url).status_code == 302  # not staff: to login


def test_making_a_plan_the_default_unsets_the_previous_one(client, built, personas):
    from plan_tracker.models import Plan

    login(client, personas.admin)
    response = client.post(
        reverse("admin:plan_tracker_plan_add"),
        {
            "name": "Kế hoạch 2026–2030",
            "name_en": "",
            "province": "",
            "document_number": "",
            "document_date": "",
            "issuing_body": "",
            "description": "",
            "first_year": "2026",
            "last_year": "2030",
            "is_default": "on",
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "0",
            "targets-MIN_NUM_FORMS": "0",
            "targets-MAX_NUM_FORMS": "1000",
            "targets-0-metric": "annual_inspection",
            "targets-0-threshold": "25",
            "targets-0-applies_to": "each_commune",
            "targets-0-description": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Plan.objects.filter(is_default=True).values_list("first_year", flat=True)) == [2026]
    new = Plan.objects.get(first_year=2026)
    assert new.targets.get().threshold == Decimal("25")


# --- the management command ---------------------------------------------------------------------


def run_report(*args) -> str:
    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("compliance_report", *args, stdout=out, stderr=err)
    assert "2021–2025" in err.getvalue()  # it states the plan (on stderr)
    return out.getvalue()


def test_the_command_prints_the_national_table_as_csv(built):
    text = run_report("--year", "2024", "--as-of", "2025-03-31", "--format", "csv")
    lines = text.splitlines()
    assert lines[0] == ",".join(
        ["locality_code", "locality_name", "level", "year", "as_of", "plan", *FIGURES]
        + [
            "status_reports_on_time",
            "status_annual_inspection",
            "status_full_coverage",
            "status_cases_growth",
        ]
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["locality_code"] for r in rows] == ["01", "79"]
    hn = rows[0]
    # establishments 10 operating, 4 inspected (40.0); open 9, 4 inspected since 2021 (44.4);
    # reports 7 received, 5 handled, 4 on time, 1 pending, 1 overdue (66.7);
    # cases 4 vs 2 (100.0); inspections made 5 (E1, E2, E4 twice, H1).
    assert [hn[f] for f in RECORD_FIGURES + PLAN_FIGURES] == [
        "10", "4", "40.0", "9", "4", "44.4", "7", "5", "4", "1", "1", "66.7", "4", "2", "100.0",
        "5",
    ]  # fmt: skip
    assert (hn["status_annual_inspection"], hn["status_full_coverage"]) == ("met", "behind")
    assert rows[1]["coverage_pct"] == ""


def test_the_command_prints_a_provinces_communes_as_json(built):
    text = run_report(
        "--year", "2024", "--as-of", "2025-03-31", "--locality", "01", "--level", "commune",
        "--format", "json",
    )  # fmt: skip
    rows = json.loads(text)
    assert [r["locality_code"] for r in rows] == ["00004", "00070"]
    ba_dinh = rows[0]
    assert list(ba_dinh)[:5] == ["locality_code", "locality_name", "level", "year", "as_of"]
    assert ba_dinh["level"] == "commune"
    assert ba_dinh["establishments_operating"] == 6
    assert ba_dinh["inspected_in_year_pct"] == 50.0
    assert ba_dinh["reports_on_time_pct"] == 60.0
    assert rows[1]["reports_on_time_pct"] is None  # Hoàn Kiếm: no report
    assert ba_dinh["status_reports_on_time"] == "not_met"


def test_the_command_gives_a_provinces_own_row_with_level_province(built):
    rows = json.loads(run_report("--year", "2024", "--as-of", "2025-03-31", "--locality", "01",
                                 "--level", "province", "--format", "json"))  # fmt: skip
    assert [(r["locality_code"], r["level"], r["reports_received"]) for r in rows] == [
        ("01", "province", 7)
    ]


def test_the_command_reads_an_old_code_and_refuses_unknown_ones(built):
    from django.core.management.base import CommandError

    rows = json.loads(
        run_report("--year", "2024", "--as-of", "2025-03-31", "--locality", "2004:01",
                   "--level", "province", "--format", "json")
    )  # fmt: skip
    assert rows[0]["locality_code"] == "01"  # old Hà Nội went whole into the new one
    with pytest.raises(CommandError):
        run_report("--year", "2024", "--locality", "77", "--format", "csv")
    with pytest.raises(CommandError):
        run_report(
            "--year", "2024", "--locality", "00004", "--level", "province", "--format", "csv"
        )  # a commune has no provincial row
    # The same bounds as the pages and the API: no future date, no year after the current one.
    with pytest.raises(CommandError, match="01/01/2999"):
        run_report("--year", "2024", "--as-of", "2999-01-01", "--format", "csv")
    with pytest.raises(CommandError, match=r"2021\D+20\d\d\."):  # from 2021 to this year
        run_report("--year", "2031", "--format", "csv")


def test_logging_in_lands_on_the_dashboards(client, built, personas):
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "ministry", "password": PASSWORD})
    assert response["Location"] == reverse("dashboard_national")
    client.logout()
    response = client.post(
        reverse("login"), {"username": "hn_officer", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard_locality", args=[built.hn.pk])


def test_one_decimal_figures_are_rounded_half_up_not_cut():
    from fractions import Fraction

    from django.utils import translation

    from plan_tracker.dashboards.html_table import Numbers

    with translation.override("vi"):
        numbers = Numbers()
        # 163.77 cases needed to keep pace: 163,8 (numberformat alone cut it to 163,7).
        assert numbers.one(163.77) == "163,8"
        assert numbers.one(Fraction(491, 3)) == "163,7"  # 163.666…
        assert numbers.one(Decimal("30.5")) == "30,5"
        assert numbers.one(Decimal("-0.04")) == "0,0"
        assert numbers.one(2) == "2,0"
    with translation.override("en"):
        assert Numbers().one(0.25) == "0,3"  # the English pages keep the Vietnamese separators
