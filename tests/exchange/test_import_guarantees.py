"""What an import guarantees however it writes (COPY on PostgreSQL, bulk_create elsewhere), over
files of several chunks: a history row and a listed record for every record written, the
summary of inspected years right, a locked year refused on the line that touches it, a bad row
named by its line, and as many statements for ten times the rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from exchange.imports import import_file
from exchange.models import ImportBatch, ImportedRecord
from localities import copy as copying
from localities import summary
from localities.models import Establishment, InspectedYears, Inspection, Report
from tests.exchange.helpers import csv_bytes, establishment, write

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY and array parameters are PostgreSQL's"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 3 rows: a file of 10 rows is read in 4 chunks."""
    monkeypatch.setattr("exchange.imports.engine.CHUNK", 3)


def inspection_row(code, day, *, team="police", outcome="no_violation", fine="", notes=""):
    violations = "Không đăng ký lưu trú" if outcome == "violation" else ""
    return [code, day.isoformat(), team, outcome, fine, violations, notes]


def run(tmp_path, kind, rows, user):
    path = write(tmp_path, f"{kind}.csv", csv_bytes(kind, rows))
    return import_file(kind, path, user=user, commit=True)


def test_every_record_of_a_file_of_several_chunks_has_its_history_row_and_is_listed(
    personas, world, tmp_path, small_chunks
):
    one = establishment("E-1", world.ba_dinh)
    two = establishment("E-2", world.hoan_kiem)
    first = datetime.date(2024, 1, 2)
    rows = [
        inspection_row(
            "E-1" if i % 2 else "E-2",
            first + datetime.timedelta(days=i),
            outcome="violation" if i % 3 == 0 else "no_violation",
            fine="5000000" if i % 3 == 0 else "",
            notes=f"lần {i}",
        )
        for i in range(10)
    ]
    started = timezone.now()
    result = run(tmp_path, "inspections", rows, personas.hn_officer)
    assert result.ok, result.errors
    assert (result.total, result.new) == (10, 10)

    inspections = list(Inspection.objects.order_by("inspected_on"))
    assert [i.establishment_id for i in inspections] == [two.pk, one.pk] * 5
    assert [i.notes for i in inspections] == [f"lần {i}" for i in range(10)]
    # Rows 0, 3, 6 and 9 found a violation, fined 5,000,000 VND.
    assert [i.fine_vnd for i in inspections] == [5_000_000, 0, 0] * 3 + [5_000_000]
    assert {i.version for i in inspections} == {1}
    assert all(started <= i.created_at <= i.updated_at <= timezone.now() for i in inspections)

    # One history row each, "+" by the officer, with the values written.
    history = list(Inspection.history.order_by("id"))
    assert [h.id for h in history] == sorted(i.pk for i in inspections)
    assert {(h.history_type, h.history_user_id, h.history_change_reason) for h in history} == {
        ("+", personas.hn_officer.pk, "import")
    }
    by_pk = {i.pk: i for i in inspections}
    for row in history:
        record = by_pk[row.id]
        assert (row.inspected_on, row.team, row.outcome, row.fine_vnd, row.violations) == (
            record.inspected_on,
            record.team,
            record.outcome,
            record.fine_vnd,
            record.violations,
        )

    # The batch lists exactly the ten records, each as created.
    batch = ImportBatch.objects.get(pk=result.batch)
    listed = ImportedRecord.objects.filter(batch=batch)
    assert sorted(listed.values_list("record_id", "created")) == sorted((pk, True) for pk in by_pk)


