"""The write services (validation, the scope re-checked after the write, read-only roles) and
the Django admin, scoped like the rest."""

import datetime

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from localities import services
from localities.models import (
    Assignment,
    Case,
    Establishment,
    IdentityAccess,
    Inspection,
    Locality,
    LocalityConversion,
    Report,
    ReportKind,
    Role,
)
from tests.conftest import make_user


def test_a_write_that_would_leave_the_officers_area_is_undone(personas, records, world):
    est = Establishment.objects.get(code="EST-BD")
    est.commune = world.sai_gon  # a commune of another province, past any form
    with pytest.raises(services.OutOfScope):
        services.establishment_save(user=personas.hn_officer, establishment=est, expected_version=1)
    est.refresh_from_db()
    assert (est.commune, est.version) == (world.ba_dinh, 1)


def test_ministry_staff_cannot_write_through_a_service(personas, records):
    est = records.establishment["BD"]
    est.name = "x"
    with pytest.raises(PermissionDenied):
        services.record_save(user=personas.ministry, record=est, expected_version=1)


def test_a_service_validates_before_it_writes(personas, records, today):
    with pytest.raises(ValidationError) as caught:
        services.inspection_record(
            user=personas.hn_officer,
            establishment=records.establishment["BD"],
            inspected_on=today + datetime.timedelta(days=1),
            team="police",
            outcome="no_violation",
        )
    assert "inspected_on" in caught.value.message_dict


def test_an_inspection_is_recorded_through_its_service(personas, records):
    inspection = services.inspection_record(
        user=personas.commune_officer,
        establishment=records.establishment["BD"],
        inspected_on=datetime.date(2024, 7, 1),
        team="interagency",
        outcome="violation",
        violations="Không có sổ lưu trú",
        fine_vnd=3_000_000,
    )
    assert inspection.pk and inspection.fine_vnd == 3_000_000


def test_an_inspection_of_another_area_is_refused_by_its_service(personas, records):
    with pytest.raises(services.OutOfScope):
        services.inspection_record(
            user=personas.commune_officer,
            establishment=records.establishment["HK"],
            inspected_on=datetime.date(2024, 7, 1),
            team="police",
            outcome="no_violation",
        )
    assert not Inspection.objects.filter(inspected_on="2024-07-01").exists()


def bulk_save(user, model, *, new=(), changed=(), fields=()):
    services.records_save_bulk(
        user=user,
        model=model,
        new=list(new),
        changed=list(changed),
        fields=list(fields),
        change_reason="test",
    )


@pytest.mark.parametrize("history_by_copy", [True, False])
def test_a_bulk_write_that_would_leave_the_officers_area_is_undone_whole(
    personas, records, monkeypatch, history_by_copy
):
    # Both ways of writing the history rows re-check the area: the copy itself, or a count.
    monkeypatch.setattr(services, "_history_by_copy", lambda model: history_by_copy)
    bd, hk = records.establishment["BD"], records.establishment["HK"]
    new = Inspection(
        establishment=bd, inspected_on=datetime.date(2024, 7, 1), team="police", outcome="violation"
    )
    moved = Inspection.objects.get(pk=records.inspection["BD"].pk)
    # Hoàn Kiếm is in Hà Nội, but not the Ba Đình officer's commune.
    moved.establishment, moved.inspected_on = hk, datetime.date(2024, 7, 2)
    before = Inspection.history.count()
    with pytest.raises(services.OutOfScope), transaction.atomic():
        bulk_save(
            personas.commune_officer,
            Inspection,
            new=[new],
            changed=[moved],
            fields=["establishment", "inspected_on"],
        )
    moved.refresh_from_db()
    assert (moved.establishment, moved.version) == (bd, 1)
    assert not Inspection.objects.filter(inspected_on=datetime.date(2024, 7, 1)).exists()
    assert Inspection.history.count() == before


def test_ministry_staff_cannot_write_in_bulk(personas, world):
    new = Establishment(code="NEW-1", name="Mới", line="karaoke", commune=world.ba_dinh)
    with pytest.raises(PermissionDenied):
        bulk_save(personas.ministry, Establishment, new=[new])
    assert not Establishment.objects.filter(code="NEW-1").exists()


