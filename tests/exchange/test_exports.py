"""Exports: the compliance table (CSV, XLSX) against figures worked by hand, the printed report,
raw data (administrators only, never the reporter's identity), and the export log."""

import csv
import datetime
import io
import os
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from exchange.exports.compliance import column_label
from exchange.models import ExportLog
from localities.models import Inspection, ReporterIdentity
from localities.selectors import Frame
from plan_tracker import metrics
from plan_tracker.approvals import with_approval_columns
from plan_tracker.compliance_io import PlansSideBySide
from tests.exchange.helpers import establishment, report

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2024, 12, 31)
YEAR = 2024
SECRET_NAME = "Nguyễn Văn Bí Mật"


@pytest.fixture
def records(world, kinds):
    """Hà Nội: 3 establishments (2 inspected in 2024), 2 reports (one with a reporter's
    identity); Hồ Chí Minh City: 1 establishment, inspected."""
    e1 = establishment("HN-1", world.ba_dinh, line="karaoke")
    e2 = establishment("HN-2", world.hoan_kiem)
    establishment("HN-3", world.hoan_kiem)
    e4 = establishment("HCM-1", world.sai_gon, line="karaoke")
    for est, day in [(e1, datetime.date(2024, 3, 1)), (e2, datetime.date(2024, 4, 1))]:
        Inspection(
            establishment=est, inspected_on=day, team="police", outcome="no_violation"
        ).save()
    Inspection(
        establishment=e4, inspected_on=datetime.date(2024, 5, 1), team="police", outcome="violation"
    ).save()
    r1 = report("HN-R1", world.ba_dinh, kinds["crime_denunciation"], summary="Tin báo")
    ReporterIdentity.objects.create(report=r1, full_name=SECRET_NAME, contact="0900000000")
    report("HN-R2", world.hn, kinds["denunciation"], received_on=datetime.date(2024, 11, 1))
    return world


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def csv_cell(text: str) -> str:
    """A text as a CSV line holds it (quoted when it has a comma or a quote)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([text])
    return out.getvalue()


def params(**extra):
    return {"year": YEAR, "as_of": AS_OF.isoformat(), **extra}


def test_the_compliance_csv_is_the_figures_table_with_its_total(client, personas, records):
    login(client, personas.admin)
    response = client.get(reverse("export_compliance", args=["csv"]), params())
    # Worked by hand from the records, as of 31/12/2024 (the year is over):
    # Hà Nội: HN-1..3 opened 2019, all open; HN-1 and HN-2 inspected in 2024 -> 2 / 3 = 66.7,
    #   in the year and since the plan began. HN-R1 (crime, deadline 21/03) and HN-R2
    #   (denunciation, received 01/11, deadline 01/12) are not handled -> 2 overdue, on time
    #   0 / (2 - 0) = 0.0, not met. No cases either year -> n/a. Coverage 66.7 against the line
    #   100 × 1460 / 1825 days = 80.0 -> behind; annual inspection 66.7 >= 20 -> met.
    # Hồ Chí Minh City: HCM-1 inspected -> 1 / 1 = 100.0, on track; no report -> n/a.
    # The nation sums the counts: 3 / 4 = 75.0 (behind), on time 0 / (2 - 0) = 0.0.
    # Inspections made in 2024: Hà Nội 2 (HN-1, HN-2), Hồ Chí Minh City 1, the nation 3.
    # The one plan in force in 2024, the 2021–2025 programme, names each row's plan.
    with translation.override("en"):
        plan = csv_cell(str(metrics.default_plan()))
    assert response.content.decode() == (
        "\ufefflocality_code,locality_name,level,year,as_of,plan,establishments_operating,"
        "inspected_in_year,inspected_in_year_pct,establishments_open_at_end,"
        "inspected_since_plan_start,coverage_pct,reports_received,reports_handled,"
        "reports_handled_on_time,reports_pending,reports_overdue,reports_on_time_pct,"
        "cases_handled,cases_handled_prev_year,cases_growth_pct,inspections_made,"
        # No activity: 0 of each province's 2 communes, 0 of the nation's 4 -> 0.0.
        "activities_held,people_reached,communes,communes_with_communication,communication_pct,"
        "status_reports_on_time,status_annual_inspection,status_full_coverage,status_cases_growth,"
        # Each province's approval of the year (none submitted here), then the approved
        # percentages of an approved year (none).
        "approval_state,approved_differs,approved_inspected_in_year_pct,approved_coverage_pct,"
        "approved_reports_on_time_pct,approved_cases_growth_pct\n"
        f"01,Thành phố Hà Nội,province,2024,2024-12-31,{plan},"
        "3,2,66.7,3,2,66.7,2,0,0,0,2,0.0,0,0,,2,"
        "0,0,2,0,0.0,not_met,met,behind,not_applicable,not_submitted,,,,,\n"
        f"79,Thành phố Hồ Chí Minh,province,2024,2024-12-31,{plan},"
        "1,1,100.0,1,1,100.0,0,0,0,0,0,,0,0,,1,"
        "0,0,2,0,0.0,not_applicable,met,on_track,not_applicable,not_submitted,,,,,\n"
        f",Whole country,nation,2024,2024-12-31,{plan},"
        "4,3,75.0,4,3,75.0,2,0,0,0,2,0.0,0,0,,3,"
        "0,0,4,0,0.0,not_met,met,behind,not_applicable,,,,,,\n"
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    hanoi = next(r for r in rows if r["locality_code"] == "01")
    # Hà Nội: 3 operating, 2 inspected in 2024 -> 2 / 3 × 100 = 66.7
    assert (hanoi["establishments_operating"], hanoi["inspected_in_year_pct"]) == ("3", "66.7")
    assert rows[-1]["level"] == "nation"


def test_the_compliance_csv_of_a_province_holds_its_communes(client, personas, records):
    login(client, personas.hn_officer)
    response = client.get(
        reverse("export_compliance", args=["csv"]), params(locality="01", level="commune")
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["locality_code"] for r in rows] == ["00004", "00070", "01"]


@pytest.mark.parametrize(
    ("user", "fmt", "extra", "computed", "first_codes"),
    [
        ("admin", "csv", {}, ["province"], ["01", "79"]),
        ("admin", "csv", {"level": "province"}, ["province"], ["01", "79"]),
        ("admin", "csv", {"level": "commune"}, ["commune"], ["00004", "00070", "26734", "26740"]),
        ("admin", "csv", {"level": "commune", "locality": "01"}, ["commune"], ["00004", "00070"]),
        ("admin", "xlsx", {}, ["province", "commune"], None),
        # A commune officer has no province table: their commune's, computed once.
        ("commune_officer", "csv", {}, ["commune"], ["00004"]),
        ("commune_officer", "csv", {"level": "commune"}, ["commune"], ["00004"]),
    ],
)
def test_a_compliance_csv_computes_only_the_level_it_holds(
    client, personas, records, monkeypatch, user, fmt, extra, computed, first_codes
):
    levels = []
    judged_series = metrics.judged_series

    def recorded(*args, **kwargs):
        levels.append(kwargs["level"])
        return judged_series(*args, **kwargs)

    monkeypatch.setattr(metrics, "judged_series", recorded)
    login(client, getattr(personas, user))
    response = client.get(reverse("export_compliance", args=[fmt]), params(**extra))
    assert response.status_code == 200
    assert levels == computed
    if first_codes is not None:
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [r["locality_code"] for r in rows[:-1]] == first_codes
        assert ExportLog.objects.get().filters["level"] == rows[0]["level"]


def test_the_compliance_xlsx_has_a_sheet_per_level_and_one_about_it(client, personas, records):
    login(client, personas.admin)
    response = client.get(reverse("export_compliance", args=["xlsx"]), params())
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    provinces, communes, about = workbook.worksheets
    table = metrics.compliance_table(frame=Frame.of(personas.admin), year=YEAR, as_of=AS_OF)
    # The plan judged (the one in force), the figures' columns, the statuses, then the approval
    # of each province's year.
    table = PlansSideBySide([with_approval_columns(table)])
    with translation.override("vi"):
        headers = [column_label(c) for c in table.columns]
        assert provinces.title == str(translation.gettext("Provinces"))
    assert [c.value for c in provinces[1]] == headers
    assert provinces.freeze_panes == "C2"
    # One row per province (2) + the nation.
    assert provinces.max_row == 1 + 2 + 1
    by_code = {row[0].value: row for row in provinces.iter_rows(min_row=2)}
    hanoi = by_code["01"]
    column = {name: i for i, name in enumerate(table.columns)}
    assert hanoi[column["establishments_operating"]].value == 3
    assert hanoi[column["inspected_in_year_pct"]].value == pytest.approx(66.7)
    assert hanoi[column["inspected_in_year_pct"]].number_format == "0.0"
    assert hanoi[column["establishments_operating"]].number_format == "#,##0"
    assert hanoi[column["as_of"]].value.date() == AS_OF
    assert hanoi[column["as_of"]].number_format == "dd/mm/yyyy"
    # The 4 communes of the two provinces, then the nation's total.
    assert communes.max_row == 1 + 4 + 1
    about_text = " ".join(str(c.value) for row in about.iter_rows() for c in row if c.value)
    with translation.override("vi"):
        assert str(table.plans[0]) in about_text
    assert about.cell(row=4, column=2).value.date() == AS_OF
    with translation.override("vi"):
        from exchange.exports.compliance import DEFINITIONS

        assert str(DEFINITIONS["coverage_pct"]) in about_text


def test_an_officers_xlsx_holds_only_their_province(client, personas, records):
    login(client, personas.hn_officer)
    response = client.get(reverse("export_compliance", args=["xlsx"]), params())
    provinces, communes, _about = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets
    assert [r[0].value for r in provinces.iter_rows(min_row=2)] == ["01", "01"]
    assert [r[0].value for r in communes.iter_rows(min_row=2)] == ["00004", "00070", "01"]


def test_a_commune_officers_xlsx_holds_their_commune(client, personas, records):
    login(client, personas.commune_officer)
    response = client.get(reverse("export_compliance", args=["xlsx"]), params())
    sheets = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets
    assert len(sheets) == 2
    assert [r[0].value for r in sheets[0].iter_rows(min_row=2)] == ["00004", "00004"]


def test_another_provinces_figures_answer_404(client, personas, records):
    login(client, personas.hn_officer)
    for name in ("export_compliance",):
        response = client.get(reverse(name, args=["csv"]), params(locality="79"))
        assert response.status_code == 404
    assert client.get(reverse("export_report"), params(locality="79")).status_code == 404


def test_the_printed_report_shows_the_targets_figures_and_open_work(client, personas, records):
    login(client, personas.hn_officer)
    response = client.get(reverse("export_report"), params(locality="01"))
    assert response.status_code == 200
    context = response.context
    # Hà Nội's figures worked by hand (as in the compliance CSV): 3 establishments opened 2019,
    # 2 inspected in 2024 -> 2 / 3 = 66.7 in the year and since the plan began; 2 reports, both
    # overdue (deadlines 21/03 and 01/12) -> on time 0 / (2 - 0) = 0.0; no cases either year.
    (own,) = context["plans"]  # one plan in force in 2024
    assert [(t["target"].metric, t["value"], t["status"]["id"]) for t in own["targets"]] == [
        ("reports_on_time", Decimal("0.0"), "not_met"),  # target 100
        ("annual_inspection", Decimal("66.7"), "met"),  # >= 20
        ("full_coverage", Decimal("66.7"), "behind"),  # < 100 × 1460 / 1825 days = 80.0
        ("cases_growth", None, "not_applicable"),  # no case in 2023
    ]
    figures = {f["id"]: f["value"] for f in context["figures"]}
    assert figures == {
        "establishments_operating": 3,
        "inspected_in_year": 2,
        "inspected_in_year_pct": Decimal("66.7"),
        "establishments_open_at_end": 3,
        "inspected_since_plan_start": 2,
        "coverage_pct": Decimal("66.7"),
        "reports_received": 2,
        "reports_handled": 0,
        "reports_handled_on_time": 0,
        "reports_pending": 0,
        "reports_overdue": 2,
        "reports_on_time_pct": Decimal("0.0"),
        "cases_handled": 0,
        "cases_handled_prev_year": 0,
        "cases_growth_pct": None,
        "inspections_made": 2,  # HN-1 and HN-2, once each
        # No activity: 0 of Hà Nội's 2 communes.
        "activities_held": 0,
        "people_reached": 0,
        "communes": 2,
        "communes_with_communication": 0,
        "communication_pct": Decimal("0.0"),
    }
    assert list(figures) == list(metrics.FIGURES)
    html = response.content.decode()
    # Open work: HN-R2 received 01/11/2024 is not handled; HN-R1 neither (both listed).
    assert context["open_reports_count"] == 2
    assert "HN-R2" in html and "HN-R1" in html
    # HN-3 was never inspected.
    assert context["never_inspected_count"] == 1 and "HN-3" in html
    assert SECRET_NAME not in html
    assert 'id="report-chart"' in html and "css/report.css" in html
    assert ExportLog.objects.get().what == "report"


def test_the_national_report_lists_the_provinces(client, personas, records):
    login(client, personas.ministry)
    response = client.get(reverse("export_report"), params())
    assert [row.locality.code for row in response.context["table"].rows] == ["01", "79"]


def test_the_printed_report_as_pdf_when_weasyprint_is_there(client, personas, records):
    from exchange import pdf

    if not pdf.available():
        if os.environ.get("PLAN_TRACKER_REQUIRE_PDF"):
            pytest.fail("WeasyPrint or its Pango libraries are missing, and CI requires the PDF")
        pytest.skip("WeasyPrint or its Pango libraries are missing")
    login(client, personas.admin)
    response = client.get(reverse("export_report"), params(format="pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert ExportLog.objects.get().file_format == "pdf"


@pytest.mark.parametrize("user", ["hn_officer", "ministry", "commune_officer"])
def test_raw_exports_are_for_administrators_only(client, personas, records, user):
    login(client, getattr(personas, user))
    assert client.get(reverse("export_raw", args=["establishments", "csv"])).status_code == 403
    assert not ExportLog.objects.exists()


def read_stream(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_a_raw_csv_export_is_filtered_like_its_list(client, personas, records):
    login(client, personas.admin)
    response = client.get(
        reverse("export_raw", args=["establishments", "csv"]), {"line": "karaoke"}
    )
    rows = list(csv.DictReader(io.StringIO(read_stream(response))))
    assert [r["code"] for r in rows] == ["HCM-1", "HN-1"]
    assert rows[1]["commune_code"] == "00004" and rows[1]["province_code"] == "01"
    log = ExportLog.objects.get()
    assert (log.user, log.what, log.file_format, log.filters, log.row_count) == (
        personas.admin,
        "establishments",
        "csv",
        {"line": "karaoke"},
        2,
    )


def test_a_raw_export_of_reports_never_carries_the_reporters_identity(client, personas, records):
    login(client, personas.admin)
    text = read_stream(client.get(reverse("export_raw", args=["reports", "csv"])))
    header = text.splitlines()[0].split(",")
    assert header[:13] == [
        "reference",
        "kind",
        "locality_code",
        "received_on",
        "verified_on",
        "classified_on",
        "handled_on",
        "outcome",
        "extended_until",
        "extension_decided_on",
        "extension_decision_no",
        "extension_decided_by",
        "summary",
    ]
    assert not {"full_name", "contact", "address", "handwriting", "reporter"} & set(header)
    assert SECRET_NAME not in text and "0900000000" not in text
    assert len(text.splitlines()) == 1 + 2


@pytest.mark.parametrize("kind", ["establishments", "inspections", "reports", "cases"])
def test_a_raw_xlsx_export_holds_the_same_rows_as_the_csv(client, personas, records, kind):
    login(client, personas.admin)
    csv_rows = list(
        csv.reader(io.StringIO(read_stream(client.get(reverse("export_raw", args=[kind, "csv"])))))
    )
    response = client.get(reverse("export_raw", args=[kind, "xlsx"]))
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    xlsx_rows = list(sheet.iter_rows(values_only=True))
    assert list(xlsx_rows[0]) == csv_rows[0]
    assert len(xlsx_rows) == len(csv_rows)
    assert [r[0] for r in xlsx_rows[1:]] == [r[0] for r in csv_rows[1:]]
    assert list(ExportLog.objects.order_by("pk").values_list("file_format", "row_count")) == [
        ("csv", len(csv_rows) - 1),
        ("xlsx", len(csv_rows) - 1),
    ]


def test_the_inspections_export_streams_in_constant_queries(
    client, personas, records, django_assert_max_num_queries
):
    login(client, personas.admin)
    with django_assert_max_num_queries(8):
        text = read_stream(client.get(reverse("export_raw", args=["inspections", "csv"])))
    assert len(text.splitlines()) == 1 + 3


def test_the_exports_page_shows_the_forms_and_the_log(client, personas, records):
    login(client, personas.admin)
    client.get(reverse("export_compliance", args=["csv"]), params())
    html = client.get(reverse("exports")).content.decode()
    assert 'id="raw-inspections"' in html and 'id="export-log"' in html and "compliance" in html
    login(client, personas.hn_officer)
    html = client.get(reverse("exports")).content.decode()
    assert 'id="raw-inspections"' not in html and 'id="export-xlsx"' in html


def test_the_export_command_writes_the_same_file_and_logs_it(client, personas, records, tmp_path):
    from django.core.management import call_command

    login(client, personas.admin)
    page = read_stream(
        client.get(reverse("export_raw", args=["establishments", "csv"]), {"line": "karaoke"})
    )
    target = tmp_path / "e.csv"
    call_command(
        "export_records",
        "establishments",
        "--user",
        "admin",
        "--output",
        str(target),
        "--filter",
        "line=karaoke",
    )
    assert target.read_text(encoding="utf-8-sig") == page
    log = ExportLog.objects.order_by("-pk").first()
    assert (log.what, log.filters, log.row_count) == ("establishments", {"line": "karaoke"}, 2)


def test_the_export_command_refuses_non_administrators(personas, records):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="administrators"):
        call_command("export_records", "cases", "--user", "hn_officer")


@pytest.fixture
def awkward(world):
    """Cells that test a CSV writer: quotes, commas, line breaks, spaces, empty and missing
    values, booleans both ways."""
    e1 = establishment(
        "E-1",
        world.ba_dinh,
        name='Karaoke "Sao", Hà Nội',
        line="karaoke",
        address="12 Phố\r\nĐội Cấn",
        closed_on=datetime.date(2024, 12, 31),
    )
    e2 = establishment(
        "E-2",
        world.hoan_kiem,
        name=" Nhà nghỉ  An ",
        permit_number="P-2",
        opened_on=None,
        in_scope=False,
        locality_code_given="2004:00001",
    )
    Inspection(
        establishment=e1,
        inspected_on=datetime.date(2024, 3, 1),
        team="police",
        outcome="violation",
        fine_vnd=7_500_000,
        violations='Không đăng ký, "lưu trú"',
    ).save()
    Inspection(
        establishment=e2,
        inspected_on=datetime.date(2024, 3, 2),
        team="interagency",
        outcome="no_violation",
        notes="dòng 1\ndòng 2",
    ).save()
    return world


def raw_csv(client, kind):
    response = client.get(reverse("export_raw", args=[kind, "csv"]))
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def copies(monkeypatch):
    """What each export's COPY gave: a row count, or None when the rows went through Python
    (always so off PostgreSQL)."""
    from exchange.exports import raw

    results = []
    copy_csv = raw._copy_csv

    def spy(*args):
        results.append(copy_csv(*args))
        return results[-1]

    monkeypatch.setattr(raw, "_copy_csv", spy)
    return results


def test_the_raw_csv_is_byte_for_byte_what_it_always_was(client, personas, awkward, copies):
    login(client, personas.admin)
    assert raw_csv(client, "establishments") == (
        "\ufeffcode,name,line,commune_code,address,permit_number,opened_on,closed_on,in_scope,"
        "commune_name,province_code,province_name,locality_code_given\n"
        'E-1,"Karaoke ""Sao"", Hà Nội",karaoke,00004,"12 Phố\r\nĐội Cấn",,2019-01-01,2024-12-31,'
        "true,Phường Ba Đình,01,Thành phố Hà Nội,\n"
        "E-2, Nhà nghỉ  An ,accommodation,00070,,P-2,,,false,Phường Hoàn Kiếm,01,"
        "Thành phố Hà Nội,2004:00001\n"
    )
    expected = (
        "\ufeffestablishment_code,inspected_on,team,outcome,fine_vnd,violations,notes,"
        "establishment_name,commune_code,province_code\n"
        'E-1,2024-03-01,police,violation,7500000,"Không đăng ký, ""lưu trú""",,'
        '"Karaoke ""Sao"", Hà Nội",00004,01\n'
        'E-2,2024-03-02,interagency,no_violation,0,,"dòng 1\ndòng 2", Nhà nghỉ  An ,00070,01\n'
    )
    assert raw_csv(client, "inspections") == expected
    # A carriage return without a line feed: csv.writer leaves the cell unquoted, COPY would
    # quote it, so this export goes through Python.
    Inspection.objects.filter(notes__startswith="dòng").update(notes="dòng 1\rdòng 2")
    assert raw_csv(client, "inspections") == expected.replace('"dòng 1\ndòng 2"', "dòng 1\rdòng 2")
    on_postgresql = connection.vendor == "postgresql"
    assert copies == ([2, 2, None] if on_postgresql else [])
    assert list(ExportLog.objects.order_by("pk").values_list("row_count", flat=True)) == [2, 2, 2]


