"""Imports and exports in headless Chromium: a provincial officer fills the establishments
template with 200 rows (one bad), sees the preview's error, fixes it, imports and finds them
listed; an administrator downloads the national compliance table as XLSX. Screenshots go to
test-artifacts/screenshots/exchange_*.png."""

import csv
import datetime
import io

import openpyxl
import pytest

from localities.models import Establishment, Inspection
from tests.browser.conftest import login, shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BAD_ROW = 57  # index in the 200 rows; line 58 of the file (line 1 is the header)


@pytest.fixture
def migration_data(page):
    """The data the migrations load (default plan, report kinds), loaded again if a flush of
    an earlier transactional test took it (their loaders are idempotent)."""
    import importlib

    from django.apps import apps

    for module in (
        "plan_tracker.migrations.0002_plan_2021_2025",
        "localities.migrations.0002_report_kinds",
    ):
        importlib.import_module(module).load(apps, None)


def fill(template: str, *, bad: bool) -> str:
    rows = list(csv.reader(io.StringIO(template.lstrip("\ufeff"))))
    assert len(rows) == 1, "the template is the header alone"
    header = rows[0]
    for i in range(200):
        commune = "00004" if i % 2 else "00070"
        line = "hotel" if bad and i == BAD_ROW else "accommodation"
        values = {
            "code": f"HN-IMP-{i:03d}",
            "name": f"Khách sạn Thử Nghiệm {i}",
            "line": line,
            "commune_code": commune,
            "address": f"{i} Phố Kim Mã",
            "permit_number": "",
            "opened_on": "15/03/2019",
            "closed_on": "",
            "in_scope": "true",
        }
        rows.append([values[c] for c in header])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_an_officer_imports_200_establishments_after_fixing_a_bad_row(
    page, migration_data, world, kinds, personas, tmp_path
):
    login(page, personas.hn_officer.username, PASSWORD)
    page.goto(f"{page.base_url}/imports/")
    with page.expect_download() as download:
        page.click("#template-establishments-csv")
    template = open(download.value.path(), encoding="utf-8").read()

    bad = tmp_path / "co-so.csv"
    bad.write_text(fill(template, bad=True), encoding="utf-8")
    page.select_option("#id_kind", "establishments")
    page.set_input_files("#id_file", str(bad))
    page.click("#upload-button")
    page.wait_for_url("**/imports/preview/")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.locator("td").first.inner_text() == str(BAD_ROW + 2)
    assert "hotel" in errors.first.inner_text()
    assert page.locator("#count-errors").inner_text() == "1"
    assert page.locator("#confirm-button").count() == 0
    shot(page, "exchange_preview_with_error")
    assert Establishment.objects.count() == 0

    good = tmp_path / "co-so-da-sua.csv"
    good.write_text(fill(template, bad=False), encoding="utf-8")
    page.click("text=Hủy và tải lên tệp khác")
    page.wait_for_url("**/imports/")
    page.select_option("#id_kind", "establishments")
    page.set_input_files("#id_file", str(good))
    page.click("#upload-button")
    page.wait_for_url("**/imports/preview/")
    assert page.locator("#count-new").inner_text() == "200"
    assert page.locator("#count-errors").inner_text() == "0"
    shot(page, "exchange_preview_clean")
    page.click("#confirm-button")
    # The list of exactly the records imported.
    page.wait_for_url("**/establishments/?import=*")
    assert "200" in page.locator(".alert-success").inner_text()
    shot(page, "exchange_imported_list")
    assert Establishment.objects.filter(code__startswith="HN-IMP-").count() == 200

    # They are listed: search the list for one of them.
    page.goto(f"{page.base_url}/establishments/?q=HN-IMP-123")
    assert "Khách sạn Thử Nghiệm 123" in page.locator("main").inner_text()


def test_an_administrator_downloads_the_national_table_as_xlsx(
    page, migration_data, world, kinds, personas, tmp_path
):
    hotel = Establishment(
        code="HN-1", name="Khách sạn", line="accommodation", commune=world.ba_dinh
    )
    hotel.save()
    Inspection(
        establishment=hotel,
        inspected_on=datetime.date(2024, 5, 2),
        team="police",
        outcome="no_violation",
    ).save()
    login(page, personas.admin.username, PASSWORD)
    page.goto(f"{page.base_url}/exports/")
    page.select_option("#id_year", "2024")
    page.fill("#id_as_of", "31/12/2024")
    shot(page, "exchange_exports_admin")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    saved = tmp_path / download.value.suggested_filename
    assert saved.suffix == ".xlsx"
    download.value.save_as(saved)
    workbook = openpyxl.load_workbook(saved)
    assert len(workbook.worksheets) == 3
    provinces = workbook.worksheets[0]
    assert provinces.freeze_panes == "C2"
    assert provinces["A1"].value == "Mã địa bàn"
    rows = {row[0]: row for row in provinces.iter_rows(min_row=2, values_only=True)}
    # Hà Nội: 1 establishment operating in 2024, inspected -> 100.0%; HCM has none -> n/a.
    header = [c.value for c in provinces[1]]
    pct = header.index("Tỷ lệ cơ sở được kiểm tra trong năm (%)")
    assert rows["01"][pct] == 100.0
    assert rows["79"][pct] is None
    about = workbook.worksheets[2]
    assert about["B4"].value.date() == datetime.date(2024, 12, 31)


def test_a_large_file_is_checked_and_imported_as_a_job_the_page_follows(
    page, migration_data, world, kinds, personas, tmp_path, settings
):
    """Above IMPORT_INLINE_MAX_ROWS the check and the import run as tasks; the page's script
    follows them (no reload by hand) to the preview and to the end. The immediate backend runs
    each task in the live server's thread once its request is answered, as a worker would."""
    settings.IMPORT_INLINE_MAX_ROWS = 50
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path / "media")
    login(page, personas.hn_officer.username, PASSWORD)
    page.goto(f"{page.base_url}/imports/")
    with page.expect_download() as download:
        page.click("#template-establishments-csv")
    template = open(download.value.path(), encoding="utf-8").read()
    good = tmp_path / "co-so-lon.csv"
    good.write_text(fill(template, bad=False), encoding="utf-8")
    page.select_option("#id_kind", "establishments")
    page.set_input_files("#id_file", str(good))
    page.click("#upload-button")
    page.wait_for_url("**/imports/jobs/*/")
    # The preview arrives by itself once the check is done.
    page.wait_for_selector("#count-new", timeout=30_000)
    assert page.locator("#count-new").inner_text() == "200"
    assert page.locator("#count-errors").inner_text() == "0"
    shot(page, "exchange_job_preview")
    assert Establishment.objects.count() == 0  # checked, nothing written yet
    page.click("#confirm-button")
    page.wait_for_selector("#job-imported", timeout=30_000)
    assert "200" in page.locator("#job-imported").inner_text()
    shot(page, "exchange_job_imported")
    assert Establishment.objects.filter(code__startswith="HN-IMP-").count() == 200
    page.click("#job-list-link")
    page.wait_for_url("**/establishments/**")
