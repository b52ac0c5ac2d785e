"""axe-core (vendored under tests/browser/vendor/axe-core, MPL-2.0) on every kind of page as
every role, in headless Chromium at 1366×900: no violation at all, the violations printed when
there are some. Then the keyboard: the skip link comes first and leads to the main content,
and the focus ring is seen on the dark red navbar."""

import pathlib
import re

import pytest

from localities.models import Case, Establishment, Inspection, Report
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.plan_tracker import scenario

AXE = pathlib.Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
QUERY = "?year=2024&as_of=31/03/2025"
NAVBAR_RED = (0x7A, 0x1C, 0x1C)

# The live server needs a transactional database, flushed after each test: serialized rollback
# brings back what the migrations load (the default plan, the report kinds).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def built(desktop, world, kinds, personas):
    scenario.build(world, kinds)
    return world


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()


def axe_violations(page) -> list[dict]:
    # Evaluated through the browser's debugging protocol, which the page's
    # Content-Security-Policy does not govern: the page itself keeps refusing inline scripts.
    page.evaluate(AXE.read_text() + "\n;true")
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + " — " + n.failureSummary),
            }));
        }"""
    )


def describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        lines.append(where)
        for v in violations:
            lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
            lines.extend(f"    {node}" for node in v["nodes"][:6])
    return "\n".join(lines)


def record_pages(w) -> dict[str, str]:
    """Every page of the records of Phường Ba Đình (in every persona's area but TP HCM's)."""
    est = Establishment.objects.get(code="E4")
    inspection = Inspection.objects.filter(establishment=est).first()
    report = Report.objects.get(reference="R5")
    case = Case.objects.get(reference="C6")
    return {
        "establishment list": "/establishments/",
        "inspection list": "/inspections/",
        "report list": "/reports/",
        "case list": "/cases/",
        "establishment": f"/establishments/{est.pk}/",
        "inspection": f"/inspections/{inspection.pk}/",
        "report": f"/reports/{report.pk}/",
        "case": f"/cases/{case.pk}/",
        "establishment form": "/establishments/new/",
        "establishment edit form": f"/establishments/{est.pk}/edit/",
        "inspection form": f"/inspections/new/?establishment={est.pk}",
        "inspection edit form": f"/inspections/{inspection.pk}/edit/",
        "report form": "/reports/new/",
        "report edit form": f"/reports/{report.pk}/edit/",
        "report stage form": f"/reports/{report.pk}/stage/",
        "reporter's identity": f"/reports/{report.pk}/identity/",
        "case form": "/cases/new/",
        "case edit form": f"/cases/{case.pk}/edit/",
    }


def every_page(w) -> dict[str, str]:
    return {
        "home": "/",
        "national dashboard": f"/dashboards/{QUERY}",
        "province dashboard": f"/dashboards/locality/{w.hn.pk}/{QUERY}",
        "province dashboard, every commune": f"/dashboards/locality/{w.hn.pk}/{QUERY}&all=1",
        "commune dashboard": f"/dashboards/locality/{w.ba_dinh.pk}/{QUERY}",
        "commune work lists": f"/dashboards/locality/{w.ba_dinh.pk}/work/{QUERY}",
        "province work lists": f"/dashboards/locality/{w.hn.pk}/work/{QUERY}",
        "national charts": f"/dashboards/charts/{QUERY}",
        "province charts": f"/dashboards/charts/{QUERY}&locality={w.hn.code}",
        "refused selection": "/dashboards/?year=1999",
        **record_pages(w),
        "imports": "/imports/",
        "exports": "/exports/",
        "API tokens": "/api/tokens/",
        "printed report": f"/exports/report/{QUERY}",
        "printed province report": f"/exports/report/{QUERY}&locality=01",
        "not found": "/nowhere/",
        "Hoàn Kiếm's establishment (404 to Ba Đình's officer)": (
            f"/establishments/{Establishment.objects.get(code='H1').pk}/"
        ),
    }


@pytest.mark.parametrize("role", ["admin", "ministry", "hn_officer", "commune_officer"])
def test_axe_finds_no_violation_on_any_page_as_any_role(desktop, built, personas, role):
    user = getattr(personas, role)
    login(desktop, user.username, PASSWORD)
    desktop.wait_for_load_state("networkidle")
    found, statuses = {}, {}
    for name, path in every_page(built).items():
        response = desktop.goto(desktop.base_url + path)
        desktop.wait_for_load_state("networkidle")
        statuses[name] = response.status
        violations = axe_violations(desktop)
        if violations:
            found[f"{name} ({path}, {response.status})"] = violations
    assert not found, f"axe as {role}:\n{describe(found)}"
    # The pages were what they claim: seen where the role may, refused (403) or absent (404)
    # where it may not; error pages were checked too.
    assert statuses["home"] == 200 and statuses["not found"] == 404
    assert statuses["commune work lists"] == 200 and statuses["report list"] == 200
    writes = statuses["establishment form"]
    assert writes == (403 if role == "ministry" else 200)


def test_axe_finds_no_violation_on_the_login_page_and_error_pages_without_login(desktop, built):
    found = {}
    for path, status in (("/login/", 200), ("/nowhere/", 404)):
        response = desktop.goto(desktop.base_url + path)
        assert response.status == status
        violations = axe_violations(desktop)
        if violations:
            found[path] = violations
    # A wrong password: the form with its error.
    login(desktop, "nobody", "wrong")
    desktop.wait_for_load_state("networkidle")
    assert desktop.locator(".alert, .errorlist, .invalid-feedback").count() >= 1
    violations = axe_violations(desktop)
    if violations:
        found["/login/ (refused)"] = violations
    assert not found, describe(found)


def test_overdue_rows_were_checked_for_contrast(desktop, built, personas):
    """The pink overdue rows of the work lists hold links (3.37:1 in Bootstrap's blue): the page
    axe passed above has such a row, and its link reads at 4.5:1 at least."""
    login(desktop, personas.hn_officer.username, PASSWORD)
    desktop.goto(f"{desktop.base_url}/dashboards/locality/{built.ba_dinh.pk}/work/{QUERY}")
    overdue = desktop.locator("#reports-to-handle tr.table-danger a")
    assert overdue.count() >= 1 and overdue.first.inner_text() == "R5"
    colour, background = overdue.first.evaluate(
        """a => [getComputedStyle(a).color,
                 getComputedStyle(a.closest('tr')).getPropertyValue('--bs-table-bg')]"""
    )
    assert contrast(rgb(colour), hex_rgb(background.strip())) >= 4.5


def test_the_skip_link_comes_first_and_leads_to_the_main_content(desktop, built, personas):
    login(desktop, personas.ministry.username, PASSWORD)
    desktop.goto(f"{desktop.base_url}/dashboards/{QUERY}")
    skip = desktop.locator("a.skip-link")
    assert skip.inner_text() == "Chuyển đến nội dung chính"
    # Out of sight until focused.
    assert skip.bounding_box()["width"] <= 1
    desktop.keyboard.press("Tab")
    assert desktop.evaluate("document.activeElement.className").startswith(
        "visually-hidden-focusable skip-link"
    )
    box = skip.bounding_box()
    assert box["width"] > 50 and box["height"] > 20 and box["y"] >= 0
    desktop.keyboard.press("Enter")
    desktop.wait_for_url(re.compile(r".*#main-content$"))
    assert desktop.evaluate("document.activeElement.id") == "main-content"
    # The next Tab goes on from the main content: into the breadcrumb, past the navbar.
    desktop.keyboard.press("Tab")
    assert desktop.evaluate("!!document.activeElement.closest('main')")


def test_the_focus_ring_stands_out_on_the_navbar_and_its_links_read_well(desktop, built, personas):
    login(desktop, personas.ministry.username, PASSWORD)
    desktop.goto(f"{desktop.base_url}/dashboards/{QUERY}")
    link = desktop.locator(".navbar .nav-link").first
    # Navbar links against the dark red: at least 4.5:1 (Bootstrap's 55% white was 4.14:1).
    assert contrast(rgb(link.evaluate("e => getComputedStyle(e).color")), NAVBAR_RED) >= 4.5
    link.focus()
    desktop.keyboard.press("Shift+Tab")
    desktop.keyboard.press("Tab")  # focused from the keyboard: :focus-visible
    style = link.evaluate(
        """e => { const s = getComputedStyle(e);
                  return [document.activeElement === e, s.outlineStyle, s.outlineWidth,
                          s.outlineColor]; }"""
    )
    focused, outline_style, width, colour = style
    assert focused and outline_style == "solid"
    assert float(width.removesuffix("px")) >= 3
    # Non-text contrast (WCAG 1.4.11): the ring against the navbar, 3:1 at least.
    assert contrast(rgb(colour), NAVBAR_RED) >= 3


# --- colours


def rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(float(x)) for x in re.findall(r"[\d.]+", css)[:3])
    return r, g, b


def hex_rgb(css: str) -> tuple[int, int, int]:
    if css.startswith("rgb"):
        return rgb(css)
    css = css.lstrip("#")
    return tuple(int(css[i : i + 2], 16) for i in (0, 2, 4))


def luminance(colour) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_arithmetic():
    # WCAG's own examples: black on white 21:1, Bootstrap's blue on the overdue pink 3.37:1.
    assert round(contrast((0, 0, 0), (255, 255, 255)), 2) == 21
    assert round(contrast(hex_rgb("#0d6efd"), hex_rgb("#f8d7da")), 2) == 3.37
