"""Each validation rule of plan-rules §3–6, through the forms officers use: the message says
what is wrong and how to fix it; the database refuses what slips past the model."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from localities.models import Establishment, Inspection, Report
from tests.localities.conftest import OPENED, RECEIVED, make_establishment, make_report


def errors_of(response, field):
    form = response.context["form"]
    return " ".join(form.errors.get(field, []))


@pytest.fixture
def hn(client, login, records):
    """Logged in as Hà Nội's officer, reading English (the source language of the messages)."""
    login("hn_officer")
    client.cookies["django_language"] = "en"
    return records


def establishment_data(world, **overrides):
    data = {
        "code": "EST-NEW",
        "name": "Karaoke Mới",
        "line": "karaoke",
        "commune": world.ba_dinh.pk,
        "opened_on": "10/01/2022",
        "in_scope": "on",
    }
    data.update(overrides)
    return data


def test_an_establishment_form_accepts_dd_mm_yyyy_and_iso_dates(client, hn, world):
    client.post(reverse("establishment_create"), establishment_data(world, opened_on="31/12/2021"))
    assert Establishment.objects.get(code="EST-NEW").opened_on == datetime.date(2021, 12, 31)
    client.post(
        reverse("establishment_create"),
        establishment_data(world, code="EST-ISO", opened_on="2021-12-30"),
    )
    assert Establishment.objects.get(code="EST-ISO").opened_on == datetime.date(2021, 12, 30)


def test_a_date_in_another_shape_is_refused_with_the_expected_shape(client, hn, world):
    response = client.post(
        reverse("establishment_create"), establishment_data(world, opened_on="12-31-2021")
    )
    assert "dd/mm/yyyy" in errors_of(response, "opened_on")


def test_an_establishment_cannot_close_before_it_opened(client, hn, world):
    response = client.post(
        reverse("establishment_create"),
        establishment_data(world, opened_on="10/01/2022", closed_on="09/01/2022"),
    )
    message = errors_of(response, "closed_on")
    assert "The closing date (09/01/2022) is before the opening date (10/01/2022)" in message
    assert "enter a date on or after 10/01/2022" in message
    assert not Establishment.objects.filter(code="EST-NEW").exists()


