"""In headless Chromium, the plan's final review as ministry staff: the per-target table of
the default plan (each target in each year and over the whole plan), the year Hà Nội's
approval covers named as approved, the PDF and DOCX downloads answering with their files, and
axe-core finding no violation on the page.

A screenshot is saved as test-artifacts/screenshots/review_national.png."""

import io
import os

import pytest

from tests.browser.conftest import login, shot
from tests.browser.test_accessibility import axe_violations, describe
from tests.conftest import PASSWORD
from tests.plan_tracker import scenario

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def hanoi_2024_approved(world, kinds, personas):
    from plan_tracker.approvals import take_step
    from plan_tracker.metrics import default_plan

    scenario.build(world, kinds)
    plan = default_plan()
    for user, action in ((personas.hn_officer, "submit"), (personas.ministry, "approve")):
        take_step(user=user, action=action, plan=plan, province=world.hn, year=2024)
    return plan


def test_the_ministry_reads_the_review_and_downloads_it(page, hanoi_2024_approved, personas):
    plan = hanoi_2024_approved
    login(page, personas.ministry.username, PASSWORD)
    page.wait_for_load_state("networkidle")
    response = page.goto(f"{page.base_url}/dashboards/review/")
    assert response.status == 200
    page.wait_for_load_state("networkidle")

    # The per-target table: a row per target of the plan, a column per year, then the whole
    # plan and the years reached.
    table = page.locator("#review-targets")
    header = [cell.strip() for cell in table.locator("thead th").all_inner_texts()]
    years = [str(year) for year in plan.years]
    assert header[2 : 2 + len(years)] == years
    assert len(header) == 2 + len(years) + 2
    rows = table.locator("tbody tr")
    assert rows.count() == plan.targets.count() == 4
    first = [cell.strip() for cell in rows.nth(0).locator("td, th").all_inner_texts()]
    assert len(first) == len(header)
    # Hà Nội's 2024 is approved: the sources of the years say so.
    assert "2024" in page.inner_text("#review-source")
    shot(page, "review_national")

    # The downloads answer with their files, in the session of the page.
    docx = page.request.get(page.base_url + page.get_attribute("#review-docx", "href"))
    assert docx.status == 200 and docx.headers["content-type"] == DOCX
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.body())).paragraphs)
    assert "BÁO CÁO" in text and "Tổng kết" in text
    if page.locator("#review-pdf").count():
        pdf = page.request.get(page.base_url + page.get_attribute("#review-pdf", "href"))
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")
    elif os.environ.get("PLAN_TRACKER_REQUIRE_PDF"):
        pytest.fail("no PDF link: WeasyPrint or Pango is missing, and CI requires the PDF")

    violations = axe_violations(page)
    assert not violations, describe({"/dashboards/review/": violations})
