"""Exports: the compliance table (compliance.py) and raw records (raw.py), and the log of every
export made, whatever it holds (the printed report's too)."""

from exchange.kinds import KINDS
from exchange.models import ExportLog

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (column, path) of each kind's raw export, under the name exchange.imports reads them by (the
# columns an import ignores are those an export adds); everything else reads exchange.kinds.
RAW_COLUMNS = {
    kind.id: [(column.name, column.path) for column in kind.columns] for kind in KINDS.values()
}


def log_export(*, user, what: str, file_format: str, filters: dict, row_count=None) -> ExportLog:
    return ExportLog.objects.create(
        user=user, what=what, file_format=file_format, filters=filters, row_count=row_count
    )
