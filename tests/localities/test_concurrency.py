"""Two people editing the same record: the second save is refused with a clear message,
the first person's data stays, and the second person's input is still on the screen."""

import pytest
from django.test import Client
from django.urls import reverse

from localities.models import Case, Establishment, Inspection, Report


def english_client():
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def form_data(response):
    """What the browser would post back: every field's current value, the version included."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if hasattr(field, "to_field_name") and field.to_field_name and hasattr(value, "pk"):
            value = getattr(value, field.to_field_name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = (
            form[name].field.widget.format_value(value) if hasattr(value, "year") else value
        )
    return data


# model, the record's tag, a field to change, the first's value, the second's value
EDITS = [
    ("establishment", "name", "Khách sạn Của Người Thứ Nhất", "Khách sạn Của Người Thứ Hai"),
    ("inspection", "notes", "ghi chú thứ nhất", "ghi chú thứ hai"),
    ("report", "summary", "tóm tắt thứ nhất", "tóm tắt thứ hai"),
    ("case", "summary", "tóm tắt thứ nhất", "tóm tắt thứ hai"),
]
MODELS = {"establishment": Establishment, "inspection": Inspection, "report": Report, "case": Case}


@pytest.mark.parametrize(("model", "field", "first_value", "second_value"), EDITS)
def test_the_second_of_two_concurrent_edits_is_refused(
    personas, records, model, field, first_value, second_value
):
    record = records.of(model)["BD"]
    url = reverse(f"{model}_edit", args=[record.pk])
    first, second = english_client(), english_client()
    first.force_login(personas.hn_officer)
    second.force_login(personas.commune_officer)

    # Both open the form while the record is at version 1.
    first_data = form_data(first.get(url))
    second_data = form_data(second.get(url))
    assert first_data["version"] == second_data["version"] == 1

    first_data[field] = first_value
    assert first.post(url, first_data).status_code == 302

    second_data[field] = second_value
    response = second.post(url, second_data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this record while you were editing it" in html
    assert second_value in html  # the second person's input is not lost

    saved = MODELS[model].objects.get(pk=record.pk)
    assert getattr(saved, field) == first_value
    assert saved.version == 2


def test_a_stale_form_stays_refused_until_the_record_is_opened_again(personas, records):
    est = records.establishment["BD"]
    url = reverse("establishment_edit", args=[est.pk])
    client = english_client()
    client.force_login(personas.hn_officer)
    stale = form_data(client.get(url))
    est.name = "Đổi bởi người khác"
    est.save_checked(expected_version=1)

    stale["name"] = "Lần một"
    assert client.post(url, stale).status_code == 200
    fresh = form_data(client.get(url))
    assert fresh["version"] == 2
    fresh["name"] = "Lần hai"
    assert client.post(url, fresh).status_code == 302
    est.refresh_from_db()
    assert (est.name, est.version) == ("Lần hai", 3)


def test_recording_a_stage_on_a_stale_page_is_refused(personas, records):
    report = records.report["BD"]
    url = reverse("report_stage", args=[report.pk])
    first, second = english_client(), english_client()
    first.force_login(personas.hn_officer)
    second.force_login(personas.commune_officer)
    first.get(url)
    second.get(url)
    data = {"stage": "verified_on", "on": "05/02/2024", "version": "1"}
    assert first.post(url, data).status_code == 302
    response = second.post(url, {**data, "stage": "classified_on", "on": "06/02/2024"})
    assert "Someone else saved this record" in response.content.decode()
    report.refresh_from_db()
    assert report.classified_on is None
    assert str(report.verified_on) == "2024-02-05"


def test_an_edit_posted_without_its_version_is_refused(personas, records):
    est = records.establishment["BD"]
    client = english_client()
    client.force_login(personas.hn_officer)
    url = reverse("establishment_edit", args=[est.pk])
    data = form_data(client.get(url))
    del data["version"]
    data["name"] = "Không có phiên bản"
    response = client.post(url, data)
    assert "Someone else saved this record" in response.content.decode()
    est.refresh_from_db()
    assert est.name == "Khách sạn EST-BD"
