"""The establishment form suggests a registry code: CS-, the commune's code, a hyphen and a number
one past the commune's highest; a commune officer finds it filled in with the commune, others
get it by leaving the code empty. A code already taken is refused as before."""

import re

import pytest
from django.urls import reverse

from localities.models import Establishment

pytestmark = pytest.mark.django_db

FORMAT = re.compile(r"^CS-\d{5}-\d{4,}$")
URL = reverse("establishment_create")
DATA = {"name": "Karaoke Mới", "line": "karaoke", "opened_on": "10/01/2022", "in_scope": "on"}


def make(code, commune):
    return Establishment.objects.create(code=code, name=code, line="karaoke", commune=commune)


def test_the_first_code_of_a_commune_is_number_one(world):
    assert Establishment.next_free_code(world.ba_dinh) == "CS-00004-0001"


def test_the_suggested_code_is_free_and_in_the_format(world):
    make("CS-00004-0001", world.ba_dinh)
    make("CS-00004-0007", world.ba_dinh)
    make("CS-00004-X9", world.ba_dinh)  # not a number: not counted
    make("CS-00070-0031", world.hoan_kiem)  # another commune's numbers are its own
    # One past the highest of Ba Đình's: 7 + 1.
    suggested = Establishment.next_free_code(world.ba_dinh)
    assert suggested == "CS-00004-0008"
    assert FORMAT.match(suggested)
    assert not Establishment.objects.filter(code=suggested).exists()


def test_a_code_of_the_commune_moved_elsewhere_is_still_taken(world):
    # Codes are unique nationwide: one made in Ba Đình and since moved still counts.
    make("CS-00004-0003", world.hoan_kiem)
    assert Establishment.next_free_code(world.ba_dinh) == "CS-00004-0004"


def test_a_commune_officer_finds_the_commune_and_the_code_filled_in(client, personas, world):
    make("CS-00004-0002", world.ba_dinh)
    client.force_login(personas.commune_officer)
    form = client.get(URL).context["form"]
    assert form["commune"].value() == world.ba_dinh.pk
    assert form["code"].value() == "CS-00004-0003"
    # The help text states the format with an example, in either language.
    assert "CS-00004-0001" in str(form.fields["code"].help_text)


def test_a_code_left_empty_becomes_the_next_free_one(client, personas, world):
    make("CS-00070-0001", world.hoan_kiem)
    client.force_login(personas.hn_officer)
    response = client.post(URL, {**DATA, "code": "", "commune": world.hoan_kiem.pk})
    assert response.status_code == 302
    created = Establishment.objects.get(name="Karaoke Mới")
    assert created.code == "CS-00070-0002"


def test_a_taken_code_is_still_refused(client, personas, world):
    make("CS-00070-0001", world.hoan_kiem)
    client.force_login(personas.hn_officer)
    response = client.post(URL, {**DATA, "code": "CS-00070-0001", "commune": world.hoan_kiem.pk})
    assert response.status_code == 200
    # The unique refusal of the model, with the form's message for it (as before).
    (error,) = response.context["form"].errors.as_data()["code"]
    assert error.code == "unique"
    assert not Establishment.objects.filter(name="Karaoke Mới").exists()


def test_an_edit_keeps_the_code_required(client, personas, world):
    est = make("CS-00070-0001", world.hoan_kiem)
    client.force_login(personas.hn_officer)
    response = client.post(
        reverse("establishment_edit", args=[est.pk]),
        {**DATA, "code": "", "commune": world.hoan_kiem.pk, "version": est.version},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    est.refresh_from_db()
    assert est.code == "CS-00070-0001"
