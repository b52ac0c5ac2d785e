"""Every list, page, edit and create URL against every persona (plan-rules §8): own rows
visible, others' absent from lists and 404 on their pages; ministry staff read-only; a user
with no assignment sees nothing."""

import pytest
from django.urls import reverse

from localities.models import Establishment, Report
from tests.localities.conftest import (
    COMMUNE_TAGS,
    IDENTITY_READERS,
    PROVINCE_TAGS,
    VISIBLE,
    WRITERS,
)

PERSONAS = list(VISIBLE)
ALL_TAGS = [*COMMUNE_TAGS, *PROVINCE_TAGS]
# model -> (list URL, tags that have such a record, how the record shows in a list)
LISTS = {
    "establishment": ("establishment_list", list(COMMUNE_TAGS), "EST-{}"),
    "inspection": ("inspection_list", list(COMMUNE_TAGS), "EST-{}"),
    "report": ("report_list", ALL_TAGS, "REP-{}"),
    "case": ("case_list", ALL_TAGS, "CASE-{}"),
}
PAGES = [
    (model, tag, suffix)
    for model, (_url, tags, _shown) in LISTS.items()
    for tag in tags
    for suffix in ("detail", "edit")
]
PAGES += [("report", tag, "stage") for tag in ALL_TAGS]
CREATES = ["establishment_create", "inspection_create", "report_create", "case_create"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("model", list(LISTS))
def test_a_list_shows_the_personas_own_rows_and_no_others(client, login, records, persona, model):
    login(persona)
    url_name, tags, shown = LISTS[model]
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    for tag in tags:
        if tag in VISIBLE[persona]:
            assert shown.format(tag) in html, f"{persona} should see {tag} in {url_name}"
        else:
            assert shown.format(tag) not in html, f"{persona} must not see {tag} in {url_name}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("model", "tag", "suffix"), PAGES)
def test_a_record_page_answers_only_inside_the_personas_area(
    client, login, records, persona, model, tag, suffix
):
    login(persona)
    record = records.of(model)[tag]
    response = client.get(reverse(f"{model}_{suffix}", args=[record.pk]))
    if tag not in VISIBLE[persona]:
        expected = 404
    elif suffix == "detail":
        expected = 200
    elif persona not in WRITERS:
        expected = 403
    elif suffix == "stage":
        expected = 200  # REP-* have only their receipt: the next stage is to be recorded
    else:
        expected = 200
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", CREATES)
def test_only_officers_and_administrators_may_open_a_create_form(
    client, login, records, persona, url_name
):
    login(persona)
    response = client.get(reverse(url_name))
    assert response.status_code == (200 if persona in WRITERS else 403)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("tag", ALL_TAGS)
def test_the_reporters_identity_page_is_only_for_officers_of_the_reports_area(
    client, login, records, persona, tag
):
    login(persona)
    response = client.get(reverse("report_identity", args=[records.report[tag].pk]))
    if tag not in VISIBLE[persona]:
        assert response.status_code == 404
    elif persona in IDENTITY_READERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_an_unauthenticated_visitor_is_sent_to_the_login_page(client, records):
    for url in [
        reverse("establishment_list"),
        reverse("report_detail", args=[records.report["BD"].pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["ministry", "outsider"])
def test_read_only_users_see_no_create_or_edit_buttons(client, login, records, persona):
    login(persona)
    html = client.get(reverse("establishment_list")).content.decode()
    assert reverse("establishment_create") not in html
    if persona == "ministry":
        page = client.get(reverse("establishment_detail", args=[records.establishment["BD"].pk]))
        html = page.content.decode()
        assert reverse("establishment_edit", args=[records.establishment["BD"].pk]) not in html
        assert reverse("inspection_create") not in html
        report = client.get(reverse("report_detail", args=[records.report["BD"].pk]))
        assert (
            reverse("report_stage", args=[records.report["BD"].pk]) not in report.content.decode()
        )


def test_ministry_staff_cannot_post_an_edit(client, login, records):
    login("ministry")
    est = records.establishment["BD"]
    response = client.post(
        reverse("establishment_edit", args=[est.pk]),
        {"code": est.code, "name": "Changed", "line": est.line, "commune": est.commune_id},
    )
    assert response.status_code == 403
    est.refresh_from_db()
    assert est.name == "Khách sạn EST-BD"


def test_an_officer_cannot_post_an_edit_of_another_provinces_record(client, login, records):
    login("hcm_officer")
    est = records.establishment["BD"]
    response = client.post(
        reverse("establishment_edit", args=[est.pk]),
        {"code": est.code, "name": "Changed", "line": est.line, "commune": est.commune_id},
    )
    assert response.status_code == 404
    est.refresh_from_db()
    assert est.name == "Khách sạn EST-BD"


def test_an_officer_cannot_create_a_record_in_another_province(client, login, records, world):
    login("hcm_officer")
    response = client.post(
        reverse("establishment_create"),
        {"code": "EST-NEW", "name": "Mới", "line": "karaoke", "commune": world.ba_dinh.pk},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "commune" in response.context["form"].errors
    assert not Establishment.objects.filter(code="EST-NEW").exists()


def test_a_commune_officer_is_offered_only_their_commune(client, login, records, world):
    login("commune_officer")
    form = client.get(reverse("establishment_create")).context["form"]
    assert list(form.fields["commune"].queryset) == [world.ba_dinh]
    report_form = client.get(reverse("report_create")).context["form"]
    assert list(report_form.fields["locality"].queryset) == [world.ba_dinh]


def test_a_provincial_officer_is_offered_their_province_and_its_communes(
    client, login, records, world
):
    login("hn_officer")
    form = client.get(reverse("establishment_create")).context["form"]
    assert set(form.fields["commune"].queryset) == {world.ba_dinh, world.hoan_kiem}
    report_form = client.get(reverse("report_create")).context["form"]
    # A report may be placed at the province itself.
    assert set(report_form.fields["locality"].queryset) == {
        world.hn,
        world.ba_dinh,
        world.hoan_kiem,
    }


@pytest.mark.parametrize("url_name", ["establishment_list", "inspection_list"])
def test_a_filter_naming_another_provinces_commune_shows_nothing(
    client, login, records, world, url_name
):
    login("hn_officer")
    response = client.get(reverse(url_name), {"commune": world.sai_gon.pk})
    html = response.content.decode()
    assert "EST-SG" not in html
    assert "EST-BD" not in html  # an invalid filter shows nothing rather than everything


def test_the_filter_drop_downs_offer_only_the_users_area(client, login, records, world):
    login("hn_officer")
    response = client.get(reverse("report_list"))
    field = response.context["filter"].form.fields["locality"]
    assert set(field.queryset) == {world.hn, world.ba_dinh, world.hoan_kiem}
    assert "province" not in response.context["filter"].form.fields


def test_an_inspection_cannot_be_prefilled_with_another_areas_establishment(client, login, records):
    login("commune_officer")
    url = reverse("inspection_create") + f"?establishment={records.establishment['HK'].pk}"
    assert client.get(url).status_code == 404


def test_an_inspection_of_another_areas_establishment_is_refused(client, login, records):
    login("commune_officer")
    response = client.post(
        reverse("inspection_create"),
        {
            "establishment": "EST-HK",
            "inspected_on": "01/06/2024",
            "team": "police",
            "outcome": "no_violation",
            "fine_vnd": "0",
        },
    )
    assert "establishment" in response.context["form"].errors
    assert not records.establishment["HK"].inspections.filter(inspected_on="2024-06-01").exists()


def test_a_case_cannot_point_to_another_areas_report(client, login, records, world):
    login("hcm_officer")
    response = client.post(
        reverse("case_create"),
        {
            "reference": "CASE-NEW",
            "locality": world.sai_gon.pk,
            "article": "327",
            "opened_on": "01/06/2024",
            "report": "REP-BD",
        },
    )
    assert "report" in response.context["form"].errors
    assert not Report.objects.get(reference="REP-BD").cases.exists()
