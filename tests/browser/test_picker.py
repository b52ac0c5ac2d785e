"""In headless Chromium: an officer records an inspection from the inspections menu by typing
part of the establishment's name without accents, choosing it with the keyboard, and saving.

Screenshots are saved under test-artifacts/screenshots/picker_*.png."""

import datetime

import pytest
from django.utils import timezone

from localities.models import Establishment, Inspection
from tests.browser.conftest import login, shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_officer_picks_the_establishment_by_name_with_the_keyboard(page, world, personas):
    for code, name, commune in [
        ("HN-0001", "Karaoke Hoa Hồng", world.ba_dinh),
        ("HN-0002", "Karaoke Hoa Mai", world.hoan_kiem),
        ("SG-0001", "Karaoke Hoa Hồng Sài Gòn", world.sai_gon),  # another province's
    ]:
        Establishment.objects.create(code=code, name=name, line="karaoke", commune=commune)
    login(page, personas.hn_officer.username, PASSWORD)
    page.goto(f"{page.base_url}/inspections/new/")

    box = page.locator("#id_establishment")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    # The field's label names the box a screen reader lands on.
    assert page.locator("label[for=id_establishment]").count() == 1
    box.press_sequentially("karaoke hoa", delay=20)
    options = page.locator("#id_establishment_list [role=option]")
    options.first.wait_for()
    # Both of Hà Nội's, by name; never TP Hồ Chí Minh's.
    assert options.all_inner_texts() == [
        "Karaoke Hoa Hồng (HN-0001) — Phường Ba Đình",
        "Karaoke Hoa Mai (HN-0002) — Phường Hoàn Kiếm",
    ]
    assert box.get_attribute("aria-expanded") == "true"
    assert page.locator("#id_establishment_list").get_attribute("role") == "listbox"
    assert "2" in page.inner_text("#id_establishment_status")

    box.press("ArrowDown")
    box.press("ArrowDown")
    second = options.nth(1)
    assert second.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == second.get_attribute("id")
    box.press("ArrowUp")
    shot(page, "picker_01_list")
    box.press("Enter")  # chooses Hoa Hồng, does not submit
    assert page.url.endswith("/inspections/new/")
    assert box.input_value() == "Karaoke Hoa Hồng (HN-0001) — Phường Ba Đình"
    assert page.input_value("#id_establishment_code") == "HN-0001"
    assert box.get_attribute("aria-expanded") == "false"

    day = timezone.localdate() - datetime.timedelta(days=2)
    page.fill("#id_inspected_on", day.strftime("%d/%m/%Y"))
    page.select_option("#id_team", "police")
    page.select_option("#id_outcome", "no_violation")
    shot(page, "picker_02_chosen")
    page.click("#record-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    inspection = Inspection.objects.get()
    assert inspection.establishment.code == "HN-0001" and inspection.inspected_on == day
    assert page.url.endswith(f"/inspections/{inspection.pk}/")


def test_a_code_typed_in_full_is_saved_without_choosing(page, world, personas):
    Establishment.objects.create(
        code="HN-0001", name="Karaoke Hoa Hồng", line="karaoke", commune=world.ba_dinh
    )
    login(page, personas.hn_officer.username, PASSWORD)
    page.goto(f"{page.base_url}/inspections/new/")
    page.fill("#id_establishment", "HN-0001")
    page.fill("#id_inspected_on", timezone.localdate().strftime("%d/%m/%Y"))
    page.select_option("#id_team", "police")
    page.select_option("#id_outcome", "no_violation")
    page.click("#record-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert Inspection.objects.get().establishment.code == "HN-0001"