@pytest.fixture
def with_cases(records):
    """The records, and two cases: one from a report with a quoted summary, one bare."""
    from localities.models import Case, Report

    Case(
        reference="VA-1",
        locality=records.ba_dinh,
        article="327",
        opened_on=datetime.date(2024, 3, 10),
        handled_on=datetime.date(2024, 6, 1),
        report=Report.objects.get(reference="HN-R1"),
        summary='Chứa mại dâm, "nhà nghỉ"',
        modus="online_ott",
        foreign_element=True,
        minors_involved=True,
        youngest_age_band="under_16",
        line_dismantled=True,
    ).save()
    Case(
        reference="VA-2", locality=records.hn, article="328", opened_on=datetime.date(2024, 4, 1)
    ).save()
    return records


on_postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="COPY runs on PostgreSQL only: elsewhere both sides would be the Python writer",
)


@on_postgresql_only
@pytest.mark.parametrize("kind", ["establishments", "inspections", "reports", "cases"])
def test_the_database_writes_the_csv_python_would(
    client, personas, with_cases, kind, monkeypatch, copies
):
    from exchange.exports import raw

    login(client, personas.admin)
    copied = raw_csv(client, kind)
    monkeypatch.setattr(raw, "_copy_csv", lambda *args: None)
    assert raw_csv(client, kind) == copied
    rows = ExportLog.objects.order_by("pk").first().row_count
    assert rows >= 2
    assert copies == [rows]


