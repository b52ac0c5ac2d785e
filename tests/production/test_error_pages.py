"""With DEBUG off every error answers with the site's own page, in Vietnamese."""

import pytest
from django.test import Client, RequestFactory
from django.views import defaults

pytestmark = pytest.mark.urls("tests.production.error_urls")

PAGES = {
    400: ("Yêu cầu không hợp lệ", "Máy chủ không hiểu được yêu cầu này"),
    403: ("Không được phép", "Vai trò của bạn không được thực hiện thao tác này"),
    404: ("Không tìm thấy", "hoặc hồ sơ nằm ngoài địa bàn của bạn"),
    500: ("Lỗi máy chủ", "lỗi đã được ghi lại"),
}


def assert_site_page(html: str, heading: str, words: str):
    assert f'<h1 class="h3">{heading}</h1>' in html
    assert words in html
    # The site's look: its base template, stylesheet and the way back home.
    assert 'class="navbar-brand fw-semibold"' in html
    assert "css/app.css" in html
    assert "Về trang chủ" in html
    # Not Django's technical page.
    assert "Traceback" not in html and "technical" not in html.lower()


@pytest.fixture
def live_errors(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("status", sorted(PAGES))
def test_each_error_answers_with_its_vietnamese_page(live_errors, db, status):
    response = live_errors.get(f"/fails/{status}/")

    assert response.status_code == status
    heading, words = PAGES[status]
    assert_site_page(response.content.decode(), heading, words)


def test_an_unknown_address_answers_with_the_404_page(live_errors, db):
    response = live_errors.get("/no-such-page/")

    assert response.status_code == 404
    assert_site_page(response.content.decode(), *PAGES[404])


def test_the_500_page_needs_no_database_and_no_request_context():
    # No database fixture: any query here fails the test.
    request = RequestFactory().get("/anything/")

    response = defaults.server_error(request)

    assert response.status_code == 500
    assert_site_page(response.content.decode(), *PAGES[500])


def test_a_form_sent_without_its_csrf_token_answers_the_expired_form_page(settings, db):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert_site_page(response.content.decode(), "Biểu mẫu đã hết hạn", "tải lại trang")
