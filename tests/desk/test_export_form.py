"""The export form as officers use it: years of the plan in a list, the locality by name from
the user's area, a year outside every plan refused, thresholds and authors written the
Vietnamese way, and the export log in words."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from exchange.models import ExportLog


def options(html, name):
    """(value, text) of the options of the <select name=…> in `html`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no drop-down named {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


@pytest.fixture
def officer(client, personas, records):
    personas.hn_officer.first_name, personas.hn_officer.last_name = "Nguyễn Văn", "An"
    personas.hn_officer.save()
    client.force_login(personas.hn_officer)
    return personas.hn_officer


def test_the_year_is_a_list_from_the_first_plans_first_year_to_the_current_year(client, officer):
    from django.utils import timezone

    html = client.get(reverse("exports")).content.decode()
    this_year = timezone.localdate().year
    assert [value for value, _text in options(html, "year")] == [
        str(year) for year in range(2021, this_year + 1)
    ]


def test_the_locality_is_chosen_by_name_among_the_users_area(client, officer):
    html = client.get(reverse("exports")).content.decode()
    assert 'type="text" name="locality"' not in html
    # Hà Nội's officer: the whole area, the province, then its communes in alphabetical order
    # (Ba Đình before Hoàn Kiếm); nothing of TP Hồ Chí Minh.
    assert options(html, "locality") == [
        ("", "Toàn bộ địa bàn của bạn"),
        ("01", "Thành phố Hà Nội (toàn tỉnh)"),
        ("00004", "Phường Ba Đình"),
        ("00070", "Phường Hoàn Kiếm"),
    ]


def test_a_commune_officer_is_offered_their_commune(client, personas, records):
    client.force_login(personas.commune_officer)
    html = client.get(reverse("exports")).content.decode()
    assert options(html, "locality") == [
        ("", "Toàn bộ địa bàn của bạn"),
        ("00004", "Phường Ba Đình"),
    ]


def test_the_chosen_name_exports_that_locality(client, officer):
    response = client.get(
        reverse("export_compliance", args=["csv"]),
        {"year": 2024, "as_of": "31/12/2024", "locality": "00004"},
    )
    assert response.status_code == 200
    rows = response.content.decode("utf-8-sig").splitlines()
    # Ba Đình's row, then the total of the selection: Ba Đình again.
    assert [row.split(",")[0] for row in rows[1:]] == ["00004", "00004"]


def test_a_locality_outside_the_area_answers_404(client, officer):
    response = client.get(reverse("export_compliance", args=["csv"]), {"locality": "26734"})
    assert response.status_code == 404
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_year_outside_every_plan_is_refused_not_exported(client, officer, fmt):
    from django.utils import timezone

    response = client.get(reverse("export_compliance", args=[fmt]), {"year": 2099})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Chọn một năm từ 2021 đến {timezone.localdate().year}." in html
    assert response["Content-Type"].startswith("text/html")
    assert not ExportLog.objects.exists()


def test_the_printed_report_writes_thresholds_the_vietnamese_way(client, officer):
    response = client.get(reverse("export_report"), {"year": 2024, "as_of": "31/12/2024"})
    html = response.content.decode()
    # The 2021–2025 plan's targets: 100 (reports on time), 20, 100 (coverage), 3 (cases),
    # written as the plan's pages write them (Target.goal), in no other form.
    targets = html.split('id="report-targets"')[1].split("</table>")[0]
    assert targets.count("≥ 100%") == 2
    assert "≥ 20%" in targets and "≥ 3%" in targets
    assert "100,00" not in targets and "100.00" not in targets
    assert "Nguyễn Văn An" in html


def test_the_xlsx_names_its_author_and_writes_thresholds_the_vietnamese_way(client, officer):
    response = client.get(
        reverse("export_compliance", args=["xlsx"]), {"year": 2024, "as_of": "31/12/2024"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    about = list(workbook.worksheets[-1].iter_rows(values_only=True))
    assert ("Người lập", "Nguyễn Văn An") in about
    thresholds = sorted(v for _k, v in about if isinstance(v, str) and v.startswith("≥"))
    assert thresholds == ["≥ 100,00%", "≥ 100,00%", "≥ 20,00%", "≥ 3,00%"]


def test_a_user_without_full_name_is_named_by_username(client, personas, records):
    client.force_login(personas.admin)
    client.get(reverse("export_report"), {"year": 2024, "as_of": "31/12/2024"})
    html = client.get(reverse("exports")).content.decode()
    log = html.split('id="export-log"')[1]
    assert "<td>admin</td>" in log


def test_the_export_log_says_in_words_what_was_exported(client, personas, officer):
    client.get(reverse("export_report"), {"year": 2025, "locality": "01"})
    client.get(
        reverse("export_compliance", args=["csv"]),
        {"year": 2024, "as_of": "31/12/2024", "locality": "00004", "level": "commune"},
    )
    report, table = ExportLog.objects.order_by("pk")
    assert report.description() == (
        "Báo cáo in (HTML) · Kế hoạch 2021–2025 · năm 2025 · Thành phố Hà Nội"
    )
    assert table.description() == (
        "Bảng kết quả thực hiện (CSV) · Kế hoạch 2021–2025 · năm 2024 · tính đến 31/12/2024 "
        "· Phường Ba Đình"
    )
    client.force_login(personas.admin)
    html = client.get(reverse("exports")).content.decode()
    log = html.split('id="export-log"')[1]
    assert "Nguyễn Văn An" in log
    assert "Báo cáo in (HTML) · Kế hoạch 2021–2025 · năm 2025 · Thành phố Hà Nội" in log
    assert "plan=" not in log


def test_a_raw_export_is_described_by_its_filters_labels(client, personas, records, world):
    client.force_login(personas.admin)
    client.get(reverse("export_raw", args=["inspections", "csv"]), {"outcome": "violation"})
    (entry,) = ExportLog.objects.all()
    assert entry.description() == "Dữ liệu gốc: Kiểm tra (CSV) · Kết quả: Có vi phạm"


def test_the_export_logs_words_cost_no_query_per_entry(client, personas, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def log_page_queries():
        client.force_login(personas.admin)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("exports")).status_code == 200
        return len(queries)

    client.get(reverse("export_report"), {"year": 2025, "locality": "01"})
    one = log_page_queries()
    client.force_login(officer)
    for year, place in [(2024, "00004"), (2023, "01"), (2022, "00004")]:
        client.get(reverse("export_report"), {"year": year, "locality": "01"})
        client.get(
            reverse("export_compliance", args=["csv"]),
            {"year": year, "locality": place, "level": "commune"},
        )
    assert ExportLog.objects.count() == 7
    assert log_page_queries() == one
