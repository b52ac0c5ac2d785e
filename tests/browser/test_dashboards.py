"""The dashboards in headless Chromium, as ministry staff and as a provincial officer: the
national table, the drill-down, the work lists and the charts. Screenshots go to
test-artifacts/screenshots/dashboards_*.png."""

import pytest

from tests.browser.conftest import login, shot
from tests.conftest import PASSWORD
from tests.plan_tracker import scenario

QUERY = "?year=2024&as_of=31/03/2025"
# The live server needs a transactional database, flushed after each test: serialized rollback
# brings back what the migrations load (the default plan, the report kinds).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def migration_data(page):
    """What the migrations load (the default plan, the report kinds), loaded again should a
    flush by an earlier transactional test have taken it. The loaders are idempotent."""
    import importlib

    from django.apps import apps

    for module in (
        "plan_tracker.migrations.0002_plan_2021_2025",
        "localities.migrations.0002_report_kinds",
    ):
        importlib.import_module(module).load(apps, None)


@pytest.fixture
def built(migration_data, world, kinds, personas):
    scenario.build(world, kinds)
    return world


def test_ministry_staff_drill_down_from_the_nation_to_a_communes_work_lists(page, built, personas):
    login(page, personas.ministry.username, PASSWORD)
    page.goto(f"{page.base_url}/dashboards/{QUERY}")
    table = page.locator("table.compliance-table")
    hn_row = table.locator("tr[data-code='01']")
    # Hà Nội 2024: 4 of 10 inspected = 40,0% (met); the nation's total row says the same.
    assert "40,0%" in hn_row.inner_text()
    assert "4 / 10" in hn_row.inner_text()
    assert "Đạt" in hn_row.locator("[data-status='met']").first.inner_text()
    assert "40,0%" in table.locator("tfoot").inner_text()
    # The page states its plan and as-of date.
    assert "31/03/2025" in page.locator("#dashboard-context").inner_text()
    assert "2021–2025" in page.locator("#dashboard-context").inner_text()
    shot(page, "dashboards_national_ministry")

    # Sort by the annual inspection target, best first. TP Hồ Chí Minh has no record at all:
    # it is folded into the line of quiet provinces, not a row of the table.
    page.locator("th.target-col a").nth(1).click()
    page.locator("th.target-col a").nth(1).click()
    codes = page.locator("table.compliance-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.code)"
    )
    assert codes == ["01"]
    assert page.locator("th.target-col").nth(1).get_attribute("aria-sort") == "descending"
    quiet = page.locator("#quiet-provinces")
    assert quiet.locator("[data-code='79']").count() == 1
    # A figure and its badge share a line (the cell's own CSS).
    head = table.locator("tr[data-code='01'] .target-cell > div").first
    assert head.evaluate("e => getComputedStyle(e).display") == "flex"

    # Drill down: Hà Nội's communes (Ba Đình 3/6 = 50,0%, Hoàn Kiếm 1/4 = 25,0%).
    hn_row = page.locator("table.compliance-table tr[data-code='01']")
    hn_row.locator("a").first.click()
    page.wait_for_url("**/dashboards/locality/**")
    assert "50,0%" in page.locator("tr[data-code='00004']").inner_text()
    assert "25,0%" in page.locator("tr[data-code='00070']").inner_text()
    assert "Tổng: Thành phố Hà Nội" in page.locator("tfoot").inner_text()
    shot(page, "dashboards_province_ministry")

    # A commune leads to its work lists: E3 never inspected; R5 and R7 overdue, R6 pending.
    page.locator("tr[data-code='00004'] a").first.click()
    page.wait_for_url("**/work/**")
    never = page.locator("#never-inspected").inner_text()
    assert "E3" in never
    reports = page.locator("#reports-to-handle tbody tr")
    assert reports.count() == 3
    assert "R5" in reports.nth(0).inner_text()
    assert "quá hạn" in reports.nth(0).inner_text()
    shot(page, "dashboards_work_lists_ministry")


def test_ministry_staff_see_the_charts_with_their_tables(page, built, personas):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, personas.ministry.username, PASSWORD)
    page.goto(f"{page.base_url}/dashboards/charts/{QUERY}&metric=annual_inspection")
    page.wait_for_load_state("networkidle")
    assert errors == []
    # Chart.js drew every canvas (vendored, no CDN).
    drawn = page.locator("canvas").evaluate_all(
        "cs => cs.map(c => !!window.Chart && !!Chart.getChart(c))"
    )
    assert drawn and all(drawn)
    # The ranking's table: Hà Nội ranked, TP Hồ Chí Minh apart (nothing to measure).
    ranking = page.locator("#ranking-table").inner_text()
    assert "Hà Nội" in ranking and "40,0%" in ranking
    assert "chưa có gì để đánh giá" in ranking
    shot(page, "dashboards_charts_ministry")


def test_a_provincial_officer_sees_their_province_and_nothing_else(page, built, personas):
    login(page, personas.hn_officer.username, PASSWORD)
    page.goto(f"{page.base_url}/dashboards/{QUERY}")
    # Sent to Hà Nội's communes.
    page.wait_for_url("**/dashboards/locality/**")
    assert page.locator("h1").inner_text().startswith("Thành phố Hà Nội")
    assert page.locator("table.compliance-table tr[data-code='00004']").count() == 1
    shot(page, "dashboards_province_officer")
    page.locator("a", has_text="Việc cần làm").first.click()
    page.wait_for_url("**/work/**")
    assert "E3" in page.locator("#never-inspected").inner_text()
    shot(page, "dashboards_work_lists_province_officer")
    page.goto(
        f"{page.base_url}/dashboards/charts/?locality={built.hn.code}&year=2024&as_of=31/03/2025"
    )
    page.wait_for_load_state("networkidle")
    assert "Phường Ba Đình" in page.locator("#ranking-table").inner_text()
    shot(page, "dashboards_charts_province_officer")
    # Another province answers 404.
    response = page.goto(f"{page.base_url}/dashboards/locality/{built.hcm.pk}/")
    assert response.status == 404
