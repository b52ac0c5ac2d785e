"""The read-only API: scoping, tokens (create, use, revoke, hashed at rest), the OpenAPI schema."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from exchange.models import ApiToken
from exchange.openapi import schema
from localities.models import Inspection, ReporterIdentity
from plan_tracker import metrics
from tests.exchange.helpers import establishment, report
from tests.exchange.openapi_check import response_schema, validate

pytestmark = pytest.mark.django_db

AS_OF = "2024-12-31"
SECRET_NAME = "Trần Thị Kín"


@pytest.fixture
def records(world, kinds):
    e1 = establishment("HN-1", world.ba_dinh)
    e2 = establishment("HN-2", world.hoan_kiem, opened_on=None)
    e3 = establishment("HCM-1", world.sai_gon)
    for est in (e1, e2, e3):
        Inspection(
            establishment=est,
            inspected_on=datetime.date(2024, 6, 1),
            team="police",
            outcome="violation",
            fine_vnd=1000000,
        ).save()
    r1 = report("HN-R1", world.ba_dinh, kinds["crime_denunciation"])
    ReporterIdentity.objects.create(report=r1, full_name=SECRET_NAME)
    report(
        "HCM-R1",
        world.sai_gon,
        kinds["denunciation"],
        handled_on=datetime.date(2024, 3, 20),
        outcome="no_violation",
    )
    from localities.models import Case

    Case(
        reference="HN-C1",
        locality=world.hn,
        article="327",
        opened_on=datetime.date(2024, 4, 1),
        report=r1,
    ).save()
    Case(
        reference="HCM-C1",
        locality=world.sai_gon,
        article="328",
        opened_on=datetime.date(2024, 4, 1),
    ).save()
    return world


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def codes(response, field):
    return sorted(r[field] for r in response.json()["results"])


def test_lists_hold_only_the_callers_area(client, personas, records):
    client.force_login(personas.hn_officer)
    assert codes(client.get("/api/v1/establishments"), "code") == ["HN-1", "HN-2"]
    assert codes(client.get("/api/v1/inspections"), "establishment_code") == ["HN-1", "HN-2"]
    assert codes(client.get("/api/v1/reports"), "reference") == ["HN-R1"]
    assert codes(client.get("/api/v1/cases"), "reference") == ["HN-C1"]
    client.force_login(personas.commune_officer)
    assert codes(client.get("/api/v1/establishments"), "code") == ["HN-1"]
    client.force_login(personas.ministry)
    assert codes(client.get("/api/v1/establishments"), "code") == ["HCM-1", "HN-1", "HN-2"]


def test_another_provinces_figures_answer_404(client, personas, records):
    client.force_login(personas.hn_officer)
    response = client.get("/api/v1/compliance", {"locality": "79", "as_of": AS_OF, "year": 2024})
    assert response.status_code == 404
    assert client.get("/api/v1/compliance", {"locality": "00070"}).status_code == 200
    client.force_login(personas.commune_officer)
    # Hoàn Kiếm is another commune of the same province: outside a commune officer's area.
    assert client.get("/api/v1/compliance", {"locality": "00070"}).status_code == 404


COLUMNS = [
    "locality_code",
    "locality_name",
    "level",
    "year",
    "as_of",
    "plan",
    "establishments_operating",
    "inspected_in_year",
    "inspected_in_year_pct",
    "establishments_open_at_end",
    "inspected_since_plan_start",
    "coverage_pct",
    "reports_received",
    "reports_handled",
    "reports_handled_on_time",
    "reports_pending",
    "reports_overdue",
    "reports_on_time_pct",
    "cases_handled",
    "cases_handled_prev_year",
    "cases_growth_pct",
    "inspections_made",
    "activities_held",
    "people_reached",
    "communes",
    "communes_with_communication",
    "communication_pct",
    "status_reports_on_time",
    "status_annual_inspection",
    "status_full_coverage",
    "status_cases_growth",
]


def test_compliance_has_the_csv_columns_and_values(client, personas, records):
    client.force_login(personas.admin)
    response = client.get("/api/v1/compliance", {"year": 2024, "as_of": AS_OF})
    body = response.json()
    assert body["columns"] == COLUMNS
    # Worked by hand from the records, as of 31/12/2024 (the year is over):
    # Hà Nội: HN-1 (opened 2019) and HN-2 (opening unknown) operate and are still open, both
    #   inspected 01/06/2024 -> 2 / 2 = 100.0 in the year and since the plan began.
    #   HN-R1 (crime, received 01/03, deadline 21/03) is not handled -> overdue: on time 0 / (1 - 0)
    #   = 0.0, not met (target 100). HN-C1 is not handled: 0 cases, none in 2023 -> n/a.
    #   Coverage 100.0 against the line 100 × 1460 / 1825 days = 80.0 -> on track.
    # Hồ Chí Minh City: HCM-1, inspected -> 1 / 1 = 100.0. HCM-R1 (denunciation, 30 days) received
    #   01/03, handled 20/03 -> on time: 1 / (1 - 0) = 100.0, met. HCM-C1 not handled -> n/a.
    # The nation sums the counts: 3 / 3 = 100.0; reports on time 1 / (2 - 0) = 50.0, not met.
    # The one plan in force in 2024 (the 2021–2025 programme) names each row's plan.
    with translation.override("vi"):
        plan = str(metrics.default_plan())
    common = {"level": "province", "year": 2024, "as_of": AS_OF, "plan": plan}
    no_cases = {"cases_handled": 0, "cases_handled_prev_year": 0, "cases_growth_pct": None}

    def no_activities(communes):
        # No activity anywhere: 0 of the locality's communes (2 a province) -> 0.0.
        return {
            "activities_held": 0,
            "people_reached": 0,
            "communes": communes,
            "communes_with_communication": 0,
            "communication_pct": 0.0,
        }

    def counted(n):
        # n establishments, all operating, all inspected in 2024, all still open: 100.0 twice.
        return {
            "establishments_operating": n,
            "inspected_in_year": n,
            "inspected_in_year_pct": 100.0,
            "establishments_open_at_end": n,
            "inspected_since_plan_start": n,
            "coverage_pct": 100.0,
            "inspections_made": n,  # one inspection each
        }

    def statuses(reports_on_time):
        return {
            "status_reports_on_time": reports_on_time,
            "status_annual_inspection": "met",
            "status_full_coverage": "on_track",
            "status_cases_growth": "not_applicable",
        }

    hanoi = {
        "locality_code": "01",
        "locality_name": "Thành phố Hà Nội",
        **common,
        **counted(2),
        "reports_received": 1,
        "reports_handled": 0,
        "reports_handled_on_time": 0,
        "reports_pending": 0,
        "reports_overdue": 1,
        "reports_on_time_pct": 0.0,
        **no_cases,
        **no_activities(2),
        **statuses("not_met"),
    }
    hcm = {
        "locality_code": "79",
        "locality_name": "Thành phố Hồ Chí Minh",
        **common,
        **counted(1),
        "reports_received": 1,
        "reports_handled": 1,
        "reports_handled_on_time": 1,
        "reports_pending": 0,
        "reports_overdue": 0,
        "reports_on_time_pct": 100.0,
        **no_cases,
        **no_activities(2),
        **statuses("met"),
    }
    nation = {
        "locality_code": "",
        "locality_name": "Toàn quốc",
        **common,
        "level": "nation",
        **counted(3),
        "reports_received": 2,
        "reports_handled": 1,
        "reports_handled_on_time": 1,
        "reports_pending": 0,
        "reports_overdue": 1,
        "reports_on_time_pct": 50.0,
        **no_cases,
        **no_activities(4),
        **statuses("not_met"),
    }
    assert body["rows"] == [hanoi, hcm]
    assert body["total"] == nation
    assert body["totals"] == [nation]
    assert [list(row) for row in [*body["rows"], body["total"]]] == [COLUMNS] * 3
    # Hà Nội: 2 operating establishments, both inspected in 2024 -> 100.0
    hanoi = next(r for r in body["rows"] if r["locality_code"] == "01")
    assert (hanoi["establishments_operating"], hanoi["inspected_in_year_pct"]) == (2, 100.0)


def test_a_commune_level_table_of_a_province(client, personas, records):
    client.force_login(personas.hn_officer)
    body = client.get(
        "/api/v1/compliance", {"level": "commune", "locality": "01", "as_of": AS_OF, "year": 2024}
    ).json()
    assert [r["locality_code"] for r in body["rows"]] == ["00004", "00070"]
    assert body["total"]["locality_code"] == "01"


def test_reports_never_carry_the_reporters_identity(client, personas, records):
    client.force_login(personas.hn_officer)
    response = client.get("/api/v1/reports")
    assert SECRET_NAME not in response.content.decode()
    assert not {"full_name", "reporter", "contact"} & set(response.json()["results"][0])


def test_pagination_with_limit_and_offset(client, personas, records):
    client.force_login(personas.ministry)
    first = client.get("/api/v1/establishments", {"limit": 2}).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (3, 2, None)
    assert "offset=2" in first["next"]
    second = client.get(first["next"]).json()
    assert [r["code"] for r in second["results"]] == ["HN-2"] and second["next"] is None
    assert client.get("/api/v1/establishments", {"limit": 0}).status_code == 400
    assert client.get("/api/v1/establishments", {"limit": "x"}).status_code == 400
    # A parameter given empty is no number: refused, not read as the default.
    for name in ("limit", "offset"):
        response = client.get("/api/v1/establishments", {name: ""})
        assert response.status_code == 400
        assert name in response.json()["fields"]


def test_lists_take_the_filters_of_their_pages(client, personas, records):
    client.force_login(personas.ministry)
    body = client.get("/api/v1/establishments", {"q": "HCM"}).json()
    assert [r["code"] for r in body["results"]] == ["HCM-1"]


def test_without_a_session_or_token_the_api_answers_401(client, records):
    response = client.get("/api/v1/establishments")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_api_is_read_only(client, personas, records):
    client.force_login(personas.admin)
    assert client.post("/api/v1/establishments", {}).status_code == 405


def test_a_user_without_an_area_gets_403(client, personas, records):
    client.force_login(personas.outsider)
    assert client.get("/api/v1/establishments").status_code == 403


def test_a_token_is_created_on_its_page_shown_once_and_stored_hashed(client, personas, records):
    client.force_login(personas.hn_officer)
    valid_until = (timezone.localdate() + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    response = client.post(reverse("api_tokens"), {"name": "sync", "expires_on": valid_until})
    raw = response.context["raw_token"]
    assert raw and raw in response.content.decode()
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in (token.token_hash, token.prefix) and raw.startswith(token.prefix)
    # Never shown again.
    assert raw not in client.get(reverse("api_tokens")).content.decode()

    client.logout()
    answer = client.get("/api/v1/establishments", **bearer(raw))
    assert answer.status_code == 200
    assert codes(answer, "code") == ["HN-1", "HN-2"]  # the token's user's area
    token.refresh_from_db()
    assert token.last_used is not None


def test_a_revoked_or_wrong_token_answers_401(client, personas, records):
    token, raw = ApiToken.issue(user=personas.hn_officer, name="x")
    assert client.get("/api/v1/cases", **bearer(raw)).status_code == 200
    assert client.get("/api/v1/cases", **bearer(raw + "x")).status_code == 401
    client.force_login(personas.hn_officer)
    client.post(reverse("api_token_revoke", args=[token.pk]))
    client.logout()
    token.refresh_from_db()
    assert token.revoked
    assert client.get("/api/v1/cases", **bearer(raw)).status_code == 401


def test_nobody_revokes_someone_elses_token(client, personas, records):
    token, _raw = ApiToken.issue(user=personas.hn_officer, name="x")
    client.force_login(personas.hcm_officer)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert not token.revoked


def test_the_schema_is_served_and_names_every_endpoint(client, db):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/v1/compliance",
        "/api/v1/establishments",
        "/api/v1/inspections",
        "/api/v1/reports",
        "/api/v1/cases",
        "/api/v1/activities",
    }


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/compliance", {"year": 2024, "as_of": AS_OF}),
        ("/api/v1/compliance", {"level": "commune", "locality": "01"}),
        ("/api/v1/compliance", {"level": "commune", "locality": "00004", "year": 2024}),
        ("/api/v1/establishments", {}),
        ("/api/v1/establishments", {"limit": 1, "offset": 1}),
        ("/api/v1/inspections", {}),
        ("/api/v1/reports", {}),
        ("/api/v1/cases", {}),
    ],
)
def test_every_endpoint_answers_as_its_schema_says(client, personas, records, path, query):
    _token, raw = ApiToken.issue(user=personas.admin, name="schema")
    response = client.get(path, query, **bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body.get("results", body.get("rows")), "an empty answer would prove nothing"
    problems = validate(body, response_schema(path), schema())
    assert problems == []


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("/api/v1/compliance", {"locality": "79"}, 404),
        ("/api/v1/compliance", {"as_of": "yesterday"}, 400),
        ("/api/v1/establishments", {"limit": 5000}, 400),
    ],
)
def test_errors_answer_as_the_schema_says(client, personas, records, path, query, status):
    client.force_login(personas.hn_officer)
    response = client.get(path, query)
    assert response.status_code == status
    assert validate(response.json(), response_schema(path, status), schema()) == []


def test_the_validator_catches_what_breaks_the_schema():
    document = schema()
    row_schema = {"$ref": "#/components/schemas/Establishment"}
    good = {
        "id": 1,
        "code": "A",
        "name": "B",
        "line": "karaoke",
        "commune_code": "00004",
        "address": "",
        "permit_number": "",
        "opened_on": None,
        "closed_on": "2024-01-02",
        "in_scope": True,
        "commune_name": "X",
        "province_code": "01",
        "province_name": "Y",
        "locality_code_given": "",
    }
    assert validate(good, row_schema, document) == []
    bad = dict(good, line="hotel", closed_on="02/01/2024", in_scope="yes", extra=1)
    del bad["code"]
    problems = validate(bad, row_schema, document)
    assert len(problems) == 5, problems
