"""The API documentation page: Swagger UI served from the app (no CDN, no inline script),
linked from the token page and the navigation; the description in Vietnamese and English;
every example answers 200 with a token."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from exchange.models import ApiToken
from exchange.openapi import EXAMPLES, example_path, schema
from tests.exchange.test_api import records  # noqa: F401  (records the examples find)

pytestmark = pytest.mark.django_db


def test_the_page_loads_the_vendored_swagger_ui_and_no_inline_script(client, personas):
    client.force_login(personas.hn_officer)
    response = client.get(reverse("api_docs"))
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert f"{settings.STATIC_URL}vendor/swagger-ui/swagger-ui-bundle.js" in sources
    assert f"{settings.STATIC_URL}js/api-docs.js" in sources
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    for path in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css"):
        assert finders.find(path), path
    # The init script turns off the validator badge, which would call a server outside.
    init = open(finders.find("js/api-docs.js"), encoding="utf-8").read()
    assert "validatorUrl: null" in init


def test_the_page_is_linked_from_the_tokens_page_and_the_navigation(client, personas):
    client.force_login(personas.ministry)
    html = client.get(reverse("api_tokens")).content.decode()
    assert 'id="api-docs-link"' in html and 'id="nav-api-docs"' in html
    assert html.count(f'href="{reverse("api_docs")}"') == 2


def test_a_user_without_an_area_is_neither_linked_nor_served(client, personas):
    client.force_login(personas.outsider)
    html = client.get(reverse("api_tokens")).content.decode()
    assert 'id="nav-api-docs"' not in html
    assert client.get(reverse("api_docs")).status_code == 403


def test_the_description_speaks_vietnamese_then_english():
    description = schema()
    info = description["info"]["description"]
    assert info.startswith("Chỉ đọc.") and "\n\nRead-only." in info
    compliance = description["paths"]["/api/v1/compliance"]["get"]
    assert compliance["summary"] == "Bảng kết quả thực hiện các chỉ tiêu / The compliance table"
    year = next(p for p in compliance["parameters"] if p["name"] == "year")
    assert year["description"].startswith("Năm (mặc định: năm hiện tại)")
    assert "The year (default: the current one)" in year["description"]
    outcome = next(
        p
        for p in description["paths"]["/api/v1/inspections"]["get"]["parameters"]
        if p["name"] == "outcome"
    )
    assert outcome["description"] == "Kết quả / Outcome"


def test_every_operation_shows_its_whole_example():
    paths = schema()["paths"]
    assert set(EXAMPLES) == {p.rsplit("/", 1)[1] for p in paths}
    for path, item in paths.items():
        operation = item["get"]
        example = example_path(operation["operationId"])
        assert example.startswith(path + "?")
        assert f"`GET {example}`" in operation["description"]
        named = {p["name"] for p in operation["parameters"] if "example" in p}
        assert named == set(EXAMPLES[operation["operationId"]])


@pytest.mark.parametrize("persona", ["hn_officer", "ministry"])
@pytest.mark.parametrize("operation", sorted(EXAMPLES))
def test_each_example_answers_200_with_a_token(client, personas, records, persona, operation):  # noqa: F811
    _token, raw = ApiToken.issue(user=getattr(personas, persona), name="examples")
    response = client.get(example_path(operation), HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert "rows" in body or "results" in body