def test_the_summary_of_inspected_years_is_right_after_an_import(
    personas, world, tmp_path, small_chunks
):
    one = establishment("E-1", world.ba_dinh, opened_on=datetime.date(2020, 1, 1))
    two = establishment("E-2", world.hoan_kiem, opened_on=datetime.date(2020, 1, 1))
    never = establishment("E-3", world.hoan_kiem, opened_on=datetime.date(2020, 1, 1))
    # E-1 already inspected in 2021; the file adds 2023 and 2024 for it, 2022 for E-2.
    Inspection(
        establishment=one,
        inspected_on=datetime.date(2021, 5, 1),
        team="police",
        outcome="no_violation",
    ).save()
    rows = [
        inspection_row("E-1", datetime.date(2023, 3, 1)),
        inspection_row("E-1", datetime.date(2023, 9, 1)),
        inspection_row("E-2", datetime.date(2022, 6, 1)),
        inspection_row("E-1", datetime.date(2024, 2, 1)),
        inspection_row("E-2", datetime.date(2022, 7, 1)),
    ]
    result = run(tmp_path, "inspections", rows, personas.hn_officer)
    assert result.ok, result.errors
    years = dict(InspectedYears.objects.values_list("establishment_id", "years"))
    # Bit (Y - 2000) for each year Y: E-1 2021, 2023, 2024; E-2 2022; E-3 none (no row).
    assert years == {
        one.pk: (1 << 21) | (1 << 23) | (1 << 24),
        two.pk: 1 << 22,
    }
    assert never.pk not in years
    # Recounted from the inspections themselves: nothing had drifted.
    assert summary.rebuild(connection) == 0


def test_a_locked_year_is_refused_on_its_own_line_and_nothing_is_written(
    personas, world, tmp_path, small_chunks
):
    from plan_tracker.approvals import take_step
    from plan_tracker.metrics import default_plan

    establishment("E-1", world.ba_dinh)
    establishment("E-2", world.sai_gon)
    plan = default_plan()
    for user, action in ((personas.hn_officer, "submit"), (personas.ministry, "approve")):
        take_step(user=user, action=action, plan=plan, province=world.hn, year=2024)
    first = datetime.date(2023, 3, 1)
    rows = [inspection_row("E-1", first + datetime.timedelta(days=i)) for i in range(7)]
    # Line 9 (the 8th row, in the third chunk) is in Hà Nội's approved 2024; line 10, in 2024
    # too, is in Hồ Chí Minh City, whose 2024 is open.
    rows.append(inspection_row("E-1", datetime.date(2024, 5, 1)))
    rows.append(inspection_row("E-2", datetime.date(2024, 5, 1)))
    result = run(tmp_path, "inspections", rows, personas.admin)
    assert [e.line for e in result.errors] == [9]
    message = result.errors[0].message
    assert "The year 2024 of Thành phố Hà Nội was approved on" in message
    assert not result.written
    assert not Inspection.objects.exists()
    assert not Inspection.history.exists()
    assert not ImportedRecord.objects.exists()
    # Without the row of the locked year, the rest goes in.
    del rows[7]
    result = run(tmp_path, "inspections", rows, personas.admin)
    assert result.ok, result.errors
    assert Inspection.objects.count() == 8


def test_a_bad_row_in_a_later_chunk_names_its_line_and_nothing_is_written(
    personas, world, tmp_path, small_chunks
):
    establishment("E-1", world.ba_dinh, opened_on=datetime.date(2022, 1, 1))
    first = datetime.date(2023, 1, 2)
    rows = [inspection_row("E-1", first + datetime.timedelta(days=i)) for i in range(9)]
    # Line 9: before the establishment opened; line 10: a fine without a violation.
    rows[7] = inspection_row("E-1", datetime.date(2021, 12, 31))
    rows[8] = inspection_row("E-1", datetime.date(2023, 6, 1), fine="100000")
    result = run(tmp_path, "inspections", rows, personas.hn_officer)
    assert [(e.line, e.column) for e in result.errors] == [
        (9, "inspected_on"),
        (10, "fine_vnd"),
    ]
    assert "before the establishment's opening date (01/01/2022)" in result.errors[0].message
    assert not Inspection.objects.exists() and not Inspection.history.exists()