def test_no_date_may_be_in_the_future(client, hn, world, today):
    tomorrow = (today + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(
        reverse("establishment_create"), establishment_data(world, opened_on=tomorrow)
    )
    assert f"({tomorrow}) is in the future" in errors_of(response, "opened_on")


def test_messages_come_in_vietnamese_by_default(client, hn, world):
    del client.cookies["django_language"]  # no choice made: the default language
    response = client.post(
        reverse("establishment_create"),
        establishment_data(world, opened_on="10/01/2022", closed_on="09/01/2022"),
    )
    message = errors_of(response, "closed_on")
    assert "Ngày ngừng hoạt động (09/01/2022) sớm hơn ngày bắt đầu (10/01/2022)" in message


def test_registry_codes_are_unique_with_a_message_saying_what_to_do(client, hn, world):
    response = client.post(
        reverse("establishment_create"), establishment_data(world, code="EST-BD")
    )
    assert "Another establishment already has this registry code" in errors_of(response, "code")
    assert Establishment.objects.filter(code="EST-BD").count() == 1


def test_the_database_refuses_a_duplicate_registry_code(records, world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Establishment.objects.create(code="EST-BD", name="x", line="other", commune=world.ba_dinh)


def inspection_data(**overrides):
    data = {
        "establishment": "EST-BD",
        "inspected_on": "01/06/2024",
        "team": "police",
        "outcome": "no_violation",
        "fine_vnd": "0",
    }
    data.update(overrides)
    return data


def test_an_inspection_cannot_be_before_the_establishment_opened(client, hn):
    # EST-BD opened on 15/01/2020.
    response = client.post(reverse("inspection_create"), inspection_data(inspected_on="14/01/2020"))
    assert "before the establishment's opening date (15/01/2020)" in errors_of(
        response, "inspected_on"
    )


def test_an_inspection_on_the_opening_day_is_accepted(client, hn, records):
    client.post(reverse("inspection_create"), inspection_data(inspected_on="15/01/2020"))
    assert records.establishment["BD"].inspections.filter(inspected_on=OPENED).exists()


def test_an_inspection_date_cannot_be_in_the_future(client, hn, today):
    tomorrow = (today + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(reverse("inspection_create"), inspection_data(inspected_on=tomorrow))
    assert "is in the future" in errors_of(response, "inspected_on")


def test_a_fine_cannot_be_negative(client, hn):
    response = client.post(
        reverse("inspection_create"),
        inspection_data(outcome="violation", fine_vnd="-1000"),
    )
    assert "A fine cannot be negative" in errors_of(response, "fine_vnd")


def test_the_database_refuses_a_negative_fine(records):
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.filter(pk=records.inspection["BD"].pk).update(fine_vnd=-1)


def test_a_fine_needs_a_violation(client, hn):
    response = client.post(
        reverse("inspection_create"), inspection_data(outcome="no_violation", fine_vnd="500000")
    )
    assert "the outcome is “no violation”" in errors_of(response, "fine_vnd")


def test_a_fine_with_a_violation_is_recorded(client, hn, records):
    client.post(
        reverse("inspection_create"),
        inspection_data(outcome="violation", violations="Không có sổ lưu trú", fine_vnd="5000000"),
    )
    inspection = records.establishment["BD"].inspections.get(inspected_on="2024-06-01")
    assert inspection.fine_vnd == 5_000_000


def test_two_inspections_of_one_establishment_on_one_day_are_refused(client, hn):
    # The fixture's inspection of EST-BD is dated 05/03/2024.
    response = client.post(reverse("inspection_create"), inspection_data(inspected_on="05/03/2024"))
    assert "already has an inspection on this date" in " ".join(
        response.context["form"].non_field_errors()
    )


def report_edit_data(report, **overrides):
    data = {
        "reference": report.reference,
        "kind": report.kind_id,
        "locality": report.locality_id,
        "received_on": report.received_on.strftime("%d/%m/%Y"),
        "version": report.version,
    }
    data.update(overrides)
    return data


def test_a_report_stage_cannot_come_before_the_receipt(client, hn, records):
    report = records.report["BD"]  # received 01/02/2024
    response = client.post(
        reverse("report_edit", args=[report.pk]),
        report_edit_data(report, verified_on="31/01/2024"),
    )
    assert "before the receipt date (01/02/2024)" in errors_of(response, "verified_on")


def test_a_report_cannot_be_handled_before_it_was_verified(client, hn, records):
    report = records.report["BD"]
    response = client.post(
        reverse("report_edit", args=[report.pk]),
        report_edit_data(
            report, verified_on="10/02/2024", handled_on="09/02/2024", outcome="no_violation"
        ),
    )
    assert "before the verification date (10/02/2024)" in errors_of(response, "handled_on")


def test_a_handled_report_needs_its_decision(client, hn, records):
    report = records.report["BD"]
    response = client.post(
        reverse("report_edit", args=[report.pk]), report_edit_data(report, handled_on="15/02/2024")
    )
    assert "choose the handling decision" in errors_of(response, "outcome")


def test_a_decision_needs_its_handling_date(client, hn, records):
    report = records.report["BD"]
    response = client.post(
        reverse("report_edit", args=[report.pk]), report_edit_data(report, outcome="suspended")
    )
    assert "enter the handling date" in errors_of(response, "handled_on")


def test_the_database_refuses_a_handled_report_without_decision(records):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=records.report["BD"].pk).update(handled_on=RECEIVED)


# A decision within the base deadline (21/02/2024) of the report received 01/02/2024.
DECISION = {
    "extension_decided_on": "15/02/2024",
    "extension_decision_no": "05/QĐ-CSĐT",
    "extension_decided_by": "Thủ trưởng CQĐT",
}


def test_an_extension_beyond_the_legal_maximum_is_refused(client, hn, records):
    # Crime information received 01/02/2024: at most 4 calendar months, to 01/06/2024.
    report = records.report["BD"]
    response = client.post(
        reverse("report_edit", args=[report.pk]),
        report_edit_data(report, extended_until="02/06/2024", **DECISION),
    )
    assert "at most until 01/06/2024" in errors_of(response, "extended_until")


def test_an_extension_must_end_after_the_base_deadline(client, hn, records):
    # Base deadline: 01/02/2024 + 20 days = 21/02/2024.
    report = records.report["BD"]
    response = client.post(
        reverse("report_edit", args=[report.pk]),
        report_edit_data(report, extended_until="21/02/2024", **DECISION),
    )
    assert "after the deadline it extends (21/02/2024)" in errors_of(response, "extended_until")


def test_an_extension_needs_its_decision(client, hn, records):
    report = records.report["BD"]
    response = client.post(
        reverse("report_edit", args=[report.pk]),
        report_edit_data(report, extended_until="01/03/2024"),
    )
    assert "enter the date it was decided" in errors_of(response, "extension_decided_on")
    assert "enter its document number" in errors_of(response, "extension_decision_no")
    assert "enter the authority" in errors_of(response, "extension_decided_by")


def test_report_references_are_unique(client, hn, world):
    response = client.post(
        reverse("report_create"),
        {
            "reference": "REP-BD",
            "kind": "denunciation",
            "locality": world.ba_dinh.pk,
            "received_on": "01/03/2024",
        },
    )
    assert "Another report already has this reference" in errors_of(response, "reference")


def test_case_references_are_unique(client, hn, world):
    response = client.post(
        reverse("case_create"),
        {
            "reference": "CASE-BD",
            "locality": world.ba_dinh.pk,
            "article": "328",
            "opened_on": "01/03/2024",
        },
    )
    assert "Another case already has this reference" in errors_of(response, "reference")


def test_a_case_cannot_be_handled_before_it_was_opened(client, hn, world):
    response = client.post(
        reverse("case_create"),
        {
            "reference": "CASE-NEW",
            "locality": world.ba_dinh.pk,
            "article": "328",
            "opened_on": "01/03/2024",
            "handled_on": "28/02/2024",
        },
    )
    assert "before the opening date (01/03/2024)" in errors_of(response, "handled_on")


def test_a_case_cannot_be_opened_before_its_report_was_received(client, hn, world):
    # REP-BD was received on 01/02/2024.
    response = client.post(
        reverse("case_create"),
        {
            "reference": "CASE-NEW",
            "locality": world.ba_dinh.pk,
            "article": "328",
            "opened_on": "31/01/2024",
            "report": "REP-BD",
        },
    )
    assert "before the report's receipt date (01/02/2024)" in errors_of(response, "opened_on")


def test_an_establishment_must_be_in_a_commune_not_a_province(world, records):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught, translation.override("en"):
        make_establishment(world.hn, "EST-PROV")
    assert "is a province: choose one of its communes" in str(caught.value)


def test_a_record_cannot_be_placed_in_an_old_locality(world, kinds):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught, translation.override("en"):
        make_report(world.phuc_xa, "REP-OLD")
    assert "belongs to the 2004 scheme" in str(caught.value)
