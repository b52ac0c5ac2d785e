"""The import engine, kind by kind: clean file, errors, re-import, update, scope, codes, formats."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from exchange.imports import CHUNK, FileRefused, import_file
from localities.models import Activity, Case, Establishment, Inspection, Report
from tests.exchange.helpers import csv_bytes, establishment, report, write, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def setup_inspections(world, kinds):
    establishment("E-1", world.ba_dinh)
    establishment("E-2", world.hoan_kiem)
    establishment("E-3", world.sai_gon)


def setup_cases(world, kinds):
    report("R-1", world.ba_dinh, kinds["crime_denunciation"])
    report("R-9", world.sai_gon, kinds["crime_denunciation"])


# For each kind: what must exist first, two clean rows (one with dd/mm/yyyy dates, one with
# YYYY-MM-DD), an update of the first row, three bad rows with the column each one breaks, a
# row outside Hà Nội, and how to read a record back.


def report_row(*cells):
    """A report's row from its cells without the extension decision's three columns (empty)."""
    return [*cells[:9], "", "", "", *cells[9:]]


SPECS = {
    "establishments": {
        "model": Establishment,
        "setup": None,
        "rows": [
            [
                "E-1",
                "Khách sạn Một",
                "accommodation",
                "00004",
                "1 Phố",
                "P-1",
                "15/03/2019",
                "",
                "true",
            ],
            ["E-2", "Karaoke Hai", "karaoke", "00070", "", "", "2020-01-02", "", ""],
        ],
        "update": (0, 1, "Khách sạn Một Mới"),
        "changed_field": ("name", "Khách sạn Một Mới"),
        "bad": [
            (["E-4", "A", "hotel", "00004", "", "", "", "", ""], "line"),
            (["E-5", "B", "karaoke", "00004", "", "", "32/01/2020", "", ""], "opened_on"),
            (["E-6", "C", "karaoke", "99999", "", "", "", "", ""], "commune_code"),
        ],
        "outside": ["E-7", "D", "karaoke", "26734", "", "", "", "", ""],
        "outside_column": "commune_code",
        "get": lambda: Establishment.objects.get(code="E-1"),
        "first_date": ("opened_on", datetime.date(2019, 3, 15)),
        "second": lambda: Establishment.objects.get(code="E-2").opened_on,
        "second_date": datetime.date(2020, 1, 2),
        "old_code": (3, "2004:00001", lambda: Establishment.objects.get(code="E-1"), "commune"),
    },
    "inspections": {
        "model": Inspection,
        "setup": setup_inspections,
        "rows": [
            ["E-1", "20/05/2024", "police", "no_violation", "", "", ""],
            ["E-2", "2024-06-01", "interagency", "violation", "7.500.000", "Không đăng ký", ""],
        ],
        "update": (0, 6, "ghi chú mới"),
        "changed_field": ("notes", "ghi chú mới"),
        "bad": [
            (["E-1", "21/05/2024", "army", "no_violation", "", "", ""], "team"),
            (["E-1", "22/05/2024", "police", "no_violation", "5000", "", ""], "fine_vnd"),
            (["E-9", "23/05/2024", "police", "no_violation", "", "", ""], "establishment_code"),
        ],
        "outside": ["E-3", "24/05/2024", "police", "no_violation", "", "", ""],
        "outside_column": "establishment_code",
        "get": lambda: Inspection.objects.get(establishment__code="E-1"),
        "first_date": ("inspected_on", datetime.date(2024, 5, 20)),
        "second": lambda: Inspection.objects.get(establishment__code="E-2").inspected_on,
        "second_date": datetime.date(2024, 6, 1),
        "old_code": None,
    },
    "reports": {
        "model": Report,
        "setup": None,
        "rows": [
            report_row(
                "R-1",
                "crime_denunciation",
                "00004",
                "01/03/2024",
                "05/03/2024",
                "",
                "15/03/2024",
                "case_opened",
                "",
                "",
            ),
            report_row("R-2", "denunciation", "01", "2024-04-01", "", "", "", "", "", ""),
        ],
        "update": (0, 12, "Tin báo về hoạt động mua bán dâm"),
        "changed_field": ("summary", "Tin báo về hoạt động mua bán dâm"),
        "bad": [
            (report_row("R-4", "rumour", "00004", "01/03/2024", "", "", "", "", "", ""), "kind"),
            (
                report_row(
                    "R-5",
                    "denunciation",
                    "00004",
                    "10/03/2024",
                    "",
                    "",
                    "01/03/2024",
                    "no_violation",
                    "",
                    "",
                ),
                "handled_on",
            ),
            (
                report_row(
                    "R-6", "denunciation", "00004", "10/03/2024", "", "", "", "suspended", "", ""
                ),
                "handled_on",
            ),
        ],
        "outside": report_row("R-7", "denunciation", "79", "01/03/2024", "", "", "", "", "", ""),
        "outside_column": "locality_code",
        "get": lambda: Report.objects.get(reference="R-1"),
        "first_date": ("received_on", datetime.date(2024, 3, 1)),
        "second": lambda: Report.objects.get(reference="R-2").received_on,
        "second_date": datetime.date(2024, 4, 1),
        "old_code": (2, "2004:00001", lambda: Report.objects.get(reference="R-1"), "locality"),
    },
    "cases": {
        "model": Case,
        "setup": setup_cases,
        "rows": [
            ["C-1", "00004", "327", "15/03/2024", "", "R-1"],
            ["C-2", "01", "328", "2024-05-01", "2024-08-01", ""],
        ],
        "update": (0, 4, "30/06/2024"),
        "changed_field": ("handled_on", datetime.date(2024, 6, 30)),
        "bad": [
            (["C-4", "00004", "999", "15/03/2024", "", ""], "article"),
            (["C-5", "00004", "327", "15/03/2024", "01/03/2024", ""], "handled_on"),
            (["C-6", "00004", "327", "15/03/2024", "", "R-404"], "report_reference"),
        ],
        "outside": ["C-7", "26734", "327", "15/03/2024", "", ""],
        "outside_column": "locality_code",
        "get": lambda: Case.objects.get(reference="C-1"),
        "first_date": ("opened_on", datetime.date(2024, 3, 15)),
        "second": lambda: Case.objects.get(reference="C-2").opened_on,
        "second_date": datetime.date(2024, 5, 1),
        "old_code": (1, "2004:00001", lambda: Case.objects.get(reference="C-1"), "locality"),
    },
    "activities": {
        "model": Activity,
        "setup": None,
        "rows": [
            ["A-1", "00004", "15/03/2024", "communication", "meeting", "residents", "120"]
            + ["Họp tổ dân phố", ""],
            # The choices by their Vietnamese labels, a number grouped by thousands.
            ["A-2", "00070", "2024-05-01", "Tập huấn", "Mạng xã hội", "Học sinh, sinh viên"]
            + ["1.200", "Tập huấn cho học sinh", "ghi chú"],
        ],
        "update": (0, 6, "150"),
        "changed_field": ("people_reached", 150),
        "bad": [
            (
                ["A-4", "00004", "15/03/2024", "meeting", "meeting", "residents", "1", "T", ""],
                "kind",
            ),
            (
                ["A-5", "00004", "01/01/2099", "training", "press", "officials", "1", "T", ""],
                "held_on",
            ),
            (
                ["A-6", "00004", "15/03/2024", "training", "press", "officials", "-3", "T", ""],
                "people_reached",
            ),
        ],
        "outside": ["A-7", "26734", "15/03/2024", "training", "press", "officials", "1", "T", ""],
        "outside_column": "commune_code",
        "get": lambda: Activity.objects.get(reference="A-1"),
        "first_date": ("held_on", datetime.date(2024, 3, 15)),
        "second": lambda: Activity.objects.get(reference="A-2").held_on,
        "second_date": datetime.date(2024, 5, 1),
        "old_code": (1, "2004:00001", lambda: Activity.objects.get(reference="A-1"), "commune"),
    },
}
KINDS = list(SPECS)


@pytest.fixture
def spec(request, world, kinds):
    kind = request.param
    data = SPECS[kind]
    if data["setup"]:
        data["setup"](world, kinds)
    return kind, data


def run(tmp_path, kind, rows, user, *, commit=True, name="file.csv", content=None):
    path = write(tmp_path, name, content if content is not None else csv_bytes(kind, rows))
    return import_file(kind, path, user=user, commit=commit)


def history_count(model):
    return model.history.count()


@pytest.mark.parametrize("spec", KINDS, indirect=True)
def test_a_clean_file_imports_every_row_with_its_history(spec, personas, tmp_path):
    kind, data = spec
    model = data["model"]
    before = model.objects.count()
    result = run(tmp_path, kind, data["rows"], personas.hn_officer)
    assert result.ok, result.errors
    assert (result.total, result.new, result.changed, result.unchanged) == (2, 2, 0, 0)
    assert model.objects.count() == before + 2
    record = data["get"]()
    # dd/mm/yyyy in the first row, YYYY-MM-DD in the second.
    field, expected = data["first_date"]
    assert getattr(record, field) == expected
    assert data["second"]() == data["second_date"]
    created = record.history.get()
    assert created.history_type == "+"
    assert created.history_user == personas.hn_officer
    assert created.history_change_reason == "import"


@pytest.mark.parametrize("spec", KINDS, indirect=True)
def test_a_file_with_errors_in_several_rows_writes_nothing_and_lists_each(spec, personas, tmp_path):
    kind, data = spec
    model = data["model"]
    before, history_before = model.objects.count(), history_count(model)
    rows = data["rows"] + [row for row, _column in data["bad"]]
    result = run(tmp_path, kind, rows, personas.hn_officer)
    assert not result.ok
    assert not result.written
    # Line 1 is the header, the clean rows are lines 2-3, the bad ones 4, 5 and 6.
    assert [(e.line, e.column) for e in result.errors] == [
        (4, data["bad"][0][1]),
        (5, data["bad"][1][1]),
        (6, data["bad"][2][1]),
    ]
    assert all(e.message for e in result.errors)
    assert model.objects.count() == before
    assert history_count(model) == history_before


@pytest.mark.parametrize("spec", KINDS, indirect=True)
def test_reimporting_the_same_file_changes_nothing(spec, personas, tmp_path):
    kind, data = spec
    model = data["model"]
    run(tmp_path, kind, data["rows"], personas.hn_officer)
    stamps = list(model.objects.order_by("pk").values_list("pk", "updated_at", "version"))
    history_before = history_count(model)
    result = run(tmp_path, kind, data["rows"], personas.hn_officer)
    assert result.ok, result.errors
    assert (result.new, result.changed, result.unchanged) == (0, 0, 2)
    assert list(model.objects.order_by("pk").values_list("pk", "updated_at", "version")) == stamps
    assert history_count(model) == history_before


@pytest.mark.parametrize("spec", KINDS, indirect=True)
def test_a_changed_row_updates_its_record_and_shows_in_its_history(spec, personas, tmp_path):
    kind, data = spec
    run(tmp_path, kind, data["rows"], personas.hn_officer)
    rows = [list(r) for r in data["rows"]]
    index, column, value = data["update"]
    rows[index][column] = value
    result = run(tmp_path, kind, rows, personas.hn_officer)
    assert result.ok, result.errors
    assert (result.new, result.changed, result.unchanged) == (0, 1, 1)
    record = data["get"]()
    field, expected = data["changed_field"]
    assert getattr(record, field) == expected
    assert record.version == 2
    latest, first = record.history.order_by("-history_id")[:2]
    assert latest.history_type == "~"
    assert getattr(latest, field) == expected
    assert getattr(first, field) != expected
    assert latest.history_user == personas.hn_officer
    assert result.changes[0][0] == 2 + index
    assert field in result.changes[0][2]


@pytest.mark.parametrize("spec", KINDS, indirect=True)
def test_a_row_outside_the_importers_area_is_an_error(spec, personas, tmp_path):
    kind, data = spec
    model = data["model"]
    before = model.objects.count()
    result = run(tmp_path, kind, data["rows"] + [data["outside"]], personas.hn_officer)
    assert [(e.line, e.column) for e in result.errors] == [(4, data["outside_column"])]
    assert model.objects.count() == before
    # The administrator (the command without --user) may import it.
    if kind != "inspections":
        result = run(tmp_path, kind, data["rows"] + [data["outside"]], personas.admin)
        assert result.ok, result.errors


@pytest.mark.parametrize("spec", KINDS, indirect=True)
def test_a_bom_csv_and_an_xlsx_import_like_plain_csv(spec, personas, tmp_path):
    kind, data = spec
    result = run(
        tmp_path, kind, None, personas.hn_officer, content=csv_bytes(kind, data["rows"], bom=True)
    )
    assert result.ok, result.errors
    assert result.new == 2
    # The same rows from a workbook (written by openpyxl as text cells) are unchanged.
    result = run(
        tmp_path,
        kind,
        None,
        personas.hn_officer,
        name="file.xlsx",
        content=xlsx_bytes(kind, data["rows"]),
    )
    assert result.ok, result.errors
    assert (result.new, result.unchanged) == (0, 2)


@pytest.mark.parametrize("spec", [k for k in KINDS if SPECS[k]["old_code"]], indirect=True)
def test_an_old_scheme_code_is_converted_and_kept_as_given(spec, personas, world, tmp_path):
    kind, data = spec
    column, code, get, field = data["old_code"]
    rows = [list(r) for r in data["rows"]]
    rows[0][column] = code
    result = run(tmp_path, kind, rows, personas.hn_officer)
    assert result.ok, result.errors
    record = get()
    # Phúc Xá (2004:00001) went whole into Ba Đình (00004).
    assert getattr(record, field) == world.ba_dinh
    assert record.locality_code_given == "2004:00001"


def test_a_split_old_commune_is_an_error_listing_the_candidates(personas, tmp_path):
    rows = [["E-1", "A", "karaoke", "2004:00004", "", "", "", "", ""]]
    result = run(tmp_path, "establishments", rows, personas.hn_officer)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.line, error.column) == (2, "commune_code")
    assert "00004 Phường Ba Đình" in error.message and "00070 Phường Hoàn Kiếm" in error.message


def test_xlsx_dates_and_numbers_typed_as_cells_are_read(personas, world, tmp_path):
    establishment("E-1", world.ba_dinh)
    rows = [
        ["E-1", datetime.date(2024, 5, 20), "police", "violation", 1500000, "Không đăng ký", ""]
    ]
    content = xlsx_bytes("inspections", rows)
    result = run(tmp_path, "inspections", None, personas.hn_officer, name="f.xlsx", content=content)
    assert result.ok, result.errors
    inspection = Inspection.objects.get()
    assert (inspection.inspected_on, inspection.fine_vnd) == (datetime.date(2024, 5, 20), 1500000)


def test_a_semicolon_csv_from_a_vietnamese_excel_is_read(personas, tmp_path):
    rows = [["E-1", "Khách sạn", "accommodation", "00004", "", "", "", "", ""]]
    content = csv_bytes("establishments", rows, delimiter=";", bom=True)
    result = run(tmp_path, "establishments", None, personas.hn_officer, content=content)
    assert result.ok, result.errors
    assert Establishment.objects.get().name == "Khách sạn"


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (["code", "name", "line", "commune_code"], ["missing columns", "address"]),
        (
            ["code", "name", "line", "commune_code", "address", "permit_number", "opened_on"]
            + ["closed_on", "in_scope", "phone"],
            ["unknown columns: phone"],
        ),
    ],
)
def test_a_header_with_missing_or_extra_columns_refuses_the_file(personas, tmp_path, header, words):
    content = csv_bytes("establishments", [], header=header)
    with pytest.raises(FileRefused) as refused:
        run(tmp_path, "establishments", None, personas.hn_officer, content=content)
    for word in words:
        assert word in str(refused.value)
    assert "code, name, line, commune_code, address" in str(refused.value)


def test_a_file_that_is_not_utf8_is_refused_with_advice(personas, tmp_path):
    content = "code,name\nE-1,Hà\n".encode("cp1252")
    with pytest.raises(FileRefused, match="UTF-8"):
        run(tmp_path, "establishments", None, personas.hn_officer, content=content)


def test_the_same_record_twice_in_a_file_is_an_error(personas, tmp_path):
    row = ["E-1", "A", "karaoke", "00004", "", "", "", "", ""]
    result = run(tmp_path, "establishments", [row, row], personas.hn_officer)
    assert [(e.line, e.column) for e in result.errors] == [(3, "code")]
    assert "line 2" in result.errors[0].message


def test_a_code_of_another_provinces_establishment_cannot_be_taken_over(personas, world, tmp_path):
    establishment("E-1", world.sai_gon)
    rows = [["E-1", "A", "karaoke", "00004", "", "", "", "", ""]]
    result = run(tmp_path, "establishments", rows, personas.hn_officer)
    assert [(e.line, e.column) for e in result.errors] == [(2, "code")]
    assert Establishment.objects.get().commune == world.sai_gon


def test_a_commune_officer_imports_only_their_commune(personas, tmp_path):
    rows = [
        ["E-1", "A", "karaoke", "00004", "", "", "", "", ""],
        ["E-2", "B", "karaoke", "00070", "", "", "", "", ""],
    ]
    result = run(tmp_path, "establishments", rows, personas.commune_officer)
    assert [(e.line, e.column) for e in result.errors] == [(3, "commune_code")]


def test_ministry_staff_cannot_import(personas, tmp_path):
    with pytest.raises(PermissionDenied):
        run(tmp_path, "establishments", [], personas.ministry)


def test_a_dry_run_writes_nothing_but_counts(personas, tmp_path):
    result = run(
        tmp_path,
        "establishments",
        SPECS["establishments"]["rows"],
        personas.hn_officer,
        commit=False,
    )
    assert (result.ok, result.new, result.written) == (True, 2, False)
    assert Establishment.objects.count() == 0


def test_errors_come_in_the_users_language(personas, tmp_path):
    rows = [["E-1", "A", "karaoke", "00004", "", "", "31/02/2020", "", ""]]
    with translation.override("vi"):
        result = run(tmp_path, "establishments", rows, personas.hn_officer)
    assert "không phải là ngày" in result.errors[0].message


def test_a_future_date_is_refused_by_the_models_own_check(personas, world, tmp_path):
    future = (datetime.date.today() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    rows = [["E-1", "A", "karaoke", "00004", "", "", future, "", ""]]
    result = run(tmp_path, "establishments", rows, personas.hn_officer)
    assert [(e.line, e.column) for e in result.errors] == [(2, "opened_on")]
    assert "in the future" in result.errors[0].message


def test_look_ups_do_not_grow_with_the_rows(personas, world, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(20):
        establishment(f"E-{i}", world.ba_dinh if i % 2 else world.hoan_kiem)

    def reads(first_day, n):
        rows = [
            [f"E-{i % 20}", (first_day + datetime.timedelta(days=i // 20)).isoformat(), "police"]
            + ["no_violation", "", "", ""]
            for i in range(n)
        ]
        with CaptureQueriesContext(connection) as queries:
            result = run(tmp_path, "inspections", rows, personas.hn_officer)
        assert result.new == n
        # (PostgreSQL draws the new records' ids from their sequence before it copies them.)
        return [
            q["sql"]
            for q in queries
            if q["sql"].startswith("SELECT") and "nextval(" not in q["sql"]
        ]

    # On PostgreSQL the provinces' rows share-locked (no year is submitted while the import
    # writes; SQLite writes one transaction at a time anyway); the submitted and approved
    # years, once an import; then one chunk: the establishments of the chunk and its existing
    # inspections, one query each, for 40 rows as for 400 (inserts are batched; SQLite's
    # batches are smaller than PG's).
    few = reads(datetime.date(2023, 1, 1), 40)
    many = reads(datetime.date(2024, 1, 1), 400)
    shared = 1 if connection.vendor == "postgresql" else 0
    assert len(few) == len(many) == 3 + shared


def test_a_file_larger_than_a_chunk_is_all_or_nothing(personas, world, tmp_path):
    establishment("E-1", world.ba_dinh)
    day = datetime.date(2019, 1, 2)
    rows = [
        [
            "E-1",
            (day + datetime.timedelta(days=i)).isoformat(),
            "police",
            "no_violation",
            "",
            "",
            "",
        ]
        for i in range(CHUNK + 10)
    ]
    rows[-1][2] = "army"  # the very last row is bad: the first chunk was valid
    result = run(tmp_path, "inspections", rows, personas.hn_officer)
    assert result.error_count == 1
    assert result.errors[0].line == CHUNK + 10 + 1
    assert Inspection.objects.count() == 0
    rows[-1][2] = "police"
    result = run(tmp_path, "inspections", rows, personas.hn_officer)
    assert result.ok and Inspection.objects.count() == CHUNK + 10


def temporary_tables():
    """The temporary tables of this database session."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_temp_master WHERE type = 'table'")
        else:
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relpersistence = 't' AND relkind = 'r' "
                "AND pg_table_is_visible(oid)"
            )
        return [name for (name,) in cursor.fetchall()]


