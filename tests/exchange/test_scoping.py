"""Who may open each page of the exchange: one table, every URL, every persona.

Ministry staff read but do not import; raw data is for administrators; a user with no area
gets nothing (the figures' pages answer as for an unknown page, 404, like the dashboards); the
API answers JSON (403) rather than a page."""

import pytest

pytestmark = pytest.mark.django_db

PERSONAS = ["hn_officer", "commune_officer", "ministry", "admin", "outsider"]
# url -> expected status per persona, in PERSONAS order
EXPECTED = {
    "/imports/": [200, 200, 403, 200, 403],
    "/imports/templates/cases.xlsx": [200, 200, 200, 200, 200],
    "/exports/": [200, 200, 200, 200, 404],
    "/exports/compliance.csv?year=2024": [200, 200, 200, 200, 404],
    "/exports/compliance.xlsx?year=2024": [200, 200, 200, 200, 404],
    "/exports/report/?year=2024": [200, 403, 200, 200, 404],
    "/exports/report/?year=2024&locality=79": [404, 404, 200, 200, 404],
    "/exports/raw/establishments.csv": [403, 403, 403, 200, 403],
    "/exports/raw/reports.xlsx": [403, 403, 403, 200, 403],
    "/api/tokens/": [200, 200, 200, 200, 200],
    "/api/v1/compliance?year=2024&locality=79": [404, 404, 200, 200, 403],
    "/api/v1/establishments": [200, 200, 200, 200, 403],
    "/api/v1/openapi.json": [200, 200, 200, 200, 200],
}


@pytest.mark.parametrize("url", list(EXPECTED))
def test_each_page_answers_each_persona_as_its_role_allows(client, personas, url):
    got = []
    for name in PERSONAS:
        client.force_login(getattr(personas, name))
        got.append(client.get(url).status_code)
    assert got == EXPECTED[url]
