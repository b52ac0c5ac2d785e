"""One term for each thing, in Vietnamese: "Nguồn tin" for the record kind and "Số hiệu" for
its reference, date columns named as dates, one date hint, a plain message for a number that
is not one, and no English left in the aria-labels."""

import re

from django.urls import reverse
from django.utils import translation

from tests.localities.conftest import make_establishment


def headers(html):
    return re.findall(r'<th[^>]*scope="col"[^>]*>(.*?)</th>', html, re.S)


def text(fragment):
    return re.sub(r"<[^>]+>|\s+", " ", fragment).strip()


def test_the_work_list_calls_a_denunciation_nguon_tin(client, personas, records):
    client.force_login(personas.commune_officer)
    response = client.get(reverse("work_lists", args=[records.report["BD"].locality_id]))
    html = response.content.decode()
    section = html.split('id="reports-to-handle"')[1].split("</section>")[0]
    assert [text(h) for h in headers(section)] == [
        "Hạn giải quyết",
        "Nguồn tin",
        "Ngày tiếp nhận",
        "Trạng thái",
    ]
    assert "Báo cáo" not in section


def test_the_record_kind_has_one_name_in_every_place(client, personas, records):
    client.force_login(personas.hn_officer)
    html = client.get(reverse("report_list")).content.decode()
    assert "Tin báo, tố giác" not in html and "tin báo, tố giác" not in html
    assert "Số hiệu" in [text(h) for h in headers(html)]
    with translation.override("vi"):
        assert translation.gettext("Reports") == "Nguồn tin"
        assert translation.pgettext("nav", "Reports") == "Nguồn tin"
        assert translation.gettext("reports") == "nguồn tin"


def test_date_columns_are_named_as_dates(client, personas, world):
    make_establishment(world.ba_dinh, "EST-1")
    client.force_login(personas.hn_officer)
    names = [text(h) for h in headers(client.get(reverse("establishment_list")).content.decode())]
    assert "Ngày ngừng hoạt động" in names and "Ngày bắt đầu hoạt động" in names
    assert "Đã ngừng hoạt động" not in names
    names = [text(h) for h in headers(client.get(reverse("report_list")).content.decode())]
    assert "Ngày giải quyết" in names and "Đã giải quyết" not in names


def test_one_date_hint_everywhere(client, personas, records):
    client.force_login(personas.hn_officer)
    form = client.get(reverse("inspection_create")).content.decode()
    assert 'placeholder="dd/mm/yyyy"' in form and "ngày/tháng/năm" not in form
    response = client.post(reverse("inspection_create"), {"inspected_on": "2024/31/12"})
    message = " ".join(response.context["form"].errors["inspected_on"])
    assert message == "Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2024."


def test_a_number_that_is_not_one_gets_a_plain_message(client, personas, records):
    client.force_login(personas.hn_officer)
    response = client.post(
        reverse("inspection_create"),
        {
            "establishment": "EST-BD",
            "inspected_on": "01/06/2024",
            "team": "police",
            "outcome": "violation",
            "violations": "Không có sổ lưu trú",
            "fine_vnd": "năm triệu",
        },
    )
    message = " ".join(response.context["form"].errors["fine_vnd"])
    assert message == "Hãy nhập một số nguyên, chỉ gồm các chữ số, ví dụ 5000000."
    assert "tổng thể" not in response.content.decode()


def test_no_aria_label_is_left_in_english(client, personas, world):
    for i in range(30):  # two pages of 25
        make_establishment(world.ba_dinh, f"EST-{i:02d}")
    client.force_login(personas.hn_officer)
    pages = [
        client.get(reverse("establishment_list")).content.decode(),
        client.get(reverse("establishment_create")).content.decode(),
    ]
    labels = [label for html in pages for label in re.findall(r'aria-label="([^"]*)"', html)]
    assert "Các trang của danh sách" in labels and "Vị trí hiện tại" in labels
    assert not {"breadcrumb", "Table navigation"} & set(labels)
