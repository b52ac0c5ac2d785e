"""The streaming XLSX writer: a workbook openpyxl reads back cell for cell."""

import datetime
import io

import openpyxl

from exchange.xlsx_stream import column_letters, stream_xlsx


def read(blocks):
    return openpyxl.load_workbook(io.BytesIO(b"".join(blocks))).worksheets[0]


def test_it_writes_text_numbers_booleans_and_dates_that_read_back():
    rows = [
        ("Khách sạn <Hoa> & \x01Sen", 1500000, True, datetime.date(2024, 2, 29), None),
        ("  spaces kept ", 0, False, datetime.date(1999, 12, 31), "x"),
    ]
    sheet = read(stream_xlsx(["name", "fine", "in_scope", "day", "note"], iter(rows)))
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("name", "fine", "in_scope", "day", "note")
    # The control character \x01 cannot be stored in XML: it is dropped, nothing else is.
    assert values[1] == (
        "Khách sạn <Hoa> & Sen",
        1500000,
        True,
        datetime.datetime(2024, 2, 29),
        None,
    )
    assert values[2] == ("  spaces kept ", 0, False, datetime.datetime(1999, 12, 31), "x")
    assert sheet["D2"].number_format == "dd/mm/yyyy"
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"


def test_it_streams_in_blocks_while_reading_the_rows():
    seen = []

    def rows():
        for i in range(5000):
            seen.append(i)
            yield (f"E-{i}", i)

    blocks = stream_xlsx(["code", "n"], rows(), block_rows=1000)
    next(blocks)  # the fixed parts of the workbook, before any row is read
    assert seen == []
    next(blocks)
    assert len(seen) == 1000  # one block of rows, then the generator waits
    rest = b"".join(blocks)
    assert len(seen) == 5000 and rest


def test_an_empty_export_is_a_workbook_with_its_header():
    sheet = read(stream_xlsx(["a", "b"], iter([])))
    assert list(sheet.iter_rows(values_only=True)) == [("a", "b")]


def test_columns_past_z_are_named_like_excel():
    assert column_letters(28)[-3:] == ["Z", "AA", "AB"]
