"""The charts page's map, drawn on the server: Vietnam's outline, Hoàng Sa and Trường Sa drawn
and labelled as Vietnam's, a marker for each of the 34 provinces, and labels of which no two
overlap; the page's queries do not grow with the localities."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from localities.official_units import new_units
from plan_tracker.dashboards import vietnam_map
from plan_tracker.dashboards.vietnam_map import Box, Marker, place_labels
from tests.conftest import make_locality
from tests.plan_tracker import scenario
from tests.plan_tracker.scenario import establishment

STYLES = {
    "met": "circle",
    "on_track": "triangle",
    "behind": "rectRot",
    "not_met": "rect",
    "not_applicable": "crossRot",
}
STATUSES = list(STYLES)


def provinces_of_2025():
    return [u for u in new_units() if u.level == "province"]


def entry(code, name, lat, lon, i=0, **extra):
    return {
        "code": code,
        "name": name,
        "value": 40.0 + i,
        "numerator": 4 + i,
        "denominator": 10 + i,
        "status": {"id": STATUSES[i % 5], "label": "status"},
        "establishments": 10 + 7 * i,
        "lat": lat,
        "lon": lon,
        "too_few": i % 9 == 0,
        "url": f"/dashboards/charts/?locality={code}",
        **extra,
    }


@pytest.fixture
def national_svg():
    points = [
        entry(u.code, u.short_name, u.latitude, u.longitude, i)
        for i, u in enumerate(provinces_of_2025())
    ]
    with translation.override("vi"):
        return str(vietnam_map.render(points, STYLES, national=True))


def boxes(svg: str, css: str) -> list[Box]:
    found = re.findall(rf'<text class="{css}"[^>]* data-box="([^"]+)"', svg)
    return [Box(*map(float, text.split())) for text in found]


def test_the_2025_scheme_has_34_provinces_with_centres():
    provinces = provinces_of_2025()
    assert len(provinces) == 34
    assert all(u.latitude and u.longitude for u in provinces)


def test_the_outline_is_vietnams_from_the_vendored_natural_earth_data():
    rings = vietnam_map.vietnam_rings()
    mainland = max(rings, key=len)
    lons = [lon for lon, _lat in mainland]
    lats = [lat for _lon, lat in mainland]
    # From Lũng Cú (about 23.4°N) to Cà Mau (about 8.6°N), Điện Biên (about 102.1°E) to the
    # coast of Khánh Hòa (about 109.5°E).
    assert 23.2 < max(lats) < 23.5 and 8.4 < min(lats) < 8.7
    assert 102.0 < min(lons) < 102.3 and 109.3 < max(lons) < 109.6
    assert len(rings) >= 2  # islands too: Phú Quốc, Côn Đảo…


def test_the_svg_draws_the_outline_and_both_archipelagos(national_svg):
    assert national_svg.startswith("<svg") and national_svg.endswith("</svg>")
    (outline,) = re.findall(r'<path class="vn-land" d="([^"]+)"', national_svg)
    assert outline.count("M") == len(vietnam_map.vietnam_rings())
    assert outline.count("L") > 500
    labels = re.findall(r'<text class="vn-island-label"[^>]*>([^<]+)</text>', national_svg)
    assert labels == ["Quần đảo Hoàng Sa", "Quần đảo Trường Sa"]
    groups = re.findall(r'<g class="vn-islands">(.*?)</g>', national_svg)
    assert [g.count("<circle") for g in groups] == [
        len(vietnam_map.HOANG_SA),
        len(vietnam_map.TRUONG_SA),
    ]


def test_the_svg_has_a_marker_and_a_label_for_each_of_the_34_provinces(national_svg):
    codes = re.findall(r'<g class="map-marker[^"]*" data-code="(\d+)"', national_svg)
    assert sorted(codes) == sorted(u.code for u in provinces_of_2025())
    assert len(boxes(national_svg, "map-label")) == 34
    assert "Hà Nội 40,0% *" in national_svg  # i = 0: too few, starred
    assert "Phú Thọ" in national_svg


def test_no_two_labels_overlap_and_all_stay_inside_the_map(national_svg):
    labels = boxes(national_svg, "map-label") + boxes(national_svg, "vn-island-label")
    assert len(labels) == 36
    for i, one in enumerate(labels):
        for other in labels[i + 1 :]:
            assert not one.overlaps(other), (one, other)
    width, height = map(float, re.search(r'viewBox="0 0 (\S+) (\S+)"', national_svg).groups())
    frame = Box(0, 0, width, height)
    assert all(box.inside(frame) for box in labels)


def test_a_label_takes_the_right_side_then_the_left_when_the_right_is_taken():
    width, height = vietnam_map.label_size("AB")
    assert width == pytest.approx(2 * 0.62 * 11 + 4) and height == 14
    first, second = Marker(100, 100, 5, "AB"), Marker(100, 100, 5, "AC")
    place_labels([second, first], Box(0, 0, 400, 400))
    # "AB" chooses first (same size, by text): right of the marker, 5 + 3 from its centre,
    # centred on it (100 - 14 / 2 = 93). "AC" finds the right taken: the left side,
    # 100 - 8 - its width.
    assert first.label == Box(108, 93, width, height) and not first.leader
    assert second.label == Box(100 - 8 - width, 93, width, height) and not second.leader


def test_a_label_keeps_off_the_other_markers_and_the_frame():
    # A marker on the right, one to its left and the frame's edge close above: the label of
    # the first cannot go right (frame), left (the other marker) or up (frame): it goes below.
    edge = Marker(390, 12, 4, "X")
    other = Marker(370, 12, 4, "Y")
    place_labels([edge, other], Box(0, 0, 400, 400), fixed=[])
    assert edge.label.y >= 12 + 4 + 3
    assert not edge.label.overlaps(other.label)
    assert not edge.label.overlaps(other.box) and not other.label.overlaps(edge.box)


def test_a_label_with_no_room_is_left_out_rather_than_overlapping():
    crowd = [Marker(50, 50, 4, f"Place {i}") for i in range(6)]
    place_labels(crowd, Box(0, 0, 100, 100), max_rings=0)
    placed = [m.label for m in crowd if m.label is not None]
    assert 0 < len(placed) < 6
    for i, one in enumerate(placed):
        for other in placed[i + 1 :]:
            assert not one.overlaps(other)


# --- the page ----------------------------------------------------------------------------------


def grow_provinces(n):
    for i in range(n):
        province = make_locality(
            "2025", f"{40 + i}", f"Tỉnh {i}", "province", latitude=12 + i, longitude=105 + i / 3
        )
        commune = make_locality("2025", f"{30000 + i}", f"Xã {i}", "commune", province)
        establishment(f"P{i}", commune, inspected=[scenario.D(2024, 3, 3)])


@pytest.mark.django_db
@pytest.mark.parametrize("provinces", [2, 10])
def test_the_charts_page_draws_the_map_at_the_same_queries_whatever_the_provinces(
    client, world, personas, django_assert_num_queries, provinces
):
    grow_provinces(provinces)
    client.force_login(personas.ministry)
    # As the charts page without the map: session, user, assignment, plans, targets,
    # localities, establishments, reports, cases, activities, the probe for inspections after
    # the as-of date, the cases the ministry watches, and the approvals of the provinces' year.
    # The outline is read from the vendored file, never from the database.
    with django_assert_num_queries(14):
        response = client.get(reverse("dashboard_charts"), {"year": "2024", "as_of": "31/03/2025"})
    body = response.content.decode()
    # The world's two provinces have centres, and so do the grown ones.
    assert body.count('class="map-marker') == 2 + provinces
    assert 'class="vn-land"' in body and "Quần đảo Trường Sa" in body
    assert 'id="map-chart"' not in body  # no canvas for the map any more


@pytest.mark.django_db
def test_a_provinces_charts_map_its_communes_with_their_labels(client, world, personas):
    world.ba_dinh.latitude, world.ba_dinh.longitude = 21.034, 105.814
    world.hoan_kiem.latitude, world.hoan_kiem.longitude = 21.029, 105.852
    for commune in (world.ba_dinh, world.hoan_kiem):
        commune.save(update_fields=["latitude", "longitude"])
    client.force_login(personas.hn_officer)
    response = client.get(
        reverse("dashboard_charts"),
        {"locality": "01", "year": "2024", "as_of": "31/03/2025"},
    )
    svg = str(response.context["map_svg"])
    assert sorted(re.findall(r'data-code="(\d+)"', svg)) == ["00004", "00070"]
    # Both labelled; nothing is measured in these communes: the name alone, no figure.
    texts = re.findall(r'<text class="map-label"[^>]*>([^<]+)</text>', svg)
    assert sorted(texts) == ["Phường Ba Đình", "Phường Hoàn Kiếm"]
