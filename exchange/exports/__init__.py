"""Exports: the compliance table (compliance.py) and raw records (raw.py), and the log of every
export made, whatever it holds (the printed report's too)."""

from exchange.models import ExportLog

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def log_export(*, user, what: str, file_format: str, filters: dict, row_count=None) -> ExportLog:
    return ExportLog.objects.create(
        user=user, what=what, file_format=file_format, filters=filters, row_count=row_count
    )
