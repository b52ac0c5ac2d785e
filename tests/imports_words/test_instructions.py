"""The headings and the words a choice may be written in, as the upload page and the XLSX
template's instructions show them."""

import io

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_instructions_sheet_gives_each_columns_heading_and_its_choices(client, personas):
    client.force_login(personas.hn_officer)
    client.cookies["django_language"] = "vi"
    response = client.get(reverse("import_template", args=["inspections", "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    # The sheet to fill keeps the codes.
    assert [c.value for c in workbook.worksheets[0][1]] == [
        "establishment_code",
        "inspected_on",
        "team",
        "outcome",
        "fine_vnd",
        "violations",
        "notes",
    ]
    rows = {row[0]: row for row in workbook.worksheets[1].iter_rows(values_only=True) if row}
    assert rows["Cột"][:2] == ("Cột", "Tiêu đề cột")
    assert rows["establishment_code"][1] == "Mã cơ sở"
    assert rows["outcome"][:3] == (
        "outcome",
        "Kết quả",
        "no_violation (Không vi phạm); violation (Có vi phạm)",
    )


def test_the_upload_page_shows_the_headings(client, personas):
    client.force_login(personas.hn_officer)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("import_upload")).content.decode()
    assert "<dt><code>commune_code</code> · Commune code</dt>" in html
    assert "<dd>no_violation (No violation); violation (Violation found)</dd>" in html
    assert 'id="import-words"' in html