def test_a_record_repeated_in_later_chunks_names_the_line_of_its_first_occurrence(
    personas, tmp_path, monkeypatch
):
    # Chunks of 2 rows: lines 2-3, 4-5, 6-7, 8-9, 10-11, 12.
    monkeypatch.setattr("exchange.imports.engine.CHUNK", 2)
    row = ["", "A", "karaoke", "00004", "", "", "", "", ""]
    codes = ["E-1", "E-2", "E-3", "E-1", "E-3", "E-3", "E-2", "E-9", "E-9", "E-5", "E-5"]
    rows = [[code, *row[1:]] for code in codes]
    rows[9][2] = "hotel"  # line 11 fails, but its code is still taken
    result = run(tmp_path, "establishments", rows, personas.hn_officer)
    found = [(e.line, e.column, e.message) for e in result.errors]
    assert [(line, column) for line, column, _message in found] == [
        (5, "code"),
        (6, "code"),
        (7, "code"),
        (8, "code"),
        (10, "code"),
        (11, "line"),
        (12, "code"),
    ]
    firsts = [2, 4, 4, 3, 9, None, 11]
    for (_line, _column, message), first in zip(found, firsts, strict=True):
        if first is not None:
            assert f"is already on line {first} of this file" in message
    assert "E-1 is already on line 2" in found[0][2]
    assert Establishment.objects.count() == 0


