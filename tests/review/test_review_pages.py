"""The review's page, its PDF and DOCX, their scope and their query count."""

import io

import pytest
from django.urls import reverse

from exchange.models import ExportLog
from localities.models import Role
from tests.conftest import make_locality, make_user
from tests.plan_tracker.scenario import establishment

MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def login(client, user):
    client.force_login(user)


def plan_query(plan):
    return {"plan": plan.pk}


def test_ministry_sees_the_nations_review_with_each_target(client, personas, reviewed, world):
    login(client, personas.ministry)
    response = client.get(reverse("review_national"), plan_query(reviewed))
    assert response.status_code == 200
    page = response.content.decode()
    assert NATIONAL_TITLE in page and MOTTO in page
    assert "Nơi nhận:" in page
    assert 'id="review-targets"' in page
    assert "số liệu hiện tại (chưa phê duyệt)" in page
    # The whole plan's annual inspection of the nation: 4 / 10.
    assert "40,0%" in page
    # Each province's review is offered.
    assert (
        f'href="{reverse("review_locality", args=[world.hcm.pk])}?plan={reviewed.pk}&amp;' in page
    )


def test_an_officer_sees_their_provinces_review_and_not_anothers(client, personas, reviewed, world):
    login(client, personas.hn_officer)
    response = client.get(reverse("review_national"), plan_query(reviewed))
    assert response.status_code == 200
    assert "CÔNG AN THÀNH PHỐ HÀ NỘI" in response.content.decode()
    own = client.get(reverse("review_locality", args=[world.hn.pk]), plan_query(reviewed))
    assert own.status_code == 200
    other = reverse("review_locality", args=[world.hcm.pk])
    assert client.get(other, plan_query(reviewed)).status_code == 404
    other_docx = reverse("review_locality_file", args=[world.hcm.pk, "docx"])
    assert client.get(other_docx, plan_query(reviewed)).status_code == 404
    assert not ExportLog.objects.exists()


def test_a_commune_officer_has_no_review_and_an_outsider_none_either(client, personas, reviewed):
    login(client, personas.commune_officer)
    assert client.get(reverse("review_national"), plan_query(reviewed)).status_code == 403
    client.logout()
    login(client, personas.outsider)
    assert client.get(reverse("review_national"), plan_query(reviewed)).status_code == 404


