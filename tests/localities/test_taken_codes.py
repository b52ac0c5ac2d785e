"""A registry code or reference another record already has is answered the same way wherever
that record is: an officer of Hà Nội who types the code of a record of TP Hồ Chí Minh gets the
message a code taken in Hà Nội gets, and nothing that tells where the other record is."""

import re

import pytest
from django.urls import reverse

from exchange.imports import import_file
from localities.models import Case, Establishment, Report
from tests.exchange.helpers import csv_bytes

pytestmark = pytest.mark.django_db

# kind -> (the create page, the form's data, the key field, the message's start, the model)
FORMS = {
    "establishments": (
        "establishment_create",
        {"name": "Karaoke Mới", "line": "karaoke", "opened_on": "10/01/2022", "in_scope": "on"},
        "code",
        "Another establishment already has this registry code",
        Establishment,
    ),
    "reports": (
        "report_create",
        {"kind": "denunciation", "received_on": "01/03/2024"},
        "reference",
        "Another report already has this reference",
        Report,
    ),
    "cases": (
        "case_create",
        {"article": "328", "opened_on": "01/03/2024"},
        "reference",
        "Another case already has this reference",
        Case,
    ),
}
KEYS = {"establishments": "EST-{}", "reports": "REP-{}", "cases": "CASE-{}"}
# What the Sài Gòn records and their place would show if the answer gave them away.
HINTS = ["SG", "Sài Gòn", "26734", "Hồ Chí Minh", "outside", "area"]


def import_rows(kind, key):
    return {
        "establishments": [key, "Karaoke Mới", "karaoke", "00004", "", "", "10/01/2022", "", ""],
        "reports": [key, "denunciation", "00004", "01/03/2024", "", "", "", "", "", ""],
        "cases": [key, "00004", "328", "01/03/2024", "", ""],
    }[kind]


@pytest.fixture
def hn(client, login, records):
    login("hn_officer")
    client.cookies["django_language"] = "en"
    return records


def post(client, world, kind, key):
    page, data, key_field, _, _ = FORMS[kind]
    place = "commune" if kind == "establishments" else "locality"
    response = client.post(reverse(page), {**data, key_field: key, place: world.ba_dinh.pk})
    assert response.status_code == 200
    return response


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize("kind", list(FORMS))
def test_a_form_answers_a_key_taken_elsewhere_as_one_taken_in_the_officers_area(
    client, hn, world, kind
):
    _, _, key_field, message, model = FORMS[kind]
    here = post(client, world, kind, KEYS[kind].format("BD"))
    elsewhere = post(client, world, kind, KEYS[kind].format("SG"))
    errors = elsewhere.context["form"].errors
    assert errors == here.context["form"].errors
    assert list(errors) == [key_field] and errors[key_field][0].startswith(message)
    # The whole page is the same but for the key typed in.
    html = without_tokens(elsewhere.content.decode())
    assert html.replace(KEYS[kind].format("SG"), KEYS[kind].format("BD")) == without_tokens(
        here.content.decode()
    )
    for hint in HINTS:
        assert hint not in errors[key_field][0], hint
    assert not model.objects.filter(**{key_field: KEYS[kind].format("SG")}).exclude(
        **{"commune" if kind == "establishments" else "locality": world.sai_gon}
    )


@pytest.mark.parametrize("kind", list(FORMS))
def test_an_import_answers_a_key_taken_elsewhere_with_the_forms_message(
    client, hn, world, kind, personas, tmp_path
):
    key = KEYS[kind].format("SG")
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(csv_bytes(kind, [import_rows(kind, key)]))
    result = import_file(kind, path, user=personas.hn_officer, commit=True)
    assert [(e.line, e.column) for e in result.errors] == [(2, FORMS[kind][2])]
    message = result.errors[0].message
    # The form's own message for a key taken in Hà Nội.
    in_area = post(client, world, kind, KEYS[kind].format("BD"))
    assert message == in_area.context["form"].errors[FORMS[kind][2]][0]
    for hint in [*HINTS, key]:
        assert hint not in message, hint
    model = FORMS[kind][4]
    assert model.objects.get(**{FORMS[kind][2]: key}).pk == getattr(hn, kind[:-1])["SG"].pk
