"""Activities out of the app: the raw export's columns (CSV and XLSX), the API's list, scoped and
filtered like the page, answering as its OpenAPI description says, and the import command."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from exchange.models import ApiToken
from exchange.openapi import schema
from localities.models import Activity
from tests.exchange.helpers import csv_bytes, write
from tests.exchange.openapi_check import response_schema, validate
from tests.localities.conftest import make_activity

pytestmark = pytest.mark.django_db

COLUMNS = [
    "reference",
    "commune_code",
    "held_on",
    "kind",
    "form",
    "audience",
    "people_reached",
    "title",
    "notes",
    "commune_name",
    "province_code",
    "locality_code_given",
]


@pytest.fixture
def activities(world):
    make_activity(
        world.ba_dinh,
        "ACT-HN-1",
        held_on=datetime.date(2024, 3, 1),
        notes="=1+1",
        people_reached=80,
    )
    make_activity(
        world.hoan_kiem,
        "ACT-HN-2",
        held_on=datetime.date(2025, 1, 2),
        kind="training",
        form="press",
        audience="officials",
    )
    make_activity(world.sai_gon, "ACT-HCM-1", held_on=datetime.date(2024, 8, 8))
    return world


def read_stream(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_raw_csv_has_the_import_columns_then_those_for_reading(client, personas, activities):
    client.force_login(personas.admin)
    response = client.get(reverse("export_raw", args=["activities", "csv"]), {"year": 2024})
    rows = list(csv.reader(io.StringIO(read_stream(response))))
    assert rows[0] == COLUMNS
    # Ordered by date: ACT-HN-1 (01/03/2024), ACT-HCM-1 (08/08/2024); 2025's is filtered out.
    assert [r[0] for r in rows[1:]] == ["ACT-HN-1", "ACT-HCM-1"]
    assert rows[1] == [
        "ACT-HN-1",
        "00004",
        "2024-03-01",
        "communication",
        "meeting",
        "residents",
        "80",
        "Họp dân ACT-HN-1",
        "'=1+1",  # never a formula in a spreadsheet
        "Phường Ba Đình",
        "01",
        "",
    ]


def test_the_raw_xlsx_holds_the_same_rows(client, personas, activities):
    client.force_login(personas.admin)
    text = read_stream(client.get(reverse("export_raw", args=["activities", "csv"])))
    from_csv = list(csv.reader(io.StringIO(text)))
    response = client.get(reverse("export_raw", args=["activities", "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    from_xlsx = [[str(c) if c is not None else "" for c in row] for row in sheet.values]
    assert from_xlsx[0] == COLUMNS
    assert [r[0] for r in from_xlsx] == [r[0] for r in from_csv]


def test_the_api_lists_the_callers_activities_with_the_pages_filters(client, personas, activities):
    client.force_login(personas.hn_officer)
    body = client.get("/api/v1/activities").json()
    assert body["count"] == 2
    assert [r["reference"] for r in body["results"]] == ["ACT-HN-1", "ACT-HN-2"]
    assert list(body["results"][0]) == ["id", *COLUMNS]
    assert body["results"][0]["people_reached"] == 80
    training = client.get("/api/v1/activities", {"kind": "training"}).json()
    assert [r["reference"] for r in training["results"]] == ["ACT-HN-2"]
    # Another province's commune, by id, answers 404 as a locality outside the area does.
    response = client.get("/api/v1/activities", {"commune": activities.sai_gon.pk})
    assert response.status_code == 404


def test_the_api_answers_as_its_schema_says(client, personas, activities):
    _token, raw = ApiToken.issue(user=personas.admin, name="schema")
    response = client.get("/api/v1/activities", HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = response.json()
    assert body["count"] == 3
    assert validate(body, response_schema("/api/v1/activities"), schema()) == []
    assert "/api/v1/activities" in schema()["paths"]


def test_the_command_imports_a_file_of_activities(world, tmp_path, capsys):
    rows = [["ACT-1", "00004", "15/03/2025", "Tuyên truyền", "Hệ thống loa truyền thanh"]]
    rows[0] += ["Nhân dân", "300", "Phát thanh trên loa phường", ""]
    path = write(tmp_path, "activities.csv", csv_bytes("activities", rows))
    call_command("import_records", "activities", str(path))
    activity = Activity.objects.get(reference="ACT-1")
    assert (activity.kind, activity.form, activity.audience, activity.people_reached) == (
        "communication",
        "loudspeaker",
        "residents",
        300,
    )


def test_the_import_page_previews_then_imports_activities(client, personas, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas.hn_officer)
    client.cookies["django_language"] = "en"
    rows = [
        ["ACT-1", "00004", "15/03/2025", "communication", "meeting", "residents", "30", "Họp", ""],
        ["ACT-2", "00070", "16/03/2025", "training", "press", "officials", "5", "Tập huấn", ""],
    ]
    upload = SimpleUploadedFile("a.csv", csv_bytes("activities", rows))
    response = client.post(reverse("import_upload"), {"kind": "activities", "file": upload})
    assert response.status_code == 302
    preview = client.get(reverse("import_preview"))
    assert preview.context["result"].new == 2
    assert not Activity.objects.exists()  # the preview writes nothing
    done = client.post(reverse("import_confirm"))
    assert done.status_code == 302
    assert done["Location"].startswith(reverse("activity_list") + "?import=")
    listed = client.get(done["Location"])
    assert sorted(r.record.reference for r in listed.context["table"].page.object_list) == [
        "ACT-1",
        "ACT-2",
    ]
