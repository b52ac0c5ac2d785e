"""A locality given by its code in a form: new codes as they are, old codes (2004:xxxxx)
converted through the official table and kept on the record as given.

The world: old Phúc Xá (2004:00001) went whole into Ba Đình (00004); old Trúc Bạch
(2004:00004) was split between Ba Đình (00004) and Hoàn Kiếm (00070); old Hà Nội (2004:01)
went whole into the new Hà Nội (01)."""

import pytest
from django.urls import reverse

from localities.models import Case, Establishment, Report


@pytest.fixture
def officer(client, login, records):
    login("hn_officer")
    client.cookies["django_language"] = "en"
    return records


def register(client, code, commune=""):
    return client.post(
        reverse("establishment_create"),
        {
            "code": "EST-CODE",
            "name": "Nhà nghỉ Mã Cũ",
            "line": "accommodation",
            "commune": commune,
            "locality_code": code,
            "in_scope": "on",
        },
    )


def test_a_new_commune_code_places_the_record_there(client, officer, world):
    register(client, "00070")
    est = Establishment.objects.get(code="EST-CODE")
    assert est.commune == world.hoan_kiem
    assert est.locality_code_given == ""  # a current code needs no note


def test_an_old_commune_merged_whole_is_converted_and_kept_as_given(client, officer, world):
    response = register(client, "2004:00001")
    assert response.status_code == 302
    est = Establishment.objects.get(code="EST-CODE")
    assert est.commune == world.ba_dinh
    assert est.province == world.hn
    assert est.locality_code_given == "2004:00001"


def test_spaces_around_an_old_code_are_ignored(client, officer, world):
    register(client, " 2004: 00001 ")
    assert Establishment.objects.get(code="EST-CODE").commune == world.ba_dinh


def test_a_split_old_commune_asks_which_new_commune_naming_the_candidates(client, officer):
    response = register(client, "2004:00004")
    form = response.context["form"]
    message = " ".join(form.errors["locality_code"])
    assert "was split across several communes" in message
    assert "00004 Phường Ba Đình" in message
    assert "00070 Phường Hoàn Kiếm" in message
    assert "commune" in form.errors  # the list is where to answer
    assert not Establishment.objects.filter(code="EST-CODE").exists()


def test_a_split_old_commune_is_placed_in_the_chosen_new_commune(client, officer, world):
    register(client, "2004:00004", commune=world.hoan_kiem.pk)
    est = Establishment.objects.get(code="EST-CODE")
    assert est.commune == world.hoan_kiem
    assert est.locality_code_given == "2004:00004"


def test_a_code_that_contradicts_the_chosen_commune_is_refused(client, officer, world):
    # 2004:00001 became Ba Đình; Hoàn Kiếm is chosen in the list.
    response = register(client, "2004:00001", commune=world.hoan_kiem.pk)
    message = " ".join(response.context["form"].errors["locality_code"])
    assert "stands for Phường Ba Đình (00004)" in message
    assert not Establishment.objects.filter(code="EST-CODE").exists()


def test_an_unknown_code_says_so(client, officer):
    response = register(client, "2004:99999")
    message = " ".join(response.context["form"].errors["locality_code"])
    assert "No locality has the code 99999 in the 2004 scheme" in message


def test_text_that_is_no_code_says_how_to_write_one(client, officer):
    response = register(client, "Ba Dinh")
    message = " ".join(response.context["form"].errors["locality_code"])
    assert "is not a locality code" in message


def test_an_old_province_becomes_its_successor_where_a_province_is_allowed(
    client, officer, world, kinds
):
    response = client.post(
        reverse("report_create"),
        {
            "reference": "REP-CODE",
            "kind": "denunciation",
            "locality_code": "2004:01",
            "received_on": "01/03/2024",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get(reference="REP-CODE")
    assert report.locality == world.hn
    assert report.locality_code_given == "2004:01"


def test_an_old_province_is_refused_where_a_commune_is_needed(client, officer):
    response = register(client, "2004:01")
    message = " ".join(response.context["form"].errors["locality_code"])
    assert "is a province: give the code of one of its communes" in message


def test_a_code_outside_the_officers_area_is_refused(client, login, records, world):
    login("commune_officer")
    client.cookies["django_language"] = "en"
    response = register(client, "00070")  # Hoàn Kiếm, not Ba Đình
    message = " ".join(response.context["form"].errors["locality_code"])
    assert "is outside your area" in message
    assert not Establishment.objects.filter(code="EST-CODE").exists()


def test_neither_list_nor_code_asks_for_one_of_them(client, officer):
    response = register(client, "")
    assert "Choose the locality in the list, or give its code" in " ".join(
        response.context["form"].errors["commune"]
    )


def test_a_case_keeps_the_old_code_as_given_through_an_edit(client, officer, world):
    client.post(
        reverse("case_create"),
        {
            "reference": "CASE-CODE",
            "locality_code": "2004:00001",
            "article": "328",
            "opened_on": "01/03/2024",
        },
    )
    case = Case.objects.get(reference="CASE-CODE")
    assert (case.locality, case.locality_code_given) == (world.ba_dinh, "2004:00001")
    form = client.get(reverse("case_edit", args=[case.pk])).context["form"]
    assert form["locality_code"].value() == "2004:00001"