def test_the_same_inspection_in_two_date_formats_and_two_chunks_is_a_repeat(
    personas, world, tmp_path, monkeypatch
):
    monkeypatch.setattr("exchange.imports.engine.CHUNK", 2)
    establishment("E-1", world.ba_dinh)
    establishment("E-2", world.hoan_kiem)
    rows = [
        ["E-1", "20/05/2024", "police", "no_violation", "", "", ""],
        ["E-2", "20/05/2024", "police", "no_violation", "", "", ""],
        ["E-2", "21/05/2024", "police", "no_violation", "", "", ""],
        ["E-1", "2024-05-20", "police", "no_violation", "", "", ""],
    ]
    result = run(tmp_path, "inspections", rows, personas.hn_officer)
    assert [(e.line, e.column) for e in result.errors] == [(5, "establishment_code")]
    assert "E-1 20/05/2024 is already on line 2" in result.errors[0].message
    assert Inspection.objects.count() == 0


def test_an_existing_inspection_is_matched_by_its_exact_establishment_and_date(
    personas, world, tmp_path
):
    one = establishment("E-1", world.ba_dinh)
    two = establishment("E-2", world.hoan_kiem)
    may_20, may_21 = datetime.date(2024, 5, 20), datetime.date(2024, 5, 21)
    for record, day in [(one, may_21), (two, may_20), (two, may_21)]:
        Inspection(
            establishment=record, inspected_on=day, team="police", outcome="no_violation"
        ).save()
    # E-1 on the 20th is new although E-1 (on the 21st) and the 20th (for E-2) both exist.
    rows = [
        ["E-1", "20/05/2024", "police", "no_violation", "", "", ""],
        ["E-2", "21/05/2024", "police", "no_violation", "", "", "seen again"],
    ]
    result = run(tmp_path, "inspections", rows, personas.hn_officer)
    assert result.ok, result.errors
    assert (result.new, result.changed, result.unchanged) == (1, 1, 0)
    assert result.changes == [(3, "E-2 21/05/2024", ["notes"])]
    assert sorted(
        Inspection.objects.values_list("establishment__code", "inspected_on", "notes")
    ) == [
        ("E-1", may_20, ""),
        ("E-1", may_21, ""),
        ("E-2", may_20, ""),
        ("E-2", may_21, "seen again"),
    ]


