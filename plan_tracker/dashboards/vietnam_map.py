"""The charts page's map, drawn here as SVG: Vietnam's outline with Hoàng Sa and Trường Sa, each
locality a marker at its centre (shape and colour its status, size its establishments), and
labels placed so that no two overlap. The page needs no script for it.

The outline is Natural Earth's (1:50m, admin-0 "Vietnam"), read from the TopoJSON vendored in
static/vendor/world-atlas/ (npm world-atlas 2.0.2). No package of the npm registry or PyPI ships
the shapes of the 63 provinces of 2004, from which the 34 of 2025 could be dissolved through
the conversion table, nor the 34 themselves: the provinces are therefore drawn as markers at
their centres (vietnamadminunits' coordinates), not as shapes.

Natural Earth's 1:50m admin-0 has neither archipelago in Vietnam's geometry (Trường Sa is
absent, Hoàng Sa is not in Vietnam's shape): both are drawn here from the coordinates of their
main islands, as Vietnam's, and labelled so.
"""

import html
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

TOPOJSON = Path(settings.BASE_DIR) / "static" / "vendor" / "world-atlas" / "countries-50m.json"
VIETNAM_ID = "704"  # ISO 3166-1 numeric

# (longitude, latitude) of the main islands; the map's scale makes each a dot.
HOANG_SA = [
    (112.338, 16.834),  # Phú Lâm
    (112.270, 16.980),  # Cây
    (112.733, 16.667),  # Linh Côn
    (111.608, 16.533),  # Hoàng Sa
    (111.582, 16.548),  # Hữu Nhật
    (111.597, 16.450),  # Quang Ảnh
    (111.770, 16.050),  # Bạch Quy
    (111.200, 15.783),  # Tri Tôn
    (111.500, 17.100),  # Đá Bắc
]
TRUONG_SA = [
    (114.333, 11.430),  # Song Tử Tây
    (114.350, 11.450),  # Song Tử Đông
    (114.280, 11.050),  # Thị Tứ
    (114.420, 10.680),  # Loại Ta
    (114.480, 10.380),  # Sơn Ca
    (114.365, 10.377),  # Ba Bình
    (114.360, 10.180),  # Nam Yết
    (114.330, 9.880),  # Sinh Tồn
    (113.700, 8.970),  # Phan Vinh
    (113.900, 8.850),  # Tiên Nữ
    (112.220, 8.850),  # Đá Tây
    (111.920, 8.644),  # Trường Sa Lớn
    (111.670, 8.670),  # Đá Lát
    (112.920, 7.870),  # An Bang
]

# The nation's frame: the mainland, both archipelagos, and room for labels on either side.
NATION_BOUNDS = (100.6, 6.9, 118.2, 23.9)  # west, south, east, north
WIDTH = 720  # the longer side of the drawing, in SVG units
FONT = 11
CHAR_WIDTH = 0.62 * FONT  # a generous average for Vietnamese in a sans-serif face
LABEL_HEIGHT = FONT + 3
GAP = 3


def map_title() -> str:
    return _(
        "Map of Vietnam with the localities at their centres; the ranking table gives the "
        "same figures"
    )


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: "Box") -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )

    def inside(self, frame: "Box") -> bool:
        return (
            self.x >= frame.x
            and self.y >= frame.y
            and self.x + self.w <= frame.x + frame.w
            and self.y + self.h <= frame.y + frame.h
        )


@dataclass
class Marker:
    x: float
    y: float
    r: float
    text: str
    label: Box | None = None
    leader: bool = False

    @property
    def box(self) -> Box:
        return Box(self.x - self.r, self.y - self.r, 2 * self.r, 2 * self.r)


def label_size(text: str) -> tuple[float, float]:
    return len(text) * CHAR_WIDTH + 4, LABEL_HEIGHT


# Where a label may sit around its marker, in order of preference: beside it (right, left),
# then above and below, then the corners, then half-shifted between them. (dx, dy) in units
# of the label's own size: -1 before the marker, 0 centred on it, 1 after it; fractions slide.
DIRECTIONS = [
    (1, 0), (-1, 0), (0, -1), (0, 1),
    (1, -1), (1, 1), (-1, -1), (-1, 1),
    (1, -0.5), (1, 0.5), (-1, -0.5), (-1, 0.5),
    (0.5, -1), (-0.5, -1), (0.5, 1), (-0.5, 1),
]  # fmt: skip


