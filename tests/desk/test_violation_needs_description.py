"""An inspection that found a violation says which: the model's rule, so the form, the import
and the admin all refuse an empty description, in Vietnamese by default."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from exchange.imports import import_file
from localities.models import Inspection
from tests.exchange.helpers import csv_bytes, establishment, write

MESSAGE_VI = "Kết quả là “có vi phạm” nhưng chưa ghi vi phạm nào"


def form_data(**overrides):
    data = {
        "establishment": "EST-BD",
        "inspected_on": "01/06/2024",
        "team": "police",
        "outcome": "violation",
        "fine_vnd": "0",
    }
    data.update(overrides)
    return data


def test_the_model_refuses_a_violation_without_description(records):
    inspection = Inspection(
        establishment=records.establishment["BD"],
        inspected_on=datetime.date(2024, 6, 1),
        team="police",
        outcome="violation",
        violations="   ",
    )
    with pytest.raises(ValidationError) as refused:
        inspection.full_clean()
    assert [e.code for e in refused.value.error_dict["violations"]] == ["violation_not_described"]


def test_the_form_refuses_it_with_a_vietnamese_message(client, login, records):
    login("hn_officer")
    response = client.post(reverse("inspection_create"), form_data())
    assert response.status_code == 200
    assert MESSAGE_VI in " ".join(response.context["form"].errors["violations"])
    assert not records.establishment["BD"].inspections.filter(inspected_on="2024-06-01").exists()


def test_the_form_records_a_described_violation(client, login, records):
    login("hn_officer")
    client.post(reverse("inspection_create"), form_data(violations="Không có sổ lưu trú"))
    saved = records.establishment["BD"].inspections.get(inspected_on="2024-06-01")
    assert saved.violations == "Không có sổ lưu trú"


def test_a_no_violation_outcome_needs_no_description(client, login, records):
    login("hn_officer")
    client.post(reverse("inspection_create"), form_data(outcome="no_violation"))
    assert records.establishment["BD"].inspections.filter(inspected_on="2024-06-01").exists()


def test_the_import_refuses_the_row(personas, world, tmp_path):
    establishment("E-1", world.ba_dinh)
    rows = [
        ["E-1", "2024-05-20", "police", "violation", "1500000", "", ""],
        ["E-1", "2024-05-21", "police", "violation", "0", "Không đăng ký", ""],
    ]
    path = write(tmp_path, "f.csv", csv_bytes("inspections", rows))
    result = import_file("inspections", path, user=personas.hn_officer, commit=True)
    assert [(e.line, e.column) for e in result.errors] == [(2, "violations")]
    assert MESSAGE_VI in result.errors[0].message
    assert not Inspection.objects.exists()  # all or nothing


def test_the_admin_refuses_it(client, personas, records):
    client.force_login(personas.admin)
    inspection = records.inspection["BD"]
    url = reverse("admin:localities_inspection_change", args=[inspection.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(outcome="violation", violations="")
    response = client.post(url, data)
    assert response.status_code == 200
    assert MESSAGE_VI in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.outcome == "no_violation"
