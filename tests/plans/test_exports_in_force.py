"""The compliance downloads (CSV, XLSX) and the API for a year under several plans: with no plan
chosen, one row per locality and plan in force, a `plan` column and a status column for each
target of any of them, as compliance_report prints them; with a plan chosen, that plan alone.

Records and plans in tests/plans/conftest.py: Hà Nội in 2026 under the national plan 2026–2030
and Hà Nội's own plan 2026, read as of 30/06/2026 (a running year: elapsed share s = 181/365).

Hand-computed (as in tests/plans/test_in_force.py):
  Ba Đình: X1, X2, X3 operating, X1 inspected by 30/06 → 1 / 3 = 33.3%; inspections made 2
    (X1's two); cases handled K1, K2 = 2.
  Hoàn Kiếm: Y1 operating, inspected 15/07 (after the as-of date) → 0.0%; 0 inspections, 0 cases.
  Hà Nội: 4 operating, 1 inspected → 25.0%; inspections 2; cases K1, K2, KP = 3; no report.
  National plan: annual inspection ≥ 20 × s = 9.92%: Ba Đình, Hà Nội on track, Hoàn Kiếm
    behind; cases ≥ 2 (each commune) × s = 0.99: Ba Đình 2, Hà Nội 3 on track, Hoàn Kiếm 0
    behind.
  Hà Nội's plan: cases ≥ 4 for the province as a whole: n/a in a commune, Hà Nội 3 ≥ 4 × s =
    1.98 on track; inspections ≥ 2 (each commune) × s = 0.99: Ba Đình 2, Hà Nội 2 on track,
    Hoàn Kiếm 0 behind; reports on time: no report due → n/a.
"""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from exchange.exports.compliance import column_label
from exchange.models import ExportLog
from plan_tracker.approvals import APPROVAL_COLUMNS
from plan_tracker.metrics import FIGURES, LEADING
from plan_tracker.status import Status

pytestmark = pytest.mark.django_db

QUERY = {"year": 2026, "as_of": "30/06/2026"}
STATUS_COLUMNS = [
    "status_annual_inspection",
    "status_cases_handled_count",
    "status_inspections_count",
    "status_reports_on_time",
]
# (annual inspection, cases handled, inspections made, reports on time); None: the row's plan
# sets no such target.
EXPECTED = {
    ("00004", "national"): ("on_track", "on_track", None, None),
    ("00004", "hanoi"): (None, "not_applicable", "on_track", "not_applicable"),
    ("00070", "national"): ("behind", "behind", None, None),
    ("00070", "hanoi"): (None, "not_applicable", "behind", "not_applicable"),
    ("01", "national"): ("on_track", "on_track", None, None),
    ("01", "hanoi"): (None, "on_track", "on_track", "not_applicable"),
}
# The communes of Hà Nội, each with a row per plan, then Hà Nội's totals, one per plan.
ORDER = [
    ("00004", "national"),
    ("00004", "hanoi"),
    ("00070", "national"),
    ("00070", "hanoi"),
    ("01", "national"),
    ("01", "hanoi"),
]


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def plan_names(plans, language="en") -> dict:
    with translation.override(language):
        return {str(plans.national): "national", str(plans.hanoi): "hanoi"}


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_a_row_per_locality_and_plan_in_force(client, personas, records_2026, plans):
    login(client, personas.hn_officer)
    response = client.get(reverse("export_compliance", args=["csv"]), QUERY)
    assert "plans-in-force" in response["Content-Disposition"]
    assert response["X-Plan"] == f"2026-2030 #{plans.national.pk}, 2026-2026 #{plans.hanoi.pk}"
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header == [*LEADING, "plan", *FIGURES, *STATUS_COLUMNS, *APPROVAL_COLUMNS]
    rows = csv_rows(response)
    names = plan_names(plans)
    assert [(r["locality_code"], names[r["plan"]]) for r in rows] == ORDER
    # The log counts the file's rows: each locality's under both plans, and both totals.
    assert ExportLog.objects.get().row_count == len(ORDER)
    for row in rows:
        expected = EXPECTED[row["locality_code"], names[row["plan"]]]
        assert tuple(row[c] or None for c in STATUS_COLUMNS) == expected
        # Nothing submitted for either plan's year: the approval columns say so in each row.
        assert row["approval_state"] == "not_submitted"
    by_place = {(r["locality_code"], names[r["plan"]]): r for r in rows}
    for plan in ("national", "hanoi"):
        # The same figures under both plans.
        bd, hk, hn = (by_place[code, plan] for code in ("00004", "00070", "01"))
        assert (bd["inspected_in_year_pct"], bd["inspections_made"], bd["cases_handled"]) == (
            "33.3",
            "2",
            "2",
        )
        assert (hk["inspected_in_year_pct"], hk["inspections_made"], hk["cases_handled"]) == (
            "0.0",
            "0",
            "0",
        )
        assert (hn["inspected_in_year_pct"], hn["inspections_made"], hn["cases_handled"]) == (
            "25.0",
            "2",
            "3",
        )


