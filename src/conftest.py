"""Staff personas for the tests of every app (synthetic people).

Each persona is a :class:`~dukcapil.accounts.models.User` in a real jurisdiction of Banten, with
password :data:`~dukcapil.accounts.testing.TEST_PASSWORD` and a confirmed TOTP device.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from dukcapil.accounts.models import Role, User
from dukcapil.accounts.testing import login_verified, make_staff


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """PBKDF2 at production strength costs half a second per hash; tests need no such strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def kecamatan_operator(db) -> User:
    """An operator of Kecamatan Serang (36.73.01), Kota Serang."""
    return make_staff(Role.KECAMATAN_OPERATOR, kecamatan="36.73.01", username="operator.serang")


@pytest.fixture
def verifier(db) -> User:
    """A verifier of Kota Serang (36.73)."""
    return make_staff(Role.VERIFIER, regency="36.73", username="verifikator.kotaserang")


@pytest.fixture
def other_regency_verifier(db) -> User:
    """A verifier of Kabupaten Tangerang (36.03): sees nothing of Kota Serang."""
    return make_staff(Role.VERIFIER, regency="36.03", username="verifikator.kabtangerang")


@pytest.fixture
def signing_official(db) -> User:
    return make_staff(Role.SIGNING_OFFICIAL, regency="36.73", username="tte.kotaserang")


@pytest.fixture
def dispatch_officer(db) -> User:
    return make_staff(Role.DISPATCH_OFFICER, regency="36.73", username="cetak.kotaserang")


@pytest.fixture
def regency_head(db) -> User:
    return make_staff(Role.REGENCY_HEAD, regency="36.73", username="kadis.kotaserang")


@pytest.fixture
def province_monitor(db) -> User:
    """The province monitor of Banten: aggregates only, never a person."""
    return make_staff(Role.PROVINCE_MONITOR, username="pemantau.banten")


@pytest.fixture
def administrator(db) -> User:
    """The administrator of the province, superuser with access to the admin site."""
    return make_staff(Role.ADMINISTRATOR, username="admin.banten", is_staff=True, is_superuser=True)


@pytest.fixture
def client_as(client: Client) -> Callable[[User], Client]:
    """``client_as(verifier)``: the test client, logged in with a verified (2FA) session."""

    def log_in(user: User) -> Client:
        login_verified(client, user)
        return client

    return log_in
