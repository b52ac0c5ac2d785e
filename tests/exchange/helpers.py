"""Files and records shared by the exchange tests."""

import csv
import datetime
import io

import openpyxl

from exchange.kinds import KINDS
from localities.models import Establishment, Report


def csv_bytes(kind, rows, *, bom=False, header=None, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header or KINDS[kind].import_columns)
    for row in rows:
        writer.writerow(row)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(kind, rows, *, header=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header or KINDS[kind].import_columns)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def establishment(code, commune, *, opened_on=datetime.date(2019, 1, 1), **extra):
    record = Establishment(
        code=code,
        name=extra.pop("name", f"Cơ sở {code}"),
        line=extra.pop("line", "accommodation"),
        commune=commune,
        opened_on=opened_on,
        **extra,
    )
    record.save()
    return record


def report(reference, locality, kind, *, received_on=datetime.date(2024, 3, 1), **extra):
    record = Report(
        reference=reference, locality=locality, kind=kind, received_on=received_on, **extra
    )
    record.save()
    return record