def _candidate(marker: "Marker", reach: float, w: float, h: float, dx: float, dy: float) -> Box:
    if abs(dx) == 1:
        x = marker.x + reach if dx > 0 else marker.x - reach - w
        y = marker.y - h / 2 + dy * h  # beside: slid up or down by dy of its height
    else:
        y = marker.y + reach if dy > 0 else marker.y - reach - h
        x = marker.x - w / 2 + dx * w  # above or below: slid left or right by dx of its width
    if abs(dx) == 1 and abs(dy) == 1:  # a corner
        y = marker.y + reach if dy > 0 else marker.y - reach - h
    return Box(x, y, w, h)


def place_labels(markers: list[Marker], frame: Box, fixed=(), max_rings: int = 24) -> None:
    """Give each marker a label box that overlaps no other label, no marker and nothing in
    `fixed`, inside `frame`: greedy and deterministic. Larger markers choose first (then by
    text); each tries the sides of DIRECTIONS at its marker's edge, then the same further out
    (drawn with a leader line), ring by ring. A marker with no room keeps no label (its name
    stays in its tooltip and in the table)."""
    taken = _Grid()
    for box in [*fixed, *(m.box for m in markers)]:
        taken.add(box)
    step = LABEL_HEIGHT / 2
    for marker in sorted(markers, key=lambda m: (-m.r, m.text, m.x, m.y)):
        w, h = label_size(marker.text)
        own = marker.box
        placed = None
        for ring in range(max_rings + 1):
            reach = marker.r + GAP + ring * step
            for dx, dy in DIRECTIONS:
                box = _candidate(marker, reach, w, h, dx, dy)
                if box.inside(frame) and not taken.hits(box, besides=own):
                    placed = box
                    break
            if placed:
                marker.leader = ring > 0
                break
        if placed:
            marker.label = placed
            taken.add(placed)


