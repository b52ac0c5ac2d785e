"""Reading an import file: CSV or XLSX rows as text, a quick row count, the header check.

Rows are streamed (csv.reader, openpyxl read_only), never read whole. CSV is UTF-8 (with or
without the BOM Excel writes) and may use ";" between cells, as Excel set to Vietnamese does;
XLSX is read from its first sheet. The header must hold exactly the kind's columns, in any order,
plus those a raw export adds, which are dropped: a missing, unknown or repeated column refuses
the whole file before any row is read. A header cell may name a column by its code or by its
heading (header_codes).

A cell longer than CELL_MAX_CHARS characters (the csv module's own limit, applied to XLSX cells
too) refuses the file at its row: no field of a record holds that much, and the CSV reader
cannot be trusted to find the next row after such a cell. A cell holding a NUL character
(PostgreSQL cannot store one in text) is an error of its row, listed with the others; the row's
cells go no further (see engine.Importer.check_chunk).
"""

import csv
import datetime
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from exchange.imports.cells import normalise
from plan_tracker.formulas import from_text

# Python's csv module refuses a longer field (csv.field_size_limit()'s default).
CELL_MAX_CHARS = 131_072
# The key under which a row's columns holding a NUL character reach the engine.
NUL_COLUMNS = "__nul__"


class FileRefused(Exception):
    """The whole file is refused (unreadable, wrong format, wrong header, a line that is not
    UTF-8): nothing of it is written."""


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return from_text(str(value).strip())


def _csv_rows(path: Path) -> Iterator[list[str]]:
    # utf-8-sig drops a BOM if there is one (Excel writes one), and reads plain UTF-8 too.
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        # Excel set to Vietnamese writes ";" between cells (the comma is the decimal mark).
        delimiter = ";" if first.count(";") > first.count(",") else ","
        handle.seek(0)
        for row in csv.reader(handle, delimiter=delimiter):
            # from_text only for the rare cell that starts with an apostrophe.
            yield [
                from_text(cell) if cell.startswith("'") else cell for cell in map(str.strip, row)
            ]


# An XLSX file is a zip archive, read by inflating its parts: a small file can inflate to
# gigabytes (one 400 MB shared string in a 400 KB file) and take the server's memory with it.
# Its parts' sizes are read from the archive's directory, and the file refused before any part
# is inflated, when they add up past XLSX_MAX_INFLATED or one large part inflates more than
# XLSX_MAX_RATIO times (a sheet of real rows inflates 5 to 20 times).
XLSX_MAX_INFLATED = 256 * 1024 * 1024
XLSX_MAX_RATIO = 200
XLSX_RATIO_FROM = 8 * 1024 * 1024  # smaller parts may compress as well as they like


