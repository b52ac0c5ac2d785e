"""Schemathesis against the API, in-process: every request the description allows is accepted,
every request it forbids is refused with a 4xx, and every answer matches the description."""

import contextlib

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from exchange.kinds import KINDS
from exchange.models import ApiToken
from tests.exchange.test_api import records  # noqa: F401  (the records the lists answer with)

pytestmark = pytest.mark.django_db

# Enough to reach every parameter's bounds and formats while keeping the run short.
MAX_EXAMPLES = 100
OPERATIONS = ["/api/v1/compliance", *(f"/api/v1/{kind}" for kind in KINDS)]


@contextlib.contextmanager
def kept_connection():
    """The app's requests run inside the test's transaction, as Django's test client does: the
    connection must not be closed at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api(settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    # Schemathesis checks that bad credentials answer 401, hundreds of times from one address:
    # past the refusals allowed per address they would answer 429 (tests/security).
    settings.PLAN_TRACKER_API_FAILED_AUTH_RATE = "100000/h"
    with kept_connection():
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", OPERATIONS)
def test_the_api_does_what_its_description_says(api, personas, records, path, mode):  # noqa: F811
    _token, raw = ApiToken.issue(user=personas.admin, name="schemathesis")
    # The WSGI transport hands the body over as sent: asked uncompressed, as an HTTP client
    # that decompresses gzip would read it.
    headers = {"Authorization": f"Bearer {raw}", "Accept-Encoding": "identity"}

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    # The token is fixed in the cases themselves: made-up credentials would be replaced when the
    # request is sent, and the checks would judge a header the API never saw.
    @given(case=api[path]["GET"].as_strategy(generation_mode=mode, headers=headers))
    def run(case):
        response = case.call(headers=headers)
        if response.status_code == 400 and _outside_the_plan(response):
            # A plan and a year each valid alone, the year outside the plan's years: a rule
            # across two parameters that the description cannot state. The refusal names it.
            return
        case.validate_response(response, headers=headers)

    run()


def _outside_the_plan(response) -> bool:
    """The refusal of a year outside the chosen plan's years, and nothing else."""
    fields = response.json().get("fields", {})
    return set(fields) == {"year"} and [m["code"] for m in fields["year"]] == ["outside_plan"]
