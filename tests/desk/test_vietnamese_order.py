"""Names sort in the Vietnamese alphabet's order (Đ after D, Ô after O, both before Y) on
SQLite and PostgreSQL alike: in the database's ordering, in a sorted list and in the drop-down
of communes."""

import pytest
from django.urls import reverse

from localities.collation import sort_key
from localities.models import Locality
from localities.querysets import by_name
from tests.conftest import make_locality
from tests.localities.conftest import make_establishment

# Written down from the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u
# ư v x y): D before Đ, O before Ô before Ơ; "Ý Yên" before "Yên Bái" as the space after the
# first Y comes before the Ê (letters are compared before tones).
ORDERED = [
    "An Giang",
    "Ân Thi",
    "Bắc Ninh",
    "Dương Kinh",
    "Đà Nẵng",
    "Điện Biên",
    "Ong Thôn",
    "Ô Môn",
    "Ơn Lạc",
    "Ý Yên",
    "Yên Bái",
]
SHUFFLED = [ORDERED[i] for i in (10, 5, 0, 8, 3, 9, 1, 7, 4, 2, 6)]


def test_the_python_key_orders_the_alphabet():
    assert sorted(SHUFFLED, key=sort_key) == ORDERED


def test_tones_only_break_ties_between_the_same_letters():
    assert sorted(["Bá", "Bà", "Ba", "Bạ", "Bả", "Bã"], key=sort_key) == [
        "Ba",
        "Bà",
        "Bả",
        "Bã",
        "Bá",
        "Bạ",
    ]


@pytest.fixture
def provinces(db):
    return [make_locality("2025", f"{80 + i}", name, "province") for i, name in enumerate(SHUFFLED)]


def test_the_database_orders_names_by_the_alphabet(provinces):
    names = Locality.objects.filter(code__gte="80").order_by(by_name()).values_list("name")
    assert [name for (name,) in names] == ORDERED


def test_descending_is_the_reverse(provinces):
    names = Locality.objects.filter(code__gte="80").order_by(by_name(descending=True))
    assert [p.name for p in names] == ORDERED[::-1]


def test_the_establishment_list_sorted_by_name(client, personas, world):
    for i, name in enumerate(SHUFFLED):
        make_establishment(world.ba_dinh, f"EST-{i}", name=name)
    client.force_login(personas.hn_officer)
    response = client.get(reverse("establishment_list"), {"sort": "name"})
    assert [row.record.name for row in response.context["table"].paginated_rows] == ORDERED
    response = client.get(reverse("establishment_list"), {"sort": "-name"})
    assert [row.record.name for row in response.context["table"].paginated_rows] == ORDERED[::-1]


def test_the_commune_drop_down_follows_the_alphabet(client, personas, world):
    for i, name in enumerate(SHUFFLED):
        make_locality("2025", f"0{1000 + i}", name, "commune", world.hn)
    client.force_login(personas.hn_officer)
    response = client.get(reverse("establishment_list"))
    field = response.context["filter"].form.fields["commune"]
    names = [place.name for place in field.queryset if place.name in ORDERED]
    assert names == ORDERED


def test_the_dashboards_table_and_charts_sort_names_by_the_same_rule():
    from plan_tracker.dashboards.html_table import sort_text

    assert sorted(SHUFFLED, key=sort_text) == ORDERED
