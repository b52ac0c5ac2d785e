"""The approval pages, and the approved figures on the dashboards, the printed report and the
compliance file: both numbers, marked, where the live figures now differ.

How live figures of an approved year can move: only through what the lock lets through (a
reopened year is no longer approved, and shows the live figures alone). Here: report R-3 of
Ba Đình, received on 20/12/2024 (deadline 09/01/2025), was still in time on 31/12/2024 when
the year was approved; its handling on 05/01/2025 is dated in 2025, so it is accepted, and
2024's figures read today count it as handled on time.

Approved (as of 31/12/2024): on time 1 (R-1) of 3 received − 1 pending (R-3) = 1 / 2 = 50.0 %.
Live (today): on time 2 (R-1, R-3) of 3 received − 0 pending = 2 / 3 = 66.7 %.
"""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from localities.models import Report
from localities.services import record_save
from plan_tracker.approvals import State, YearApproval
from tests.approvals.conftest import save

Y2024 = {"year": "2024"}


@pytest.fixture
def moved(hanoi, world, personas, step):
    r3 = save(
        Report(
            reference="R-3",
            kind_id="crime_information",
            locality=world.ba_dinh,
            received_on=datetime.date(2024, 12, 20),
        )
    )
    step(personas.hn_officer, "submit")
    approval = step(personas.ministry, "approve")
    r3 = Report.objects.get(pk=r3.pk)
    r3.handled_on, r3.outcome = datetime.date(2025, 1, 5), "no_violation"
    record_save(user=personas.hn_officer, record=r3, expected_version=r3.version)
    return approval


def english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def row_html(body, code):
    return re.search(rf'<tr data-code="{code}">(.*?)</tr>', body, re.S).group(1)


def reports_cell(row):
    return re.search(r'<td data-label="Reports handled on time">(.*?)</td>', row, re.S).group(1)


def test_the_national_table_shows_states_and_both_numbers(client, moved, personas):
    body = english(client, personas.ministry).get(reverse("dashboard_national"), Y2024)
    body = body.content.decode()
    hanoi, hcm = row_html(body, "01"), row_html(body, "79")
    assert 'data-state="approved"' in hanoi and ">Approved<" in hanoi
    assert 'data-state="not_submitted"' in hcm
    cell = reports_cell(hanoi)
    # (Percentages with a decimal comma, in English too.) The approved figure with its
    # counts, then the live one, marked.
    assert "50,0%" in cell and "1 / 2" in cell
    assert 'class="tc-live' in cell and "≠" in cell and "66,7%" in cell and "2 / 3" in cell
    # The annual inspection has not moved: no mark.
    annual = re.search(
        r'<td data-label="Establishments inspected this year">(.*?)</td>', hanoi, re.S
    ).group(1)
    assert "66,7%" in annual and "tc-live" not in annual
    assert "tc-live" not in hcm


def test_the_national_table_filters_to_approved_provinces(client, moved, personas):
    client = english(client, personas.ministry)
    response = client.get(reverse("dashboard_national"), {**Y2024, "approved": "1"})
    codes = [row.locality.code for row in response.context["figures"].rows]
    assert codes == ["01"]
    assert len(client.get(reverse("dashboard_national"), Y2024).context["figures"].rows) == 2


def test_a_provinces_table_shows_its_communes_approved_figures(client, moved, personas):
    response = english(client, personas.hn_officer).get(
        reverse("dashboard_locality", args=[moved.province_id]), Y2024
    )
    body = response.content.decode()
    assert 'id="approval-note"' in body and 'data-state="approved"' in body
    cell = reports_cell(row_html(body, "00004"))
    assert "50,0%" in cell and "66,7%" in cell and "≠" in cell
    footer = re.search(r"<tfoot[^>]*>(.*?)</tfoot>", body, re.S).group(1)
    assert "≠" in footer and "2 / 3" in footer


def test_a_reopened_year_shows_the_live_figures_alone(client, moved, personas, step):
    step(personas.admin, "reopen", comment="Sửa")
    body = english(client, personas.ministry).get(reverse("dashboard_national"), Y2024)
    hanoi = row_html(body.content.decode(), "01")
    assert 'data-state="reopened"' in hanoi
    cell = reports_cell(hanoi)
    assert "66,7%" in cell and "tc-live" not in cell and "50,0%" not in cell