def test_the_imports_temporary_table_goes_away_whatever_the_end(
    personas, world, tmp_path, monkeypatch
):
    establishment("E-1", world.ba_dinh)
    rows = [["E-1", "20/05/2024", "police", "no_violation", "", "", ""]]
    before = temporary_tables()
    result = run(tmp_path, "inspections", rows, personas.hn_officer, commit=False)
    assert result.ok and temporary_tables() == before
    rows.append(["E-1", "21/05/2024", "army", "no_violation", "", "", ""])
    result = run(tmp_path, "inspections", rows, personas.hn_officer)
    assert not result.ok and temporary_tables() == before
    # A file refused after chunks of it were read: a line that is not UTF-8 after 400 good ones
    # (text is decoded 8 kB at a time).
    monkeypatch.setattr("exchange.imports.engine.CHUNK", 10)
    good = [
        ["E-1", (datetime.date(2020, 1, 1) + datetime.timedelta(days=i)).isoformat(), "police"]
        + ["no_violation", "", "", ""]
        for i in range(400)
    ]
    content = csv_bytes("inspections", good) + "E-1,2024-05-22,police,Hà\n".encode("cp1258")
    with pytest.raises(FileRefused, match="is not UTF-8 text"):
        run(tmp_path, "inspections", None, personas.hn_officer, content=content)
    assert temporary_tables() == before
    assert Inspection.objects.count() == 0
    result = run(tmp_path, "inspections", rows[:1], personas.hn_officer)
    assert result.ok and result.new == 1 and temporary_tables() == before


