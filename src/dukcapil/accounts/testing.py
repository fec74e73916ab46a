"""``make_staff`` and login helpers for tests of any app (synthetic people only).

operator = make_staff(Role.KECAMATAN_OPERATOR, kecamatan="36.73.01")
verifier = make_staff(Role.VERIFIER, regency="36.73")
monitor = make_staff(Role.PROVINCE_MONITOR)             # province level
login_verified(client, verifier)                        # fast: session as after a 2FA login
response = login_with_totp(client, operator)            # through the real login form
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any

from django.contrib.auth.hashers import get_hasher, make_password
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dukcapil.accounts.demo import new_backup_code
from dukcapil.accounts.models import JurisdictionLevel, User
from dukcapil.accounts.totp import unused_code
from dukcapil.regions.models import Kecamatan, Regency

TEST_PASSWORD = "uji-Sandi-2024-rahasia"  # noqa: S105 - test accounts only

_serial = itertools.count(1)


@lru_cache(maxsize=4)
def _password_hash(algorithm: str) -> str:
    # PBKDF2 costs half a second; one hash (its salt inside) serves every test user.
    return make_password(TEST_PASSWORD, hasher=algorithm)


def _code(value: Regency | Kecamatan | str | None) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else value.pk


def make_staff(
    role: str,
    *,
    regency: Regency | str | None = None,
    kecamatan: Kecamatan | str | None = None,
    username: str | None = None,
    with_totp: bool = True,
    **fields: Any,
) -> User:
    """A staff user with ``role``: kecamatan level if ``kecamatan`` is given (its regency is
    implied), regency level if ``regency`` is, province level otherwise. Password
    :data:`TEST_PASSWORD`; a confirmed TOTP device unless ``with_totp=False``."""
    kecamatan_code, regency_code = _code(kecamatan), _code(regency)
    if kecamatan_code:
        level = JurisdictionLevel.KECAMATAN
        regency_code = regency_code or kecamatan_code[:5]
    elif regency_code:
        level = JurisdictionLevel.REGENCY
    else:
        level = JurisdictionLevel.PROVINCE
    user = User.objects.create(
        username=username or f"{role}-{next(_serial)}",
        password=_password_hash(get_hasher().algorithm),
        role=role,
        jurisdiction_level=level,
        regency_id=regency_code,
        kecamatan_id=kecamatan_code,
        **fields,
    )
    if with_totp:
        TOTPDevice.objects.create(user=user, name="Autentikator", confirmed=True)
    return user


def totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def make_backup_codes(user: User, count: int = 5) -> list[str]:
    """Give ``user`` a sheet of one-time backup codes and return them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Kode cadangan", defaults={"confirmed": True}
    )
    codes = [new_backup_code() for _ in range(count)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def login_with_totp(
    client: Client,
    user: User,
    *,
    password: str = TEST_PASSWORD,
    code: str | None = None,
    next_url: str | None = None,
) -> HttpResponse:
    """Post the staff login form with ``user``'s password and an authenticator code (a fresh one
    from their TOTP device unless ``code`` is given). A redirect means success."""
    if code is None:
        code = unused_code(totp_device(user))
    data = {"username": user.get_username(), "password": password, "otp_token": code}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def login_verified(client: Client, user: User) -> None:
    """Log ``user`` in as if through password and authenticator, without the slow password hash:
    for tests of pages behind :func:`~dukcapil.accounts.decorators.role_required`."""
    device = totp_device(user) or TOTPDevice.objects.create(
        user=user, name="Autentikator", confirmed=True
    )
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
