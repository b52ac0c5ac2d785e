"""The annual printed report in the official layout of Decree 30/2020/NĐ-CP, the same
letterhead and closing as the plan's review."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from exchange.documents import place_and_date


def test_the_printed_report_has_the_letterhead_and_the_closing(client, personas, reviewed):
    client.force_login(personas.hn_officer)
    response = client.get(reverse("export_report"), {"plan": reviewed.pk, "year": 2024})
    assert response.status_code == 200
    html = response.content.decode()
    head = re.search(r'<table class="letterhead" id="letterhead">(.*?)</table>', html, re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", head.group(1)).split())
    today = timezone.localdate()
    assert text.startswith("BỘ CÔNG AN CÔNG AN THÀNH PHỐ HÀ NỘI Số: ……/BC-CAT")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in text
    assert text.endswith(place_and_date("Thành phố Hà Nội", today))
    closing = re.search(r'<table class="closing" id="closing">(.*?)</table>', html, re.S)
    words = " ".join(re.sub(r"<[^>]+>", " ", closing.group(1)).split())
    assert words == (
        "Nơi nhận: - Bộ Công an (để báo cáo); - UBND tỉnh, thành phố (để báo cáo); - Lưu: VT. "
        "GIÁM ĐỐC (Ký, ghi rõ họ tên, đóng dấu)"
    )
    assert '<div class="doc-kind">BÁO CÁO</div>' in html


def test_the_printed_report_pdf_has_the_motto_and_the_signature(client, personas, reviewed):
    from exchange import pdf

    if not pdf.available():
        pytest.skip("WeasyPrint or Pango is not installed")
    from pypdf import PdfReader

    client.force_login(personas.ministry)
    response = client.get(
        reverse("export_report"), {"plan": reviewed.pk, "year": 2024, "format": "pdf"}
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Nơi nhận:" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text


def test_the_date_line_writes_small_days_and_early_months_with_a_zero():
    import datetime

    from django.utils import translation

    with translation.override("vi"):
        early = place_and_date("Hà Nội", datetime.date(2026, 2, 5))
        late = place_and_date("Huế", datetime.date(2025, 11, 30))
    assert early == "Hà Nội, ngày 05 tháng 02 năm 2026"
    assert late == "Huế, ngày 30 tháng 11 năm 2025"