@pytest.mark.parametrize("kind", KINDS)
def test_the_fields_full_clean_skips_are_ones_the_importer_validates_exactly(kind):
    """validated_here skips a field's own checks in full_clean: only for a date, a bool, or a
    choice (parse_choice takes exactly the field's choices) with no validator beyond the length
    every choice fits in. A validator added to such a field later fails here."""
    from django.core.validators import MaxLengthValidator
    from django.db import models

    from exchange.kinds import KINDS

    importer = KINDS[kind].importer
    assert importer.validated_here
    for name in importer.validated_here:
        field = importer.model._meta.get_field(name)
        if isinstance(field, models.DateField | models.BooleanField):
            assert not field.validators and not field.choices, name
            assert not isinstance(field, models.DateTimeField), name
        else:
            assert isinstance(field, models.CharField) and field.choices, name
            longest = max(len(str(value)) for value, _label in field.choices)
            for validator in field.validators:
                assert isinstance(validator, MaxLengthValidator), name
                assert validator.limit_value >= longest, name


def _history_rows(model):
    """The history rows in order, without their own number and date, the record's id replaced
    by its rank (ids differ from one run to the next)."""
    rows = list(model.history.order_by("history_id").values())
    ranks = {pk: rank for rank, pk in enumerate(sorted({row["id"] for row in rows}))}
    return [
        {**row, "id": ranks[row["id"]]}
        for row in (
            {k: v for k, v in r.items() if k not in ("history_id", "history_date")} for r in rows
        )
    ]


