"""The API documentation page in headless Chromium, under a Content-Security-Policy that
forbids inline scripts: Swagger UI, served by the app, draws every operation of the app's
OpenAPI description, in Vietnamese then English, and nothing is fetched from another host.
Screenshot: test-artifacts/screenshots/api_docs.png."""

import pytest

from tests.browser.conftest import login, shot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
)


def test_the_api_documentation_draws_every_operation_under_a_strict_csp(page, personas):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def with_csp(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": CSP}
        route.fulfill(response=response, headers=headers)

    page.route("**/api/docs/", with_csp)
    login(page, "hn_officer", PASSWORD)
    page.goto(f"{page.base_url}/api/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {p.strip().replace("\u200b", "") for p in paths} == {
        "/api/v1/compliance",
        "/api/v1/establishments",
        "/api/v1/inspections",
        "/api/v1/reports",
        "/api/v1/cases",
        "/api/v1/activities",
    }
    body = page.inner_text("#api-docs")
    assert "Bảng kết quả thực hiện các chỉ tiêu / The compliance table" in body
    assert "Chỉ đọc." in body and "Read-only." in body
    shot(page, "api_docs")
    # React inside Swagger UI probes for "oninput" support by setting it as an attribute, which
    # the policy reports as an inline event handler; no inline <script> may be refused.
    assert not [m for m in refused if "inline script" in m], refused
    assert all(url.startswith(page.base_url) for url in requested), requested