# What the Python writer gives for the records and their cases, written out by hand: a BOM,
# the columns, one line per record ended by a line feed, empty cells for missing values, a
# cell with a comma or quote between quotes (quotes doubled), the reporter's identity nowhere.
PYTHON_CSV = {
    "establishments": (
        "code,name,line,commune_code,address,permit_number,opened_on,closed_on,in_scope,"
        "commune_name,province_code,province_name,locality_code_given\n"
        "HCM-1,Cơ sở HCM-1,karaoke,26734,,,2019-01-01,,true,Phường Sài Gòn,79,"
        "Thành phố Hồ Chí Minh,\n"
        "HN-1,Cơ sở HN-1,karaoke,00004,,,2019-01-01,,true,Phường Ba Đình,01,Thành phố Hà Nội,\n"
        "HN-2,Cơ sở HN-2,accommodation,00070,,,2019-01-01,,true,Phường Hoàn Kiếm,01,"
        "Thành phố Hà Nội,\n"
        "HN-3,Cơ sở HN-3,accommodation,00070,,,2019-01-01,,true,Phường Hoàn Kiếm,01,"
        "Thành phố Hà Nội,\n"
    ),
    "inspections": (
        "establishment_code,inspected_on,team,outcome,fine_vnd,violations,notes,"
        "establishment_name,commune_code,province_code\n"
        "HN-1,2024-03-01,police,no_violation,0,,,Cơ sở HN-1,00004,01\n"
        "HN-2,2024-04-01,police,no_violation,0,,,Cơ sở HN-2,00070,01\n"
        "HCM-1,2024-05-01,police,violation,0,,,Cơ sở HCM-1,26734,79\n"
    ),
    # Deadlines: a crime denunciation has 20 days (01/03 -> 21/03), a denunciation 30
    # (01/11 -> 01/12).
    "reports": (
        "reference,kind,locality_code,received_on,verified_on,classified_on,handled_on,outcome,"
        "extended_until,extension_decided_on,extension_decision_no,extension_decided_by,summary,"
        "deadline,extension_reason,locality_name,province_code\n"
        "HN-R1,crime_denunciation,00004,2024-03-01,,,,,,,,,Tin báo,2024-03-21,,Phường Ba Đình,01\n"
        "HN-R2,denunciation,01,2024-11-01,,,,,,,,,,2024-12-01,,Thành phố Hà Nội,01\n"
    ),
    "cases": (
        "reference,locality_code,article,opened_on,handled_on,report_reference,modus,"
        "foreign_element,minors_involved,youngest_age_band,line_dismantled,summary,"
        "locality_name,province_code\n"
        "VA-1,00004,327,2024-03-10,2024-06-01,HN-R1,online_ott,true,true,under_16,true,"
        '"Chứa mại dâm, ""nhà nghỉ""",Phường Ba Đình,01\n'
        "VA-2,01,328,2024-04-01,,,,false,false,,false,,Thành phố Hà Nội,01\n"
    ),
}


