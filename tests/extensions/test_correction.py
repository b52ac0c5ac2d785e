"""An extension decision entered wrongly is corrected or deleted from the report's page: the
latest one only, validated as a new one, versioned with its history, refused in a submitted or
approved year with the lock's message, 404 outside the user's area, 403 for a reader.

Report TC-1, a denunciation received on 01/10/2025 in Ba Đình: base deadline 31/10/2025
(30 days), legal maximum 30/12/2025 (90 days). Extension 1 to 30/11/2025, decided on
25/10/2025; extension 2 to 30/12/2025, decided on 28/11/2025 (it extends 30/11/2025).
"""

import datetime

import pytest
from django.urls import reverse

from localities.models import Report, ReportExtension
from tests.localities.conftest import add_extension, make_report

D = datetime.date


@pytest.fixture
def report(world, kinds):
    report = make_report(world.ba_dinh, "TC-1", kind="denunciation", received_on=D(2025, 10, 1))
    add_extension(report, D(2025, 11, 30), D(2025, 10, 25), decision_no="01/QĐ-CSĐT")
    add_extension(report, D(2025, 12, 30), D(2025, 11, 28), decision_no="02/QĐ-CSĐT")
    return Report.objects.get(pk=report.pk)


def english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def edit_url(report):
    return reverse("report_extension_edit", args=[report.pk])


def delete_url(report):
    return reverse("report_extension_delete", args=[report.pk])


def correction(report, **changes):
    data = {
        "extended_until": "30/12/2025",
        "decided_on": "28/11/2025",
        "decision_no": "02/QĐ-CSĐT",
        "decided_by": "Thủ trưởng Cơ quan điều tra",
        "reason": "",
        "version": report.version,
    }
    data.update(changes)
    return data


def test_the_report_page_offers_the_correction_to_its_writers_only(client, report, personas):
    page = english(client, personas.hn_officer).get(reverse("report_detail", args=[report.pk]))
    html = page.content.decode()
    assert edit_url(report) in html and delete_url(report) in html
    page = english(client, personas.ministry).get(reverse("report_detail", args=[report.pk]))
    assert edit_url(report) not in page.content.decode()


def test_the_form_opens_with_the_latest_decision(client, report, personas):
    response = english(client, personas.hn_officer).get(edit_url(report))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["decision_no"] == "02/QĐ-CSĐT"
    assert form.initial["decided_on"] == D(2025, 11, 28)
    assert form.initial["version"] == report.version


