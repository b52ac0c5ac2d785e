import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from localities.management.commands.load_demo import PASSWORD as DEMO_PASSWORD


def test_a_session_ends_after_30_minutes_idle(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False
    assert settings.SESSION_ENGINE == "plan_tracker.sessions"
    assert settings.SESSION_RENEW_AFTER == 60


def test_a_request_moves_the_idle_expiry_on(client, personas):
    client.force_login(personas.hn_officer)
    session = Session.objects.get()
    # As if the last request had been 20 minutes ago: 10 minutes left.
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=10)
    )

    assert client.get(reverse("home")).status_code == 200

    left = Session.objects.get(pk=session.pk).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < left <= datetime.timedelta(minutes=30)
    # The cookie is sent again with the new expiry.
    assert client.cookies["sessionid"]["max-age"] == 30 * 60


def test_a_request_within_a_minute_of_the_last_save_writes_nothing(client, personas):
    client.force_login(personas.hn_officer)
    session = Session.objects.get()
    # Saved 50 seconds ago: 29 minutes 10 seconds left.
    expiry = timezone.now() + datetime.timedelta(minutes=29, seconds=10)
    Session.objects.filter(pk=session.pk).update(expire_date=expiry)
    client.cookies["sessionid"]["max-age"] = ""

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200

    statements = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in statements if "django_session" in s and not s.startswith("SELECT")]
    assert Session.objects.get(pk=session.pk).expire_date == expiry
    assert client.cookies["sessionid"]["max-age"] == ""


def test_an_expired_session_sends_the_user_to_log_in(client, personas):
    client.force_login(personas.hn_officer)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(reverse("establishment_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_password_needs_10_characters():
    with pytest.raises(ValidationError):
        validate_password("Kx7#qpl2z")  # 9
    validate_password("Kx7#qpl2zW")  # 10


def test_the_demo_password_is_long_enough():
    validate_password(DEMO_PASSWORD)
