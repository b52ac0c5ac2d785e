"""While a province's year is submitted or approved, no write changes its figures: by form,
import (page, job or command), the admin (change and deletion) or a service; reopening lifts
the lock. Hà Nội's 2024 is approved in these tests (conftest.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from exchange.imports import import_file
from localities.models import Establishment, Inspection, Report
from localities.services import record_save
from tests.exchange.helpers import csv_bytes, write

LOCKED = "The year 2024 of Thành phố Hà Nội was approved on"


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def new_inspection(establishment, day):
    return Inspection(
        establishment=establishment, inspected_on=day, team="police", outcome="no_violation"
    )


# --- the rule, record by record --------------------------------------------------------------


def test_an_inspection_dated_in_the_approved_year_is_refused_naming_the_approval(
    approved_2024, hanoi, personas, en
):
    with pytest.raises(ValidationError) as refusal:
        record_save(
            user=personas.hn_officer, record=new_inspection(hanoi.est2, datetime.date(2024, 7, 1))
        )
    message = refusal.value.messages[0]
    day = approved_2024.decided_at.astimezone().strftime("%d/%m/%Y")
    assert message == (
        f"{LOCKED} {day} by ministry: it must be reopened before its figures change."
    )
    assert not hanoi.est2.inspections.exists()


def test_the_refusal_reads_in_vietnamese(approved_2024, hanoi, personas):
    with translation.override("vi"), pytest.raises(ValidationError) as refusal:
        record_save(
            user=personas.hn_officer, record=new_inspection(hanoi.est2, datetime.date(2024, 7, 1))
        )
    assert refusal.value.messages[0].startswith("Năm 2024 của Thành phố Hà Nội đã được phê duyệt")


def test_a_submitted_year_is_locked_too(hanoi, personas, step, en):
    step(personas.hn_officer, "submit")
    with pytest.raises(ValidationError, match="submitted for approval on .* by hn_officer"):
        record_save(
            user=personas.hn_officer, record=new_inspection(hanoi.est2, datetime.date(2024, 7, 1))
        )


def test_other_years_and_other_provinces_stay_open(approved_2024, hanoi, personas):
    record_save(
        user=personas.hn_officer, record=new_inspection(hanoi.est2, datetime.date(2025, 1, 3))
    )
    record_save(
        user=personas.hcm_officer, record=new_inspection(hanoi.est_sg, datetime.date(2024, 8, 1))
    )
    # EST-SG had one inspection already.
    assert Inspection.objects.filter(establishment__in=[hanoi.est2, hanoi.est_sg]).count() == 3


@pytest.mark.parametrize(
    "record, field, value",
    [
        # Moving a record out of the locked year changes that year too.
        ("insp1", "inspected_on", datetime.date(2025, 1, 2)),
        # Into it.
        ("r2", "handled_on", datetime.date(2024, 12, 1)),
        # A case handled in it.
        ("c1", "handled_on", datetime.date(2024, 6, 1)),
        # An establishment's closing in it.
        ("est2", "closed_on", datetime.date(2024, 10, 1)),
        # Its place: every year it operated.
        ("est2", "commune_id", "hoan_kiem"),
        # A report's kind changes its deadline, so its status in the year it was received.
        ("r1", "kind_id", "denunciation"),
    ],
)
def test_an_edit_that_changes_the_year_is_refused(
    approved_2024, hanoi, personas, world, record, field, value
):
    obj = type(getattr(hanoi, record)).objects.get(pk=getattr(hanoi, record).pk)
    if field == "commune_id":
        value = getattr(world, value).pk
    if field == "handled_on" and record == "r2":
        obj.outcome = "no_violation"
    setattr(obj, field, value)
    with pytest.raises(ValidationError, match="approved on"):
        record_save(user=personas.hn_officer, record=obj, expected_version=obj.version)


def test_free_text_and_later_work_are_accepted(approved_2024, hanoi, personas):
    inspection = Inspection.objects.get(pk=hanoi.insp1.pk)
    inspection.notes = "Bổ sung ghi chú"
    record_save(user=personas.hn_officer, record=inspection, expected_version=inspection.version)
    # R-2, received in 2024, is handled in 2025: the year's figures as of its end stay as
    # approved, and the work goes on (the dashboards show the live figure beside them).
    report = Report.objects.get(pk=hanoi.r2.pk)
    report.handled_on, report.outcome = datetime.date(2025, 1, 5), "no_violation"
    record_save(user=personas.hn_officer, record=report, expected_version=report.version)
    # An establishment closed in 2025 operated all of 2024 either way.
    est = Establishment.objects.get(pk=hanoi.est2.pk)
    est.closed_on = datetime.date(2025, 2, 1)
    record_save(user=personas.hn_officer, record=est, expected_version=est.version)
    assert Report.objects.get(pk=hanoi.r2.pk).handled_on == datetime.date(2025, 1, 5)


def test_a_new_establishment_operating_in_the_year_is_refused(approved_2024, personas, world):
    # No opening date: it counts as operating in every year, 2024 included.
    est = Establishment(code="EST-NEW", name="Mới", line="karaoke", commune=world.ba_dinh)
    with pytest.raises(ValidationError, match="approved on"):
        record_save(user=personas.hn_officer, record=est)
    est.opened_on = datetime.date(2025, 3, 1)
    record_save(user=personas.hn_officer, record=est)


def test_reopening_lifts_the_lock(approved_2024, hanoi, personas, step):
    step(personas.admin, "reopen", comment="Bổ sung kiểm tra")
    record_save(
        user=personas.hn_officer, record=new_inspection(hanoi.est2, datetime.date(2024, 7, 1))
    )
    assert hanoi.est2.inspections.count() == 1


# --- every path --------------------------------------------------------------------------


def test_the_site_form_refuses_with_the_message(approved_2024, hanoi, client, personas, en):
    client.force_login(personas.hn_officer)
    response = client.post(
        reverse("inspection_create"),
        {
            "establishment": hanoi.est2.code,
            "inspected_on": "01/07/2024",
            "team": "police",
            "outcome": "no_violation",
            "fine_vnd": "0",
        },
    )
    assert response.status_code == 200
    assert LOCKED in " ".join(response.context["form"].non_field_errors())
    assert not hanoi.est2.inspections.exists()


def test_the_site_form_refuses_an_edit(approved_2024, hanoi, client, personas, en):
    client.force_login(personas.hn_officer)
    case = hanoi.c1
    response = client.post(
        reverse("case_edit", args=[case.pk]),
        {
            "reference": case.reference,
            "locality": case.locality.qualified_code,
            "article": case.article,
            "opened_on": "01/03/2024",
            "handled_on": "02/05/2024",
            "version": case.version,
        },
    )
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    case.refresh_from_db()
    assert case.handled_on == datetime.date(2024, 5, 1)


ROWS = [["EST-2", "2024-07-01", "police", "no_violation", "0", "", ""]]


def test_an_import_is_refused_row_by_row(approved_2024, hanoi, personas, tmp_path, en):
    path = write(tmp_path, "i.csv", csv_bytes("inspections", ROWS))
    result = import_file("inspections", path, user=personas.hn_officer, commit=True)
    assert not result.written
    assert [(e.line, LOCKED in e.message) for e in result.errors] == [(2, True)]
    assert not hanoi.est2.inspections.exists()


def test_the_import_command_is_refused(approved_2024, hanoi, tmp_path, capsys):
    path = write(tmp_path, "i.csv", csv_bytes("inspections", ROWS))
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_records", "inspections", str(path), "--quiet", "--language", "en")
    assert exit_code.value.code == 1
    captured = capsys.readouterr()
    assert LOCKED in captured.err
    assert not hanoi.est2.inspections.exists()


def test_the_admin_refuses_a_change(approved_2024, hanoi, client, personas, en):
    client.force_login(personas.admin)
    inspection = hanoi.insp1
    response = client.post(
        reverse("admin:localities_inspection_change", args=[inspection.pk]),
        {
            "establishment": inspection.establishment_id,
            "inspected_on": "2024-03-06",
            "team": "police",
            "outcome": "no_violation",
            "violations": "",
            "fine_vnd": "0",
            "notes": "",
            "loaded_version": inspection.version,
        },
    )
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.inspected_on == datetime.date(2024, 3, 5)


def test_the_admin_refuses_a_deletion(approved_2024, hanoi, client, personas, en):
    client.force_login(personas.admin)
    url = reverse("admin:localities_inspection_delete", args=[hanoi.insp1.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert LOCKED in response.content.decode()
    assert Inspection.objects.filter(pk=hanoi.insp1.pk).exists()


def test_the_admins_bulk_deletion_is_refused(approved_2024, hanoi, client, personas, en):
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:localities_case_changelist"),
        {"action": "delete_selected", "_selected_action": [hanoi.c1.pk], "post": "yes"},
        follow=True,
    )
    assert LOCKED in response.content.decode()
    assert hanoi.c1.__class__.objects.filter(pk=hanoi.c1.pk).exists()


def test_the_admin_deletes_a_record_of_an_open_year(approved_2024, hanoi, client, personas):
    inspection = record_save(
        user=personas.hn_officer, record=new_inspection(hanoi.est2, datetime.date(2025, 1, 3))
    )
    client.force_login(personas.admin)
    url = reverse("admin:localities_inspection_delete", args=[inspection.pk])
    client.post(url, {"post": "yes"})
    assert not Inspection.objects.filter(pk=inspection.pk).exists()