def test_correcting_the_latest_extension_moves_the_deadline_with_a_new_version_and_history(
    client, report, personas
):
    version = report.version
    response = english(client, personas.hn_officer).post(
        edit_url(report),
        correction(
            report, extended_until="29/12/2025", decided_on="27/11/2025", decision_no="02b/QĐ"
        ),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    # The deadline in force is the corrected one, and so is the report's copy of the decision.
    assert (report.deadline, report.extension_decided_on, report.extension_decision_no) == (
        D(2025, 12, 29),
        D(2025, 11, 27),
        "02b/QĐ",
    )
    assert report.version == version + 1
    latest = report.extensions.get(sequence=2)
    assert (latest.decided_on, latest.counted_from) == (D(2025, 11, 27), D(2025, 11, 27))
    assert report.extensions.count() == 2
    history = list(latest.history.order_by("history_id"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[-1].history_user == personas.hn_officer
    assert history[-1].history_change_reason == "correction"
    assert history[-2].decision_no == "02/QĐ-CSĐT"  # what was entered first stays readable
    assert report.history.first().history_user == personas.hn_officer


def test_a_correction_decided_after_the_deadline_it_extends_is_refused(client, report, personas):
    # Extension 2 extends 30/11/2025 (extension 1's): decided on 05/12/2025 is too late.
    response = english(client, personas.hn_officer).post(
        edit_url(report), correction(report, decided_on="05/12/2025")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["decided_on"] == [
        "The extension was decided on 05/12/2025, after the deadline it extends (30/11/2025): "
        "an extension must be decided on or before that deadline."
    ]
    report.refresh_from_db()
    assert report.extensions.get(sequence=2).decided_on == D(2025, 11, 28)
    assert report.deadline == D(2025, 12, 30)


def test_a_correction_beyond_the_legal_maximum_is_refused(client, report, personas):
    response = english(client, personas.hn_officer).post(
        edit_url(report), correction(report, extended_until="15/01/2026")
    )
    assert "extended_until" in response.context["form"].errors
    report.refresh_from_db()
    assert report.deadline == D(2025, 12, 30)


def test_a_correction_needs_its_decision(client, report, personas):
    response = english(client, personas.hn_officer).post(
        edit_url(report), correction(report, decision_no="", decided_on="")
    )
    errors = response.context["form"].errors
    assert "decision_no" in errors and "decided_on" in errors
    assert report.extensions.get(sequence=2).decision_no == "02/QĐ-CSĐT"


def test_a_correction_on_a_stale_page_is_refused(client, report, personas):
    stale = correction(report, decision_no="02c/QĐ")
    report.summary = "Đổi bởi người khác"
    report.save_checked(expected_version=report.version)
    response = english(client, personas.hn_officer).post(edit_url(report), stale)
    assert "Someone else saved this record" in response.content.decode()
    assert report.extensions.get(sequence=2).decision_no == "02/QĐ-CSĐT"


def test_deleting_the_latest_extensions_brings_back_the_deadline_each_extended(
    client, report, personas
):
    client = english(client, personas.hn_officer)
    assert client.get(delete_url(report)).status_code == 200
    second = report.extensions.get(sequence=2)
    response = client.post(delete_url(report), {"version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    # Extension 1 is in force again: 30/11/2025, decided on 25/10/2025.
    assert (report.deadline, report.extension_decided_on, report.extension_decision_no) == (
        D(2025, 11, 30),
        D(2025, 10, 25),
        "01/QĐ-CSĐT",
    )
    deleted = ReportExtension.history.filter(id=second.pk).order_by("history_id").last()
    assert (deleted.history_type, deleted.history_user) == ("-", personas.hn_officer)

    response = client.post(delete_url(report), {"version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    # No extension left: the base time limit, 30 days from receipt.
    assert (report.deadline, report.extended_until, report.extension_decision_no) == (
        D(2025, 10, 31),
        None,
        "",
    )
    assert report.extension_counted_from is None
    assert not report.extensions.exists()
    # Nothing left to correct or delete.
    assert client.get(edit_url(report)).status_code == 404
    assert client.post(delete_url(report), {"version": report.version}).status_code == 404


def test_another_areas_officer_gets_404_and_a_reader_403(client, report, personas):
    for url in (edit_url(report), delete_url(report)):
        assert english(client, personas.hcm_officer).get(url).status_code == 404
        assert english(client, personas.hcm_officer).post(url, {}).status_code == 404
        assert english(client, personas.ministry).get(url).status_code == 403
        assert english(client, personas.ministry).post(url, {}).status_code == 403
    assert report.extensions.count() == 2


# --- a locked year ---------------------------------------------------------------------------


@pytest.fixture
def decided_in_2025(world, kinds):
    """A denunciation received on 20/12/2024 (deadline 19/01/2025), extended to 18/02/2025 by a
    decision of 10/01/2025: its receipt is in 2024, its extension's decision in 2025."""
    report = make_report(world.ba_dinh, "TC-2", kind="denunciation", received_on=D(2024, 12, 20))
    add_extension(report, D(2025, 2, 18), D(2025, 1, 10), decision_no="05/QĐ")
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def hanoi_2025_approved(personas, world):
    from plan_tracker.approvals import take_step
    from plan_tracker.metrics import default_plan

    plan = default_plan()
    take_step(user=personas.hn_officer, action="submit", plan=plan, province=world.hn, year=2025)
    return take_step(
        user=personas.ministry, action="approve", plan=plan, province=world.hn, year=2025
    )


LOCKED = "The year 2025 of Thành phố Hà Nội was approved on"


def test_a_correction_in_the_approved_year_of_the_decision_is_refused(
    client, decided_in_2025, hanoi_2025_approved, personas
):
    report = decided_in_2025
    response = english(client, personas.hn_officer).post(
        edit_url(report),
        correction(
            report, extended_until="17/02/2025", decided_on="10/01/2025", decision_no="05b/QĐ"
        ),
    )
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    report.refresh_from_db()
    assert (report.deadline, report.extension_decision_no) == (D(2025, 2, 18), "05/QĐ")
    assert report.extensions.get().decision_no == "05/QĐ"


def test_a_deletion_in_the_approved_year_of_the_decision_is_refused(
    client, decided_in_2025, hanoi_2025_approved, personas
):
    report = decided_in_2025
    response = english(client, personas.hn_officer).post(
        delete_url(report), {"version": report.version}
    )
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert report.extensions.count() == 1
    report.refresh_from_db()
    assert report.deadline == D(2025, 2, 18)


def test_reopening_the_year_lets_the_correction_through(
    client, decided_in_2025, hanoi_2025_approved, personas, world
):
    from plan_tracker.approvals import take_step

    take_step(
        user=personas.admin,
        action="reopen",
        plan=hanoi_2025_approved.plan,
        province=world.hn,
        year=2025,
        comment="Sửa quyết định gia hạn",
    )
    report = decided_in_2025
    response = english(client, personas.hn_officer).post(
        delete_url(report), {"version": report.version}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.deadline == D(2025, 1, 19)
