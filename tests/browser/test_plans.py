"""In headless Chromium, a provincial officer of Hà Nội records the province's plan for the
current year with a count target (at least 2 cases handled in the year, the province as a
whole) and sees its status on the province's dashboard.

Hà Nội has 2 cases handled on 2 January of the current year: 2 ≥ 2 × the elapsed share, so the
target is on track while the year runs (met on its last day).

A provincial officer also records a plan with an activities target for each commune, sees a
commune behind on the commune's dashboard, records a communication activity there through the
activity form, and sees the commune's status for the target change.

Screenshots are saved under test-artifacts/screenshots/plans_*.png."""

import datetime

import pytest
from django.utils import timezone

from localities.models import Activity
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
    fill_plan(page, f"Kế hoạch phòng, chống mại dâm năm {year}", "07/KH-UBND", year)
    fill_target(page, "cases_handled_count", "2", "whole_province")
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


def test_an_officer_sees_a_communes_activities_target_move_when_an_activity_is_recorded(
    page, world, personas
):
    # Hà Nội's plan of the current year: at least 1 activity held in each commune. Phường Ba
    # Đình has held none: 0 < 1 × the elapsed share of the year, behind (not met once the
    # year's last day has come). One communication activity recorded today: 1 ≥ 1 × the share
    # (at most 1), on track (met on the last day).
    today = timezone.localdate()
    year = today.year
    last_day = today >= datetime.date(year, 12, 31)
    login(page, personas.hn_officer.username, PASSWORD)
    fill_plan(page, f"Kế hoạch tuyên truyền phòng, chống mại dâm năm {year}", "15/KH-UBND", year)
    fill_target(page, "activities_count", "1", "each_commune")
    page.click("#plan-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    plan = Plan.objects.get(document_number="15/KH-UBND")
    assert page.url.endswith(f"/plans/{plan.pk}/")

    def commune_status():
        page.goto(f"{page.base_url}/dashboards/locality/{world.ba_dinh.pk}/")
        card = page.locator(f"#plans-in-force .plan-card[data-plan='{plan.pk}']")
        target = card.locator("[data-metric=activities_count]")
        return target.locator(".plan-status").get_attribute("data-status"), target

    status, target = commune_status()
    assert status == ("not_met" if last_day else "behind")
    assert "0" in target.locator("strong").inner_text()
    shot(page, "plans_commune_behind")

    page.goto(f"{page.base_url}/activities/new/")
    page.fill("#id_reference", f"TT-{year}-001")
    page.select_option("#id_commune", str(world.ba_dinh.pk))
    page.fill("#id_held_on", today.strftime("%d/%m/%Y"))
    page.select_option("#id_kind", "communication")
    page.select_option("#id_form", "meeting")
    page.select_option("#id_audience", "residents")
    page.fill("#id_people_reached", "120")
    page.fill("#id_title", "Tuyên truyền phòng, chống mại dâm tại tổ dân phố")
    page.click("#record-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    activity = Activity.objects.get(reference=f"TT-{year}-001")
    assert page.url.endswith(f"/activities/{activity.pk}/")
    assert activity.commune == world.ba_dinh

    status, target = commune_status()
    assert status == ("met" if last_day else "on_track")
    assert "1" in target.locator("strong").inner_text()
    shot(page, "plans_commune_on_track")


def fill_plan(page, name, number, year):
    """The new plan's form, filled as Hà Nội's officer fills it: a plan of one year."""
    page.goto(f"{page.base_url}/plans/new/")
    page.fill("#id_name", name)
    page.fill("#id_document_number", number)
    page.fill("#id_document_date", f"07/01/{year}")
    page.fill("#id_issuing_body", "UBND Thành phố Hà Nội")
    page.fill("#id_first_year", str(year))
    page.fill("#id_last_year", str(year))


def fill_target(page, metric, threshold, applies_to):
    """The form's first target."""
    page.select_option("#id_targets-0-metric", metric)
    page.fill("#id_targets-0-threshold", threshold)
    page.select_option("#id_targets-0-applies_to", applies_to)
