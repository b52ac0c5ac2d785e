"""Password guessing: after LOGIN_FAILURE_LIMIT failures for one username (from any address) or
from one address (whatever the usernames), signing in is refused, the right password too, until
the cool-off has passed; the site's login page and the admin's alike."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def sign_in(client, username, password, address, url=None):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def test_the_limit_is_a_handful(settings):
    # Five by default: hand-counted below, failures 1..4 leave the door open, the 5th locks.
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)


def test_a_username_is_locked_after_failures_from_varied_addresses(client, personas):
    for attempt in range(LIMIT):
        response = sign_in(client, "hn_officer", f"guess {attempt}", f"10.0.0.{attempt + 1}")
        assert not signed_in(response)
    # The right password, from an address that never failed: refused.
    response = sign_in(client, "hn_officer", PASSWORD, "10.9.9.9")
    assert response.status_code == 429
    assert not signed_in(response)
    # Another user from that address is not concerned.
    assert signed_in(sign_in(client, "hcm_officer", PASSWORD, "10.9.9.9"))


def test_the_username_is_not_locked_one_failure_before_the_limit(client, personas):
    for attempt in range(LIMIT - 1):
        sign_in(client, "hn_officer", f"guess {attempt}", f"10.0.0.{attempt + 1}")
    assert signed_in(sign_in(client, "hn_officer", PASSWORD, "10.9.9.9"))


def test_an_address_is_locked_after_failures_with_varied_usernames(client, personas):
    for attempt in range(LIMIT):
        response = sign_in(client, f"someone{attempt}", "guess", "10.1.1.1")
        assert not signed_in(response)
    # A real user's right password from that address: refused.
    response = sign_in(client, "hcm_officer", PASSWORD, "10.1.1.1")
    assert response.status_code == 429
    assert not signed_in(response)
    # The same user from another address is not concerned.
    assert signed_in(sign_in(client, "hcm_officer", PASSWORD, "10.2.2.2"))


def test_the_lock_ends_after_the_cool_off(client, personas):
    for attempt in range(LIMIT):
        sign_in(client, "hn_officer", f"guess {attempt}", "10.0.0.1")
    assert sign_in(client, "hn_officer", PASSWORD, "10.0.0.1").status_code == 429
    # The failures as if the last was one cool-off and a minute ago.
    earlier = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert signed_in(sign_in(client, "hn_officer", PASSWORD, "10.0.0.1"))


def test_the_lockout_page_is_in_vietnamese_and_says_when_to_try_again(client, personas):
    for attempt in range(LIMIT):
        sign_in(client, "hn_officer", f"guess {attempt}", "10.0.0.1")
    before = timezone.localtime()
    response = sign_in(client, "hn_officer", PASSWORD, "10.0.0.1")
    after = timezone.localtime()
    page = response.content.decode()
    assert response.status_code == 429
    assert "Đăng nhập tạm khóa" in page
    # The cool-off runs again from this attempt: 15 minutes from now.
    times = {(moment + settings.AXES_COOLOFF_TIME).strftime("%H:%M") for moment in (before, after)}
    assert any(time in page for time in times)
    assert (before + settings.AXES_COOLOFF_TIME).strftime("%d/%m/%Y") in page
    assert response["Retry-After"] == str(15 * 60)
    assert 'href="/static/' in page  # the site's own look (base.html's styles)


def test_the_admins_login_is_locked_too(client, personas):
    url = reverse("admin:login")
    for attempt in range(LIMIT):
        sign_in(client, "admin", f"guess {attempt}", "10.3.3.3", url=url)
    response = sign_in(client, "admin", PASSWORD, "10.4.4.4", url=url)
    assert response.status_code == 429
    assert not signed_in(response)


def test_failures_are_logged_without_the_password(client, personas, caplog):
    with caplog.at_level(logging.WARNING):
        sign_in(client, "hn_officer", "my-secret-guess-123", "10.5.5.5")
    lines = [r.getMessage() for r in caplog.records if r.name == "plan_tracker.signin"]
    assert lines == ["Sign-in failed for username 'hn_officer' from 10.5.5.5"]
    assert all("my-secret-guess-123" not in r.getMessage() for r in caplog.records)
    failure = AccessFailureLog.objects.get()
    assert (failure.username, failure.ip_address) == ("hn_officer", "10.5.5.5")
    assert "my-secret-guess-123" not in AccessAttempt.objects.get().post_data
