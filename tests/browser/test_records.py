"""In headless Chromium: a provincial officer registers an establishment, records an inspection
and takes a report from receipt to handling; a commune officer cannot reach the other communes.

Screenshots are saved under test-artifacts/screenshots/records_*.png."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from localities.models import Establishment, Inspection, Report, ReportKind
from tests.browser.conftest import login, shot
from tests.conftest import PASSWORD

# The live server needs a transactional database, flushed after each test: serialized rollback
# brings back what the migrations load (the report kinds).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def report_kinds(world):
    # Should the flush have removed the rules the migration loads, load them again.
    if not ReportKind.objects.exists():
        importlib.import_module("localities.migrations.0002_report_kinds").load(apps, None)


def d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def submit(page):
    page.click("#record-form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_provincial_officer_registers_inspects_and_handles_a_report(
    page, world, personas, report_kinds
):
    today = timezone.localdate()
    login(page, personas.hn_officer.username, PASSWORD)
    base = page.base_url

    # Register an establishment in Ba Đình.
    page.goto(f"{base}/establishments/")
    page.click("#create-record")
    page.fill("#id_code", "HN-KS-0001")
    page.fill("#id_name", "Khách sạn Hồ Tây")
    page.select_option("#id_line", "accommodation")
    # The officer has the old code of Trúc Bạch, split in 2025: the form asks which commune.
    page.fill("#id_locality_code", "2004:00004")
    page.fill("#id_address", "12 phố Quán Thánh")
    page.fill("#id_permit_number", "123/GCN-ANTT")
    page.fill("#id_opened_on", "10/01/2022")
    shot(page, "records_01_establishment_form")
    submit(page)
    error = page.inner_text(".field-locality_code .invalid-feedback")
    assert "00004 Phường Ba Đình" in error and "00070 Phường Hoàn Kiếm" in error
    assert page.input_value("#id_name") == "Khách sạn Hồ Tây"  # nothing typed is lost
    shot(page, "records_01b_establishment_split_commune")
    page.select_option("#id_commune", str(world.ba_dinh.pk))
    submit(page)
    est = Establishment.objects.get(code="HN-KS-0001")
    assert page.url.endswith(f"/establishments/{est.pk}/")
    assert est.commune == world.ba_dinh and est.opened_on == datetime.date(2022, 1, 10)
    assert est.locality_code_given == "2004:00004"
    shot(page, "records_02_establishment_page")

    # Record an inspection from its page: the establishment is filled in.
    page.click("#record-inspection")
    # The search box names it; the code it posts is in the field the box replaced.
    assert page.input_value("#id_establishment_code") == "HN-KS-0001"
    assert page.input_value("#id_establishment") == "Khách sạn Hồ Tây (HN-KS-0001) — Phường Ba Đình"
    inspected = today - datetime.timedelta(days=3)
    page.fill("#id_inspected_on", d(inspected))
    page.select_option("#id_team", "interagency")
    page.select_option("#id_outcome", "violation")
    page.fill("#id_violations", "Không có sổ quản lý lưu trú")
    page.fill("#id_fine_vnd", "5000000")
    shot(page, "records_03_inspection_form")
    submit(page)
    inspection = Inspection.objects.get(establishment=est)
    assert (inspection.inspected_on, inspection.fine_vnd) == (inspected, 5_000_000)
    page.goto(f"{base}/establishments/{est.pk}/")
    assert d(inspected) in page.inner_text("main")
    shot(page, "records_04_establishment_with_inspection")

    # Receive a report ten days ago: 20 days to handle it, 10 left.
    received = today - datetime.timedelta(days=10)
    page.goto(f"{base}/reports/new/")
    page.fill("#id_reference", "HN-TB-2025-001")
    page.select_option("#id_kind", "crime_information")
    page.select_option("#id_locality", str(world.ba_dinh.pk))
    page.fill("#id_received_on", d(received))
    page.fill("#id_summary", "Tin báo về hoạt động môi giới mại dâm tại cơ sở lưu trú")
    submit(page)
    report = Report.objects.get(reference="HN-TB-2025-001")
    assert report.deadline == received + datetime.timedelta(days=20)
    assert page.get_attribute("#report-clock .badge", "data-status") == "pending"
    # Ten days left, and the deadline itself shown as its full date.
    assert page.inner_text("#deadline-text").strip() == "Còn 10 ngày"
    assert page.inner_text("#deadline") == d(received + datetime.timedelta(days=20))
    shot(page, "records_05_report_received")

    # Verification, classification, handling: one stage at a time.
    stages = [
        ("verified_on", received + datetime.timedelta(days=2), None),
        ("classified_on", received + datetime.timedelta(days=4), None),
        ("handled_on", received + datetime.timedelta(days=9), "administrative_penalty"),
    ]
    for number, (stage, day, outcome) in enumerate(stages, start=6):
        page.click("#next-stage")
        assert page.input_value("#id_stage") == stage
        page.fill("#id_on", d(day))
        if outcome:
            page.select_option("#id_outcome", outcome)
        shot(page, f"records_{number:02d}_stage_{stage}")
        submit(page)
        report.refresh_from_db()
        assert getattr(report, stage) == day
    assert report.outcome == "administrative_penalty"
    assert page.get_attribute("#report-clock .badge", "data-status") == "handled_on_time"
    assert page.locator("#next-stage").count() == 0
    assert page.locator("#history li").count() == 4  # received, then three stages
    shot(page, "records_09_report_handled")

    # The list shows it handled on time.
    page.goto(f"{base}/reports/?status=handled_on_time")
    assert "HN-TB-2025-001" in page.inner_text("main")
    shot(page, "records_10_report_list")


def test_a_commune_officer_cannot_reach_the_other_communes(page, world, personas, report_kinds):
    other = Establishment.objects.create(
        code="HK-0001", name="Karaoke Hoàn Kiếm", line="karaoke", commune=world.hoan_kiem
    )
    mine = Establishment.objects.create(
        code="BD-0001", name="Karaoke Ba Đình", line="karaoke", commune=world.ba_dinh
    )
    login(page, personas.commune_officer.username, PASSWORD)
    base = page.base_url

    page.goto(f"{base}/establishments/new/")
    offered = page.eval_on_selector_all(
        "#id_commune option", "options => options.map(o => o.value).filter(Boolean)"
    )
    assert offered == [str(world.ba_dinh.pk)]
    shot(page, "records_11_commune_officer_form")

    page.goto(f"{base}/establishments/")
    listed = page.inner_text("main")
    assert "BD-0001" in listed and "HK-0001" not in listed
    shot(page, "records_12_commune_officer_list")

    assert page.goto(f"{base}/establishments/{mine.pk}/").status == 200
    assert page.goto(f"{base}/establishments/{other.pk}/").status == 404
    assert page.goto(f"{base}/establishments/{other.pk}/edit/").status == 404
    assert page.goto(f"{base}/inspections/new/?establishment={other.pk}").status == 404


def test_a_national_user_finds_a_commune_by_typing_without_accents(page, world, personas):
    login(page, personas.admin.username, PASSWORD)
    page.goto(f"{page.base_url}/establishments/new/")
    box = page.locator("input[type=search][aria-controls=id_commune]")
    box.fill("hoan kiem")
    visible = page.eval_on_selector(
        "#id_commune",
        "s => Array.from(s.options).filter(o => !o.hidden && o.value).map(o => o.text)",
    )
    # The world's four communes: only Hoàn Kiếm matches, and being the only one it is chosen.
    assert visible == ["Phường Hoàn Kiếm (00070) — Thành phố Hà Nội"]
    assert page.locator("#id_commune option:checked").inner_text().startswith("Phường Hoàn Kiếm")
    box.fill("26")  # codes too: Sài Gòn 26734 and Bến Thành 26740
    visible = page.eval_on_selector(
        "#id_commune",
        "s => Array.from(s.options).filter(o => !o.hidden && o.value).map(o => o.text)",
    )
    # In the list's order: province code, then name.
    assert visible == [
        "Phường Bến Thành (26740) — Thành phố Hồ Chí Minh",
        "Phường Sài Gòn (26734) — Thành phố Hồ Chí Minh",
    ]
    # Hoàn Kiếm, ruled out now, is no longer the choice shown: the first match is.
    assert page.locator("#id_commune option:checked").inner_text() == visible[0]
    box.fill("xyz")
    assert page.eval_on_selector("#id_commune", "s => s.value") == ""
    shot(page, "records_commune_search")
    page.fill("#id_code", "HN-KS-0099")
    page.fill("#id_name", "Khách sạn Phố Cổ")
    page.select_option("#id_line", "accommodation")
    box.fill("hoàn kiếm")
    box.press("Enter")  # must not submit the half-filled form
    assert page.url.endswith("/establishments/new/")
    submit(page)
    assert Establishment.objects.get(code="HN-KS-0099").commune == world.hoan_kiem


def test_a_commune_officer_has_no_search_box_for_one_commune(page, world, personas):
    login(page, personas.commune_officer.username, PASSWORD)
    page.goto(f"{page.base_url}/establishments/new/")
    assert page.locator("#id_commune").count() == 1
    assert page.locator("input[type=search][aria-controls=id_commune]").count() == 0
