"""In headless Chromium, the approval of Hà Nội's 2024: the provincial officer submits it on
its page, ministry staff approve it, the officer's edit of a case handled in 2024 is refused
with the approval named, an administrator reopens the year with a reason, and the same edit is
then accepted.

Screenshots are saved under test-artifacts/screenshots/approvals_*.png."""

import datetime

import pytest

from localities.models import Case
from tests.browser.conftest import login, shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def case_2024(world, personas):
    case = Case(
        reference="VA-2024-01",
        locality=world.hoan_kiem,
        article="327",
        opened_on=datetime.date(2024, 3, 1),
        handled_on=datetime.date(2024, 5, 1),
    )
    case.full_clean()
    case.save()
    return case


def as_user(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.base_url = live_server.url
    login(page, username, PASSWORD)
    return page


def step(page, url, action, comment=""):
    page.goto(url)
    if comment:
        page.fill("#comment", comment)
    page.click(f"#approval-step button[value={action}]")
    page.wait_for_load_state("networkidle")


def edit_case(page, case, handled_on):
    page.goto(f"{page.base_url}/cases/{case.pk}/edit/")
    page.fill("#id_handled_on", handled_on)
    page.click("#record-form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_submit_approve_an_edit_refused_reopen_the_edit_accepted(
    browser, live_server, world, personas, case_2024
):
    url = f"{live_server.url}/approvals/2024/{world.hn.pk}/"
    officer = as_user(browser, live_server, personas.hn_officer.username)
    step(officer, url, "submit")
    assert officer.get_attribute("#approval-state", "data-state") == "submitted"
    shot(officer, "approvals_01_submitted")

    ministry = as_user(browser, live_server, personas.ministry.username)
    step(ministry, url, "approve")
    assert ministry.get_attribute("#approval-state", "data-state") == "approved"
    assert "Thành phố Hà Nội" in ministry.inner_text("#snapshot")
    shot(ministry, "approvals_02_approved")

    edit_case(officer, case_2024, "02/05/2024")
    refusal = officer.inner_text("#form-errors")
    assert "Năm 2024 của Thành phố Hà Nội đã được phê duyệt ngày" in refusal
    assert "bởi ministry; mở lại để sửa" in refusal
    shot(officer, "approvals_03_edit_refused")
    case_2024.refresh_from_db()
    assert case_2024.handled_on == datetime.date(2024, 5, 1)

    admin = as_user(browser, live_server, personas.admin.username)
    step(admin, url, "reopen", comment="Bổ sung ngày xử lý vụ án")
    assert admin.get_attribute("#approval-state", "data-state") == "reopened"
    assert "Bổ sung ngày xử lý vụ án" in admin.inner_text("#approval-history")
    shot(admin, "approvals_04_reopened")

    edit_case(officer, case_2024, "02/05/2024")
    assert officer.url.endswith(f"/cases/{case_2024.pk}/")
    case_2024.refresh_from_db()
    assert case_2024.handled_on == datetime.date(2024, 5, 2)
    for page in (officer, ministry, admin):
        page.context.close()
