"""Bulk imports of records from CSV or XLSX: all or nothing, row-by-row errors, idempotent.

- files: reading a file's rows as text, counting them, checking its header;
- cells: a cell's text parsed into a date, a yes/no, an amount or a choice;
- engine: the path every file takes (chunks, look-ups in bulk, validation, repeats; the
  writes go through localities.services), and its result;
- importers: establishments, inspections, reports and cases: columns, parsing, keys, templates.

The names below are the ones the pages, the jobs and the command use.
"""

from exchange.imports.engine import (
    CHUNK,
    ImportResult,
    RowError,
    import_file,
)
from exchange.imports.files import FileRefused, count_rows, file_format
from exchange.imports.importers import (
    column_help,
    template_csv,
    template_xlsx,
)

__all__ = [
    "CHUNK",
    "FileRefused",
    "ImportResult",
    "RowError",
    "column_help",
    "count_rows",
    "file_format",
    "import_file",
    "template_csv",
    "template_xlsx",
]
