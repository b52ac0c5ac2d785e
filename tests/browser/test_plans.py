"""In headless Chromium, a provincial officer of Hà Nội records the province's plan for the
current year with a count target (at least 2 cases handled in the year, the province as a
whole) and sees its status on the province's dashboard.

Hà Nội has 2 cases handled on 2 January of the current year: 2 ≥ 2 × the elapsed share, so the
target is on track while the year runs (met on its last day).

Screenshots are saved under test-artifacts/screenshots/plans_*.png."""

import datetime

import pytest
from django.utils import timezone

from plan_tracker.models import Plan
from tests.browser.conftest import login, shot
from tests.conftest import PASSWORD
from tests.plan_tracker.scenario import case

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_officer_records_the_provinces_plan_and_sees_its_status(page, world, personas):
    year = timezone.localdate().year
    for ref in ("VA-1", "VA-2"):
        case(ref, world.ba_dinh, datetime.date(year, 1, 1), datetime.date(year, 1, 2))
    login(page, personas.hn_officer.username, PASSWORD)
    page.goto(f"{page.base_url}/plans/new/")
    page.fill("#id_name", f"Kế hoạch phòng, chống mại dâm năm {year}")
    page.fill("#id_document_number", "07/KH-UBND")
    page.fill("#id_document_date", f"07/01/{year}")
    page.fill("#id_issuing_body", "UBND Thành phố Hà Nội")
    page.fill("#id_first_year", str(year))
    page.fill("#id_last_year", str(year))
    page.select_option("#id_targets-0-metric", "cases_handled_count")
    page.fill("#id_targets-0-threshold", "2")
    page.select_option("#id_targets-0-applies_to", "whole_province")
    shot(page, "plans_form")
    page.click("#plan-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    plan = Plan.objects.get(document_number="07/KH-UBND")
    assert page.url.endswith(f"/plans/{plan.pk}/")
    assert plan.province == world.hn

    page.goto(f"{page.base_url}/dashboards/locality/{world.hn.pk}/")
    card = page.locator(f"#plans-in-force .plan-card[data-plan='{plan.pk}']")
    assert "07/KH-UBND" in card.inner_text()
    target = card.locator("[data-metric=cases_handled_count]")
    expected = "met" if timezone.localdate() >= datetime.date(year, 12, 31) else "on_track"
    assert target.locator(".plan-status").get_attribute("data-status") == expected
    assert "2" in target.locator("strong").inner_text()
    shot(page, "plans_dashboard")
