"""Every reading of the figures — the dashboards, the compliance download, the printed report,
the API and compliance_report — takes the same plan, year and as-of date with the same bounds.

The scenario: Hà Nội inspected 4 of its 10 establishments operating in 2024 (40%). Under the
default plan (20% a year) that is met; under a plan asking 50% it is not met."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from exchange.models import ExportLog
from plan_tracker.models import Plan, Target
from tests.plan_tracker import scenario

AS_OF = "31/03/2025"


@pytest.fixture
def built(world, kinds):
    scenario.build(world, kinds)
    return world


@pytest.fixture
def strict_plan(db):
    plan = Plan.objects.create(name="Kế hoạch kiểm tra 50%", first_year=2024, last_year=2024)
    Target.objects.create(plan=plan, metric="annual_inspection", threshold=50)
    return plan


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_every_reading_honours_the_chosen_plan(client, built, personas, strict_plan):
    client.force_login(personas.admin)
    chosen = {"plan": strict_plan.pk, "year": "2024", "as_of": AS_OF}
    default = {"year": "2024", "as_of": AS_OF}

    def hanoi_status(response_rows):
        return next(r for r in response_rows if r["locality_code"] == "01")[
            "status_annual_inspection"
        ]

    # The dashboard.
    page = client.get(reverse("dashboard_national"), chosen)
    assert page.context["figures"].plan == strict_plan
    assert page.context["figures"].rows[0].status("annual_inspection") == "not_met"
    # The compliance CSV (the dashboards' download too).
    assert hanoi_status(csv_rows(client.get("/exports/compliance.csv", chosen))) == "not_met"
    assert hanoi_status(csv_rows(client.get("/exports/compliance.csv", default))) == "met"
    # The API.
    answer = client.get("/api/v1/compliance", chosen).json()
    assert answer["plan"]["id"] == strict_plan.pk
    assert hanoi_status(answer["rows"]) == "not_met"
    # The printed report.
    report = client.get(reverse("export_report"), {**chosen, "locality": "01"})
    (card,) = report.context["plans"]
    annual = next(t for t in card["targets"] if t["target"].metric == "annual_inspection")
    assert (annual["target"].plan, annual["status"]["id"]) == (strict_plan, "not_met")
    # The command.
    out = io.StringIO()
    call_command(
        "compliance_report", "--plan", str(strict_plan.pk), "--year", "2024",
        "--as-of", "2025-03-31", "--format", "json", stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert hanoi_status(json.loads(out.getvalue())) == "not_met"


def test_a_future_as_of_date_is_refused_everywhere(client, built, personas):
    client.force_login(personas.admin)
    future = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    for url in (
        reverse("dashboard_national"),
        reverse("work_lists", args=[built.ba_dinh.pk]),
        reverse("dashboard_charts"),
        "/exports/compliance.csv",
        "/exports/compliance.xlsx",
        reverse("export_report"),
        "/api/v1/compliance",
    ):
        response = client.get(url, {"as_of": future})
        assert response.status_code == 400, url
        assert future in response.content.decode("unicode_escape" if "api" in url else "utf-8")
    with pytest.raises(CommandError, match=future):
        call_command(
            "compliance_report", "--as-of", future, stdout=io.StringIO(), stderr=io.StringIO()
        )


def test_a_year_after_the_current_one_is_refused_everywhere(client, built, personas):
    # The years offered run from the first plan's first year (2021) to the current year.
    client.force_login(personas.admin)
    for url in (reverse("dashboard_national"), "/exports/compliance.csv", "/api/v1/compliance"):
        assert client.get(url, {"year": "2031"}).status_code == 400, url
    # "from 2021 to <this year>", in the language the command runs in.
    with pytest.raises(CommandError, match=rf"2021\D+{timezone.localdate().year}\."):
        call_command("compliance_report", "--year", "2031", stdout=io.StringIO())


def test_the_dashboards_download_is_the_one_logged_compliance_csv(client, built, personas):
    client.force_login(personas.hn_officer)
    page = client.get(reverse("dashboard_locality", args=[built.hn.pk]), {"as_of": AS_OF})
    assert page.context["csv_url"].startswith("/exports/compliance.csv?")
    response = client.get(page.context["csv_url"])
    assert response.content.startswith("\ufeff".encode())
    log = ExportLog.objects.get()
    assert (log.what, log.file_format, log.filters["as_of"]) == ("compliance", "csv", "2025-03-31")


def test_the_printed_report_says_what_its_overdue_figure_and_its_backlog_count(
    client, built, personas
):
    # As of 31/03/2025 for 2025, Hà Nội received nothing yet overdue in 2025 (R7, received
    # 10/01/2025, was due 30/01: overdue), while its backlog also holds R5 from 2024.
    client.force_login(personas.hn_officer)
    response = client.get(reverse("export_report"), {"year": "2025", "as_of": AS_OF})
    context = response.context
    backlog = [r.reference for r in context["open_reports"]]
    assert backlog == ["R5", "R7", "R6"]  # every open report, any year, nearest deadline first
    assert context["open_reports_overdue"] == 2  # R5 and R7
    assert context["total"].values["reports_overdue"] == 1  # of 2025's reports: R7 only
    html = response.content.decode()
    assert "Số tiếp nhận trong năm quá hạn" in html  # the figure's label: "of the year"
    assert "dù tiếp nhận năm nào" in html  # the backlog says "whatever year it was received in"
