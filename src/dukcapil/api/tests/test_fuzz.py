"""Schemathesis: requests generated from the OpenAPI schema never make the API fail with a 5xx,
and every answer matches what the schema documents (status, content type, body)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
)

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Requests go through the bare WSGI handler, whose request signals close the database
    connection (and with it the test's transaction); Django's test client unhooks them too."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def no_rate_limit(settings):
    settings.DUKCAPIL_API_RATE_LIMITS = {"status": (1_000_000, 60)}


@schema.include(path_regex="^/api/v1/applications").parametrize()
@SETTINGS
@pytest.mark.django_db
def test_submit_and_status_hold_to_their_schema(case, serang_key, no_rate_limit):
    # A request the schema allows may still break a business rule (an unknown service, a NIK
    # that is not in the registry): 400 is a valid answer, not a failure.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {serang_key.key}"},
        excluded_checks=[positive_data_acceptance],
    )


@pytest.fixture
def verifier_cookies(verifier) -> dict[str, str]:
    """A verifier's session (and a CSRF cookie) with one case in the queue; made once per
    operation, not once per generated example."""
    from django.test import Client

    from dukcapil.accounts.testing import login_verified
    from dukcapil.applications.testing import make_application

    make_application("KK_HILANG")
    client = Client()
    login_verified(client, verifier)  # no request: the session is written directly
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    cookies["csrftoken"] = get_random_string(32, CSRF_ALLOWED_CHARS)
    return cookies


@schema.include(path_regex="^/api/v1/staff/").parametrize()
@SETTINGS
@pytest.mark.django_db
def test_staff_endpoints_hold_to_their_schema(case, verifier_cookies):
    cookies = verifier_cookies
    # The session is passed in by hand, so schemathesis cannot take it away to probe for a
    # missing login (tested in test_staff.py): only its own generated data is judged here.
    case.call_and_validate(
        cookies=cookies,
        headers={"X-CSRFToken": cookies["csrftoken"]},
        excluded_checks=[positive_data_acceptance, ignored_auth, negative_data_rejection],
    )
