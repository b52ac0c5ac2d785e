"""Files written in the officer's words (Vietnamese headings and labels, có/không) import the
same records as files of codes; a mistyped label is a row error that lists the choices."""

import datetime

import pytest
from django.utils import translation

from exchange.imports import FileRefused, import_file
from localities.models import Establishment, Inspection, Report
from tests.exchange.helpers import csv_bytes, establishment, write, xlsx_bytes

pytestmark = pytest.mark.django_db

ESTABLISHMENTS_BY_CODE = [
    "code",
    "name",
    "line",
    "commune_code",
    "address",
    "permit_number",
    "opened_on",
    "closed_on",
    "in_scope",
]
# The headings of the template's instructions, in Vietnamese, in another order, one in English.
ESTABLISHMENTS_IN_WORDS = [
    "Tên",
    "Mã cơ sở",
    "Ngành nghề kinh doanh",
    "Mã xã, phường",
    "Địa chỉ",
    "Security and order permit number",
    "Ngày bắt đầu hoạt động",
    "Ngày ngừng hoạt động",
    "Thuộc diện kế hoạch",
]
CODES = [
    ["E-1", "Khách sạn Một", "accommodation", "00004", "1 Phố", "", "15/03/2019", "", "true"],
    ["E-2", "Karaoke Hai", "karaoke", "00070", "", "", "", "", "false"],
]
WORDS = [
    [
        "Khách sạn Một",
        "E-1",
        "Lưu trú (khách sạn, nhà nghỉ, nhà trọ, homestay)",
        "00004",
        "1 Phố",
        "",
        "15/03/2019",
        "",
        "Có",
    ],
    ["Karaoke Hai", "E-2", "  KARAOKE ", "00070", "", "", "", "", "không"],
]

INSPECTIONS_IN_WORDS = [
    "Mã cơ sở",
    "Ngày kiểm tra",
    "Lực lượng kiểm tra",
    "Kết quả",
    "Tiền phạt vi phạm hành chính (đồng)",
    "Vi phạm phát hiện",
    "Ghi chú",
]


def records():
    return sorted(
        Establishment.objects.values_list(
            "code", "name", "line", "commune__code", "address", "opened_on", "in_scope"
        )
    )


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_vietnamese_headings_and_labels_give_the_records_codes_give(fmt, personas, tmp_path):
    maker = csv_bytes if fmt == "csv" else xlsx_bytes
    in_words = write(
        tmp_path, f"words.{fmt}", maker("establishments", WORDS, header=ESTABLISHMENTS_IN_WORDS)
    )
    result = import_file("establishments", in_words, user=personas.hn_officer, commit=True)
    assert (result.ok, result.new) == (True, 2), result.errors
    assert records() == [
        (
            "E-1",
            "Khách sạn Một",
            "accommodation",
            "00004",
            "1 Phố",
            datetime.date(2019, 3, 15),
            True,
        ),
        ("E-2", "Karaoke Hai", "karaoke", "00070", "", None, False),
    ]
    # The same file in codes finds every record as it is.
    in_codes = write(
        tmp_path, f"codes.{fmt}", maker("establishments", CODES, header=ESTABLISHMENTS_BY_CODE)
    )
    again = import_file("establishments", in_codes, user=personas.hn_officer, commit=True)
    assert (again.ok, again.new, again.changed, again.unchanged) == (True, 0, 0, 2)


def test_a_semicolon_csv_with_vietnamese_headings(personas, tmp_path):
    # Excel set to Vietnamese: ";" between cells; a heading with a comma in it.
    content = csv_bytes("establishments", WORDS, header=ESTABLISHMENTS_IN_WORDS, delimiter=";")
    path = write(tmp_path, "words.csv", content)
    result = import_file("establishments", path, user=personas.hn_officer, commit=True)
    assert (result.ok, result.new) == (True, 2), result.errors
    assert [r[:3] for r in records()] == [
        ("E-1", "Khách sạn Một", "accommodation"),
        ("E-2", "Karaoke Hai", "karaoke"),
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_inspections_written_in_vietnamese(fmt, personas, world, tmp_path):
    shop = establishment("E-1", world.ba_dinh)
    maker = csv_bytes if fmt == "csv" else xlsx_bytes
    rows = [
        ["E-1", "20/05/2025", "Đoàn liên ngành (văn hóa, lao động - thương binh và xã hội, y tế)",
         "Có vi phạm", "7500000", "Không đăng ký lưu trú", ""],
        ["E-1", "21/05/2025", "Công an tự kiểm tra", "không vi phạm", "", "", ""],
    ]  # fmt: skip
    path = write(tmp_path, f"i.{fmt}", maker("inspections", rows, header=INSPECTIONS_IN_WORDS))
    result = import_file("inspections", path, user=personas.hn_officer, commit=True)
    assert (result.ok, result.new) == (True, 2), result.errors
    assert sorted(
        Inspection.objects.filter(establishment=shop).values_list(
            "inspected_on", "team", "outcome", "fine_vnd"
        )
    ) == [
        (datetime.date(2025, 5, 20), "interagency", "violation", 7500000),
        (datetime.date(2025, 5, 21), "police", "no_violation", 0),
    ]


def test_a_report_kind_by_its_vietnamese_or_english_name(personas, world, kinds, tmp_path):
    crime = kinds["crime_denunciation"]
    header = ["Số hiệu", "Loại nguồn tin", "Mã địa bàn", "Ngày tiếp nhận", "verified_on",
              "classified_on", "handled_on", "outcome", "extended_until", "summary"]  # fmt: skip
    rows = [
        ["R-1", crime.name.upper(), "00004", "02/06/2025", "", "", "", "", "", ""],
        ["R-2", crime.name_en, "00004", "02/06/2025", "", "", "", "", "", ""],
    ]
    path = write(tmp_path, "r.csv", csv_bytes("reports", rows, header=header))
    result = import_file("reports", path, user=personas.hn_officer, commit=True)
    assert result.ok, result.errors
    assert set(Report.objects.values_list("reference", "kind__code")) == {
        ("R-1", "crime_denunciation"),
        ("R-2", "crime_denunciation"),
    }


def test_a_mistyped_label_is_a_row_error_listing_the_choices(personas, world, tmp_path):
    establishment("E-1", world.ba_dinh)
    rows = [["E-1", "20/05/2025", "police", "Có vi pham", "", "", ""]]
    path = write(tmp_path, "i.csv", csv_bytes("inspections", rows, header=INSPECTIONS_IN_WORDS))
    with translation.override("vi"):
        result = import_file("inspections", path, user=personas.hn_officer, commit=True)
    assert not result.ok and not Inspection.objects.exists()
    [error] = result.errors
    assert (error.line, error.column) == (2, "outcome")
    assert error.message == (
        "Không dùng được “Có vi pham” ở đây: hãy ghi một trong các giá trị "
        "no_violation (Không vi phạm); violation (Có vi phạm)."
    )


def test_a_heading_named_twice_is_a_repeated_column(personas, tmp_path):
    header = ["Mã cơ sở", *ESTABLISHMENTS_BY_CODE]  # "code" twice, once by its heading
    path = write(tmp_path, "e.csv", csv_bytes("establishments", [], header=header))
    with pytest.raises(FileRefused, match="repeated columns: code"):
        import_file("establishments", path, user=personas.hn_officer, commit=False)
