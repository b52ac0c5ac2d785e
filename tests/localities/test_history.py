"""Every record's page shows its history: who changed which field, from what to what, when."""

import pytest
from django.urls import reverse

from tests.localities.test_concurrency import form_data


@pytest.fixture
def hn(client, login, records):
    user = login("hn_officer")
    client.cookies["django_language"] = "en"
    return user


def test_an_edit_shows_who_changed_which_field_from_what_to_what(client, hn, records, world):
    est = records.establishment["BD"]
    url = reverse("establishment_edit", args=[est.pk])
    data = form_data(client.get(url))
    data.update(name="Khách sạn Đổi Tên", commune=world.hoan_kiem.pk, closed_on="01/02/2024")
    assert client.post(url, data).status_code == 302

    response = client.get(reverse("establishment_detail", args=[est.pk]))
    entries = response.context["history"]
    latest = entries[0]
    assert latest.who == "hn_officer"
    assert latest.kind == "~"
    changes = {c.label: (c.old, c.new) for c in latest.changes}
    assert changes == {
        "name": ("Khách sạn EST-BD", "Khách sạn Đổi Tên"),
        "commune": ("Phường Ba Đình (00004)", "Phường Hoàn Kiếm (00070)"),
        "closed on": ("—", "01/02/2024"),
    }
    html = response.content.decode()
    assert "Khách sạn EST-BD" in html and "Khách sạn Đổi Tên" in html
    assert entries[-1].kind == "+"  # the creation, oldest last


def test_a_recorded_stage_shows_in_the_reports_history_with_its_new_deadline(client, hn, records):
    report = records.report["BD"]  # crime information received 01/02/2024, due 21/02/2024
    client.post(
        reverse("report_stage", args=[report.pk]),
        {
            "stage": "handled_on",
            "on": "20/02/2024",
            "outcome": "administrative_penalty",
            "extended_until": "01/04/2024",
            "extension_decided_on": "15/02/2024",
            "extension_decision_no": "07/QĐ-CSĐT",
            "extension_decided_by": "Thủ trưởng CQĐT",
            "extension_reason": "phức tạp",
            "version": 1,
        },
    )
    entries = client.get(reverse("report_detail", args=[report.pk])).context["history"]
    changes = {c.label: (c.old, c.new) for c in entries[0].changes}
    assert changes["handled on"] == ("—", "20/02/2024")
    assert changes["handling decision"] == ("—", "Administrative penalty")
    assert changes["extended until"] == ("—", "01/04/2024")
    assert changes["extension decided on"] == ("—", "15/02/2024")
    assert changes["extension decision number"] == ("—", "07/QĐ-CSĐT")
    assert changes["deadline"] == ("21/02/2024", "01/04/2024")
    assert "version" not in {c.label for c in entries[0].changes}


@pytest.mark.parametrize("model", ["establishment", "inspection", "report", "case"])
def test_every_records_page_has_its_history(client, hn, records, model):
    record = records.of(model)["BD"]
    response = client.get(reverse(f"{model}_detail", args=[record.pk]))
    assert 'id="history"' in response.content.decode()
    assert len(response.context["history"]) == 1
