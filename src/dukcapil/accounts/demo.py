"""Demo staff accounts: one for each role, in real jurisdictions of Banten, with synthetic names.

Each has a random password, an authenticator (TOTP) secret and five one-time backup codes. The
plaintext credentials are kept in ``DATA_DIR/demo-accounts.json`` (mode 0600), so that running the
setup again prints the same logins, and re-creates whatever the database lost:

- the password: the file's plaintext is the truth; the stored hash tells whether the database
  still holds it (no slow password check per account);
- the TOTP secret and the backup codes: the database is the truth when it has them (an
  administrator may have re-keyed a device), otherwise the file's are restored. Backup codes are
  one-time: a used code is gone for good and a fresh one tops the sheet up to five again.

For demonstrations and tests only: never run it against a database of real staff.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from faker import Faker

from dukcapil.accounts.models import JurisdictionLevel, Role, User
from dukcapil.accounts.totp import current_code

BACKUP_CODE_COUNT = 5
TOTP_DEVICE_NAME = "Autentikator"
BACKUP_DEVICE_NAME = "Kode cadangan"
FILE_NAME = "demo-accounts.json"
# No 0/O, 1/l/I: the password is read off a screen and typed by hand.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105


@dataclass(frozen=True)
class DemoStaff:
    username: str
    role: Role
    regency: str | None = None
    kecamatan: str | None = None
    superuser: bool = False

    @property
    def level(self) -> JurisdictionLevel:
        if self.kecamatan:
            return JurisdictionLevel.KECAMATAN
        if self.regency:
            return JurisdictionLevel.REGENCY
        return JurisdictionLevel.PROVINCE


DEMO_STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("operator.serang", Role.KECAMATAN_OPERATOR, regency="36.73", kecamatan="36.73.01"),
    DemoStaff("verifikator.kotaserang", Role.VERIFIER, regency="36.73"),
    DemoStaff("tte.kotaserang", Role.SIGNING_OFFICIAL, regency="36.73"),
    DemoStaff("cetak.kotaserang", Role.DISPATCH_OFFICER, regency="36.73"),
    DemoStaff("kadis.kotaserang", Role.REGENCY_HEAD, regency="36.73"),
    DemoStaff("verifikator.kabtangerang", Role.VERIFIER, regency="36.03"),
    DemoStaff("pemantau.banten", Role.PROVINCE_MONITOR),
    DemoStaff("admin", Role.ADMINISTRATOR, superuser=True),
)


@dataclass
class DemoAccount:
    """One demo account with its plaintext credentials."""

    spec: DemoStaff
    user: User
    password: str
    totp_key: str  # hex, as django-otp stores it
    backup_codes: list[str] = field(default_factory=list)
    created: bool = False

    @property
    def username(self) -> str:
        return self.spec.username

    @property
    def totp_secret(self) -> str:
        """The secret in base32, as authenticator apps take it when typed in."""
        return b32encode(unhexlify(self.totp_key)).decode("ascii")

    @property
    def otpauth_uri(self) -> str:
        return self.totp_device().config_url

    def totp_device(self) -> TOTPDevice:
        return TOTPDevice.objects.get(user=self.user, name=TOTP_DEVICE_NAME)

    def stored(self) -> dict[str, Any]:
        return {
            "first_name": self.user.first_name,
            "last_name": self.user.last_name,
            "password": self.password,
            "password_hash": self.user.password,
            "totp_key": self.totp_key,
            "backup_codes": self.backup_codes,
        }


def credentials_path() -> Path:
    return Path(settings.DATA_DIR) / FILE_NAME


def ensure_demo_accounts() -> list[DemoAccount]:
    """Create or repair every demo account and return them with their credentials."""
    stored = read_credentials()
    faker = Faker("id_ID")
    with transaction.atomic():
        accounts = [
            _ensure_account(spec, stored.get(spec.username, {}), faker) for spec in DEMO_STAFF
        ]
        # Inside the transaction: if the file cannot be written, nothing is changed.
        write_credentials({a.username: a.stored() for a in accounts})
    return accounts


def current_totp_code(username: str) -> str:
    """The code the authenticator app of demo user ``username`` shows now (for tests and demos)."""
    device = TOTPDevice.objects.get(user__username=username, name=TOTP_DEVICE_NAME)
    return current_code(device)


def read_credentials() -> dict[str, dict[str, Any]]:
    path = credentials_path()
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data.get("accounts", {})


def write_credentials(accounts: dict[str, dict[str, Any]]) -> None:
    """Write the file readable by its owner only, replacing the old one in one step."""
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": 1, "accounts": accounts}, indent=2, ensure_ascii=False)
    fd, tmp = tempfile.mkstemp(prefix=".demo-accounts-", dir=path.parent)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def new_password() -> str:
    groups = ("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def new_backup_code() -> str:
    while True:
        code = StaticToken.random_token()
        if not code.isdigit():  # never mistaken for an authenticator code by the login form
            return code


def _ensure_account(spec: DemoStaff, stored: dict[str, Any], faker: Faker) -> DemoAccount:
    user = User.objects.filter(username=spec.username).first()
    created = user is None
    if user is None:
        user = User(username=spec.username)
    user.first_name = stored.get("first_name") or faker.first_name()
    user.last_name = stored.get("last_name") or faker.last_name()
    user.role = spec.role
    user.jurisdiction_level = spec.level
    user.regency_id = spec.regency or (spec.kecamatan[:5] if spec.kecamatan else None)
    user.kecamatan_id = spec.kecamatan
    user.is_active = True
    user.is_staff = user.is_superuser = spec.superuser
    password = stored.get("password") or new_password()
    if not (user.password and user.password == stored.get("password_hash")):
        user.password = make_password(password)
    user.save()
    return DemoAccount(
        spec=spec,
        user=user,
        password=password,
        totp_key=_ensure_totp(user, stored.get("totp_key")),
        backup_codes=_ensure_backup_codes(user, stored.get("backup_codes") or []),
        created=created,
    )


def _ensure_totp(user: User, stored_key: str | None) -> str:
    device = TOTPDevice.objects.filter(user=user, name=TOTP_DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, key=stored_key or default_key(), confirmed=True
        )
    elif not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device.key


def _ensure_backup_codes(user: User, stored_codes: list[str]) -> list[str]:
    device = StaticDevice.objects.filter(user=user, name=BACKUP_DEVICE_NAME).first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
        present: set[str] = set()
        codes = list(stored_codes[:BACKUP_CODE_COUNT])
    else:
        present = set(device.token_set.values_list("token", flat=True))
        # Keep the file's order for codes still unused, then any the database has besides.
        codes = [c for c in stored_codes if c in present]
        codes += sorted(present - set(codes))
    while len(codes) < BACKUP_CODE_COUNT:
        code = new_backup_code()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes if code not in present
    )
    return codes
