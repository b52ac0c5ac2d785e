"""The report columns of imports and exports carry the latest extension's decision: an import
whose extended_until differs from the recorded one adds the report's next extension decision
(through the one extension service), in CSV and XLSX alike; exports write it back."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from exchange.imports.engine import import_file
from exchange.kinds import KINDS
from localities.models import Report, ReportExtension
from tests.exchange.helpers import csv_bytes, write, xlsx_bytes

D = datetime.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def row(extension=("", "", "", ""), reference="TC-1", handled=""):
    # A denunciation received 01/10/2025: due 31/10/2025, at most 30/12/2025.
    outcome = "no_violation" if handled else ""
    head = [reference, "denunciation", "00004", "01/10/2025", "", "", handled, outcome]
    return [*head, *extension, "Tố cáo"]


def run(tmp_path, rows, user, fmt="csv"):
    content = csv_bytes("reports", rows) if fmt == "csv" else xlsx_bytes("reports", rows)
    path = write(tmp_path, f"reports.{fmt}", content)
    return import_file("reports", path, user=user, commit=True)


def test_the_report_columns_carry_the_decision_after_extended_until():
    columns = KINDS["reports"].import_columns
    at = columns.index("extended_until")
    assert columns[at : at + 4] == [
        "extended_until",
        "extension_decided_on",
        "extension_decision_no",
        "extension_decided_by",
    ]
    exported = KINDS["reports"].column_names
    at = exported.index("extended_until")
    assert exported[at + 1 : at + 3] == ["extension_decided_on", "extension_decision_no"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_import_adds_the_next_extension_decision(tmp_path, world, kinds, personas, fmt):
    officer = personas.hn_officer
    assert run(tmp_path, [row()], officer, fmt).new == 1
    first = ("30/11/2025", "25/10/2025", "01/QĐ-CSĐT", "Thủ trưởng CQĐT")
    result = run(tmp_path, [row(first)], officer, fmt)
    assert (result.ok, result.changed) == (True, 1), result.errors
    # The same date again changes nothing, whatever the decision columns say.
    same = ("30/11/2025", "26/10/2025", "other", "")
    assert run(tmp_path, [row(same)], officer, fmt).unchanged == 1
    second = ("30/12/2025", "28/11/2025", "02/QĐ-CSĐT", "")
    assert run(tmp_path, [row(second)], officer, fmt).changed == 1
    report = Report.objects.get(reference="TC-1")
    decisions = list(
        ReportExtension.objects.filter(report=report).values_list(
            "sequence", "extended_until", "decided_on", "decision_no"
        )
    )
    assert decisions == [
        (1, D(2025, 11, 30), D(2025, 10, 25), "01/QĐ-CSĐT"),
        (2, D(2025, 12, 30), D(2025, 11, 28), "02/QĐ-CSĐT"),
    ]
    assert (report.deadline, report.extension_decision_no, report.version) == (
        D(2025, 12, 30),
        "02/QĐ-CSĐT",
        3,
    )
    assert ReportExtension.history.filter(history_user=officer).count() == 2
    # On 27/11/2025 only the first decision exists: due 30/11/2025.
    assert report.deadline_on(D(2025, 11, 27)) == D(2025, 11, 30)


def test_an_import_refuses_a_late_or_undated_extension_and_writes_nothing(
    tmp_path, world, kinds, personas
):
    officer = personas.hn_officer
    late = ("30/11/2025", "15/11/2026", "01/QĐ-CSĐT", "")
    undated = ("30/11/2025", "", "", "")
    result = run(tmp_path, [row(late), row(undated, reference="TC-2")], officer)
    errors = {(e.line, e.column): e.message for e in result.errors}
    assert "after the deadline it extends (31/10/2025)" in errors[(2, "extension_decided_on")]
    assert "15/11/2026" in errors[(2, "extension_decided_on")]
    assert "enter the date it was decided" in errors[(3, "extension_decided_on")]
    assert "enter its document number" in errors[(3, "extension_decision_no")]
    assert not Report.objects.exists() and not ReportExtension.objects.exists()


def test_an_import_never_removes_an_extension(tmp_path, world, kinds, personas):
    officer = personas.hn_officer
    run(tmp_path, [row(("30/11/2025", "25/10/2025", "01/QĐ", ""))], officer)
    result = run(tmp_path, [row()], officer)
    assert [(e.column, "never removes" in e.message) for e in result.errors] == [
        ("extended_until", True)
    ]
    assert Report.objects.get(reference="TC-1").extended_until == D(2025, 11, 30)


def test_a_decision_without_its_date_is_refused(tmp_path, world, kinds, personas):
    result = run(tmp_path, [row(("", "25/10/2025", "01/QĐ", ""))], personas.hn_officer)
    assert [e.column for e in result.errors] == ["extended_until"]


def test_the_export_writes_the_latest_decision(client, tmp_path, world, kinds, personas):
    from tests.exchange.test_exports import read_stream

    run(tmp_path, [row(("30/11/2025", "25/10/2025", "01/QĐ-CSĐT", "CQĐT"))], personas.hn_officer)
    client.force_login(personas.admin)
    text = read_stream(client.get(reverse("export_raw", args=["reports", "csv"])))
    header, line = text.splitlines()[:2]
    values = dict(zip(header.split(","), line.split(","), strict=True))
    assert values["extended_until"] == "2025-11-30"
    assert values["extension_decided_on"] == "2025-10-25"
    assert values["extension_decision_no"] == "01/QĐ-CSĐT"
    assert values["deadline"] == "2025-11-30"
