"""A cell no record could hold is answered at the preview, naming its row, never at the confirm:
one longer than the csv module reads (131,072 characters) refuses the file at its line; a NUL
character (which PostgreSQL cannot store) is an error of its row, listed with the others. The
same on the import page, in import_records and in the engine, in Vietnamese by default."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from exchange.imports import FileRefused, import_file
from exchange.imports.cells import CellError, parse_amount
from exchange.imports.files import CELL_MAX_CHARS
from localities.models import Establishment
from tests.exchange.helpers import csv_bytes, write, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD = ["E-1", "Khách sạn Một", "accommodation", "00004", "", "", "15/03/2019", "", ""]
# The name is the second column; the code the first.
HUGE = ["E-2", "x" * (CELL_MAX_CHARS + 1), "karaoke", "00070", "", "", "", "", ""]
JUST_UNDER = ["E-2", "Karaoke", "karaoke", "00070", "ghi chú " * 16000, "", "", "", ""]
NUL = ["E-3", "Karaoke\x00Ba", "karaoke", "00004", "", "", "", "", ""]
NUL_CODE = ["E\x004", "Karaoke Bốn", "karaoke", "00004", "", "", "", "", ""]


def test_a_cell_over_the_limit_refuses_the_file_at_its_line(personas, tmp_path):
    # Line 1 is the header: the huge cell is on line 3.
    path = write(tmp_path, "e.csv", csv_bytes("establishments", [GOOD, HUGE, GOOD]))
    with translation.override("en"), pytest.raises(FileRefused) as refused:
        import_file("establishments", path, user=personas.hn_officer, commit=False)
    # The app writes numbers the Vietnamese way in both languages (plan_tracker/formats).
    assert "Line 3 has a cell longer than 131.072 characters" in str(refused.value)
    with translation.override("vi"), pytest.raises(FileRefused) as refused:
        import_file("establishments", path, user=personas.hn_officer, commit=False)
    assert "Dòng 3" in str(refused.value) and "131.072" in str(refused.value)
    assert Establishment.objects.count() == 0


def test_a_cell_just_under_the_limit_is_read_and_judged_by_its_field(personas, tmp_path):
    # The address holds 128,000 characters (16,000 × 8): read, then refused by its max length.
    assert len(JUST_UNDER[4]) == 128_000 < CELL_MAX_CHARS
    path = write(tmp_path, "e.csv", csv_bytes("establishments", [GOOD, JUST_UNDER]))
    result = import_file("establishments", path, user=personas.hn_officer, commit=True)
    assert [(e.line, e.column) for e in result.errors] == [(3, "address")]
    assert Establishment.objects.count() == 0


def test_a_huge_header_cell_is_refused_on_line_1(personas, tmp_path):
    header = ["code" + "x" * CELL_MAX_CHARS]
    path = write(tmp_path, "h.csv", csv_bytes("establishments", [], header=header))
    with translation.override("en"), pytest.raises(FileRefused, match="Line 1 has a cell"):
        import_file("establishments", path, user=personas.hn_officer, commit=False)


def test_an_xlsx_sheet_holding_a_nul_is_refused_at_its_line(personas, tmp_path):
    # XML cannot hold a NUL: the sheet's parser refuses it, which refuses the file.
    # An ASCII name: the sheet's writer may store other characters as character references.
    named = [GOOD[0], "Hotel One", *GOOD[2:]]
    path = write(tmp_path, "e.xlsx", xlsx_bytes("establishments", [named, named]))
    patched = write(tmp_path, "n.xlsx", with_sheet_text(path, "Hotel One", "Hotel&#0;"))
    with translation.override("en"), pytest.raises(FileRefused, match="Line 2 of the sheet"):
        import_file("establishments", patched, user=personas.hn_officer, commit=False)


def with_sheet_text(path, old: str, new: str) -> bytes:
    """The workbook at `path` with the first occurrence of a text of its sheet replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert old.encode() in content
                content = content.replace(old.encode(), new.encode(), 1)
            target.writestr(item, content)
    return out.getvalue()


def test_a_nul_character_is_an_error_of_its_row_and_nothing_is_written(personas, tmp_path):
    path = write(tmp_path, "e.csv", csv_bytes("establishments", [GOOD, NUL, NUL_CODE]))
    with translation.override("en"):
        result = import_file("establishments", path, user=personas.hn_officer, commit=True)
    assert [(e.line, e.column) for e in result.errors] == [(3, "name"), (4, "code")]
    assert "NUL character" in result.errors[0].message
    # The good row is checked and counted; the import is all or nothing.
    assert (result.new, result.written) == (1, False)
    assert Establishment.objects.count() == 0


def test_a_nul_past_the_last_column_is_an_error_of_its_row(personas, tmp_path):
    path = write(tmp_path, "e.csv", csv_bytes("establishments", [[*GOOD[:-1], "", "\x00"]]))
    result = import_file("establishments", path, user=personas.hn_officer, commit=False)
    assert [(e.line, e.column) for e in result.errors] == [(2, "")]


@pytest.fixture
def officer(client, personas):
    client.force_login(personas.hn_officer)
    return client


def preview_of(client, rows):
    upload = SimpleUploadedFile("e.csv", csv_bytes("establishments", rows))
    response = client.post(reverse("import_upload"), {"kind": "establishments", "file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    return preview


def test_the_preview_page_names_the_line_of_a_huge_cell_in_vietnamese(officer):
    page = preview_of(officer, [GOOD, GOOD, HUGE]).content.decode()
    assert "Dòng 4" in page and "131.072" in page
    assert 'id="confirm-button"' not in page


def test_the_preview_page_lists_a_nul_and_the_confirm_imports_nothing(officer):
    preview = preview_of(officer, [GOOD, NUL])
    result = preview.context["result"]
    assert [(e.line, e.column) for e in result.errors] == [(3, "name")]
    page = preview.content.decode()
    assert "ký tự NUL" in page
    assert 'id="confirm-button"' not in page
    # Forcing the confirm anyway answers with the errors again, not a server error.
    confirm = officer.post(reverse("import_confirm"))
    assert confirm.status_code == 302 and confirm["Location"] == reverse("import_preview")
    assert Establishment.objects.count() == 0


def test_the_command_exits_with_the_line_of_a_huge_cell_or_a_nul(personas, tmp_path, capsys):
    huge = write(tmp_path, "huge.csv", csv_bytes("establishments", [HUGE]))
    with pytest.raises(CommandError, match="Dòng 2 có một ô dài hơn 131.072 ký tự"):
        call_command("import_records", "establishments", str(huge), "--quiet")
    nul = write(tmp_path, "nul.csv", csv_bytes("establishments", [GOOD, NUL]))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_records", "establishments", str(nul), "--quiet")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "line 3, name: " in err and "ký tự NUL" in err
    assert Establishment.objects.count() == 0


@pytest.mark.parametrize("text", ["²", "١٢", "1" * 31, "1²3"])
def test_an_amount_is_written_in_ascii_digits(text):
    with pytest.raises(CellError):
        parse_amount(text)
