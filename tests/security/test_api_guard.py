"""The API against guessing and overuse: rate limits per token and per address (429 with
Retry-After), tokens that expire, tokens limited to a province within their owner's area."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from exchange.models import ApiToken
from exchange.openapi import schema
from localities.models import Case
from tests.exchange.helpers import establishment, report

pytestmark = pytest.mark.django_db


def bearer(raw, address="127.0.0.1"):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", "REMOTE_ADDR": address}


@pytest.fixture
def records(world, kinds):
    establishment("HN-1", world.ba_dinh)
    establishment("HN-2", world.hoan_kiem)
    establishment("HCM-1", world.sai_gon)
    report("HN-R", world.ba_dinh, kinds["crime_denunciation"])
    report("HCM-R", world.sai_gon, kinds["crime_denunciation"])
    for reference, place in (("HN-C", world.ba_dinh), ("HCM-C", world.ben_thanh)):
        Case(
            reference=reference, locality=place, article="327", opened_on=datetime.date(2024, 6, 1)
        ).save()


def codes(response, field="code"):
    return sorted(row[field] for row in response.json()["results"])


# Rate limits -------------------------------------------------------------------------------


def test_a_token_past_its_rate_gets_429_with_retry_after(client, personas, records, settings):
    settings.PLAN_TRACKER_API_RATE = "3/h"
    _token, raw = ApiToken.issue(user=personas.hn_officer, name="busy")
    for _call in range(3):
        assert client.get("/api/v1/establishments", **bearer(raw)).status_code == 200
    answer = client.get("/api/v1/establishments", **bearer(raw))
    assert answer.status_code == 429
    seconds = int(answer["Retry-After"])
    assert 1 <= seconds <= 3600
    assert answer.json() == {
        "error": f"Quá nhiều yêu cầu: hãy thử lại sau {seconds} giây.",
        "retry_after": seconds,
    }
    # Another token of the same user, from the same address, is counted apart.
    _other, other_raw = ApiToken.issue(user=personas.hn_officer, name="other")
    assert client.get("/api/v1/establishments", **bearer(other_raw)).status_code == 200


def test_a_session_past_the_rate_gets_429(client, personas, records, settings):
    settings.PLAN_TRACKER_API_RATE = "2/m"
    client.force_login(personas.hn_officer)
    assert [client.get("/api/v1/cases").status_code for _ in range(3)] == [200, 200, 429]


def test_an_address_guessing_tokens_gets_429_even_with_a_right_token(
    client, personas, records, settings
):
    settings.PLAN_TRACKER_API_FAILED_AUTH_RATE = "3/10m"
    _token, raw = ApiToken.issue(user=personas.hn_officer, name="real")
    guesses = ["pt_guess-1", "pt_guess-2", ""]
    statuses = [
        client.get("/api/v1/cases", **bearer(guess, "10.7.7.7")).status_code for guess in guesses
    ]
    assert statuses == [401, 401, 401]
    answer = client.get("/api/v1/cases", **bearer(raw, "10.7.7.7"))
    assert answer.status_code == 429
    assert 1 <= int(answer["Retry-After"]) <= 600
    assert answer.json()["retry_after"] == int(answer["Retry-After"])
    # No token at all from that address: 429 as well.
    assert client.get("/api/v1/cases", REMOTE_ADDR="10.7.7.7").status_code == 429
    # The same token from another address works.
    assert client.get("/api/v1/cases", **bearer(raw, "10.8.8.8")).status_code == 200


def test_requests_without_credentials_count_as_failed_attempts(client, db, settings):
    settings.PLAN_TRACKER_API_FAILED_AUTH_RATE = "2/10m"
    statuses = [client.get("/api/v1/cases").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_the_default_limits(settings):
    assert settings.PLAN_TRACKER_API_RATE == "600/h"
    assert settings.PLAN_TRACKER_API_FAILED_AUTH_RATE == "20/10m"


# Expiry ------------------------------------------------------------------------------------


def test_a_token_works_through_its_last_day_and_is_refused_after(client, personas, records):
    today = timezone.localdate()
    _token, last_day = ApiToken.issue(user=personas.hn_officer, name="today", expires_on=today)
    assert client.get("/api/v1/cases", **bearer(last_day)).status_code == 200
    yesterday = today - datetime.timedelta(days=1)
    _token, expired = ApiToken.issue(user=personas.hn_officer, name="old", expires_on=yesterday)
    answer = client.get("/api/v1/cases", **bearer(expired))
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert answer.json()["error"] == (
        f"Mã truy cập đã hết hạn ngày {yesterday:%d/%m/%Y}: "
        "hãy tạo mã mới tại trang mã truy cập API."
    )


def test_a_new_token_is_valid_90_days_by_default(personas):
    token, _raw = ApiToken.issue(user=personas.hn_officer, name="x")
    assert token.expires_on == timezone.localdate() + datetime.timedelta(days=90)


def post_token(client, **data):
    return client.post(reverse("api_tokens"), {"name": "sync", **data})


def test_the_form_requires_an_expiry_within_a_year(client, personas):
    client.force_login(personas.hn_officer)
    today = timezone.localdate()
    cases = {
        "": "expires_on",
        (today - datetime.timedelta(days=1)).strftime("%d/%m/%Y"): "expires_on",
        (today + datetime.timedelta(days=366)).strftime("%d/%m/%Y"): "expires_on",
    }
    for value, field in cases.items():
        response = post_token(client, expires_on=value)
        assert field in response.context["form"].errors, value
    assert not ApiToken.objects.exists()
    a_year = today + datetime.timedelta(days=365)
    response = post_token(client, expires_on=a_year.strftime("%d/%m/%Y"))
    assert response.context["raw_token"]
    assert ApiToken.objects.get().expires_on == a_year


def test_the_token_list_shows_the_expiry_and_the_province(client, personas, world):
    day = timezone.localdate() + datetime.timedelta(days=10)
    ApiToken.issue(user=personas.hn_officer, name="sync", expires_on=day, province=world.hn)
    client.force_login(personas.hn_officer)
    page = client.get(reverse("api_tokens")).content.decode()
    assert day.strftime("%d/%m/%Y") in page
    assert "Thành phố Hà Nội" in page


# Province limits ---------------------------------------------------------------------------


def test_a_national_token_limited_to_a_province_sees_only_that_province(
    client, personas, records, world
):
    _token, raw = ApiToken.issue(user=personas.admin, name="hcm", province=world.hcm)
    assert codes(client.get("/api/v1/establishments", **bearer(raw))) == ["HCM-1"]
    assert codes(client.get("/api/v1/reports", **bearer(raw)), "reference") == ["HCM-R"]
    assert codes(client.get("/api/v1/cases", **bearer(raw)), "reference") == ["HCM-C"]
    # A locality outside the limit: as if absent.
    answer = client.get("/api/v1/compliance", {"locality": "01"}, **bearer(raw))
    assert answer.status_code == 404
    answer = client.get("/api/v1/establishments", {"commune": world.ba_dinh.pk}, **bearer(raw))
    assert answer.status_code == 404
    # The compliance table without a locality is the province's.
    assert client.get("/api/v1/compliance", **bearer(raw)).json()["locality"] == "79"


def test_a_commune_officers_token_limited_to_their_province_keeps_the_commune(
    client, personas, records, world
):
    _token, raw = ApiToken.issue(user=personas.commune_officer, name="hn", province=world.hn)
    assert codes(client.get("/api/v1/establishments", **bearer(raw))) == ["HN-1"]


def test_a_token_limited_outside_its_owners_area_answers_nothing(client, personas, records, world):
    # Not possible through the form; as if the officer had since been moved to another
    # province: the limit never widens the owner's scope.
    _token, raw = ApiToken.issue(user=personas.hn_officer, name="hcm", province=world.hcm)
    answer = client.get("/api/v1/establishments", **bearer(raw))
    assert answer.status_code == 403
    assert "results" not in answer.json()


def test_the_form_refuses_a_province_outside_the_officers_area(client, personas, world):
    client.force_login(personas.commune_officer)
    valid_until = (timezone.localdate() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    response = post_token(client, expires_on=valid_until, province=world.hcm.pk)
    assert "province" in response.context["form"].errors
    assert not ApiToken.objects.exists()
    response = post_token(client, expires_on=valid_until, province=world.hn.pk)
    assert response.context["raw_token"]
    assert ApiToken.objects.get().province == world.hn


def test_an_administrator_may_limit_a_token_to_any_province(client, personas, world):
    client.force_login(personas.admin)
    valid_until = (timezone.localdate() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    post_token(client, expires_on=valid_until, province=world.hcm.pk)
    assert ApiToken.objects.get().province == world.hcm


# The description ---------------------------------------------------------------------------


def test_the_api_description_tells_of_429_and_expiry(db):
    document = schema()
    for path, operations in document["paths"].items():
        answer = operations["get"]["responses"]["429"]
        assert "Retry-After" in answer["headers"], path
        assert "expired" in operations["get"]["responses"]["401"]["description"]
    assert "expiry" in document["info"]["description"]
    assert "429" in document["info"]["description"]