def test_the_server_operators_bulk_write_may_write_in_any_area(personas, world):
    # The command line without --user: the same writes, by no account.
    from localities.permissions import SERVER_OPERATOR

    new = Establishment(code="NEW-1", name="Mới", line="karaoke", commune=world.sai_gon)
    bulk_save(SERVER_OPERATOR, Establishment, new=[new])
    created = Establishment.objects.get(code="NEW-1")
    assert (created.province, created.version) == (world.hcm, 1)
    row = created.history.get()
    assert (row.history_type, row.history_user, row.history_change_reason) == ("+", None, "test")


def test_recording_the_stages_one_by_one_handles_the_report(personas, records):
    report = records.report["BD"]  # received 01/02/2024, due 21/02/2024
    user = personas.commune_officer
    for version, (stage, day) in enumerate(
        [("verified_on", 3), ("classified_on", 5), ("handled_on", 20)], start=1
    ):
        services.report_record_stage(
            user=user,
            report=report,
            stage=stage,
            on=datetime.date(2024, 2, day),
            outcome="case_opened" if stage == "handled_on" else "",
            expected_version=version,
        )
    report.refresh_from_db()
    assert report.status() == "handled_on_time"  # handled 20/02, a day before the deadline
    assert report.version == 4


def test_a_stage_cannot_be_recorded_twice(personas, records):
    report = records.report["BD"]
    report.verified_on = datetime.date(2024, 2, 3)
    report.save()
    with pytest.raises(ValidationError):
        services.report_record_stage(
            user=personas.hn_officer,
            report=report,
            stage="verified_on",
            on=datetime.date(2024, 2, 4),
            expected_version=report.version,
        )


def test_the_identity_services_refuse_roles_without_the_right(personas, records):
    for user in (personas.ministry, personas.admin, personas.outsider):
        with pytest.raises(PermissionDenied):
            services.reporter_identity_view(user=user, report=records.report["BD"])
    with pytest.raises(PermissionDenied):
        services.reporter_identity_view(user=personas.hcm_officer, report=records.report["BD"])
    refused = IdentityAccess.objects.values_list("action", flat=True)
    assert list(refused) == ["refused"] * 4


# --- the admin ----------------------------------------------------------------------------------

REGISTERED = [
    Establishment,
    Inspection,
    Report,
    Case,
    Locality,
    LocalityConversion,
    ReportKind,
    Assignment,
    IdentityAccess,
]


@pytest.mark.parametrize("model", REGISTERED)
def test_every_model_but_the_identity_is_in_the_admin(model):
    assert model in admin.site._registry


@pytest.fixture
def staff_officer(world, client):
    """A provincial officer of Hà Nội who is also staff, so the admin lets them in."""
    user = make_user("hn_staff", Role.PROVINCIAL_OFFICER, world.hn, is_staff=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("model", "mine", "theirs"),
    [
        ("establishment", "EST-BD", "EST-SG"),
        ("report", "REP-HN", "REP-SG"),
        ("case", "CASE-HK", "CASE-HCM"),
    ],
)
def test_the_admin_lists_only_the_officers_area(
    client, records, staff_officer, model, mine, theirs
):
    html = client.get(reverse(f"admin:localities_{model}_changelist")).content.decode()
    assert mine in html
    assert theirs not in html


def test_the_admin_answers_404_for_another_areas_record_and_its_history(
    client, records, staff_officer
):
    other = records.establishment["SG"]
    for name in ("change", "history"):
        response = client.get(reverse(f"admin:localities_establishment_{name}", args=[other.pk]))
        assert response.status_code in (302, 404)
        assert "EST-SG" not in response.content.decode()
    own = records.establishment["BD"]
    history = client.get(reverse("admin:localities_establishment_history", args=[own.pk]))
    assert history.status_code == 200


def test_the_admin_offers_only_the_officers_communes(client, records, staff_officer, world):
    response = client.get(reverse("admin:localities_establishment_add"))
    field = response.context["adminform"].form.fields["commune"]
    assert set(field.queryset) == {world.ba_dinh, world.hoan_kiem}


def test_an_administrator_sees_every_record_in_the_admin(client, personas, records):
    client.force_login(personas.admin)
    html = client.get(reverse("admin:localities_establishment_changelist")).content.decode()
    assert "EST-BD" in html and "EST-SG" in html
    assert client.get(reverse("admin:localities_assignment_changelist")).status_code == 200