def statements(tmp_path, user, rows) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        result = run(tmp_path, "inspections", rows, user)
    assert result.ok and result.new == len(rows), result.errors
    return [q["sql"] for q in captured]


@postgresql_only
def test_an_import_sends_as_many_statements_for_ten_times_the_rows(
    personas, world, tmp_path, monkeypatch
):
    for i in range(20):
        establishment(f"E-{i}", world.ba_dinh if i % 2 else world.hoan_kiem)

    def rows(first, n):
        return [
            inspection_row(f"E-{i % 20}", first + datetime.timedelta(days=i // 20))
            for i in range(n)
        ]

    few = statements(tmp_path, personas.hn_officer, rows(datetime.date(2021, 1, 1), 40))
    many = statements(tmp_path, personas.hn_officer, rows(datetime.date(2022, 1, 1), 400))
    # The transaction's savepoint and its release, the provinces' rows share-locked (no year is
    # submitted while the import writes), the locked years, the table of keys (made and
    # dropped) and the batch; then for the chunk: the establishments, the keys, the existing
    # inspections, the new ids, the COPY, the history rows (with the re-check of the officer's
    # area) and the COPY of the batch's list.
    assert len(few) == len(many) == 14
    assert sum(sql.startswith("COPY") for sql in many) == 2
    # Four chunks of 100: seven statements more for each of the three after the first.
    monkeypatch.setattr("exchange.imports.engine.CHUNK", 100)
    chunked = statements(tmp_path, personas.hn_officer, rows(datetime.date(2023, 1, 1), 400))
    assert len(chunked) == 14 + 3 * 7


def imported_values(model, key):
    """Every stored column of the records, but their ids and times, by their key."""
    left_out = {"id", "created_at", "updated_at"}
    return {
        row[key]: {k: v for k, v in row.items() if k not in left_out}
        for row in model.objects.values()
    }


@postgresql_only
@pytest.mark.parametrize("kind", ["establishments", "reports"])
def test_copy_writes_every_value_as_bulk_create_does(
    kind, personas, world, kinds, tmp_path, monkeypatch
):
    """Empty texts stay empty and missing dates NULL, booleans and foreign keys as they were
    given: the same rows whether COPY or bulk_create writes them."""
    from django.db import transaction

    rows = {
        "establishments": [
            ["E-1", "Khách sạn “Một”", "accommodation", "00004", "", "", "15/03/2019", "", ""],
            ["E-2", "Karaoke, Hai", "karaoke", "00070", 'Số 2 "B"', "P-2", "", "2024-01-02"]
            + ["không"],
        ],
        "reports": [
            ["R-1", "crime_denunciation", "00004", "01/03/2024", "05/03/2024", "", ""]
            + ["", "", "", "", "", "Dòng một\nDòng hai"],
            ["R-2", "denunciation", "01", "2024-04-01", "", "", "", "", "", "", "", "", ""],
        ],
    }[kind]
    model, key = {"establishments": (Establishment, "code"), "reports": (Report, "reference")}[kind]

    def imported():
        with transaction.atomic():
            assert run(tmp_path, kind, rows, personas.hn_officer).new == 2
            values = imported_values(model, key)
            transaction.set_rollback(True)
        return values

    copied = imported()
    monkeypatch.setattr(copying, "copy_supported", lambda model: False)
    monkeypatch.setattr("localities.services.copy_supported", lambda model: False)
    assert imported() == copied
    if kind == "establishments":
        assert copied["E-1"]["address"] == "" and copied["E-1"]["closed_on"] is None
        assert copied["E-2"]["opened_on"] is None and copied["E-2"]["in_scope"] is False
        assert copied["E-2"]["address"] == 'Số 2 "B"'
    else:
        assert copied["R-1"]["summary"] == "Dòng một\nDòng hai"
        assert copied["R-2"]["verified_on"] is None and copied["R-2"]["outcome"] == ""