class _Grid:
    """Boxes filed by the cells of a coarse grid they touch, so that a candidate is checked
    against its neighbours only (a province's communes: a few hundred boxes)."""

    CELL = 40.0

    def __init__(self):
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _cells(self, box: Box):
        for i in range(int(box.x // self.CELL), int((box.x + box.w) // self.CELL) + 1):
            for j in range(int(box.y // self.CELL), int((box.y + box.h) // self.CELL) + 1):
                yield i, j

    def add(self, box: Box) -> None:
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append(box)

    def hits(self, box: Box, besides: Box) -> bool:
        return any(
            other is not besides and box.overlaps(other)
            for cell in self._cells(box)
            for other in self.cells.get(cell, ())
        )


@cache
def vietnam_rings() -> tuple[tuple[tuple[float, float], ...], ...]:
    """Vietnam's polygons (outer rings and holes) as (longitude, latitude), from the TopoJSON."""
    topology = json.loads(TOPOJSON.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]

    def arc(index):
        points, x, y = [], 0, 0
        for dx, dy in topology["arcs"][index if index >= 0 else ~index]:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        return points if index >= 0 else points[::-1]

    (vietnam,) = [
        g for g in topology["objects"]["countries"]["geometries"] if g.get("id") == VIETNAM_ID
    ]
    polygons = vietnam["arcs"] if vietnam["type"] == "MultiPolygon" else [vietnam["arcs"]]
    rings = []
    for polygon in polygons:
        for ring in polygon:
            points = []
            for index in ring:
                points.extend(arc(index))
            rings.append(tuple(points))
    return tuple(rings)


class Projection:
    """Longitude across, latitude up, a degree of longitude shortened by the cosine of the
    frame's middle latitude (what the eye expects this close to the equator)."""

    def __init__(self, west, south, east, north, width=WIDTH):
        self.west, self.north = west, north
        self.squeeze = math.cos(math.radians((south + north) / 2))
        across, up = (east - west) * self.squeeze, north - south
        self.k = width / max(across, up)
        self.width, self.height = across * self.k, up * self.k

    def __call__(self, lon, lat) -> tuple[float, float]:
        return (lon - self.west) * self.squeeze * self.k, (self.north - lat) * self.k


def frame_for(points, national: bool) -> tuple[float, float, float, float]:
    if national or not points:
        return NATION_BOUNDS
    lons = [p["lon"] for p in points]
    lats = [p["lat"] for p in points]
    # A province's communes, with room around them for labels.
    pad = max(0.15, 0.25 * max(max(lons) - min(lons), max(lats) - min(lats)))
    return min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad


def _path(rings, project) -> str:
    parts = []
    for ring in rings:
        xy = [project(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
    return "".join(parts)


def _polygon(points) -> str:
    return '<path d="M' + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + 'Z"/>'


def _shape(style: str, x: float, y: float, r: float) -> str:
    """A status's marker (the legend's glyphs: circle, triangle, diamond, square, cross)."""
    if style == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'
    if style == "triangle":
        h = r * 1.15
        return _polygon([(x, y - h), (x + h, y + h * 0.8), (x - h, y + h * 0.8)])
    if style == "rectRot":
        return _polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)])
    if style == "rect":
        s = r * 0.85
        return _polygon([(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)])
    s = r * 0.75  # crossRot: n/a
    return (
        f'<path class="cross" d="M{x - s:.1f},{y - s:.1f}L{x + s:.1f},{y + s:.1f}'
        f'M{x - s:.1f},{y + s:.1f}L{x + s:.1f},{y - s:.1f}"/>'
    )


def _text(css: str, box: Box, text: str) -> str:
    """A label at its box; the box is written too (data-box: x y width height)."""
    return (
        f'<text class="{css}" x="{box.x + 2:.1f}" y="{box.y + FONT:.1f}" '
        f'data-box="{box.x:.1f} {box.y:.1f} {box.w:.1f} {box.h:.1f}">{_esc(text)}</text>'
    )


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def render(points: list[dict], shapes: dict[str, str], *, national: bool) -> SafeString:
    """The SVG for the charts' map entries (charts.chart_data's "map"): each with code, name,
    value, numerator, denominator, status, establishments, lat, lon, too_few and url.
    `shapes`: status id -> marker style."""
    project = Projection(*frame_for(points, national))
    frame = Box(0, 0, project.width, project.height)
    most = max([p["establishments"] for p in points] + [1])
    spread = 8 if len(points) <= 40 else 4  # a province's 100-odd communes: smaller markers
    markers, rows = [], []
    for p in points:
        x, y = project(p["lon"], p["lat"])
        r = 3 + spread * math.sqrt(p["establishments"] / most)
        text = p["name"]
        if p["value"] is not None:  # the figure, starred when too few to compare
            text = f"{text} {percent(p['value'])}" + (" *" if p["too_few"] else "")
        markers.append(Marker(x, y, r, text))
        rows.append(p)

    fixed, islands = [], []
    for name, group in (
        (_("Hoàng Sa archipelago"), HOANG_SA),
        (_("Trường Sa archipelago"), TRUONG_SA),
    ):
        xy = [project(lon, lat) for lon, lat in group]
        west, east = min(x for x, _y in xy), max(x for x, _y in xy)
        top, bottom = min(y for _x, y in xy), max(y for _x, y in xy)
        w, h = label_size(name)
        label = Box(east + 8, (top + bottom) / 2 - h / 2, w, h)
        # Their label and the islands themselves are kept clear of the localities' labels.
        fixed += [label, Box(west - 2, top - 2, east - west + 4, bottom - top + 4)]
        islands.append((name, xy, label))
    place_labels(markers, frame, fixed=fixed, max_rings=24 if national else 4)

    out = [
        # A group, not an image: its markers are links one reaches with the keyboard.
        f'<svg xmlns="http://www.w3.org/2000/svg" class="vn-map" id="map-svg" role="group" '
        f'viewBox="0 0 {project.width:.0f} {project.height:.0f}" '
        f'aria-labelledby="map-svg-title">',
        f'<title id="map-svg-title">{_esc(map_title())}</title>',
        f'<path class="vn-land" d="{_path(vietnam_rings(), project)}"/>',
    ]
    for name, xy, box in islands:
        out.append(f'<g class="vn-islands"><title>{_esc(name)}</title>')
        out.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8"/>' for x, y in xy)
        out.append("</g>")
        out.append(_text("vn-island-label", box, name))
    for marker, p in zip(markers, rows, strict=True):
        status = p["status"]["id"]
        value = _("n/a") if p["value"] is None else percent(p["value"])
        tip = f"{p['name']}: {value} ({p['numerator']} / {p['denominator']}), {status_label(p)}"
        open_tag = f'<a href="{_esc(p["url"])}">' if p.get("url") else ""
        out.append(
            f'<g class="map-marker status-{_esc(status)}{" too-few" if p["too_few"] else ""}" '
            f'data-code="{_esc(p["code"])}">{open_tag}<title>{_esc(tip)}</title>'
        )
        box = marker.label
        if box is not None and marker.leader:
            lx = min(max(marker.x, box.x), box.x + box.w)
            ly = min(max(marker.y, box.y), box.y + box.h)
            out.append(
                f'<line class="map-leader" x1="{marker.x:.1f}" y1="{marker.y:.1f}" '
                f'x2="{lx:.1f}" y2="{ly:.1f}"/>'
            )
        out.append(_shape(shapes.get(status, "circle"), marker.x, marker.y, marker.r))
        if box is not None:
            out.append(_text("map-label", box, marker.text))
        out.append(("</a>" if open_tag else "") + "</g>")
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 — every text and attribute above is escaped


def percent(value) -> str:
    return number_format(value, 1) + "%"


def status_label(point) -> str:
    return str(point["status"].get("label", ""))
