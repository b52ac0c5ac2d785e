"""An XLSX file that would inflate far beyond its size is refused before any part is unpacked:
on the import page, by import_records, and by the engine itself; a real workbook passes."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from exchange.imports import files, import_file
from exchange.imports.files import FileRefused
from tests.exchange.helpers import xlsx_bytes

pytestmark = pytest.mark.django_db

ROWS = [["E-1", "Khách sạn Một", "accommodation", "00004", "", "", "15/03/2019", "", ""]]
MB = 1024 * 1024


def inflating(megabytes: int) -> bytes:
    """A workbook-shaped archive whose sheet is `megabytes` MB of one repeated character: a
    few KB on disk."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(megabytes):
                sheet.write(b" " * MB)
    return out.getvalue()


@pytest.fixture
def small_limits(monkeypatch):
    # The real limits (256 MB, 200 times from 8 MB) scaled down so the files stay small.
    monkeypatch.setattr(files, "XLSX_MAX_INFLATED", 4 * MB)
    monkeypatch.setattr(files, "XLSX_RATIO_FROM", 1 * MB)


def test_a_workbook_inflating_past_the_limit_is_refused_before_it_is_read(
    small_limits, personas, tmp_path
):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(inflating(5))
    assert path.stat().st_size < 100 * 1024  # 5 MB of sheet in a few KB
    with pytest.raises(FileRefused, match="5 MB"):
        import_file("establishments", path, user=personas.admin, commit=False)


def test_one_part_inflating_too_many_times_is_refused_even_under_the_total(
    small_limits, personas, tmp_path
):
    path = tmp_path / "dense.xlsx"
    path.write_bytes(inflating(2))  # 2 MB of spaces: far more than 200 times its size
    with pytest.raises(FileRefused):
        files.check_xlsx_archive(path)


def test_a_real_workbook_passes_and_imports(small_limits, personas, tmp_path):
    path = tmp_path / "real.xlsx"
    path.write_bytes(xlsx_bytes("establishments", ROWS))
    files.check_xlsx_archive(path)
    result = import_file("establishments", path, user=personas.admin, commit=False)
    assert result.ok and result.new == 1


def test_the_import_page_and_the_command_say_why(small_limits, client, personas, tmp_path):
    client.force_login(personas.hn_officer)
    client.cookies["django_language"] = "en"
    upload = SimpleUploadedFile("bomb.xlsx", inflating(5))
    response = client.post(reverse("import_upload"), {"kind": "establishments", "file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert "once unpacked" in preview.content.decode()
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(inflating(5))
    with pytest.raises(CommandError, match="once unpacked"):
        call_command("import_records", "establishments", str(path), "--quiet", "--language", "en")