@pytest.mark.parametrize("kind", list(PYTHON_CSV))
def test_the_python_writer_writes_these_bytes(client, personas, with_cases, kind, monkeypatch):
    from exchange.exports import raw

    monkeypatch.setattr(raw, "_copy_csv", lambda *args: None)
    login(client, personas.admin)
    response = client.get(reverse("export_raw", args=[kind, "csv"]))
    content = b"".join(response.streaming_content)
    assert content == b"\xef\xbb\xbf" + PYTHON_CSV[kind].encode("utf-8")
    assert ExportLog.objects.get().row_count == PYTHON_CSV[kind].count("\n") - 1


@pytest.mark.parametrize(
    ("content", "lone"),
    [
        (b"a,b\r\nc\n", False),
        (b"abc\r\ndef\n", False),  # the \r ends the first block of 4 bytes, its \n starts the next
        (b'x,"a\r\nb\rc"\n', True),
        (b"abc\rdef\n", True),
        (b"abc\r", True),
        (b"", False),
    ],
)
def test_a_carriage_return_without_line_feed_is_found_across_blocks(
    content, lone, monkeypatch, tmp_path
):
    from exchange.exports import raw

    monkeypatch.setattr(raw, "COPY_BLOCK", 4)
    with open(tmp_path / "spool", "w+b") as spool:
        spool.write(content)
        assert raw._lone_carriage_return(spool) is lone


