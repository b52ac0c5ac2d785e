"""The preview describes the file's first 100 rows: line, record, new / changed / unchanged /
wrong, and for a changed record each field old → new; inline and in a background job alike."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from exchange import jobs
from exchange.imports import import_file
from exchange.models import ImportJob
from exchange.views import imports as import_views
from localities.models import ReporterIdentity
from tests.exchange.helpers import csv_bytes, establishment, report, write

pytestmark = pytest.mark.django_db


def rows_150():
    """150 establishments E-001…E-150 in Ba Đình, lines 2…151 of the file; E-003 misses its
    commune (an error)."""
    rows = []
    for n in range(1, 151):
        code = f"E-{n:03}"
        rows.append([code, f"Cơ sở {code}", "karaoke", "00004", "", "", "", "", ""])
    rows[2][3] = ""
    return rows


@pytest.fixture
def known(world):
    """What the records hold before the file: E-002 (line 3) changes its name, line, commune
    and opening date (a current commune code is kept as no "code as given": that stays
    empty); E-005 (line 6) is as the file has it; E-120 (line 121, past the preview) changes
    its name."""
    establishment(
        "E-002",
        world.hoan_kiem,
        name="Khách sạn Cũ",
        line="accommodation",
        opened_on=datetime.date(2019, 3, 15),
    )
    establishment("E-005", world.ba_dinh, name="Cơ sở E-005", line="karaoke", opened_on=None)
    establishment("E-120", world.ba_dinh, name="Tên cũ", line="karaoke", opened_on=None)


EXPECTED_CHANGES = [
    ["name", "name", "Khách sạn Cũ", "Cơ sở E-002"],
    ["line", "business line", "Accommodation (hotel, guesthouse, motel, homestay)", "Karaoke"],
    ["commune_code", "commune", "Phường Hoàn Kiếm (00070)", "Phường Ba Đình (00004)"],
    ["opened_on", "opened on", "15/03/2019", "—"],
]


def check_preview(preview):
    assert len(preview) == 100
    assert [row["line"] for row in preview] == list(range(2, 102))
    by_line = {row["line"]: row for row in preview}
    assert by_line[2] == {"line": 2, "key": "E-001", "status": "new", "changes": []}
    assert by_line[3] == {
        "line": 3,
        "key": "E-002",
        "status": "changed",
        "changes": EXPECTED_CHANGES,
    }
    assert by_line[4] == {"line": 4, "key": "E-003", "status": "error", "changes": []}
    assert by_line[6] == {"line": 6, "key": "E-005", "status": "unchanged", "changes": []}
    assert by_line[101]["key"] == "E-100"
    statuses = [row["status"] for row in preview]
    assert (statuses.count("new"), statuses.count("changed")) == (97, 1)


def test_the_engine_describes_the_first_100_rows(personas, known, tmp_path):
    path = write(tmp_path, "e.csv", csv_bytes("establishments", rows_150()))
    with translation.override("en"):
        result = import_file("establishments", path, user=personas.hn_officer, commit=False)
    assert (result.total, result.new, result.changed, result.unchanged) == (150, 146, 2, 1)
    assert result.error_count == 1
    check_preview(result.preview)
    # Each changed record of the file is still listed by its columns; past the preview, E-120.
    assert [c[:2] for c in result.changes] == [(3, "E-002"), (121, "E-120")]
    assert result.changes_beyond_preview == [(121, "E-120", ["name"])]


@pytest.fixture
def officer(client, personas):
    client.force_login(personas.hn_officer)
    client.cookies["django_language"] = "en"
    return client


def upload(client, content, kind="establishments"):
    return client.post(
        reverse("import_upload"), {"kind": kind, "file": SimpleUploadedFile("e.csv", content)}
    )


def test_the_preview_page_shows_rows_1_to_100_with_what_changes(officer, known):
    rows = rows_150()
    rows[2][3] = "00004"  # no error: the file may be imported
    upload(officer, csv_bytes("establishments", rows))
    response = officer.get(reverse("import_preview"))
    html = response.content.decode()
    assert html.count('<tr class="preview-') == 100
    assert 'data-line="2"' in html and 'data-line="101"' in html
    assert 'data-line="102"' not in html
    assert (
        '<li data-column="name"><span class="text-muted">Name:</span> '
        '<del class="text-danger-emphasis">Khách sạn Cũ</del> → '
        '<ins class="text-success-emphasis text-decoration-none fw-semibold">Cơ sở E-002</ins></li>'
    ) in html
    assert "Phường Hoàn Kiếm (00070)</del> → " in html
    # The change past the preview is listed below it, by its columns.
    assert 'id="import-further-changes"' in html and "<td>121</td><td>E-120</td>" in html
    assert 'id="confirm-button"' in html


def test_a_background_job_keeps_its_preview(officer, known, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 10
    upload(officer, csv_bytes("establishments", rows_150()))
    job = ImportJob.objects.get(pk=officer.session[import_views.SESSION_KEY]["job"])
    job = jobs.run_job(job.pk, job.attempt)
    assert job.state == ImportJob.State.CHECKED
    job.refresh_from_db()
    check_preview(job.preview)
    html = officer.get(reverse("import_job", args=[job.pk])).content.decode()
    assert html.count('<tr class="preview-') == 100
    assert "Khách sạn Cũ</del>" in html


def test_a_report_preview_never_shows_the_reporters_identity(officer, world, kinds):
    record = report(
        "R-1", world.ba_dinh, kinds["crime_denunciation"], received_on=datetime.date(2025, 6, 2)
    )
    ReporterIdentity.objects.create(
        report=record, full_name="Nguyễn Văn Tố Giác", address="9 Phố Kín", contact="0900000009"
    )
    # The importable fields are the report's own: none of its reporter's.
    identity = {f.name for f in ReporterIdentity._meta.get_fields()} - {"id", "report"}
    from exchange.kinds import KINDS

    assert not identity & set(KINDS["reports"].importer.fields)
    rows = [["R-1", "crime_denunciation", "00004", "02/06/2025", "", "", "", "", "", "Mới"]]
    upload(officer, csv_bytes("reports", rows), kind="reports")
    response = officer.get(reverse("import_preview"))
    [row] = response.context["result"].preview
    assert row["changes"] == [["summary", "summary", "—", "Mới"]]
    html = response.content.decode()
    for secret in ("Nguyễn Văn Tố Giác", "9 Phố Kín", "0900000009"):
        assert secret not in html
