# ruff: noqa: E501 (the XML parts are kept on one line each, as the format defines them)
"""A streaming XLSX writer for the raw exports: one sheet, bytes out as rows come in.

openpyxl's write-only mode keeps memory flat but writes about 5,000 rows a second and only hands
the file over at the end (2 minutes of silence for 600,000 rows). An XLSX is a ZIP of XML
files; Python's zipfile writes to an unseekable stream (data descriptors, ZIP64), so the sheet's
XML is compressed and sent block by block while the database cursor is read.

Cells: text as inline strings, integers as numbers, booleans as booleans, dates as date serials
formatted dd/mm/yyyy. The header row is bold and frozen. A text a spreadsheet would read as a
formula (it starts with =, +, -, @, a tab or a carriage return) gets a leading apostrophe.
"""

import datetime
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from plan_tracker.formulas import as_text

EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk absorbed)
# XML 1.0 forbids most control characters: a stray one in a free-text field would make the
# whole workbook unreadable.
CONTROL = {i: None for i in range(32) if i not in (9, 10, 13)}

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
# cellXfs: 0 default, 1 a date as dd/mm/yyyy, 2 bold (the header).
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
<sheetData>"""
SHEET_END = "</sheetData></worksheet>"


def column_letters(count: int) -> list[str]:
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _text(value: str) -> str:
    return escape(value.translate(CONTROL))


def _cell(ref: str, value, style: str = "") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    if isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        return f'<c r="{ref}" s="1"><v>{(day - EPOCH).days}</v></c>'
    return f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">{_text(as_text(str(value)))}</t></is></c>'


class _Sink:
    """What zipfile writes to: collected, then handed out by the generator."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def stream_xlsx(
    columns: list[str], rows: Iterable, *, sheet_name: str = "data", block_rows: int = 2000
) -> Iterator[bytes]:
    """The workbook's bytes, block by block; `rows` is read once, lazily."""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
    for name, body in (
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK.format(name=_text(sheet_name)[:31])),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/styles.xml", STYLES),
    ):
        archive.writestr(name, body)
    yield sink.take()
    letters = column_letters(len(columns))
    with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
        header = "".join(_cell(f"{c}1", v, ' s="2"') for c, v in zip(letters, columns, strict=True))
        sheet.write((SHEET_START + f'<row r="1">{header}</row>').encode())
        number = 1
        buffer = []
        for row in rows:
            number += 1
            cells = "".join(_cell(f"{c}{number}", v) for c, v in zip(letters, row, strict=True))
            buffer.append(f'<row r="{number}">{cells}</row>')
            if len(buffer) >= block_rows:
                sheet.write("".join(buffer).encode())
                buffer.clear()
                yield sink.take()
        sheet.write(("".join(buffer) + SHEET_END).encode())
    archive.close()
    yield sink.take()