def test_the_docx_reads_back_in_the_official_layout(client, personas, reviewed, world):
    import docx

    login(client, personas.hn_officer)
    url = reverse("review_locality_file", args=[world.hn.pk, "docx"])
    response = client.get(url, plan_query(reviewed))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = docx.Document(io.BytesIO(response.content))
    cells = [p.text for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    body = [p.text for p in document.paragraphs]
    # The letterhead (a table of two cells), the place and date, the title.
    assert "BỘ CÔNG AN" in cells and "CÔNG AN THÀNH PHỐ HÀ NỘI" in cells
    assert NATIONAL_TITLE in cells and MOTTO in cells
    assert any(c.startswith("Số: ……/BC-CAT") for c in cells)
    assert any(p.startswith("Thành phố Hà Nội, ngày ") for p in body)
    assert "BÁO CÁO" in body
    assert any(p.startswith("Tổng kết") for p in body)
    # The closing: recipients and the signature block.
    assert "Nơi nhận:" in cells
    assert "GIÁM ĐỐC" in cells
    assert "(Ký, ghi rõ họ tên, đóng dấu)" in cells
    # Hà Nội's communes: Ba Đình reached the annual inspection every year.
    assert "- Phường Ba Đình (00004)" in body
    log = ExportLog.objects.get()
    assert (log.what, log.file_format, log.filters["locality"]) == ("review", "docx", "01")


def test_the_pdf_holds_the_motto_title_recipients_and_signature(client, personas, reviewed):
    from exchange import pdf

    if not pdf.available():
        pytest.skip("WeasyPrint or Pango is not installed")
    from pypdf import PdfReader

    login(client, personas.ministry)
    response = client.get(reverse("review_national_file", args=["pdf"]), plan_query(reviewed))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert NATIONAL_TITLE in text
    assert MOTTO in text
    assert "BÁO CÁO" in text
    assert "Tổng kết" in text
    assert "Nơi nhận:" in text
    assert "THỦ TRƯỞNG ĐƠN VỊ" in text
    assert ExportLog.objects.get().file_format == "pdf"


def test_a_long_list_is_summed_up_with_the_twenty_largest(client, personas, reviewed, world):
    # 25 more provinces, the one of index n with n + 1 establishments never inspected:
    # "never reached" annual inspection is then 26 provinces (with TP Hồ Chí Minh, 3
    # establishments), summed up as its count, the 20 largest and a link to the full table.
    import datetime

    for n in range(25):
        province = make_locality("2025", f"{n + 2:02d}", f"Tỉnh Thử {n:02d}", "province")
        commune = make_locality("2025", f"9{n:04d}", f"Xã Thử {n:02d}", "commune", province)
        for k in range(n + 1):
            establishment(f"T{n}-{k}", commune, opened=datetime.date(2020, 1, 1))
    login(client, personas.ministry)
    response = client.get(reverse("review_national"), plan_query(reviewed))
    blocks = response.context["document"].blocks
    texts = [getattr(b, "text", None) for b in blocks]
    annual = texts.index("Cơ sở được kiểm tra trong năm")  # the target's heading
    never_at = texts.index("Không bao giờ đạt: 26 địa phương.", annual)
    listed = blocks[never_at + 1].items
    # The largest first: Tỉnh Thử 24 (25 establishments) … Tỉnh Thử 05 (6), 20 of them;
    # TP Hồ Chí Minh (3) is not among them.
    assert len(listed) == 20
    assert listed[0] == "Tỉnh Thử 24 (26)" and listed[-1] == "Tỉnh Thử 05 (07)"
    more = blocks[never_at + 2]
    assert more.text.startswith("Liệt kê 20") and "compliance.xlsx" in more.url
    # The remainder's table: the 20 localities with the most left, and a note of the others.
    remainder = next(b for b in blocks if getattr(b, "id", "") == "review-remainder")
    assert len(remainder.rows) == 20
    assert remainder.rows[0] == ["Tỉnh Thử 24", 25, 0]


def test_the_pages_queries_do_not_grow_with_provinces(
    client, personas, reviewed, django_assert_num_queries
):
    import datetime

    login(client, personas.ministry)
    url = reverse("review_national")
    client.get(url, plan_query(reviewed))  # the session and the translations warmed up

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, plan_query(reviewed)).status_code == 200
        return len(captured.captured_queries)

    before = count()
    for n in range(3):
        province = make_locality("2025", f"{n + 2:02d}", f"Tỉnh Mới {n}", "province")
        commune = make_locality("2025", f"8{n:04d}", f"Xã Mới {n}", "commune", province)
        establishment(f"N{n}", commune, opened=datetime.date(2020, 1, 1))
    assert count() == before
    # Pinned: the session, the user, their assignments, the plans and their targets (5), then
    # per year one compliance table (its localities, establishments, inspections, reports,
    # cases, activities: 2 × 6), and the remainder (never-inspected establishments, overdue
    # reports: 2). Per year: six for the figures, one for the provinces' approvals of that year.
    assert before == 5 + 2 * 7 + 2
    with django_assert_num_queries(5 + 2 * 7 + 2):
        client.get(url, plan_query(reviewed))


def test_each_year_adds_a_fixed_number_of_queries(client, personas, reviewed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, personas.ministry)
    url = reverse("review_national")
    client.get(url, plan_query(reviewed))

    def count(query):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, query).status_code == 200
        return len(captured.captured_queries)

    two_years = count(plan_query(reviewed))
    five_years = count({})  # the default plan, 2021–2025
    assert five_years - two_years == 3 * 7  # seven queries a year, three more years


def test_the_review_is_a_dashboard_entry(client, personas, reviewed):
    login(client, personas.ministry)
    page = client.get(reverse("dashboard_national")).content.decode()
    assert f'href="{reverse("review_national")}"' in page


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.MINISTRY])
def test_national_users_open_any_provinces_review(client, world, reviewed, role):
    user = make_user(f"user_{role}", role)
    login(client, user)
    url = reverse("review_locality", args=[world.hcm.pk])
    page = client.get(url, plan_query(reviewed)).content.decode()
    assert "CÔNG AN THÀNH PHỐ HỒ CHÍ MINH" in page


def test_only_pdf_and_docx_are_files(client, personas, reviewed, world):
    client.force_login(personas.ministry)
    assert client.get(reverse("review_national_file", args=["html"])).status_code == 404
    url = reverse("review_locality_file", args=[world.hn.pk, "xlsx"])
    assert client.get(url).status_code == 404
    assert not ExportLog.objects.exists()
