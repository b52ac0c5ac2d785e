"""The import pages (upload → preview → confirm), the templates, and the import_records command."""

import io

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from exchange.kinds import KINDS
from exchange.models import ImportBatch, ImportJob
from exchange.views import imports as import_views
from localities.models import Establishment
from tests.exchange.helpers import csv_bytes, write, xlsx_bytes

pytestmark = pytest.mark.django_db

GOOD = [
    ["E-1", "Khách sạn Một", "accommodation", "00004", "", "", "15/03/2019", "", ""],
    ["E-2", "Karaoke Hai", "karaoke", "00070", "", "", "", "", ""],
]
BAD = GOOD + [["E-3", "Ba", "hotel", "00004", "", "", "", "", ""]]


@pytest.fixture
def officer(client, personas):
    client.force_login(personas.hn_officer)
    client.cookies["django_language"] = "en"
    return client


def upload(client, rows, *, kind="establishments", name="e.csv", content=None):
    content = content if content is not None else csv_bytes(kind, rows)
    return client.post(
        reverse("import_upload"),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def test_upload_preview_confirm_imports_the_file(officer):
    response = upload(officer, GOOD)
    assert response.status_code == 302 and response["Location"] == reverse("import_preview")
    stored = officer.session[import_views.SESSION_KEY]
    assert default_storage.exists(stored["file"])
    preview = officer.get(reverse("import_preview"))
    assert preview.context["result"].new == 2
    assert 'id="confirm-button"' in preview.content.decode()
    assert Establishment.objects.count() == 0  # the preview writes nothing
    done = officer.post(reverse("import_confirm"))
    # To the list of exactly the records imported.
    batch = ImportBatch.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("establishment_list") + f"?import={batch.pk}"
    assert set(Establishment.objects.values_list("code", flat=True)) == {"E-1", "E-2"}
    # A file this small runs in the requests, without a background job.
    assert not ImportJob.objects.exists()
    # The stored file is gone with the session's key.
    assert import_views.SESSION_KEY not in officer.session
    assert not default_storage.exists(stored["file"])


def test_a_file_at_the_threshold_runs_inline_and_one_row_more_as_a_job(officer, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    upload(officer, GOOD)
    assert officer.get(reverse("import_preview")).context["result"].new == 2
    assert not ImportJob.objects.exists()
    response = upload(officer, BAD)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("import_job", args=[job.pk])
    # The upload before it was discarded with its file.
    assert officer.session[import_views.SESSION_KEY]["job"] == job.pk


def test_the_preview_lists_errors_and_offers_no_confirm(officer):
    upload(officer, BAD)
    preview = officer.get(reverse("import_preview"))
    html = preview.content.decode()
    assert preview.context["result"].error_count == 1
    assert 'id="import-errors"' in html and "<code>line</code>" in html
    assert 'id="confirm-button"' not in html
    # Posting confirm anyway re-checks the file and writes nothing.
    officer.post(reverse("import_confirm"))
    assert Establishment.objects.count() == 0


def test_confirm_checks_the_file_again(officer, world):
    upload(officer, GOOD)
    officer.get(reverse("import_preview"))
    # Between preview and confirm someone registers E-2 in Hồ Chí Minh City.
    Establishment(code="E-2", name="X", line="karaoke", commune=world.sai_gon).save()
    response = officer.post(reverse("import_confirm"))
    assert response["Location"] == reverse("import_preview")
    assert Establishment.objects.count() == 1


def test_a_refused_header_is_shown_on_the_preview(officer):
    upload(officer, [], content=b"code,name\nE-1,A\n")
    preview = officer.get(reverse("import_preview"))
    assert "missing columns" in preview.context["refused"]


def test_an_upload_of_another_format_is_refused_by_the_form(officer):
    response = upload(officer, [], name="e.pdf", content=b"%PDF")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_upload_answers_json_to_the_progress_script(officer):
    content = csv_bytes("establishments", GOOD)
    response = officer.post(
        reverse("import_upload"),
        {"kind": "establishments", "file": SimpleUploadedFile("e.csv", content)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.json() == {"next": reverse("import_preview")}


def test_ministry_staff_get_no_import_page(client, personas):
    client.force_login(personas.ministry)
    assert client.get(reverse("import_upload")).status_code == 403
    assert client.post(reverse("import_confirm")).status_code == 403


def test_the_preview_without_an_upload_sends_back_to_the_upload(officer):
    assert officer.get(reverse("import_preview"))["Location"] == reverse("import_upload")


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_templates_hold_exactly_the_columns(officer, kind, tmp_path):
    csv_response = officer.get(reverse("import_template", args=[kind, "csv"]))
    text = csv_response.content.decode("utf-8-sig")
    assert text.strip().split(",") == KINDS[kind].import_columns
    xlsx_response = officer.get(reverse("import_template", args=[kind, "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == KINDS[kind].import_columns
    assert sheet.freeze_panes == "A2"
    assert len(workbook.worksheets) == 2  # the instructions
    # An empty template imports as nothing, without error.
    from exchange.imports import import_file

    path = write(tmp_path, "t.xlsx", xlsx_response.content)
    from localities.models import Assignment

    user = Assignment.objects.get(role="provincial_officer", locality__code="01").user
    result = import_file(kind, path, user=user, commit=False)
    assert (result.ok, result.total) == (True, 0)


def test_a_filled_xlsx_template_imports(officer, tmp_path):
    template = officer.get(reverse("import_template", args=["establishments", "xlsx"])).content
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    for row in GOOD:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    upload(officer, [], name="filled.xlsx", content=out.getvalue())
    officer.post(reverse("import_confirm"))
    assert Establishment.objects.count() == 2


def test_the_command_imports_and_exits_non_zero_on_errors(personas, tmp_path, capsys):
    bad = write(tmp_path, "bad.csv", csv_bytes("establishments", BAD))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_records", "establishments", str(bad), "--quiet", "--language", "en")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "line 4, line:" in err and "Nothing was written" in err
    assert Establishment.objects.count() == 0

    good = write(tmp_path, "good.xlsx", xlsx_bytes("establishments", GOOD))
    call_command("import_records", "establishments", str(good), "--quiet", "--dry-run")
    assert Establishment.objects.count() == 0
    call_command("import_records", "establishments", str(good), "--quiet")
    assert "2 new" in capsys.readouterr().out
    assert Establishment.objects.count() == 2


def test_the_command_with_a_user_keeps_to_their_area(personas, tmp_path, capsys):
    outside = [["E-9", "A", "karaoke", "26734", "", "", "", "", ""]]
    path = write(tmp_path, "o.csv", csv_bytes("establishments", outside))
    with pytest.raises(SystemExit):
        call_command(
            "import_records", "establishments", str(path), "--quiet", "--user", "hn_officer"
        )
    assert "line 2, commune_code" in capsys.readouterr().err
    call_command("import_records", "establishments", str(path), "--quiet")
    assert Establishment.objects.get().code == "E-9"


def test_login_is_required(client, db):
    response = client.get(reverse("import_upload"))
    assert response.status_code == 302 and "/login/" in response["Location"]
