"""Personas and helpers for API tests (synthetic people only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from dukcapil.accounts.models import Role, User
from dukcapil.accounts.testing import login_verified
from dukcapil.api import keys
from dukcapil.api.keys import IssuedKey, create_api_key
from dukcapil.applications.testing import make_household, make_staff
from dukcapil.regions.models import Regency


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Rate limits count in the cache and checked keys are remembered in the process, both of
    which outlive a test: every test starts afresh."""
    cache.clear()
    keys._recently_checked.clear()
    yield
    cache.clear()
    keys._recently_checked.clear()


@pytest.fixture
def serang_key(db) -> IssuedKey:
    """The API key of an integration of Kota Serang (36.73), where test households live."""
    return create_api_key(office=Regency.objects.get(code="36.73"), name="SIAK bridge")


@pytest.fixture
def tangerang_key(db) -> IssuedKey:
    """The API key of an integration of Kabupaten Tangerang (36.03)."""
    return create_api_key(office=Regency.objects.get(code="36.03"), name="Portal Tangerang")


@pytest.fixture
def household(db) -> dict[str, Any]:
    return make_household()


@pytest.fixture
def operator(db) -> User:
    """A kecamatan operator of Serang (36.73.01)."""
    return make_staff(Role.KECAMATAN_OPERATOR, regency="36.73", kecamatan="36.73.01")


@pytest.fixture
def staff_client() -> Callable[[User], Client]:
    """``staff_client(user)``: a client with a verified (2FA) session that enforces CSRF, as a
    browser would be treated."""

    def make(user: User, *, enforce_csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf)
        login_verified(client, user)
        return client

    return make