def check_xlsx_archive(path: Path) -> None:
    """FileRefused when the workbook would inflate past the limits above."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise FileRefused(
            _("The file could not be read as an XLSX workbook (%(error)s).") % {"error": error}
        ) from None
    inflated = sum(part.file_size for part in parts)
    too_dense = any(
        part.file_size > XLSX_RATIO_FROM
        and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1)
        for part in parts
    )
    if inflated > XLSX_MAX_INFLATED or too_dense:
        raise FileRefused(
            _(
                "This XLSX file would take %(size)s MB once unpacked, more than a file of "
                "records can: save the sheet again as a plain workbook, or as CSV."
            )
            % {"size": inflated // (1024 * 1024)}
        )


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    import openpyxl

    check_xlsx_archive(path)

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise FileRefused(
            _("The file could not be read as an XLSX workbook (%(error)s).") % {"error": error}
        ) from None
    line = 0
    try:
        sheet = workbook.worksheets[0]
        # The sheet's XML is parsed as its rows are read: a damaged one fails here.
        for row in sheet.iter_rows(values_only=True):
            line += 1
            yield [_cell_text(value) for value in row]
    except Exception as error:  # the XML parser's and openpyxl's many kinds, as above
        raise FileRefused(
            _(
                "Line %(line)s of the sheet could not be read (%(error)s): save the workbook "
                "again, or as CSV, and try again."
            )
            % {"line": line + 1, "error": error}
        ) from None
    finally:
        workbook.close()


def file_format(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise FileRefused(
        _("Upload a .csv (UTF-8) or .xlsx file; “%(name)s” is neither.") % {"name": filename}
    )


def count_rows(path: Path, fmt: str) -> int | None:
    """A quick estimate of the data rows, for the progress bar (None if unknown)."""
    if fmt == "csv":
        with open(path, "rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        return max(lines - 1, 0)
    import openpyxl

    try:
        check_xlsx_archive(path)
        workbook = openpyxl.load_workbook(path, read_only=True)
        rows = workbook.worksheets[0].max_row
        workbook.close()
        return max((rows or 1) - 1, 0)
    except Exception:
        return None


def header_codes(header: list[str], words: dict[str, str]) -> list[str]:
    """The header's cells as column codes: a cell that is a column's code or heading (`words`:
    {normalised word: code}, exchange.kinds) becomes that code; any other is kept, normalised,
    for the header check to name."""
    codes = []
    for cell in header:
        word = normalise(cell.lstrip("\ufeff"))
        codes.append(words.get(word, word))
    return codes


def read_table(
    path: Path, fmt: str, *, columns: list[str], ignored: list[str], label, words=None
) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """Check the header against `columns` (and the `ignored` ones a raw export adds), then
    yield (line number, {column: text}) for each non-empty row. `label` names the kind;
    `words` maps the headings a header may hold to their columns (header_codes)."""
    rows = _csv_rows(path) if fmt == "csv" else _xlsx_rows(path)
    try:
        header = next(rows)
    except StopIteration:
        raise FileRefused(_("The file is empty: it needs a header row.")) from None
    except UnicodeDecodeError:
        raise FileRefused(
            _("The file is not UTF-8 text: save it as “CSV UTF-8” (or as XLSX) and try again.")
        ) from None
    except csv.Error as error:
        raise _unreadable_line(1, error) from None
    _check_lengths(1, header)
    header = header_codes(header, words or {})
    while header and not header[-1]:
        header.pop()
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns and c not in ignored]
    repeated = sorted({c for c in header if header.count(c) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(
            _("unknown columns: %(columns)s")
            % {"columns": ", ".join(c or "(empty)" for c in unknown)}
        )
    if repeated:
        problems.append(_("repeated columns: %(columns)s") % {"columns": ", ".join(repeated)})
    if problems:
        raise FileRefused(
            _(
                "The header row does not match the %(kind)s template (%(problems)s). The columns "
                "must be exactly: %(expected)s (a file exported from here may also keep the "
                "columns the export adds, which are ignored: %(ignored)s)."
            )
            % {
                "kind": label,
                "problems": "; ".join(problems),
                "expected": ", ".join(columns),
                "ignored": ", ".join(ignored),
            }
        )

    # The positions of the columns kept, worked out once rather than once a row.
    kept = [(index, column) for index, column in enumerate(header) if column not in ignored]
    width = len(header)

    def records():
        line = 1
        try:
            for row in rows:
                line += 1
                if not any(row):
                    continue
                # One joined text answers the two rare questions (a cell too long, a NUL) for
                # the whole row; only a row that has one looks at its cells one by one.
                joined = "".join(row)
                if len(joined) > CELL_MAX_CHARS:
                    _check_lengths(line, row)
                cells = len(row)
                values = {column: row[index] for index, column in kept if index < cells}
                extra = [cell for cell in row[width:] if cell] if cells > width else []
                if extra:
                    values["__extra__"] = extra
                if "\x00" in joined:
                    nul = [
                        column or "-"
                        for column, cell in zip(header, row, strict=False)
                        if "\x00" in cell
                    ]
                    values[NUL_COLUMNS] = nul or ["-"]
                yield line, values
        except csv.Error as error:
            # The reader failed on the row after the last one read.
            raise _unreadable_line(line + 1, error) from None
        except UnicodeDecodeError:
            raise FileRefused(
                _(
                    "Line %(line)s is not UTF-8 text: save the file as “CSV UTF-8” (or as XLSX) "
                    "and try again."
                )
                % {"line": line}
            ) from None

    return header, records()


def _check_lengths(line: int, row: list[str]) -> None:
    """FileRefused when a cell of the row is longer than CELL_MAX_CHARS."""
    if any(len(cell) > CELL_MAX_CHARS for cell in row):
        raise _too_long(line)


def _too_long(line: int) -> FileRefused:
    return FileRefused(
        _(
            "Line %(line)s has a cell longer than %(limit)s characters, more than any column "
            "of a record holds: shorten it (or check that the file's quotes are paired) and try "
            "again."
        )
        % {"line": line, "limit": number_format(CELL_MAX_CHARS, force_grouping=True)}
    )


def _unreadable_line(line: int, error: csv.Error) -> FileRefused:
    # The csv module says so in English only: its field limit is the one reason met in practice.
    if "field limit" in str(error):
        return _too_long(line)
    return FileRefused(
        _("Line %(line)s could not be read as CSV (%(error)s): check its quotes and try again.")
        % {"line": line, "error": error}
    )
