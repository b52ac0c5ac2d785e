"""Case files and the API carry how a case operated, its foreign elements, minors and the
youngest one's age, and its brokerage line: imported all or nothing (codes or Vietnamese
labels, yes/no as the other booleans), exported (CSV, XLSX) and answered by the API, filtered
like the list and within the reader's area; the OpenAPI description says so."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from exchange.imports import import_file
from exchange.kinds import KINDS
from exchange.openapi import schema
from localities.models import Case
from tests.exchange.helpers import csv_bytes, write, xlsx_bytes

NEW_COLUMNS = [
    "modus",
    "foreign_element",
    "minors_involved",
    "youngest_age_band",
    "line_dismantled",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def row(reference, locality="00004", *described, handled=""):
    """A case's row: reference, locality, article, dates, no report, then the five columns."""
    cells = list(described) + [""] * (5 - len(described))
    return [reference, locality, "327", "01/03/2024", handled, "", *cells]


def run(tmp_path, rows, user, *, content=None, name="cases.csv"):
    path = write(tmp_path, name, content if content is not None else csv_bytes("cases", rows))
    return import_file("cases", path, user=user, commit=True)


def described(reference):
    case = Case.objects.get(reference=reference)
    return (
        case.modus,
        case.foreign_element,
        case.minors_involved,
        case.youngest_age_band,
        case.line_dismantled,
    )


# --- import -------------------------------------------------------------------------------------


def test_the_case_template_has_the_five_columns_after_the_report():
    assert KINDS["cases"].import_columns == [
        "reference",
        "locality_code",
        "article",
        "opened_on",
        "handled_on",
        "report_reference",
        *NEW_COLUMNS,
    ]


def test_codes_and_vietnamese_labels_import(tmp_path, personas, world):
    rows = [
        row("VA-1", "00004", "online_social_network", "có", "có", "under_16", "có"),
        row("VA-2", "00070", "Trên mạng: ứng dụng OTT", "không", "true", "Từ 16 đến dưới 18 tuổi"),
        row("VA-3", "01", "  tại cơ sở KINH doanh ", "x", "", "", "false"),
        row("VA-4", "00004"),
        row("VA-5", "00004", "Call girl", "yes", "no", "", "1"),
    ]
    result = run(tmp_path, rows, personas.hn_officer)
    assert result.ok, result.errors
    assert result.new == 5
    assert described("VA-1") == ("online_social_network", True, True, "under_16", True)
    assert described("VA-2") == ("online_ott", False, True, "16_17", False)
    assert described("VA-3") == ("establishment", True, False, "", False)
    assert described("VA-4") == ("", False, False, "", False)
    assert described("VA-5") == ("call_girl", True, False, "", True)


def test_bad_rows_are_listed_each_and_nothing_is_written(tmp_path, personas, world):
    rows = [
        row("VA-1", "00004", "online_ott"),
        # An age without minors.
        row("VA-2", "00004", "street", "", "không", "under_16"),
        # Minors without the youngest one's age.
        row("VA-3", "00004", "street", "", "có", ""),
        # A way of operating that is none of the seven.
        row("VA-4", "00004", "facebook"),
        # An age band that is none of the two, and a yes/no that is neither.
        row("VA-5", "00004", "other", "maybe", "có", "14"),
    ]
    result = run(tmp_path, rows, personas.hn_officer)
    assert not result.written
    assert Case.objects.count() == 0
    errors = [(e.line, e.column, e.message) for e in result.errors]
    assert errors[0] == (
        3,
        "youngest_age_band",
        "An age is chosen but no minor is involved: tick “minors involved”, or leave the "
        "youngest minor's age empty.",
    )
    assert errors[1] == (
        4,
        "youngest_age_band",
        "Minors are involved: choose the youngest one's age (under 16, or 16 or 17).",
    )
    assert errors[2][:2] == (5, "modus")
    assert errors[2][2].startswith("“facebook” is not allowed here: write one of online_closed")
    assert {(line, column) for line, column, _m in errors[3:]} == {
        (6, "foreign_element"),
        (6, "youngest_age_band"),
    }
    assert len(errors) == 5


def test_an_import_changes_the_description_of_a_case_and_says_which_columns(
    tmp_path, personas, world
):
    assert run(tmp_path, [row("VA-1", "00004", "street")], personas.hn_officer).ok
    result = run(
        tmp_path, [row("VA-1", "00004", "online_ott", "", "có", "16_17")], personas.hn_officer
    )
    assert result.ok and result.changed == 1
    assert result.changes == [(2, "VA-1", ["modus", "minors_involved", "youngest_age_band"])]
    assert described("VA-1") == ("online_ott", False, True, "16_17", False)
    # The same file again changes nothing.
    again = run(
        tmp_path, [row("VA-1", "00004", "online_ott", "", "có", "16_17")], personas.hn_officer
    )
    assert (again.unchanged, again.changed) == (1, 0)


def test_an_xlsx_file_is_read_alike(tmp_path, personas, world):
    content = xlsx_bytes("cases", [row("VA-X", "00004", "Mạng xã hội", True, True, "under_16")])
    result = run(tmp_path, None, personas.hn_officer, content=content, name="cases.xlsx")
    # "Mạng xã hội" alone is no label: the label is "Trên mạng: mạng xã hội".
    assert [(e.column) for e in result.errors] == ["modus"]
    content = xlsx_bytes(
        "cases", [row("VA-X", "00004", "Trên mạng: mạng xã hội", True, True, "under_16")]
    )
    result = run(tmp_path, None, personas.hn_officer, content=content, name="cases.xlsx")
    assert result.ok, result.errors
    assert described("VA-X") == ("online_social_network", True, True, "under_16", False)


