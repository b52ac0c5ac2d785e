"""Communication and training activities: the form, the page with its history, the list and its
filters, deletion, two people editing at once, and each officer's area."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from localities.models import Activity
from tests.localities.conftest import make_activity

pytestmark = pytest.mark.django_db


def english_client(user=None):
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def activities(world):
    """Two in Ba Đình (a communication meeting in 2024, a training on social media in 2025),
    one in Hoàn Kiếm, one in Sài Gòn."""
    return {
        "BD-1": make_activity(world.ba_dinh, "ACT-BD-1"),
        "BD-2": make_activity(
            world.ba_dinh,
            "ACT-BD-2",
            held_on=datetime.date(2025, 2, 3),
            kind="training",
            form="social_media",
            audience="students",
            people_reached=40,
        ),
        "HK-1": make_activity(world.hoan_kiem, "ACT-HK-1", form="loudspeaker"),
        "SG-1": make_activity(world.sai_gon, "ACT-SG-1"),
    }


def form_post(**fields):
    data = {
        "reference": "ACT-NEW",
        "commune": "",
        "locality_code": "00004",
        "held_on": "10/05/2024",
        "kind": "communication",
        "form": "leaflet",
        "audience": "establishment_workers",
        "people_reached": "75",
        "title": "Phát tờ rơi tại các cơ sở",
        "notes": "",
    }
    data.update(fields)
    return data


def test_an_officer_records_an_activity_whose_province_follows_its_commune(personas, world):
    client = english_client(personas.hn_officer)
    response = client.post(reverse("activity_create"), form_post())
    activity = Activity.objects.get(reference="ACT-NEW")
    assert response.status_code == 302
    assert response["Location"] == activity.get_absolute_url()
    assert (activity.commune, activity.province) == (world.ba_dinh, world.hn)
    assert (activity.form, activity.audience, activity.people_reached) == (
        "leaflet",
        "establishment_workers",
        75,
    )
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "Phát tờ rơi tại các cơ sở" in page
    assert "10/05/2024" in page
    # Its history names who created it.
    assert personas.hn_officer.username in page or "created" in page


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"held_on": "01/01/2099"}, "held_on", "is in the future"),
        ({"people_reached": "-1"}, "people_reached", "cannot be negative"),
        ({"kind": "parade"}, "kind", "Select a valid choice"),
        ({"locality_code": "01"}, "locality_code", ""),
        ({"title": ""}, "title", "required"),
    ],
)
def test_the_form_refuses_what_an_activity_cannot_be(personas, fields, field, words):
    client = english_client(personas.hn_officer)
    response = client.post(reverse("activity_create"), form_post(**fields))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert not Activity.objects.exists()


def test_a_reference_is_taken_once(personas, activities):
    client = english_client(personas.hn_officer)
    response = client.post(reverse("activity_create"), form_post(reference="ACT-BD-1"))
    assert "Another activity already has this reference" in " ".join(
        response.context["form"].errors["reference"]
    )


def test_a_commune_officer_cannot_place_an_activity_in_another_commune(personas, world):
    client = english_client(personas.commune_officer)
    response = client.post(reverse("activity_create"), form_post(locality_code="00070"))
    assert response.status_code == 200
    assert "locality_code" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_the_page_shows_each_change_in_the_history(personas, activities):
    activity = activities["BD-1"]
    client = english_client(personas.hn_officer)
    url = reverse("activity_edit", args=[activity.pk])
    data = form_post(reference=activity.reference, people_reached="250", version="1")
    assert client.post(url, data).status_code == 302
    activity.refresh_from_db()
    assert (activity.people_reached, activity.version) == (250, 2)
    history = list(activity.history.order_by("history_id"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[-1].history_user == personas.hn_officer
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "100" in page and "250" in page  # people reached, from and to


def test_the_second_of_two_concurrent_edits_is_refused(personas, activities):
    activity = activities["BD-1"]
    url = reverse("activity_edit", args=[activity.pk])
    first = english_client(personas.hn_officer)
    second = english_client(personas.commune_officer)
    first_form = first.get(url).context["form"]
    second_form = second.get(url).context["form"]
    assert first_form["version"].value() == second_form["version"].value() == 1
    data = form_post(reference=activity.reference, version="1")
    assert first.post(url, {**data, "title": "Của người thứ nhất"}).status_code == 302
    response = second.post(url, {**data, "title": "Của người thứ hai"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this record while you were editing it" in html
    assert "Của người thứ hai" in html
    activity.refresh_from_db()
    assert (activity.title, activity.version) == ("Của người thứ nhất", 2)


def test_deleting_asks_first_then_keeps_the_history(personas, activities):
    activity = activities["BD-1"]
    client = english_client(personas.hn_officer)
    url = reverse("activity_delete", args=[activity.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert Activity.objects.filter(pk=activity.pk).exists()
    response = client.post(url, {"version": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("activity_list")
    assert not Activity.objects.filter(pk=activity.pk).exists()
    last = Activity.history.filter(id=activity.pk).order_by("-history_id").first()
    assert last.history_type == "-"
    assert last.history_user == personas.hn_officer


def test_a_deletion_from_a_stale_page_is_refused(personas, activities):
    activity = activities["BD-1"]
    client = english_client(personas.hn_officer)
    url = reverse("activity_delete", args=[activity.pk])
    # Someone saves the activity after the page was shown at version 1.
    other = english_client(personas.commune_officer)
    edit = reverse("activity_edit", args=[activity.pk])
    data = form_post(reference=activity.reference, version="1", title="Sửa trước")
    assert other.post(edit, data).status_code == 302
    response = client.post(url, {"version": "1"})
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()


@pytest.mark.parametrize("name", ["activity_detail", "activity_edit", "activity_delete"])
def test_another_provinces_activity_answers_404(personas, activities, name):
    foreign = activities["SG-1"]
    client = english_client(personas.hn_officer)
    url = reverse(name, args=[foreign.pk])
    assert client.get(url).status_code == 404
    if name != "activity_detail":
        assert client.post(url, {"version": "1"}).status_code == 404
    assert Activity.objects.filter(pk=foreign.pk).exists()
    # A commune officer's area is their commune: Hoàn Kiếm's activity is out of it.
    commune = english_client(personas.commune_officer)
    assert commune.get(reverse(name, args=[activities["HK-1"].pk])).status_code == 404


def test_ministry_staff_read_but_neither_edit_nor_delete(personas, activities):
    client = english_client(personas.ministry)
    activity = activities["SG-1"]
    assert client.get(activity.get_absolute_url()).status_code == 200
    assert client.get(reverse("activity_edit", args=[activity.pk])).status_code == 403
    assert (
        client.post(reverse("activity_delete", args=[activity.pk]), {"version": 1}).status_code
        == 403
    )
    assert Activity.objects.filter(pk=activity.pk).exists()


def references(response):
    return sorted(row.record.reference for row in response.context["table"].page.object_list)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["ACT-BD-1", "ACT-BD-2", "ACT-HK-1"]),
        ({"kind": "training"}, ["ACT-BD-2"]),
        ({"form": "loudspeaker"}, ["ACT-HK-1"]),
        ({"audience": "residents"}, ["ACT-BD-1", "ACT-HK-1"]),
        ({"year": "2025"}, ["ACT-BD-2"]),
        ({"year": "2024", "kind": "communication"}, ["ACT-BD-1", "ACT-HK-1"]),
        ({"q": "HK-1"}, ["ACT-HK-1"]),
    ],
)
def test_the_list_filters_an_officers_activities(personas, activities, world, query, expected):
    client = english_client(personas.hn_officer)
    assert references(client.get(reverse("activity_list"), query)) == expected


def test_the_list_filters_by_commune_and_the_nation_by_province(personas, activities, world):
    officer = english_client(personas.hn_officer)
    response = officer.get(reverse("activity_list"), {"commune": world.hoan_kiem.pk})
    assert references(response) == ["ACT-HK-1"]
    ministry = english_client(personas.ministry)
    response = ministry.get(reverse("activity_list"), {"province": world.hcm.pk})
    assert references(response) == ["ACT-SG-1"]
    # A commune officer sees their commune's alone.
    commune = english_client(personas.commune_officer)
    assert references(commune.get(reverse("activity_list"))) == ["ACT-BD-1", "ACT-BD-2"]


def test_the_list_costs_the_same_queries_with_ten_times_the_activities(
    personas, world, django_assert_num_queries
):
    client = english_client(personas.hn_officer)
    url = reverse("activity_list")

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_activity(world.ba_dinh, "ACT-0")
    few = queries()
    for n in range(1, 10):
        make_activity(world.hoan_kiem if n % 2 else world.ba_dinh, f"ACT-{n}")
    assert queries() == few