@pytest.mark.parametrize("spec", KINDS, indirect=True)
@pytest.mark.parametrize("who", ["hn_officer", "server_operator"])
def test_history_rows_are_those_simple_historys_bulk_helpers_write(
    spec, who, personas, tmp_path, monkeypatch
):
    from django.db import transaction
    from django.utils import timezone

    from localities import services

    kind, data = spec
    model = data["model"]
    from localities.permissions import SERVER_OPERATOR

    user = SERVER_OPERATOR if who == "server_operator" else getattr(personas, who)
    changed = [list(r) for r in data["rows"]]
    index, column, value = data["update"]
    changed[index][column] = value

    def both_imports():
        started = timezone.now()
        assert run(tmp_path, kind, data["rows"], user).new == 2
        assert run(tmp_path, kind, changed, user).changed == 1
        dates = list(model.history.values_list("history_date", flat=True))
        assert all(started <= d <= timezone.now() for d in dates)
        return _history_rows(model)

    assert services._history_by_copy(model)
    with transaction.atomic():
        copied = both_imports()
        transaction.set_rollback(True)
    monkeypatch.setattr(services, "_history_by_copy", lambda model: False)
    with transaction.atomic():
        helpers = both_imports()
        transaction.set_rollback(True)
    assert [row["history_type"] for row in copied] == ["+", "+", "~"]
    assert {row["history_change_reason"] for row in copied} == {"import"}
    assert {row["history_user_id"] for row in copied} == {user.pk if user else None}
    assert copied == helpers