def test_the_import_command_reads_the_columns(tmp_path, world):
    path = write(tmp_path, "cases.csv", csv_bytes("cases", [row("VA-C", "00004", "street")]))
    call_command("import_records", "cases", str(path), "--quiet", "--language", "en")
    assert described("VA-C") == ("street", False, False, "", False)
    bad = write(
        tmp_path, "bad.csv", csv_bytes("cases", [row("VA-D", "00004", "", "", "", "under_16")])
    )
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_records", "cases", str(bad), "--quiet", "--language", "en")
    assert exit_code.value.code == 1
    assert not Case.objects.filter(reference="VA-D").exists()


def test_an_officer_cannot_import_a_case_of_another_province(tmp_path, personas, world):
    result = run(tmp_path, [row("VA-SG", "26734", "online_ott")], personas.hn_officer)
    assert [e.column for e in result.errors] == ["locality_code"]
    assert not Case.objects.exists()


# --- export -------------------------------------------------------------------------------------


def exported(client, fmt="csv", **params):
    response = client.get(reverse("export_raw", args=["cases", fmt]), params)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_export_carries_the_columns_and_filters_like_the_list(client, personas, watched):
    client.force_login(personas.admin)
    rows = exported(client)
    header = rows[0]
    assert header[6:11] == NEW_COLUMNS
    by_reference = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert len(by_reference) == 10
    hn1 = by_reference["HN-1"]
    assert [hn1[c] for c in NEW_COLUMNS] == [
        "online_social_network",
        "true",
        "true",
        "under_16",
        "true",
    ]
    hn4 = by_reference["HN-4"]
    assert [hn4[c] for c in NEW_COLUMNS] == ["", "false", "false", "", "false"]
    online = exported(client, modus="online", minors_involved="true")
    assert sorted(r[0] for r in online[1:]) == ["HN-1", "HN-8", "SG-1"]


def test_the_xlsx_export_writes_booleans_and_codes(client, personas, watched):
    client.force_login(personas.admin)
    rows = exported(client, "xlsx", modus="establishment")
    header = rows[0]
    by_reference = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert sorted(by_reference) == ["HN-3", "SG-2"]
    assert by_reference["HN-3"]["youngest_age_band"] == "16_17"
    assert by_reference["SG-2"]["foreign_element"] is True
    assert by_reference["HN-3"]["foreign_element"] is False


def test_an_exported_file_imports_again_unchanged(client, personas, watched, tmp_path):
    client.force_login(personas.admin)
    content = b"".join(client.get(reverse("export_raw", args=["cases", "csv"])).streaming_content)
    result = run(tmp_path, None, personas.admin, content=content)
    assert result.ok, result.errors
    assert (result.unchanged, result.changed, result.new) == (10, 0, 0)


# --- API ----------------------------------------------------------------------------------------


def api(client, **params):
    response = client.get("/api/v1/cases", params)
    assert response.status_code == 200
    return {r["reference"]: r for r in response.json()["results"]}


def test_the_api_answers_the_columns_filtered_and_within_the_area(client, personas, watched):
    client.force_login(personas.hn_officer)
    found = api(client, modus="online")
    assert sorted(found) == ["HN-1", "HN-2", "HN-5", "HN-8"]
    assert {c: found["HN-1"][c] for c in NEW_COLUMNS} == {
        "modus": "online_social_network",
        "foreign_element": True,
        "minors_involved": True,
        "youngest_age_band": "under_16",
        "line_dismantled": True,
    }
    assert sorted(api(client, youngest_age_band="16_17")) == ["HN-3", "HN-8"]
    assert sorted(api(client, foreign_element="true", line_dismantled="true")) == ["HN-1"]
    client.force_login(personas.hcm_officer)
    assert sorted(api(client, modus="online")) == ["SG-1"]
    assert sorted(api(client, line_dismantled="true")) == ["SG-2"]


def test_the_openapi_description_names_the_columns_and_filters(db):
    description = schema()
    case = description["components"]["schemas"]["Case"]["properties"]
    assert case["modus"]["enum"] == [
        "online_closed_group",
        "online_social_network",
        "online_ott",
        "establishment",
        "street",
        "call_girl",
        "other",
        "",
    ]
    assert case["youngest_age_band"]["enum"] == ["under_16", "16_17", ""]
    for name in ("foreign_element", "minors_involved", "line_dismantled"):
        assert case[name] == {"type": "boolean"}
    parameters = {p["name"]: p for p in description["paths"]["/api/v1/cases"]["get"]["parameters"]}
    assert parameters["modus"]["schema"]["enum"][:2] == ["", "online"]
    assert parameters["modus"]["example"] == "online"
    assert parameters["modus"]["description"].startswith(
        "Phương thức hoạt động: “online”: nhóm kín"
    )
    assert (
        "How the case operated: “online”: a closed group or forum"
        in parameters["modus"]["description"]
    )
    assert parameters["youngest_age_band"]["schema"]["enum"] == ["", "under_16", "16_17"]
    assert {"foreign_element", "minors_involved", "line_dismantled"} <= set(parameters)