def test_the_province_level_csv_gives_the_province_a_row_per_plan(
    client, personas, records_2026, plans
):
    login(client, personas.admin)
    response = client.get(
        reverse("export_compliance", args=["csv"]), {**QUERY, "locality": "01", "level": "province"}
    )
    rows = csv_rows(response)
    names = plan_names(plans)
    # Hà Nội's row under each plan, then its totals (Hà Nội again), one per plan.
    assert [(r["locality_code"], names[r["plan"]]) for r in rows] == [
        ("01", "national"),
        ("01", "hanoi"),
    ] * 2
    for row in rows:
        expected = EXPECTED["01", names[row["plan"]]]
        assert tuple(row[c] or None for c in STATUS_COLUMNS) == expected


def test_a_plan_chosen_gives_one_row_per_locality(client, personas, records_2026, plans):
    login(client, personas.hn_officer)
    response = client.get(
        reverse("export_compliance", args=["csv"]), {**QUERY, "plan": plans.hanoi.pk}
    )
    assert "plan-2026-2026" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [(r["locality_code"], r["plan"]) for r in rows] == [
        ("00004", str(plans.hanoi)),
        ("00070", str(plans.hanoi)),
        ("01", str(plans.hanoi)),
    ]
    # Only the chosen plan's targets have a status column.
    assert [c for c in rows[0] if c.startswith("status_")] == STATUS_COLUMNS[1:]
    assert [r["status_inspections_count"] for r in rows] == ["on_track", "behind", "on_track"]


def test_the_xlsx_has_the_same_rows_and_says_which_plans_it_holds(
    client, personas, records_2026, plans
):
    login(client, personas.hn_officer)
    response = client.get(reverse("export_compliance", args=["xlsx"]), QUERY)
    assert response.status_code == 200
    provinces, communes, about = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets
    names = plan_names(plans, "vi")  # the workbook is always in Vietnamese
    with translation.override("vi"):
        header = [column_label(c) for c in [*LEADING, "plan", *FIGURES, *STATUS_COLUMNS]]
        labels = {str(s.label): s.value for s in Status}
    assert [c.value for c in communes[1]][: len(header)] == header
    plan_at, first_status = len(LEADING), len(LEADING) + 1 + len(FIGURES)
    read = []
    for row in communes.iter_rows(min_row=2, values_only=True):
        key = (row[0], names[row[plan_at]])
        statuses = row[first_status : first_status + len(STATUS_COLUMNS)]
        read.append(key)
        assert tuple(labels[s] if s else None for s in statuses) == EXPECTED[key]
    assert read == ORDER
    # The provinces' sheet: Hà Nội under each plan, then its totals.
    assert [
        (r[0], names[r[plan_at]]) for r in provinces.iter_rows(min_row=2, values_only=True)
    ] == [
        ("01", "national"),
        ("01", "hanoi"),
    ] * 2

    about_rows = [[c for c in row if c is not None] for row in about.iter_rows(values_only=True)]
    about_text = "\n".join(" | ".join(str(c) for c in row) for row in about_rows)
    # Each plan reported with its document: number, date and issuing body.
    for plan, document in [
        (plans.national, "12/KH-BCA ngày 20/12/2025, Bộ Công an"),
        (plans.hanoi, "07/KH-UBND ngày 07/01/2026, UBND Thành phố Hà Nội"),
    ]:
        with translation.override("vi"):
            assert [str(plan), document] in about_rows
    # The plan column and each target's status column are defined, with each plan's goal.
    with translation.override("vi"):
        defined = {row[0]: row[1] for row in about_rows if len(row) == 2}
        assert column_label("plan") in defined
        cases = defined[column_label("status_cases_handled_count")]
        assert f"{plans.national}: ≥ 2" in cases and f"{plans.hanoi}: ≥ 4" in cases
        assert str(plans.hanoi) not in defined[column_label("status_annual_inspection")]
    assert "12/KH-BCA" in about_text


