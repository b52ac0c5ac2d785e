"""The cases the ministry watches in Chromium: the charts page draws each year's shares of
online cases and of cases with minors beside their tables, and the case list filters the online
ones. Screenshot: test-artifacts/screenshots/case_charts_ministry.png."""

import pytest

from tests.browser.conftest import login, shot
from tests.cases.watched import build
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def watched(page, world, kinds, personas):
    import importlib

    from django.apps import apps

    # What the migrations load, should a flush by an earlier transactional test have taken it.
    for module in (
        "plan_tracker.migrations.0002_plan_2021_2025",
        "localities.migrations.0002_report_kinds",
    ):
        importlib.import_module(module).load(apps, None)
    return build(world)


def test_ministry_staff_see_the_shares_drawn_and_filter_the_online_cases(page, watched, personas):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, personas.ministry.username, PASSWORD)
    page.goto(f"{page.base_url}/dashboards/charts/?year=2024&as_of=31/01/2025")
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert page.locator("#cases-chart").evaluate("c => !!window.Chart && !!Chart.getChart(c)")
    datasets = page.locator("#cases-chart").evaluate(
        "c => Chart.getChart(c).data.datasets.map(d => d.data)"
    )
    # 2021..2025: online 4 of 6 in 2024, 0 of 1 in 2023; minors 3 of 7, 1 of 1.
    assert datasets == [[None, None, 0, 66.7, None], [None, None, 100, 42.9, None]]
    localities = page.locator("#cases-localities-table").inner_text()
    assert "Thành phố Hà Nội" in localities and "75,0%" in localities
    page.locator("#watched-cases").scroll_into_view_if_needed()
    shot(page, "case_charts_ministry")

    page.goto(f"{page.base_url}/cases/")
    page.locator("select[name=modus]").select_option("online")
    page.locator("select[name=minors_involved]").select_option("true")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    listed = page.locator("table").first.inner_text()
    assert "HN-1" in listed and "HN-8" in listed and "SG-1" in listed
    assert "HN-2" not in listed and "HN-3" not in listed
