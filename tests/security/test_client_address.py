"""Behind a TLS proxy every request comes from the proxy's address: the lockout and the API's
limits count the address the proxy saw, and never one a client writes into X-Forwarded-For."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from plan_tracker.client import client_address
from tests.conftest import PASSWORD

LIMIT = settings.AXES_FAILURE_LIMIT
PROXY = "127.0.0.1"


def request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_one_proxy_the_address_it_saw_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request(PROXY, "198.51.100.1")) == "198.51.100.1"
    # A client that writes its own header is still known by the address the proxy appended.
    assert client_address(request(PROXY, "10.0.0.1, 198.51.100.2")) == "198.51.100.2"


def test_behind_two_proxies_the_outer_ones_entry_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request(PROXY, "6.6.6.6, 198.51.100.3, 10.0.0.5")) == "198.51.100.3"


def test_a_request_that_skipped_the_proxies_is_known_by_its_own_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request("203.0.113.9", "198.51.100.3")) == "203.0.113.9"
    assert client_address(request("203.0.113.9", "not an address, 10.0.0.5")) == "203.0.113.9"


@pytest.mark.django_db
def test_guesses_through_the_proxy_lock_the_guesser_not_everybody(client, personas, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(LIMIT):
        client.post(
            reverse("login"),
            {"username": f"someone{attempt}", "password": "guess"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    # The guesser's address is locked, whatever it writes in front of the proxy's entry.
    locked = client.post(
        reverse("login"),
        {"username": "hn_officer", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.66",
    )
    assert locked.status_code == 429
    # Another officer coming through the same proxy signs in.
    response = client.post(
        reverse("login"),
        {"username": "hn_officer", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 302
