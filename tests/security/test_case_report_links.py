"""A case is linked only to a report of its own province, and a report outside the viewer's
area is named nowhere: not on the case's page, its list, its form, the admin, an export or the
API."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse

from exchange.exports import raw
from exchange.imports import import_file
from exchange.kinds import KINDS
from exchange.models import ApiToken, ExportLog
from localities.models import Case
from tests.conftest import make_user
from tests.exchange.helpers import csv_bytes, report, write

pytestmark = pytest.mark.django_db

HCM_REFERENCE = "HCM-SECRET-REPORT"


@pytest.fixture
def links(world, kinds, personas):
    """A Hà Nội case (Ba Đình) linked, as old data may be, to a Hồ Chí Minh City report; a Hà Nội
    report of Hoàn Kiếm; a Ba Đình case linked to it (same province, another commune)."""
    hcm_report = report(HCM_REFERENCE, world.sai_gon, kinds["crime_denunciation"])
    hk_report = report("HN-HK-REPORT", world.hoan_kiem, kinds["crime_denunciation"])
    crossed = Case(
        reference="HN-CASE-CROSSED",
        locality=world.ba_dinh,
        article="327",
        opened_on=datetime.date(2024, 6, 1),
    )
    crossed.save()
    # Written past the rule, as links made before it were.
    Case.objects.filter(pk=crossed.pk).update(report=hcm_report)
    kept = Case(
        reference="HN-CASE-KEPT",
        locality=world.ba_dinh,
        article="328",
        opened_on=datetime.date(2024, 6, 1),
        report=hk_report,
    )
    kept.save()
    return type(
        "Links",
        (),
        {"hcm_report": hcm_report, "hk_report": hk_report, "crossed": crossed, "kept": kept},
    )


def case_data(case, **changes):
    data = {
        "reference": case.reference,
        "locality": case.locality_id,
        "article": case.article,
        "opened_on": case.opened_on.strftime("%d/%m/%Y"),
        "handled_on": "",
        "report": "",
        "summary": "",
        "version": case.version,
    }
    data.update(changes)
    return data


# Refused links -------------------------------------------------------------------------------


def test_the_case_form_refuses_a_report_of_another_province_even_to_an_administrator(
    client, personas, world, links
):
    client.force_login(personas.admin)
    response = client.post(
        reverse("case_create"),
        {
            "reference": "HN-NEW",
            "locality": world.ba_dinh.pk,
            "article": "327",
            "opened_on": "01/06/2024",
            "report": HCM_REFERENCE,
        },
    )
    assert response.status_code == 200
    assert "report" in response.context["form"].errors
    assert not Case.objects.filter(reference="HN-NEW").exists()


def test_the_case_form_accepts_a_report_of_the_same_province(client, personas, world, links):
    client.force_login(personas.hn_officer)
    response = client.post(
        reverse("case_create"),
        {
            "reference": "HN-NEW",
            "locality": world.ba_dinh.pk,
            "article": "327",
            "opened_on": "01/06/2024",
            "report": "HN-HK-REPORT",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get(reference="HN-NEW").report == links.hk_report


def test_an_officer_cannot_link_a_report_of_another_province(client, personas, world, links):
    client.force_login(personas.hn_officer)
    response = client.post(
        reverse("case_create"),
        {
            "reference": "HN-NEW",
            "locality": world.ba_dinh.pk,
            "article": "327",
            "opened_on": "01/06/2024",
            "report": HCM_REFERENCE,
        },
    )
    assert response.status_code == 200
    assert "report" in response.context["form"].errors
    assert not Case.objects.filter(reference="HN-NEW").exists()


def test_an_import_refuses_a_report_of_another_province_even_nationally(
    tmp_path, personas, world, links
):
    rows = [["HN-IMPORTED", "00004", "327", "01/06/2024", "", HCM_REFERENCE]]
    path = write(tmp_path, "cases.csv", csv_bytes("cases", rows))
    result = import_file("cases", path, user=personas.admin, commit=True)
    assert result.error_count == 1
    assert [error.column for error in result.errors] == ["report_reference"]
    assert not Case.objects.filter(reference="HN-IMPORTED").exists()


def test_an_officers_import_does_not_find_another_provinces_report(
    tmp_path, personas, world, links
):
    rows = [["HN-IMPORTED", "00004", "327", "01/06/2024", "", HCM_REFERENCE]]
    path = write(tmp_path, "cases.csv", csv_bytes("cases", rows))
    result = import_file("cases", path, user=personas.hn_officer, commit=True)
    assert result.error_count == 1
    assert not Case.objects.filter(reference="HN-IMPORTED").exists()


def test_the_admin_refuses_a_report_of_another_province(client, personas, world, links):
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:localities_case_add"),
        {
            "reference": "HN-ADMIN",
            "locality": world.ba_dinh.pk,
            "article": "327",
            "opened_on": "01/06/2024",
            "report": links.hcm_report.pk,
        },
    )
    assert response.status_code == 200
    assert "report" in response.context["adminform"].form.errors
    assert not Case.objects.filter(reference="HN-ADMIN").exists()


# A report outside the viewer's area is named nowhere ----------------------------------------


def test_the_case_page_does_not_name_a_report_outside_the_viewers_area(client, personas, links):
    client.force_login(personas.hn_officer)
    page = client.get(reverse("case_detail", args=[links.crossed.pk])).content.decode()
    assert HCM_REFERENCE not in page
    assert reverse("report_detail", args=[links.hcm_report.pk]) not in page


def test_the_case_list_does_not_name_a_report_outside_the_viewers_area(client, personas, links):
    client.force_login(personas.hn_officer)
    page = client.get(reverse("case_list")).content.decode()
    assert "HN-CASE-CROSSED" in page
    assert HCM_REFERENCE not in page
    assert reverse("report_detail", args=[links.hcm_report.pk]) not in page
    # The report of the officer's own province is linked.
    assert reverse("report_detail", args=[links.hk_report.pk]) in page


def test_a_commune_officer_sees_no_report_of_another_commune_in_the_list(client, personas, links):
    client.force_login(personas.commune_officer)
    page = client.get(reverse("case_list")).content.decode()
    assert "HN-CASE-KEPT" in page
    assert "HN-HK-REPORT" not in page


def test_an_administrator_sees_every_link(client, personas, links):
    client.force_login(personas.admin)
    page = client.get(reverse("case_list")).content.decode()
    assert HCM_REFERENCE in page and "HN-HK-REPORT" in page


def export_rows(user):
    kind = KINDS["cases"]
    queryset, _filterset = raw.filtered_records(kind, user=user, data={})
    log = ExportLog.objects.create(user=user, what="cases", file_format="csv")
    text = "".join(raw.stream_csv(kind, raw.raw_rows(kind, queryset), log))
    import csv

    return {row["reference"]: row for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}


def test_the_raw_export_names_only_the_reports_the_reader_may_see(personas, links):
    rows = export_rows(personas.hn_officer)
    assert rows["HN-CASE-CROSSED"]["report_reference"] == ""
    assert rows["HN-CASE-KEPT"]["report_reference"] == "HN-HK-REPORT"
    rows = export_rows(personas.commune_officer)
    assert rows["HN-CASE-KEPT"]["report_reference"] == ""
    rows = export_rows(personas.admin)
    assert rows["HN-CASE-CROSSED"]["report_reference"] == HCM_REFERENCE


def test_the_api_names_only_the_reports_the_caller_may_see(client, personas, links):
    _token, raw_token = ApiToken.issue(user=personas.hn_officer, name="sync")
    answer = client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    assert answer.status_code == 200
    assert HCM_REFERENCE not in answer.content.decode()
    by_reference = {row["reference"]: row for row in answer.json()["results"]}
    assert by_reference["HN-CASE-CROSSED"]["report_reference"] is None
    assert by_reference["HN-CASE-KEPT"]["report_reference"] == "HN-HK-REPORT"


# The officer can still save the case --------------------------------------------------------


def test_the_edit_form_does_not_name_the_report_and_the_case_saves(client, personas, links):
    client.force_login(personas.hn_officer)
    url = reverse("case_edit", args=[links.crossed.pk])
    page = client.get(url)
    assert HCM_REFERENCE not in page.content.decode()
    assert page.context["form"]["report"].value() in (None, "")
    response = client.post(url, case_data(links.crossed, summary="Sửa"))
    assert response.status_code == 302, response.context["form"].errors
    links.crossed.refresh_from_db()
    # The link to another province's report could not stay: it is gone.
    assert (links.crossed.summary, links.crossed.report_id) == ("Sửa", None)


def test_a_link_the_writer_may_not_see_in_the_same_province_is_kept(client, personas, links):
    client.force_login(personas.commune_officer)
    url = reverse("case_edit", args=[links.kept.pk])
    page = client.get(url)
    assert "HN-HK-REPORT" not in page.content.decode()
    response = client.post(url, case_data(links.kept, summary="Sửa"))
    assert response.status_code == 302, response.context["form"].errors
    links.kept.refresh_from_db()
    assert (links.kept.summary, links.kept.report_id) == ("Sửa", links.hk_report.pk)


def test_the_admin_form_does_not_name_a_report_outside_the_viewers_area(world, links):
    staff = make_user("hn_staff", "commune_officer", world.ba_dinh, is_staff=True)
    client = Client()
    client.force_login(staff)
    url = reverse("admin:localities_case_change", args=[links.kept.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "HN-HK-REPORT" not in page.content.decode()
    data = case_data(links.kept, summary="Sửa trong admin", loaded_version=links.kept.version)
    del data["version"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    links.kept.refresh_from_db()
    assert (links.kept.summary, links.kept.report_id) == ("Sửa trong admin", links.hk_report.pk)
