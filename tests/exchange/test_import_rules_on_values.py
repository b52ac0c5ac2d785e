"""A new inspection of a file is checked from its plain values by the model's own rule
(Inspection.rule_errors, which clean() calls too) and written without a record of its own: the
same errors, with the same messages, and the same rows as a record checked by full_clean()
and written by records_save_bulk."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from exchange.imports import import_file
from exchange.imports.importers import InspectionImporter
from exchange.models import ImportedRecord
from localities.models import Inspection
from tests.exchange.helpers import csv_bytes, establishment, write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def import_rows(tmp_path, rows, user, *, plain: bool, monkeypatch):
    monkeypatch.setattr(InspectionImporter, "plain_new", plain)
    path = write(tmp_path, "inspections.csv", csv_bytes("inspections", rows))
    return import_file("inspections", path, user=user, commit=True)


def test_a_new_row_gets_the_errors_a_record_checked_by_full_clean_gets(
    personas, world, tmp_path, monkeypatch
):
    establishment("E-1", world.ba_dinh, opened_on=datetime.date(2022, 1, 1))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    rows = [
        # Line 2: fine but no violation; line 3: a violation not described; line 4: before
        # the opening; line 5: tomorrow; line 6: a fine beyond the largest amount stored, with
        # no violation either (two columns wrong); line 7 is right.
        ["E-1", "02/03/2023", "police", "no_violation", "500000", "", ""],
        ["E-1", "03/03/2023", "police", "violation", "100000", "  ", ""],
        ["E-1", "31/12/2021", "interagency", "no_violation", "", "", ""],
        ["E-1", tomorrow.isoformat(), "police", "no_violation", "", "", ""],
        ["E-1", "04/03/2023", "police", "no_violation", "9" * 20, "", ""],
        ["E-1", "05/03/2023", "police", "violation", "100000", "Không đăng ký", ""],
    ]
    plain = import_rows(tmp_path, rows, personas.hn_officer, plain=True, monkeypatch=monkeypatch)
    by_record = import_rows(
        tmp_path, rows, personas.hn_officer, plain=False, monkeypatch=monkeypatch
    )
    listed = [(e.line, e.column, e.message) for e in plain.errors]
    assert listed == [(e.line, e.column, e.message) for e in by_record.errors]
    assert [(line, column) for line, column, _message in listed] == [
        (2, "fine_vnd"),
        (3, "violations"),
        (4, "inspected_on"),
        (5, "inspected_on"),
        (6, "fine_vnd"),
        (6, "fine_vnd"),
    ]
    assert listed[0][2].startswith("A fine was entered but the outcome is “no violation”")
    assert "before the establishment's opening date (01/01/2022)" in listed[2][2]
    assert "is in the future" in listed[3][2]
    assert "less than or equal to 9223372036854775807" in listed[4][2]
    assert not Inspection.objects.exists()


def test_the_rule_gives_the_model_and_the_import_the_same_messages(personas, world):
    one = establishment("E-1", world.ba_dinh, opened_on=datetime.date(2022, 1, 1))
    record = Inspection(
        establishment=one,
        inspected_on=datetime.date(2021, 6, 1),
        team="police",
        outcome="violation",
        fine_vnd=0,
        violations="",
    )
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    errors = Inspection.rule_errors(
        inspected_on=datetime.date(2021, 6, 1),
        opened_on=datetime.date(2022, 1, 1),
        outcome="violation",
        fine_vnd=0,
        violations="",
    )
    assert {name: [e.message for e in found] for name, found in errors.items()} == {
        name: messages
        for name, messages in raised.value.message_dict.items()
        if name in ("inspected_on", "violations")
    }
    assert set(errors) == {"inspected_on", "violations"}


def written(model_rows):
    left_out = {"id", "created_at", "updated_at", "history_id", "history_date"}
    return sorted(
        (tuple((k, v) for k, v in row.items() if k not in left_out) for row in model_rows),
        key=repr,
    )


def test_a_new_row_is_written_as_a_record_would_be(personas, world, tmp_path, monkeypatch):
    establishment("E-1", world.ba_dinh)
    establishment("E-2", world.hoan_kiem)
    rows = [
        ["E-1", "02/03/2023", "police", "no_violation", "", "", ""],
        ["E-2", "2023-03-03", "interagency", "violation", "7.500.000", "Không đăng ký", "“x”"],
        ["E-2", "04/03/2023", "police", "no_violation", "0", "", "Dòng một\nDòng hai"],
    ]

    def imported(plain):
        started = timezone.now()
        with transaction.atomic():
            result = import_rows(
                tmp_path, rows, personas.hn_officer, plain=plain, monkeypatch=monkeypatch
            )
            assert result.ok and result.new == 3, result.errors
            inspections = list(Inspection.objects.order_by("inspected_on").values())
            history = list(Inspection.history.values())
            listed = list(ImportedRecord.objects.values_list("record_id", "created"))
            transaction.set_rollback(True)
        assert all(started <= i["created_at"] <= i["updated_at"] for i in inspections)
        assert sorted(listed) == sorted((i["id"], True) for i in inspections)
        assert sorted(h["id"] for h in history) == sorted(i["id"] for i in inspections)
        return written(inspections), written(history)

    values, history = imported(True)
    assert (values, history) == imported(False)
    assert {dict(h)["history_type"] for h in history} == {"+"}
    assert {dict(h)["history_user_id"] for h in history} == {personas.hn_officer.pk}
    assert [dict(v)["fine_vnd"] for v in values] == [0, 7_500_000, 0]
    assert [dict(v)["version"] for v in values] == [1, 1, 1]


def test_a_changed_inspection_is_checked_as_a_record_with_no_query_a_row(
    personas, world, tmp_path, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(4):
        establishment(f"E-{i}", world.ba_dinh, opened_on=datetime.date(2022, 1, 1))

    def rows(n, outcome, fine, violations):
        first = datetime.date(2023, 1, 2)
        return [
            [f"E-{i % 4}", (first + datetime.timedelta(days=i)).isoformat(), "police"]
            + [outcome, fine, violations, ""]
            for i in range(n)
        ]

    def statements(n, *args):
        with CaptureQueriesContext(connection) as captured:
            result = import_rows(
                tmp_path, rows(n, *args), personas.hn_officer, plain=True, monkeypatch=monkeypatch
            )
        return result, len(captured)

    assert statements(40, "no_violation", "", "")[0].new == 40
    # The same 4 and 40 inspections found a violation: changed records, each checked by
    # full_clean() with its establishment's record made from the fields read in bulk.
    few, few_statements = statements(4, "violation", "100000", "Không đăng ký")
    many, many_statements = statements(40, "violation", "100000", "Không đăng ký")
    # The first 4 changed already.
    assert (few.changed, many.changed, many.unchanged, many.new) == (4, 36, 4, 0)
    assert few_statements == many_statements
    # A changed record is checked by the model's rule too: a violation not described.
    wrong = import_rows(
        tmp_path,
        rows(4, "violation", "100000", ""),
        personas.hn_officer,
        plain=True,
        monkeypatch=monkeypatch,
    )
    assert [(e.line, e.column) for e in wrong.errors] == [
        (line, "violations") for line in (2, 3, 4, 5)
    ]
    assert Inspection.objects.filter(fine_vnd=100_000).count() == 40


def test_a_kind_writing_new_rows_without_records_may_not_follow_them_with_a_hook():
    from exchange.imports.importers import InspectionImporter

    with pytest.raises(TypeError, match="no written"):

        class FollowedInspections(InspectionImporter):
            def written(self, new, changed):
                pass
