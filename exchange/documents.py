"""Official documents in the layout of Decree 30/2020/NĐ-CP (administrative documents): the
national title and motto, the issuing body, the number and symbol, the place and date, the
title, the body, the recipients ("Nơi nhận") and the signature block.

A document is one structure — a letterhead, a title and a list of blocks (headings,
paragraphs, bulleted items, tables whose cells may hold a trend) — drawn two ways: as HTML
(templates/exchange/_document.html, for the page and, through WeasyPrint, the PDF) and as
DOCX through python-docx (officers finish and sign reports in Word). The printed report
(exchange/report.py) uses the same letterhead and closing.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from localities.models import Locality

# ---------------------------------------------------------------------------------------------
# The structure


@dataclass
class Heading:
    text: str
    level: int = 1
    kind: str = "heading"


@dataclass
class Paragraph:
    text: str
    note: bool = False  # a remark in small italics (e.g. where the figures come from)
    url: str = ""  # a link written after the text (the full list, in a PDF or a DOCX too)
    kind: str = "paragraph"


@dataclass
class Items:
    items: list[str]
    kind: str = "items"


@dataclass
class Trend:
    """A figure over the years: a sparkline in HTML, the values in words in DOCX."""

    values: list[tuple[int, Decimal | int | None]]

    def text(self) -> str:
        return " → ".join(display(v) for _year, v in self.values)

    def svg(self) -> str:
        return sparkline([v for _year, v in self.values])


@dataclass
class Table:
    header: list[str]
    rows: list[list]  # cells: text, numbers, None (shown as "–") or a Trend
    id: str = ""
    kind: str = "table"

    def text_rows(self) -> list[list[str]]:
        return [[cell_text(cell) for cell in row] for row in self.rows]

    @property
    def html_rows(self) -> list[list[dict]]:
        """Each cell's HTML (escaped text, or a trend's sparkline beside its values) and
        whether it is a number (right-aligned)."""
        rows = []
        for row in self.rows:
            cells = []
            for cell in row:
                if isinstance(cell, Trend):
                    html = SafeString(cell.svg() + escape(cell.text()))
                else:
                    html = escape(display(cell))
                number = cell is None or isinstance(cell, int | Decimal | Trend)
                cells.append({"html": html, "number": number})
            rows.append(cells)
        return rows


@dataclass
class Letterhead:
    """What stands above and below the body of every official document of the app."""

    parent_body: str  # the issuing body's superior, in capitals ("BỘ CÔNG AN")
    issuing_body: str  # the issuing body, in capitals, bold
    number: str  # the number and symbol, left for the clerk to fill ("Số: ……/BC-…")
    place: str
    day: datetime.date
    recipients: list[str] = field(default_factory=list)
    signer_role: str = ""  # "THỦ TRƯỞNG ĐƠN VỊ"
    signer_hint: str = ""  # "(Ký, ghi rõ họ tên, đóng dấu)"

    @property
    def national_title(self) -> str:
        return _("SOCIALIST REPUBLIC OF VIET NAM")

    @property
    def motto(self) -> str:
        return _("Independence - Freedom - Happiness")

    @property
    def place_and_date(self) -> str:
        return place_and_date(self.place, self.day)

    @property
    def recipients_label(self) -> str:
        return _("Recipients:")


@dataclass
class Document:
    letterhead: Letterhead
    kind: str  # the kind of document, in capitals ("BÁO CÁO")
    title: str  # what it is about, under the kind
    blocks: list = field(default_factory=list)


def place_and_date(place: str, day: datetime.date) -> str:
    """ "Hà Nội, ngày 05 tháng 02 năm 2026": days below 10 and the months January and February
    written with a leading zero (Decree 30, appendix I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def letterhead_for(locality: Locality | None, day: datetime.date, *, symbol: str) -> Letterhead:
    """The letterhead of the ministry (locality None) or of a province's public security, with
    the recipients such a report goes to."""
    ministry = _("Ministry of Public Security").upper()
    if locality is None:
        return Letterhead(
            parent_body="",
            issuing_body=ministry,
            number=_("No.: ……/%(symbol)s-BCA") % {"symbol": symbol},
            place=_("Hanoi"),
            day=day,
            recipients=[
                _("The ministry's leaders (to report);"),
                _("The public security of the provinces and cities;"),
                _("Archive: clerical office."),
            ],
            signer_role=_("Head of the unit").upper(),
            signer_hint=_("(Signature, full name, seal)"),
        )
    # A province is its own province (no query); a commune's is read through it.
    province = locality if locality.is_province else locality.province
    return Letterhead(
        parent_body=ministry,
        issuing_body=(_("Public security of %(province)s") % {"province": province.name}).upper(),
        number=_("No.: ……/%(symbol)s-CAT") % {"symbol": symbol},
        place=province.short_name or province.name,
        day=day,
        recipients=[
            _("The Ministry of Public Security (to report);"),
            _("The provincial People's Committee (to report);"),
            _("Archive: clerical office."),
        ],
        signer_role=_("Director").upper(),
        signer_hint=_("(Signature, full name, seal)"),
    )


# ---------------------------------------------------------------------------------------------
# Cells and trends


def display(value) -> str:
    """A cell's text: "–" for a figure that does not apply, one decimal with a comma for a
    percentage, thousands with dots for a count (the Vietnamese way, the same in every
    rendering of the document)."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def cell_text(cell) -> str:
    return cell.text() if isinstance(cell, Trend) else display(cell)


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 96, 22, 3


def sparkline(values: list) -> str:
    """An inline SVG line of the values (None leaves a gap), drawn on the server: no script,
    no style attribute (the Content-Security-Policy allows neither)."""
    known = [float(v) for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(values) - 1, 1)
    segments, current, dots = [], [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x = SPARK_PAD + index * step
        y = SPARK_HEIGHT - SPARK_PAD - (float(value) - low) / span * (SPARK_HEIGHT - 2 * SPARK_PAD)
        current.append(f"{x:.1f},{y:.1f}")
        dots.append((x, y))
    if current:
        segments.append(current)
    lines = "".join(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="currentColor" '
        f'stroke-width="1.5"/>'
        for points in segments
    )
    circles = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8"/>' for x, y in dots)
    label = escape(" → ".join(display(v) for v in values))
    return SafeString(
        f'<svg class="sparkline" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" '
        f'viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" role="img" aria-label="{label}">'
        f"{lines}{circles}</svg>"
    )


# ---------------------------------------------------------------------------------------------
# HTML (the page, and the PDF through WeasyPrint)


def to_html(document: Document) -> str:
    """The document's letterhead, title, body and closing as HTML (no <html> around it)."""
    return render_to_string("exchange/_document.html", {"document": document})


def to_pdf(document: Document, *, base_url: str) -> bytes:
    from exchange import pdf

    html = render_to_string("exchange/document_pdf.html", {"document": document})
    return pdf.render(html, base_url=base_url)


# ---------------------------------------------------------------------------------------------
# DOCX (python-docx)

FONT = "Times New Roman"  # Decree 30: Times New Roman, Unicode (TCVN 6909:2001)


def to_docx(document: Document) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    out = docx.Document()
    section = out.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = out.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)

    def para(container, text, *, bold=False, italic=False, align=None, size=None):
        paragraph = container.add_paragraph()
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if align:
            paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        return paragraph

    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    head = document.letterhead
    # The letterhead: issuing body and number on the left, national title and motto right.
    top = out.add_table(rows=1, cols=2)
    left_cell, right_cell = top.rows[0].cells
    left_cell.paragraphs[0].text = ""
    if head.parent_body:
        para(left_cell, head.parent_body, align=center, size=12)
    para(left_cell, head.issuing_body, bold=True, align=center, size=12)
    para(left_cell, head.number, align=center)
    para(right_cell, head.national_title, bold=True, align=center, size=12)
    para(right_cell, head.motto, bold=True, align=center)
    para(out, head.place_and_date, italic=True, align=right)
    para(out, "")
    para(out, document.kind, bold=True, align=center, size=14)
    para(out, document.title, bold=True, align=center, size=14)
    para(out, "")

    for block in document.blocks:
        if block.kind == "heading":
            para(out, block.text, bold=True, size=13 if block.level == 1 else 12)
        elif block.kind == "paragraph":
            text = f"{block.text} {block.url}" if block.url else block.text
            para(out, text, italic=block.note, size=11 if block.note else None)
        elif block.kind == "items":
            for item in block.items:
                para(out, f"- {item}")
        elif block.kind == "table":
            table = out.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
                    run.font.size = Pt(10)
            for row in block.text_rows():
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = text
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(10)
            para(out, "")

    para(out, "")
    # The closing: recipients on the left, the signature block on the right.
    bottom = out.add_table(rows=1, cols=2)
    left_cell, right_cell = bottom.rows[0].cells
    left_cell.paragraphs[0].text = ""
    para(left_cell, head.recipients_label, bold=True, italic=True, size=12)
    for recipient in head.recipients:
        para(left_cell, f"- {recipient}", size=11)
    right_cell.paragraphs[0].text = ""
    para(right_cell, head.signer_role, bold=True, align=center)
    para(right_cell, head.signer_hint, italic=True, align=center)

    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
