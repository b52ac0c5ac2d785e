"""Extensions become decisions: each kind's allowed count, every report's base deadline, and
the extensions recorded before decisions were dated turned into dated decisions.

The allowed count is the law's: a crime denunciation, crime information or prosecution
petition may be extended twice (Criminal Procedure Code 2015 Art. 147: up to two months, then
once more by up to two months), a denunciation twice (Law on Denunciations 2018 Art. 30: +30
days, and +30 more when especially complex).

An existing extension (a report with `extended_until`) becomes its report's first extension
decision. Its decision date is taken from the report's history (HistoricalReport), oldest row
first (by history_date, then history_id):

* the row that *recorded* the extension is the first one whose extended_until is set; the
  local date (Asia/Ho_Chi_Minh) of its history_date is the day the extension was recorded;
* the decision date is the local date of the row just before it: the last time the report
  was changed before the extension appeared. The extension was decided by then at the latest
  known point of the record's life before it, and an officer records the extension with the
  step of the report it came with.
* That date is kept only when it is a possible decision date: on or after the receipt and on
  or before the base deadline the extension extends. Otherwise, or when there is no row before
  (the report was created already extended) or no history row shows the extension, the
  decision date is unknown: the extension counts only from the day it was recorded (the
  recording row's date, or without one the day the report was last changed), and the report's
  page says so.

Document numbers and authorities were never recorded: they stay empty.
"""

import datetime

from django.db import migrations
from django.utils import timezone

ALLOWED_EXTENSIONS = {
    "crime_denunciation": 2,
    "crime_information": 2,
    "prosecution_petition": 2,
    "denunciation": 2,
}


def local_day(moment) -> datetime.date:
    return timezone.localtime(moment).date()


def decision_from_history(rows, *, received_on, base_deadline, last_changed):
    """(decided_on or None, recorded_on) for an extension, from the report's history `rows`
    (objects with history_date and extended_until, oldest first); `last_changed` is the day the
    report was last changed, for an extension no history row shows."""
    for index, row in enumerate(rows):
        if row.extended_until is not None:
            recorded_on = local_day(row.history_date)
            if index == 0:
                return None, recorded_on
            decided_on = local_day(rows[index - 1].history_date)
            if received_on <= decided_on <= base_deadline:
                return decided_on, recorded_on
            return None, recorded_on
    return None, last_changed


def forwards(apps, schema_editor):
    ReportKind = apps.get_model("localities", "ReportKind")
    Report = apps.get_model("localities", "Report")
    HistoricalReport = apps.get_model("localities", "HistoricalReport")
    ReportExtension = apps.get_model("localities", "ReportExtension")
    for code, count in ALLOWED_EXTENSIONS.items():
        ReportKind.objects.filter(code=code).update(max_extensions=count)
    kinds = {kind.code: kind for kind in ReportKind.objects.all()}

    def base_of(kind_code, received_on):
        return received_on + datetime.timedelta(days=kinds[kind_code].base_days)

    # The base deadline of every report and of every history row.
    for model in (Report, HistoricalReport):
        batch = []
        for row in model.objects.only("pk", "kind_id", "received_on").iterator(chunk_size=2000):
            row.base_deadline = base_of(row.kind_id, row.received_on)
            batch.append(row)
            if len(batch) >= 1000:
                model.objects.bulk_update(batch, ["base_deadline"])
                batch = []
        model.objects.bulk_update(batch, ["base_deadline"])

    extended = Report.objects.filter(extended_until__isnull=False).order_by("pk")
    for report in extended.iterator(chunk_size=500):
        rows = list(
            HistoricalReport.objects.filter(id=report.pk)
            .only("history_date", "extended_until")
            .order_by("history_date", "history_id")
        )
        decided_on, recorded_on = decision_from_history(
            rows,
            received_on=report.received_on,
            base_deadline=report.base_deadline,
            last_changed=local_day(report.updated_at),
        )
        counted_from = decided_on or recorded_on
        ReportExtension.objects.create(
            report=report,
            sequence=1,
            extended_until=report.extended_until,
            decided_on=decided_on,
            reason=report.extension_reason,
            recorded_on=recorded_on,
            counted_from=counted_from,
        )
        Report.objects.filter(pk=report.pk).update(
            extension_decided_on=decided_on, extension_counted_from=counted_from
        )


def backwards(apps, schema_editor):
    apps.get_model("localities", "ReportExtension").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("localities", "0008_report_extensions")]

    operations = [migrations.RunPython(forwards, backwards)]