@pytest.mark.parametrize("kind", ["establishments", "inspections", "reports", "cases"])
def test_a_raw_export_imports_back_unchanged(client, personas, records, kind, tmp_path):
    """What an administrator exports can be imported again as it is: every row is found
    unchanged (the report kind is written as its code, which the import reads), texts that a
    spreadsheet would take for a formula included (exported with an apostrophe, read without)."""
    from exchange.imports import import_file
    from localities.models import Case, Establishment, Inspection, Report

    Case.objects.create(
        reference="HN-C1",
        locality=records.ba_dinh,
        article="327",
        opened_on=datetime.date(2024, 6, 1),
        handled_on=datetime.date(2024, 9, 1),
        summary="-Chứa mại dâm, xử lý xong",
    )
    Establishment.objects.update(address="=1+1 phố Hàng Bạc")
    Inspection.objects.update(notes="@ghi chú")
    Report.objects.update(summary="+tin báo")
    login(client, personas.admin)
    path = tmp_path / f"{kind}.csv"
    path.write_text(read_stream(client.get(reverse("export_raw", args=[kind, "csv"]))))
    rows = len(path.read_text().splitlines()) - 1
    assert rows >= 1
    result = import_file(kind, path, user=personas.admin, commit=False)
    assert [(e.line, e.column, e.message) for e in result.errors] == []
    assert (result.new, result.changed, result.unchanged) == (0, 0, rows)


def test_the_columns_an_import_ignores_are_the_ones_an_export_adds():
    from exchange.kinds import KINDS

    for kind in KINDS.values():
        assert kind.column_names == kind.import_columns + kind.export_only_columns
