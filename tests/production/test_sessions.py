import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from localities.management.commands.load_demo import PASSWORD as DEMO_PASSWORD


@pytest.fixture
def every_request_saves(settings):
    settings.SESSION_SAVE_EVERY_REQUEST = True  # as in production (tests/conftest.py)


def test_a_session_ends_after_30_minutes_idle(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False


def test_each_request_moves_the_idle_expiry_on(client, personas, every_request_saves):
    client.force_login(personas.hn_officer)
    session = Session.objects.get()
    # As if the last request had been 20 minutes ago: 10 minutes left.
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=10)
    )

    assert client.get(reverse("home")).status_code == 200

    left = Session.objects.get(pk=session.pk).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < left <= datetime.timedelta(minutes=30)


def test_an_expired_session_sends_the_user_to_log_in(client, personas, every_request_saves):
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
