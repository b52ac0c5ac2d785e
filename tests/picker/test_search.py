"""The establishment search behind the inspection form's picker: every word typed, tone marks
and case aside, in the code, name, address or commune; only establishments the user may record
inspections of; 20 a page; one query for the page."""

import pytest
from django.urls import reverse

from localities.models import Establishment
from localities.text import fold

pytestmark = pytest.mark.django_db

URL = reverse("establishment_search")


@pytest.fixture
def places(world):
    def make(code, name, commune, address):
        return Establishment.objects.create(
            code=code, name=name, line="karaoke", commune=commune, address=address
        )

    return type(
        "Places",
        (),
        {
            "hoa_hong": make(
                "HN-0001", "Karaoke Hoa Hồng", world.ba_dinh, "5 phố Kim Mã, Ba Đình, Hà Nội"
            ),
            "binh_an": make("HN-0002", "Nhà nghỉ Bình An", world.hoan_kiem, "12 Hàng Bạc, Hà Nội"),
            "ha_long": make("HN-0003", "Massage Hạ Long", world.ba_dinh, "3 phố Đội Cấn"),
            "sai_gon": make(
                "SG-0001", "Karaoke Hoa Hồng Sài Gòn", world.sai_gon, "1 Lê Lợi, TP Hồ Chí Minh"
            ),
        },
    )


def search(client, user, text, **extra):
    client.force_login(user)
    response = client.get(URL, {"q": text, **extra})
    assert response.status_code == 200
    return response.json()


def codes(answer):
    return [r["code"] for r in answer["results"]]


def test_fold_drops_tone_marks_case_and_the_bar_of_d():
    assert fold("Phường Ba Đình") == "phuong ba dinh"
    assert fold("KARAOKE HOA HỒNG") == "karaoke hoa hong"
    assert fold("Hạ Long") == "ha long"


def test_words_without_accents_find_the_addresses_written_with_them(client, personas, places):
    # "Hà Nội" is in the addresses of Hoa Hồng and Bình An; Hạ Long's address has neither word
    # "ha noi" together ("Đội" folds to "doi", not "noi"), and Sài Gòn's is in another province.
    answer = search(client, personas.hn_officer, "ha noi")
    assert codes(answer) == ["HN-0001", "HN-0002"]  # by name: Karaoke… before Nhà nghỉ…


def test_a_name_typed_without_accents_finds_its_establishment(client, personas, places):
    answer = search(client, personas.hn_officer, "karaoke hoa hong")
    assert codes(answer) == ["HN-0001"]
    (only,) = answer["results"]
    assert only["label"] == "Karaoke Hoa Hồng (HN-0001) — Phường Ba Đình"
    assert only["commune"] == "Phường Ba Đình"


def test_accents_typed_and_capitals_find_the_same(client, personas, places):
    assert codes(search(client, personas.hn_officer, "HOA HỒNG")) == ["HN-0001"]
    assert codes(search(client, personas.hn_officer, "  Hạ   long ")) == ["HN-0003"]


def test_the_code_and_the_commune_are_searched_too(client, personas, places):
    assert codes(search(client, personas.hn_officer, "hn-0002")) == ["HN-0002"]
    # Hoàn Kiếm is the commune of Bình An only; its address does not name it.
    assert codes(search(client, personas.hn_officer, "hoan kiem")) == ["HN-0002"]


def test_an_officer_of_another_province_finds_nothing_of_this_one(client, personas, places):
    assert codes(search(client, personas.hcm_officer, "ha noi")) == []
    assert codes(search(client, personas.hcm_officer, "HN-0001")) == []
    # The same words find the establishment of their own province only.
    assert codes(search(client, personas.hcm_officer, "karaoke hoa hong")) == ["SG-0001"]


def test_a_commune_officer_finds_only_the_communes_own(client, personas, places):
    assert codes(search(client, personas.commune_officer, "ha noi")) == ["HN-0001"]


def test_a_national_administrator_finds_every_province(client, personas, places):
    assert codes(search(client, personas.admin, "karaoke hoa hong")) == ["HN-0001", "SG-0001"]


@pytest.mark.parametrize("who", ["ministry", "outsider"])
def test_who_cannot_record_inspections_finds_nothing(client, personas, places, who):
    # Ministry staff read everything but record nothing; an outsider has no area at all.
    assert codes(search(client, getattr(personas, who), "karaoke")) == []


def test_it_asks_for_a_login(client, places):
    response = client.get(URL, {"q": "karaoke"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_nothing_typed_answers_nothing(client, personas, places):
    assert search(client, personas.admin, "   ") == {"results": [], "page": 1, "has_next": False}


def test_results_come_twenty_a_page(client, personas, world, django_assert_max_num_queries):
    Establishment.objects.bulk_create(
        Establishment(
            code=f"KS-{i:02d}",
            name=f"Khách sạn {i:02d}",
            line="accommodation",
            commune=world.ba_dinh,
            province=world.hn,
        )
        for i in range(1, 46)
    )
    client.force_login(personas.hn_officer)
    # The session, the user and the assignment, then the page: never one query a result.
    with django_assert_max_num_queries(4):
        first = client.get(URL, {"q": "khach san"}).json()
    assert codes(first) == [f"KS-{i:02d}" for i in range(1, 21)] and first["has_next"]
    third = client.get(URL, {"q": "khach san", "page": "3"}).json()
    # 45 = 20 + 20 + 5.
    assert codes(third) == [f"KS-{i:02d}" for i in range(41, 46)] and not third["has_next"]
    assert codes(client.get(URL, {"q": "khach san", "page": "9"}).json()) == []
    # A page that is no number, or a NUL in the text, is refused with the field named.
    refused = client.get(URL, {"q": "khach san", "page": "x"})
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["page"]
    refused = client.get(URL, {"q": "khach\x00san"})
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["q"]


def test_percent_and_underscore_are_plain_characters(client, personas, places):
    assert codes(search(client, personas.admin, "%")) == []
    assert codes(search(client, personas.admin, "_")) == []
