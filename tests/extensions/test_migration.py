"""Extensions recorded before decisions were dated (migration 0009): each becomes its report's
first extension decision, dated from the report's history where that is possible, otherwise
"decision date unknown" and counted from the day it was recorded."""

import datetime
import importlib
import zoneinfo

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from localities.models import Report, ReportExtension, ReportKind, ReportStatus
from tests.localities.conftest import make_report

D = datetime.date
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
migration = importlib.import_module("localities.migrations.0009_extension_decisions")


def at(day: datetime.date, hour=9):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=HCM)


def legacy_report(world, reference, changes):
    """A denunciation received 01/10/2025 (base deadline 31/10/2025) as it was before decisions
    were dated: `changes` are (moment, field values) written one after the other, each leaving
    a history row dated at that moment; the extension is set by one of them."""
    report = make_report(world.ba_dinh, reference, kind="denunciation", received_on=D(2025, 10, 1))
    report.history.update(history_date=changes[0][0])
    for moment, values in changes[1:]:
        for name, value in values.items():
            setattr(report, name, value)
        report.save()
        row = report.history.order_by("-history_id").first()
        type(row).objects.filter(pk=row.pk).update(history_date=moment)
    # As they were: no decision, no day it counts from.
    Report.objects.filter(pk=report.pk).update(extension_counted_from=None)
    return report


def run_migration():
    migration.forwards(apps, None)


def test_the_decision_date_is_the_last_change_before_the_extension(world, kinds):
    report = legacy_report(
        world,
        "L-1",
        [
            (at(D(2025, 10, 1)), {}),
            (at(D(2025, 10, 20)), {"verified_on": D(2025, 10, 20)}),
            (at(D(2025, 11, 5)), {"extended_until": D(2025, 11, 30), "extension_reason": "x"}),
        ],
    )
    run_migration()
    (extension,) = ReportExtension.objects.filter(report=report)
    # Recorded 05/11/2025; the report last changed before that on 20/10/2025, on or before the
    # base deadline 31/10/2025: decided 20/10/2025, counted from then.
    assert (extension.decided_on, extension.recorded_on) == (D(2025, 10, 20), D(2025, 11, 5))
    assert (extension.counted_from, extension.sequence) == (D(2025, 10, 20), 1)
    assert extension.reason == "x"
    report.refresh_from_db()
    assert report.extension_decided_on == D(2025, 10, 20)
    assert report.status(D(2025, 11, 1)) == ReportStatus.PENDING


def test_a_previous_change_after_the_deadline_leaves_the_decision_date_unknown(world, kinds):
    report = legacy_report(
        world,
        "L-2",
        [
            (at(D(2025, 10, 1)), {}),
            (at(D(2025, 11, 10)), {"verified_on": D(2025, 10, 20)}),
            (at(D(2025, 11, 12)), {"extended_until": D(2025, 11, 30)}),
        ],
    )
    run_migration()
    (extension,) = ReportExtension.objects.filter(report=report)
    # 10/11/2025 is after the base deadline: no decision could be dated then.
    assert (extension.decided_on, extension.counted_from) == (None, D(2025, 11, 12))
    report.refresh_from_db()
    # Until it was recorded the report was overdue (31/10 < 11/11); from 12/11 it is not.
    assert report.status(D(2025, 11, 11)) == ReportStatus.OVERDUE
    assert report.status(D(2025, 11, 12)) == ReportStatus.PENDING


def test_a_report_created_already_extended_has_its_decision_date_unknown(world, kinds):
    report = make_report(world.ba_dinh, "L-3", kind="denunciation", received_on=D(2025, 10, 1))
    Report.objects.filter(pk=report.pk).update(
        extended_until=D(2025, 11, 30), deadline=D(2025, 11, 30)
    )
    report.history.update(history_date=at(D(2025, 10, 3), hour=23), extended_until=D(2025, 11, 30))
    run_migration()
    (extension,) = ReportExtension.objects.filter(report=report)
    # 23:00 in Hà Nội is 16:00 UTC: the local day counts, 03/10/2025.
    assert (extension.decided_on, extension.recorded_on) == (None, D(2025, 10, 3))


def test_an_extension_no_history_shows_counts_from_the_last_change(world, kinds):
    report = make_report(world.ba_dinh, "L-4", kind="denunciation", received_on=D(2025, 10, 1))
    Report.objects.filter(pk=report.pk).update(
        extended_until=D(2025, 11, 30), updated_at=at(D(2025, 12, 2))
    )
    report.history.all().delete()
    run_migration()
    (extension,) = ReportExtension.objects.filter(report=report)
    assert (extension.decided_on, extension.recorded_on) == (None, D(2025, 12, 2))


def test_the_migration_sets_each_kinds_allowed_extensions_and_every_base_deadline(world, kinds):
    ReportKind.objects.update(max_extensions=1)
    report = make_report(world.ba_dinh, "L-5", kind="denunciation", received_on=D(2025, 10, 1))
    Report.objects.filter(pk=report.pk).update(base_deadline=D(2000, 1, 1))
    run_migration()
    assert set(ReportKind.objects.values_list("max_extensions", flat=True)) == {2}
    report.refresh_from_db()
    assert report.base_deadline == D(2025, 10, 31)
    assert not ReportExtension.objects.exists()


@pytest.mark.django_db
def test_the_report_page_says_when_a_decision_date_is_unknown(world, kinds, personas):
    report = legacy_report(
        world,
        "L-6",
        [
            (at(D(2025, 10, 1)), {"extended_until": D(2025, 11, 30)}),
        ],
    )
    Report.objects.filter(pk=report.pk).update(extended_until=D(2025, 11, 30))
    report.history.update(extended_until=D(2025, 11, 30))
    run_migration()
    client = Client()
    client.force_login(personas.hn_officer)
    html = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "không rõ ngày quyết định: tính từ 01/10/2025, ngày được ghi nhận" in html