def test_the_compliance_csv_has_the_state_and_the_approved_figures(client, moved, personas):
    response = english(client, personas.ministry).get(
        reverse("export_compliance", args=["csv"]), Y2024
    )
    rows = {
        r["locality_code"]: r
        for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    assert (rows["01"]["approval_state"], rows["01"]["approved_differs"]) == ("approved", "True")
    assert (rows["01"]["reports_on_time_pct"], rows["01"]["approved_reports_on_time_pct"]) == (
        "66.7",
        "50.0",
    )
    assert (rows["79"]["approval_state"], rows["79"]["approved_reports_on_time_pct"]) == (
        "not_submitted",
        "",
    )


def test_the_printed_report_shows_both_numbers(client, moved, personas):
    response = english(client, personas.hn_officer).get(
        reverse("export_report"), {**Y2024, "locality": "01"}
    )
    body = response.content.decode()
    assert 'id="report-approval" data-state="approved"' in body
    approved = re.search(r'data-approved="reports_on_time_pct">([^<]*)<', body).group(1)
    live = re.search(r'data-figure="reports_on_time_pct">(.*?)</td>', body, re.S).group(1)
    assert approved.strip() == "50,0" and "≠" in live and "66,7" in live
    inspected = re.search(r'data-figure="inspected_in_year">(.*?)</td>', body, re.S).group(1)
    assert "≠" not in inspected


def test_the_year_page_shows_the_state_figures_history_and_steps(client, hanoi, personas, world):
    url = reverse("approval_detail", args=[2024, world.hn.pk])
    client = english(client, personas.hn_officer)
    page = client.get(url).content.decode()
    assert 'data-state="not_submitted"' in page and 'value="submit"' in page
    response = client.post(reverse("approval_step", args=[2024, world.hn.pk]), {"action": "submit"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'id="approval-state" data-state="submitted"' in page
    assert "was submitted for approval on" in page
    # The snapshot: Hà Nội first, then its communes.
    assert re.findall(r'<tr[^>]*data-code="(\w+)"', page) == ["01", "00004", "00070"]
    assert 'value="submit"' not in page
    ministry = english(client, personas.ministry).get(url).content.decode()
    assert 'value="approve"' in ministry and 'value="return"' in ministry
    refused = client.post(
        reverse("approval_step", args=[2024, world.hn.pk]), {"action": "return"}, follow=True
    )
    assert "Say why in a comment" in refused.content.decode()
    assert YearApproval.objects.get().state == State.SUBMITTED
    history = re.search(r'id="approval-history".*?</table>', page, re.S).group(0)
    assert "hn_officer" in history and "Not submitted" in history and "Submitted" in history


def test_the_list_shows_the_ministry_every_province_and_an_officer_their_own(
    client, hanoi, personas, step, world
):
    step(personas.hn_officer, "submit")
    step(personas.hcm_officer, "submit", province=world.hcm)
    ministry = english(client, personas.ministry).get(reverse("approval_list")).content.decode()
    assert "Thành phố Hà Nội" in ministry and "Thành phố Hồ Chí Minh" in ministry
    officer = english(client, personas.hn_officer).get(reverse("approval_list"))
    assert [a.province.code for a in officer.context["approvals"]] == ["01"]
    other = reverse("approval_detail", args=[2024, world.hcm.pk])
    assert client.get(other).status_code == 404


def test_the_dashboards_query_count_does_not_grow_with_approved_provinces(
    client, moved, personas, world, step, django_assert_num_queries
):
    # Hồ Chí Minh City approved too: still one query for every province's approval.
    step(personas.hcm_officer, "submit", province=world.hcm)
    step(personas.ministry, "approve", province=world.hcm)
    english(client, personas.ministry)
    # session, user, assignment, plans, targets, localities, establishments, reports, cases,
    # activities, approvals (no plan in force targets a count of inspections: no scan of them)
    with django_assert_num_queries(11):
        client.get(reverse("dashboard_national"), Y2024)


def charts_row(body, name):
    table = re.search(r'id="ranking-table">(.*?)</table>', body, re.S).group(1)
    return next(row for row in re.findall(r"<tr.*?</tr>", table, re.S) if name in row)


def test_the_national_charts_show_each_provinces_state_and_approved_figure(client, moved, personas):
    response = english(client, personas.ministry).get(
        reverse("dashboard_charts"), {**Y2024, "metric": "reports_on_time"}
    )
    body = response.content.decode()
    assert 'id="approval-note"' in body
    hanoi = charts_row(body, "Hà Nội")
    assert 'data-approval="approved"' in hanoi
    # The live figure (2 / 3 = 66.7%) beside the approved one (1 / 2 = 50.0%), marked.
    approved = re.search(r'data-approved="01">(.*?)</td>', hanoi, re.S).group(1)
    assert "50" in approved and "≠" in approved
    assert "66" in hanoi and "2 / 3" in hanoi


def test_the_charts_show_no_mark_where_the_approved_figure_has_not_moved(client, moved, personas):
    # The annual inspection of Hà Nội has not moved since the approval (2 of 3 inspected).
    response = english(client, personas.ministry).get(
        reverse("dashboard_charts"), {**Y2024, "metric": "annual_inspection"}
    )
    body = response.content.decode()
    hanoi = charts_row(body, "Hà Nội")
    approved = re.search(r'data-approved="01">(.*?)</td>', hanoi, re.S).group(1)
    assert "66" in approved and "≠" not in approved
    # Hồ Chí Minh City's year is not submitted: its state, and no approved figure.
    hcm = charts_row(body, "Hồ Chí Minh")
    assert 'data-approval="not_submitted"' in hcm
    assert re.search(r'data-approved="79">\s*–\s*</td>', hcm)


def test_a_provinces_charts_show_its_state_and_its_communes_approved_figures(
    client, moved, personas, world
):
    response = english(client, personas.hn_officer).get(
        reverse("dashboard_charts"), {**Y2024, "locality": "01", "metric": "reports_on_time"}
    )
    body = response.content.decode()
    note = re.search(r'id="approval-note">(.*?)</div>', body, re.S).group(1)
    assert 'data-state="approved"' in note
    assert reverse("approval_detail", args=[2024, world.hn.pk]) in note
    ba_dinh = charts_row(body, "Ba Đình")
    assert "data-approval=" not in ba_dinh  # one province: its state is the note's
    approved = re.search(r'data-approved="00004">(.*?)</td>', ba_dinh, re.S).group(1)
    assert "50" in approved and "≠" in approved


def test_the_work_lists_show_the_state_and_both_numbers(client, moved, personas, world):
    response = english(client, personas.hn_officer).get(
        reverse("work_lists", args=[world.hn.pk]), Y2024
    )
    body = response.content.decode()
    note = re.search(r'id="approval-note">(.*?)</div>', body, re.S).group(1)
    assert 'data-state="approved"' in note and "Approval page" in note
    summary = re.search(r'id="summary">(.*?)<h2', body, re.S).group(1)
    # The reports card: the approved 50.0% (1 / 2), then the live 66.7% (2 / 3), marked.
    assert "50,0%" in summary and "1 / 2" in summary
    assert 'class="tc-live' in summary and "66,7%" in summary and "2 / 3" in summary
    assert summary.count("tc-live") == 1  # the other targets have not moved


def test_a_commune_officer_sees_the_state_without_the_provinces_approval_page(
    client, moved, personas, world
):
    response = english(client, personas.commune_officer).get(
        reverse("work_lists", args=[world.ba_dinh.pk]), Y2024
    )
    note = re.search(r'id="approval-note">(.*?)</div>', response.content.decode(), re.S).group(1)
    assert 'data-state="approved"' in note
    assert "Approval page" not in note and "/approvals/" not in note


def test_the_work_lists_of_a_year_not_submitted_show_the_live_figures_alone(
    client, hanoi, personas, world
):
    response = english(client, personas.hn_officer).get(
        reverse("work_lists", args=[world.hn.pk]), Y2024
    )
    body = response.content.decode()
    assert 'data-state="not_submitted"' in body
    assert "tc-live" not in body