def test_ministry_staff_only_read_in_the_admin(client, personas, records):
    personas.ministry.is_staff = True
    personas.ministry.save()
    client.force_login(personas.ministry)
    est = records.establishment["BD"]
    assert client.get(reverse("admin:localities_establishment_changelist")).status_code == 200
    assert client.get(reverse("admin:localities_establishment_add")).status_code == 403
    response = client.post(
        reverse("admin:localities_establishment_change", args=[est.pk]),
        {"code": est.code, "name": "Đổi", "line": est.line, "commune": est.commune_id},
    )
    assert response.status_code == 403
    est.refresh_from_db()
    assert est.name == "Khách sạn EST-BD"
    assert client.get(reverse("admin:localities_assignment_changelist")).status_code == 403


def test_an_admin_edit_goes_through_the_service_and_bumps_the_version(
    client, records, staff_officer
):
    est = records.establishment["BD"]
    response = client.post(
        reverse("admin:localities_establishment_change", args=[est.pk]),
        {
            "code": est.code,
            "name": "Đổi trong admin",
            "line": est.line,
            "commune": est.commune_id,
            "address": est.address,
            "opened_on": "15/01/2020",
            "in_scope": "on",
            "loaded_version": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    est.refresh_from_db()
    assert (est.name, est.version) == ("Đổi trong admin", 2)


def test_a_report_added_in_the_admin_gets_its_province_and_deadline_as_anywhere(
    client, records, staff_officer, world
):
    response = client.post(
        reverse("admin:localities_report_add"),
        {
            "reference": "REP-ADMIN",
            "kind": "crime_denunciation",
            "locality": world.ba_dinh.pk,
            "received_on": "01/03/2024",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    report = Report.objects.get(reference="REP-ADMIN")
    # 20 days from receipt, the kind's base limit.
    assert (report.province, report.deadline, report.version) == (
        world.hn,
        datetime.date(2024, 3, 21),
        1,
    )


def admin_form_data(response):
    """What the browser would post back from an admin change form, the hidden version too."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif hasattr(value, "year"):
            data[name] = field.widget.format_value(value)
        else:
            data[name] = value
    return data


def test_the_admin_refuses_the_second_of_two_concurrent_edits(client, records, staff_officer):
    est = records.establishment["BD"]
    url = reverse("admin:localities_establishment_change", args=[est.pk])
    other = Client()
    other.force_login(make_user("hn_staff_2", Role.PROVINCIAL_OFFICER, est.province, is_staff=True))
    for each in (client, other):
        each.cookies["django_language"] = "en"

    first, second = admin_form_data(client.get(url)), admin_form_data(other.get(url))
    assert first["loaded_version"] == second["loaded_version"] == 1

    response = client.post(url, {**first, "name": "Tên của người thứ nhất"})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = other.post(url, {**second, "name": "Tên của người thứ hai"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this record" in html
    assert "Tên của người thứ hai" in html  # their input is still on the screen
    est.refresh_from_db()
    assert (est.name, est.version) == ("Tên của người thứ nhất", 2)
    assert est.history.count() == 2  # created, then the first edit: nothing of the second's


def test_an_admin_change_posted_without_its_version_is_refused(client, records, staff_officer):
    est = records.establishment["BD"]
    url = reverse("admin:localities_establishment_change", args=[est.pk])
    data = admin_form_data(client.get(url))
    del data["loaded_version"]
    response = client.post(url, {**data, "name": "Không có phiên bản"})
    assert response.status_code == 200
    est.refresh_from_db()
    assert (est.name, est.version) == ("Khách sạn EST-BD", 1)


def test_a_change_saved_between_the_admin_forms_check_and_its_write_is_undone(
    client, records, staff_officer, monkeypatch
):
    from localities.admin import VersionedAdminForm

    client.cookies["django_language"] = "en"
    est = records.establishment["BD"]
    url = reverse("admin:localities_establishment_change", args=[est.pk])
    data = admin_form_data(client.get(url))
    checked = VersionedAdminForm.clean

    def someone_saves_meanwhile(form):
        cleaned_data = checked(form)
        Establishment.objects.filter(pk=est.pk).update(version=5)
        return cleaned_data

    monkeypatch.setattr(VersionedAdminForm, "clean", someone_saves_meanwhile)
    response = client.post(url, {**data, "name": "Trong lúc đó"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Someone else saved this record" in response.content.decode()
    est.refresh_from_db()
    assert est.name == "Khách sạn EST-BD"
