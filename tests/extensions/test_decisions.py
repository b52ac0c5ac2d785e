"""An extension is a decision, dated, numbered and by an authority, made on or before the
deadline it extends, never in the future, within the kind's allowed count and legal maximum;
every write of one goes through services.report_extensions_record."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from localities.models import ReportExtension, ReportKind
from localities.services import report_extend
from tests.localities.conftest import make_report

D = datetime.date


@pytest.fixture(autouse=True)
def _english():
    # The messages are checked in English here, and in Vietnamese where it says so.
    with translation.override("en"):
        yield


def denunciation(world, **extra):
    # A denunciation received 01/10/2025: 30 days, due 31/10/2025; at most 90 days, 30/12/2025.
    return make_report(
        world.ba_dinh, "TC-1", kind="denunciation", received_on=D(2025, 10, 1), **extra
    )


def extend(user, report, until, decided_on, number="01/QĐ-CSĐT"):
    return report_extend(
        user=user,
        report=report,
        extended_until=until,
        decided_on=decided_on,
        decision_no=number,
        decided_by="Thủ trưởng CQĐT Công an TP Hà Nội",
    )


def test_the_law_allows_two_extensions_of_every_kind(kinds):
    assert {code: kind.max_extensions for code, kind in kinds.items()} == {
        "crime_denunciation": 2,
        "crime_information": 2,
        "prosecution_petition": 2,
        "denunciation": 2,
    }


def test_an_extension_decided_before_the_deadline_moves_it(world, kinds, personas):
    report = denunciation(world)
    assert report.deadline == D(2025, 10, 31)
    extension = extend(personas.hn_officer, report, D(2025, 11, 30), D(2025, 10, 25))
    report.refresh_from_db()
    assert (extension.sequence, extension.counted_from) == (1, D(2025, 10, 25))
    assert report.deadline == D(2025, 11, 30)
    assert report.extended_until == D(2025, 11, 30)
    assert report.extension_decided_on == D(2025, 10, 25)
    assert report.extension_decision_no == "01/QĐ-CSĐT"
    assert report.version == 2
    assert extension.history.count() == 1
    assert report.history.first().extension_decided_on == D(2025, 10, 25)


def test_a_decision_on_the_deadline_itself_is_in_time(world, kinds, personas):
    report = denunciation(world)
    extend(personas.hn_officer, report, D(2025, 11, 30), D(2025, 10, 31))
    report.refresh_from_db()
    assert report.deadline == D(2025, 11, 30)


def test_an_extension_decided_after_the_deadline_is_refused_naming_both_dates(
    world, kinds, personas
):
    report = denunciation(world)
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        extend(personas.hn_officer, report, D(2025, 12, 30), D(2025, 11, 15))
    (message,) = caught.value.message_dict["decided_on"]
    assert message == (
        "Gia hạn được quyết định ngày 15/11/2025, sau thời hạn được gia hạn (31/10/2025): "
        "việc gia hạn phải được quyết định trước hoặc đúng thời hạn đó."
    )
    report.refresh_from_db()
    assert (report.deadline, report.version) == (D(2025, 10, 31), 1)
    assert not ReportExtension.objects.exists()


def test_a_decision_in_the_future_is_refused(world, kinds, personas, today):
    report = make_report(world.ba_dinh, "TC-2", kind="denunciation", received_on=today)
    tomorrow = today + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        extend(personas.hn_officer, report, today + datetime.timedelta(days=40), tomorrow)
    assert "is in the future" in caught.value.message_dict["decided_on"][0]


def test_an_extension_needs_its_decision_date_and_number(world, kinds, personas):
    report = denunciation(world)
    with pytest.raises(ValidationError) as caught:
        extend(personas.hn_officer, report, D(2025, 11, 30), None, number="")
    assert set(caught.value.message_dict) == {"decided_on", "decision_no"}


def test_the_second_extension_is_decided_by_the_first_ones_deadline_and_ends_after_it(
    world, kinds, personas
):
    report = denunciation(world)
    officer = personas.hn_officer
    extend(officer, report, D(2025, 11, 30), D(2025, 10, 25))
    # The second extends 30/11/2025: decided 01/12/2025 is a day late.
    with pytest.raises(ValidationError) as caught:
        extend(officer, report, D(2025, 12, 30), D(2025, 12, 1), number="02/QĐ-CSĐT")
    assert "(30/11/2025)" in caught.value.message_dict["decided_on"][0]
    # Ending on the deadline it extends is no extension.
    with pytest.raises(ValidationError) as caught:
        extend(officer, report, D(2025, 11, 30), D(2025, 11, 28), number="02/QĐ-CSĐT")
    assert (
        "after the deadline it extends (30/11/2025)"
        in (caught.value.message_dict["extended_until"][0])
    )
    # Beyond 90 days from receipt (30/12/2025).
    with pytest.raises(ValidationError) as caught:
        extend(officer, report, D(2026, 1, 9), D(2025, 11, 28), number="02/QĐ-CSĐT")
    assert "at most until 30/12/2025" in caught.value.message_dict["extended_until"][0]
    second = extend(officer, report, D(2025, 12, 30), D(2025, 11, 28), number="02/QĐ-CSĐT")
    report.refresh_from_db()
    assert second.sequence == 2
    assert (report.deadline, report.extension_decision_no) == (D(2025, 12, 30), "02/QĐ-CSĐT")


def test_no_more_extensions_than_the_kind_allows(world, kinds, personas):
    ReportKind.objects.filter(code="denunciation").update(max_extensions=1)
    report = denunciation(world)
    extend(personas.hn_officer, report, D(2025, 11, 30), D(2025, 10, 25))
    with pytest.raises(ValidationError) as caught:
        extend(personas.hn_officer, report, D(2025, 12, 30), D(2025, 11, 28), number="2")
    assert "allows 1 extension(s)" in caught.value.message_dict["extended_until"][0]
    assert ReportExtension.objects.count() == 1


def test_a_handled_report_is_not_extended_afterwards(world, kinds, personas):
    report = denunciation(world, handled_on=D(2025, 10, 20), outcome="no_violation")
    with pytest.raises(ValidationError) as caught:
        extend(personas.hn_officer, report, D(2025, 11, 30), D(2025, 10, 25))
    assert (
        "after the report was handled (20/10/2025)" in (caught.value.message_dict["decided_on"][0])
    )


def test_a_reader_cannot_record_an_extension(world, kinds, personas):
    from django.core.exceptions import PermissionDenied

    report = denunciation(world)
    with pytest.raises(PermissionDenied):
        extend(personas.ministry, report, D(2025, 11, 30), D(2025, 10, 25))
