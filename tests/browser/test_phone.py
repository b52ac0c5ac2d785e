"""The app on a phone (390×844 in headless Chromium): no page scrolls sideways, a compliance
table's localities become cards with their four targets, explanations start folded, date boxes
open the phone's date picker (the server takes the ISO date it sends), references do not break.
Screenshots go to PLAN_TRACKER_SCREENSHOTS (phone_*.png)."""

import datetime

import pytest

from localities.models import Establishment, Inspection, Report
from tests.browser.conftest import login, shot
from tests.browser.test_accessibility import axe_violations, describe
from tests.conftest import PASSWORD
from tests.plan_tracker import scenario

QUERY = "?year=2024&as_of=31/03/2025"
TARGETS = [
    "Nguồn tin được giải quyết đúng hạn",
    "Cơ sở được kiểm tra trong năm",
    "Cơ sở được kiểm tra từ đầu kế hoạch",
    "Mức tăng số vụ án được xử lý",
]
LONG_REFERENCE = "BC-2024/HN-BĐ-000123"

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def context_page(browser, live_server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    pg = context.new_page()
    pg.base_url = live_server.url
    return context, pg


@pytest.fixture
def phone(browser, live_server):
    context, pg = context_page(browser, live_server, 390, 844)
    yield pg
    context.close()


@pytest.fixture
def built(phone, world, kinds, personas):
    scenario.build(world, kinds)
    scenario.report(LONG_REFERENCE, world.ba_dinh, kinds["crime_denunciation"], D(2024, 10, 1))
    return world


D = datetime.date


def phone_pages(w, role) -> dict[str, str]:
    """The dashboards, work lists, record lists, forms and charts the role may open."""
    e4 = Establishment.objects.get(code="E4")
    pages = {
        "national dashboard": f"/dashboards/{QUERY}",
        "province dashboard": f"/dashboards/locality/{w.hn.pk}/{QUERY}",
        "province dashboard, every commune": f"/dashboards/locality/{w.hn.pk}/{QUERY}&all=1",
        "commune dashboard": f"/dashboards/locality/{w.ba_dinh.pk}/{QUERY}",
        "commune work lists": f"/dashboards/locality/{w.ba_dinh.pk}/work/{QUERY}",
        "province work lists": f"/dashboards/locality/{w.hn.pk}/work/{QUERY}",
        "national charts": f"/dashboards/charts/{QUERY}",
        "province charts": f"/dashboards/charts/{QUERY}&locality={w.hn.code}",
        "establishment list": "/establishments/",
        "inspection list": "/inspections/",
        "report list": "/reports/",
        "case list": "/cases/",
        "home": "/",
        "establishment": f"/establishments/{e4.pk}/",
        "report": f"/reports/{Report.objects.get(reference='R5').pk}/",
        "plan review": "/dashboards/review/",
        "approvals": "/approvals/",
    }
    if role == "commune_officer":
        # A commune has no review of its own nor a year to submit.
        del pages["plan review"], pages["approvals"]
        # Hà Nội's own pages are not theirs: the commune's are.
        for name in ("province dashboard", "province dashboard, every commune"):
            del pages[name]
        del pages["province work lists"], pages["province charts"]
    if role != "ministry":
        pages |= {
            "establishment form": "/establishments/new/",
            "establishment edit form": f"/establishments/{e4.pk}/edit/",
            "inspection form": f"/inspections/new/?establishment={e4.pk}",
            "report form": "/reports/new/",
            "report stage form": f"/reports/{Report.objects.get(reference='R5').pk}/stage/",
            "case form": "/cases/new/",
            "imports": "/imports/",
        }
    return pages


@pytest.mark.parametrize("role", ["ministry", "hn_officer", "commune_officer"])
def test_no_page_scrolls_sideways_on_a_phone(phone, built, personas, role):
    login(phone, getattr(personas, role).username, PASSWORD)
    phone.wait_for_load_state("networkidle")
    too_wide = {}
    for name, path in phone_pages(built, role).items():
        response = phone.goto(phone.base_url + path)
        phone.wait_for_load_state("networkidle")
        assert response.status == 200, f"{name} ({path}) answered {response.status}"
        width, viewport = phone.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if width > viewport:
            too_wide[name] = width
        shot(phone, f"phone_{role}_{name.replace(' ', '_').replace(',', '')}")
    assert viewport == 390
    assert too_wide == {}, f"pages wider than the phone (390 px): {too_wide}"


def test_a_province_table_becomes_cards_with_four_targets_each(phone, built, personas):
    login(phone, personas.hn_officer.username, PASSWORD)
    phone.goto(f"{phone.base_url}/dashboards/locality/{built.hn.pk}/{QUERY}")
    table = phone.locator("table.compliance-table")
    card = table.locator("tr[data-code='00004']")
    assert card.evaluate("e => getComputedStyle(e).display") == "grid"
    # Nothing scrolls inside the table's box either: every target is on screen.
    assert phone.evaluate(
        "(() => { const box = document.getElementById('compliance');"
        " return box.scrollWidth <= box.clientWidth; })()"
    )
    badges = card.locator(".badge-status")
    assert badges.count() == 4
    for i in range(4):
        box = badges.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # Each target is named on its card (the cell's data-label, drawn before it), in order.
    labels = card.locator("td[data-label]").evaluate_all(
        "tds => tds.map(td => getComputedStyle(td, '::before').content)"
    )
    assert labels == ['"Cơ sở kinh doanh: "'] + [f'"{t}"' for t in TARGETS]
    # Ba Đình 2024: annual inspections 3 of 6 = 50,0% (the figures of the wide table).
    assert "50,0%" in card.inner_text() and "3 / 6" in card.inner_text()
    # The total is a card too, under the communes.
    total = table.locator("tfoot tr")
    assert total.evaluate("e => getComputedStyle(e).display") == "grid"
    assert "Tổng: Thành phố Hà Nội" in total.inner_text()
    # The first card starts on the first screen, not after ~800 px of heading.
    first = table.locator("tbody tr").first.bounding_box()["y"]
    assert first < 844, first
    # The cards pass axe too (contrast of the drawn labels, the sort buttons' row).
    violations = axe_violations(phone)
    assert not violations, describe({"province cards": violations})
    shot(phone, "phone_province_cards")


def test_explanations_start_folded_on_a_phone_and_open_on_a_wide_screen(
    browser, live_server, phone, built, personas
):
    path = f"/dashboards/locality/{built.hn.pk}/{QUERY}"
    login(phone, personas.hn_officer.username, PASSWORD)
    phone.goto(phone.base_url + path)
    folds = phone.locator("details.fold")
    # The plans in force, how targets are judged, the selectors, the bars.
    assert folds.count() == 4
    assert folds.evaluate_all("ds => ds.map(d => d.open)") == [False, False, False, False]
    # The explanation opens on a tap.
    explanation = phone.locator("#dashboard-context details.fold:not(#plans-in-force)")
    explanation.locator("summary").click()
    assert "đường thẳng" in explanation.inner_text()

    context, wide = context_page(browser, live_server, 1366, 900)
    try:
        login(wide, personas.hn_officer.username, PASSWORD)
        wide.goto(wide.base_url + path)
        assert wide.locator("details.fold").evaluate_all("ds => ds.map(d => d.open)") == [
            True,
            True,
            True,
            True,
        ]
        # On a wide screen the date stays a dd/mm/yyyy text box.
        assert wide.locator("#selectors input[name=as_of]").get_attribute("type") == "text"
    finally:
        context.close()


def test_a_phone_picks_dates_with_its_date_picker_and_the_server_takes_them(phone, built, personas):
    login(phone, personas.hn_officer.username, PASSWORD)
    # The dashboards' as-of date: a date input holding 31/03/2025 as ISO.
    phone.goto(f"{phone.base_url}/dashboards/locality/{built.hn.pk}/{QUERY}")
    as_of = phone.locator("#selectors input[name=as_of]")
    assert as_of.get_attribute("type") == "date"
    assert as_of.input_value() == "2025-03-31"
    phone.locator("#selectors-fold summary").click()
    # The screenshot of the open selectors also makes headless Chromium draw the fold's content:
    # until a frame is drawn it may keep that content hidden, and the fill below would wait for
    # it in vain.
    shot(phone, "phone_selectors_open")
    as_of.fill("2024-12-31")
    phone.locator("#selectors button[type=submit]").click()
    phone.wait_for_load_state("networkidle")
    assert phone.locator("#context-as-of").inner_text() == "31/12/2024"

    # A record form: the date picked is the date saved.
    e4 = Establishment.objects.get(code="E4")
    phone.goto(f"{phone.base_url}/inspections/new/?establishment={e4.pk}")
    date_box = phone.locator("#id_inspected_on")
    assert date_box.get_attribute("type") == "date"
    date_box.fill("2025-02-14")
    phone.select_option("#id_team", "police")
    phone.select_option("#id_outcome", "no_violation")
    shot(phone, "phone_inspection_form")
    phone.click("#record-form button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert Inspection.objects.filter(establishment=e4, inspected_on=D(2025, 2, 14)).exists()

    # A list's filters too. In scope, operating today and not inspected since 01/06/2024:
    # E3 and H2–H4 (never), E6 (31/12/2023), H1 (04/04/2024) = 6; not E4 (10/09/2024), E2
    # (31/12/2024), E5 (01/01/2025), E1 (closed 30/06/2024) nor E7 (out of scope).
    phone.goto(f"{phone.base_url}/establishments/")
    since = phone.locator("#filters input[name=not_inspected_since]")
    assert since.get_attribute("type") == "date"
    since.fill("2024-06-01")
    phone.click("#filters button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert "not_inspected_since=2024-06-01" in phone.url
    assert phone.locator("#result-count").inner_text().startswith("6 ")
    codes = phone.locator(".record-list tbody td:first-child").all_inner_texts()
    assert sorted(codes) == ["E3", "E6", "H1", "H2", "H3", "H4"]


def test_references_do_not_break_on_a_phone(phone, built, personas):
    login(phone, personas.commune_officer.username, PASSWORD)
    phone.goto(f"{phone.base_url}/dashboards/locality/{built.ba_dinh.pk}/work/{QUERY}")
    ref = phone.locator("#reports-to-handle a.ref", has_text=LONG_REFERENCE)
    # One box: the reference stays on one line; the row wraps around it.
    assert ref.evaluate("a => a.getClientRects().length") == 1
    assert ref.evaluate("a => getComputedStyle(a).whiteSpace") == "nowrap"
    assert ref.evaluate("a => getComputedStyle(a.closest('tr')).display") == "flex"
    shot(phone, "phone_work_lists")

    phone.goto(f"{phone.base_url}/reports/")
    listed = phone.locator(".record-list td:first-child a", has_text=LONG_REFERENCE)
    assert listed.evaluate("a => a.getClientRects().length") == 1