def test_a_form_and_an_import_write_a_record_the_same_way(client, personas, world, tmp_path):
    """One report, created then given an extension, once through its forms and once by
    importing a file twice: the same province, deadline, version and history rows (fields,
    who, which type); only the change reason tells the import apart."""
    from django.db import transaction

    from tests.localities.test_concurrency import form_data

    officer = personas.hn_officer
    client.force_login(officer)
    cells = ["R-1", "crime_denunciation", "2004:00001", "01/03/2024", "", "", "", "", "", "Tin"]
    row = report_row(*cells)
    # Extended to 15/04/2024 by decision 12/QĐ-CSĐT of 10/03/2024 (the deadline was 21/03).
    decision = ["15/04/2024", "10/03/2024", "12/QĐ-CSĐT", "Thủ trưởng CQĐT"]
    extended = [*row[:8], *decision, row[12]]

    def written():
        report = Report.objects.get(reference="R-1")
        rows = list(report.history.order_by("history_id").values())
        left_out = ("id", "history_id", "history_date", "history_change_reason")
        return (
            (report.province, report.deadline, report.version),
            [{k: v for k, v in r.items() if k not in left_out} for r in rows],
            [r["history_change_reason"] for r in rows],
        )

    with transaction.atomic():
        data = {
            "reference": "R-1",
            "kind": "crime_denunciation",
            "locality_code": "2004:00001",
            "received_on": "01/03/2024",
            "summary": "Tin",
        }
        assert client.post(reverse("report_create"), data).status_code == 302
        form_created = written()
        url = reverse("report_edit", args=[Report.objects.get(reference="R-1").pk])
        data = form_data(client.get(url))
        data["extended_until"] = "15/04/2024"
        data["extension_decided_on"] = "10/03/2024"
        data["extension_decision_no"] = "12/QĐ-CSĐT"
        data["extension_decided_by"] = "Thủ trưởng CQĐT"
        assert client.post(url, data).status_code == 302
        form_extended = written()
        transaction.set_rollback(True)

    assert run(tmp_path, "reports", [row], officer).new == 1
    imported = written()
    assert run(tmp_path, "reports", [extended], officer).changed == 1
    reimported = written()

    assert form_created[0] == imported[0] == (world.hn, datetime.date(2024, 3, 21), 1)
    assert form_extended[0] == reimported[0] == (world.hn, datetime.date(2024, 4, 15), 2)
    assert form_created[1] == imported[1]
    assert form_extended[1] == reimported[1]
    assert [r["history_type"] for r in reimported[1]] == ["+", "~"]
    assert {r["history_user_id"] for r in reimported[1]} == {officer.pk}
    assert {r["locality_code_given"] for r in reimported[1]} == {"2004:00001"}
    assert (form_extended[2], reimported[2]) == ([None, None], ["import", "import"])


def test_an_activitys_choices_are_read_from_their_vietnamese_labels(personas, tmp_path):
    rows = SPECS["activities"]["rows"]
    result = run(tmp_path, "activities", rows, personas.hn_officer)
    assert result.ok, result.errors
    activity = Activity.objects.get(reference="A-2")
    assert (activity.kind, activity.form, activity.audience) == (
        "training",
        "social_media",
        "students",
    )
    assert activity.people_reached == 1200
    assert activity.province.code == "01"