def test_the_api_gives_an_object_per_locality_and_plan(client, personas, records_2026, plans):
    login(client, personas.hn_officer)
    body = client.get("/api/v1/compliance", QUERY).json()
    names = plan_names(plans, "vi")  # the API answers in the default language
    assert body["columns"] == [*LEADING, "plan", *FIGURES, *STATUS_COLUMNS]
    read = []
    for row in [*body["rows"], *body["totals"]]:
        key = (row["locality_code"], names[row["plan"]])
        read.append(key)
        assert tuple(row[c] for c in STATUS_COLUMNS) == EXPECTED[key]
    assert read == ORDER
    assert body["total"] == body["totals"][0]
    # A plan chosen: one object per locality.
    body = client.get("/api/v1/compliance", {**QUERY, "plan": plans.national.pk}).json()
    assert [(r["locality_code"], names[r["plan"]]) for r in body["rows"]] == [
        ("00004", "national"),
        ("00070", "national"),
    ]
    assert [r["status_annual_inspection"] for r in body["rows"]] == ["on_track", "behind"]
    assert "status_inspections_count" not in body["columns"]


@pytest.mark.parametrize(
    "url", ["/api/v1/compliance", "export_compliance:csv", "export_compliance:xlsx"]
)
def test_an_officer_of_another_province_gets_404_for_hanoi(
    client, personas, records_2026, plans, url
):
    login(client, personas.hcm_officer)
    if not url.startswith("/"):
        name, fmt = url.split(":")
        url = reverse(name, args=[fmt])
    assert client.get(url, {**QUERY, "locality": "01"}).status_code == 404
    # Nor is Hà Nội's plan offered to them.
    assert client.get(url, {**QUERY, "plan": plans.hanoi.pk}).status_code == 400


def queries(client, url, data) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
        assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "both_plans", "one_plan"),
    [
        # The API reads no approval: the figures' grouped queries serve every plan.
        ("/api/v1/compliance", 15, 15),
        # The files read the approvals of the provinces' years once per plan: one more for the
        # second plan in the CSV, two in the XLSX (a sheet per level).
        ("export_compliance:csv", 17, 16),
        ("export_compliance:xlsx", 27, 25),
    ],
)
def test_the_queries_do_not_grow_with_the_communes(
    client, personas, records_2026, plans, url, both_plans, one_plan
):
    from tests.conftest import make_locality
    from tests.plan_tracker.scenario import D, establishment

    login(client, personas.hn_officer)
    if not url.startswith("/"):
        name, fmt = url.split(":")
        url = reverse(name, args=[fmt])
    counts = []
    for start, stop in [(0, 1), (1, 12)]:
        for i in range(start, stop):
            commune = make_locality("2025", f"9{i:04d}", f"Xã {i}", "commune", records_2026.hn)
            establishment(f"Z{i}", commune, opened=D(2020, 1, 1), inspected=[D(2026, 3, 1)])
        counts.append(
            (queries(client, url, QUERY), queries(client, url, {**QUERY, "plan": plans.hanoi.pk}))
        )
    assert counts == [(both_plans, one_plan)] * 2


def test_the_printed_report_shows_each_plan_in_force_with_its_targets(
    client, personas, records_2026, plans
):
    login(client, personas.hn_officer)
    response = client.get(reverse("export_report"), {**QUERY, "locality": "01"})
    assert response.status_code == 200
    cards = response.context["plans"]
    assert [card["plan"] for card in cards] == [plans.national, plans.hanoi]
    judged = [
        {t["target"].metric: (t["goal"], t["value"], t["status"]["id"]) for t in card["targets"]}
        for card in cards
    ]
    # Hà Nội's totals (module docstring): 25.0% inspected, 3 cases, 2 inspections made.
    assert judged[0] == {
        "annual_inspection": ("≥ 20%", Decimal("25.0"), "on_track"),
        "cases_handled_count": ("≥ 2", 3, "on_track"),
    }
    assert judged[1] == {
        "cases_handled_count": ("≥ 4", 3, "on_track"),
        "inspections_count": ("≥ 2", 2, "on_track"),
        "reports_on_time": ("≥ 100%", None, "not_applicable"),
    }
    html = response.content.decode()
    targets = html.split('id="report-targets"')[1]
    # Each plan's own table, with a count target written as a count, not a percentage.
    assert targets.count('class="table table-sm report-plan-targets"') == 2
    hanoi_table = targets.split(f'data-plan="{plans.hanoi.pk}"')[2].split("</table>")[0]
    assert "≥ 4<" in hanoi_table and "≥ 4%" not in hanoi_table
    assert str(plans.national) in html and str(plans.hanoi) in html
