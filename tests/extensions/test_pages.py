"""The report's forms take an extension with its decision; the report's page lists every
extension with its decision."""

import datetime

from django.urls import reverse

from localities.models import Report
from tests.localities.conftest import add_extension, make_report

D = datetime.date


def test_the_stage_form_records_an_extension_with_its_decision(client, world, kinds, personas):
    report = make_report(world.ba_dinh, "TC-1", kind="denunciation", received_on=D(2025, 10, 1))
    client.force_login(personas.hn_officer)
    response = client.post(
        reverse("report_stage", args=[report.pk]),
        {
            "stage": "verified_on",
            "on": "20/10/2025",
            "extended_until": "30/11/2025",
            "extension_decided_on": "25/10/2025",
            "extension_decision_no": "01/QĐ-CSĐT",
            "extension_decided_by": "Thủ trưởng CQĐT",
            "version": 1,
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.verified_on, report.deadline, report.version) == (
        D(2025, 10, 20),
        D(2025, 11, 30),
        2,
    )
    assert report.extensions.get().decision_no == "01/QĐ-CSĐT"


def test_a_late_decision_is_refused_on_the_form_in_vietnamese(client, world, kinds, personas):
    report = make_report(world.ba_dinh, "TC-1", kind="denunciation", received_on=D(2025, 10, 1))
    client.force_login(personas.hn_officer)
    data = {
        "reference": "TC-1",
        "kind": "denunciation",
        "locality": world.ba_dinh.pk,
        "received_on": "01/10/2025",
        "version": 1,
        "extended_until": "30/11/2025",
        "extension_decided_on": "15/11/2026",
        "extension_decision_no": "01/QĐ-CSĐT",
        "extension_decided_by": "Thủ trưởng CQĐT",
    }
    response = client.post(reverse("report_edit", args=[report.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["extension_decided_on"]
    assert errors == [
        "Gia hạn được quyết định ngày 15/11/2026, sau thời hạn được gia hạn (31/10/2025): "
        "việc gia hạn phải được quyết định trước hoặc đúng thời hạn đó."
    ]
    report.refresh_from_db()
    assert (report.deadline, report.version) == (D(2025, 10, 31), 1)
    assert not Report.objects.get(pk=report.pk).extensions.exists()


def test_the_report_page_lists_every_extension_with_its_decision(client, world, kinds, personas):
    report = make_report(world.ba_dinh, "TC-1", kind="denunciation", received_on=D(2025, 10, 1))
    add_extension(report, D(2025, 11, 30), D(2025, 10, 25), decision_no="01/QĐ-CSĐT")
    add_extension(report, D(2025, 12, 30), D(2025, 11, 28), decision_no="02/QĐ-CSĐT")
    client.force_login(personas.hn_officer)
    html = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert "Gia hạn đến 30/11/2025" in html and "quyết định ngày 25/10/2025" in html
    assert "quyết định số 01/QĐ-CSĐT" in html
    assert "Gia hạn đến 30/12/2025" in html and "quyết định số 02/QĐ-CSĐT" in html
    assert 'id="deadline">30/12/2025' in html
