"""API keys: made once, shown once, kept as a hash, checked in constant time.

A key reads ``dkc_<prefix>_<secret>``: the prefix (8 hex characters) finds the row and may appear
in logs; the secret (32 random bytes, URL-safe base64) is known only to the integration. A SHA-256
hash is enough for a secret of 256 random bits (no dictionary to guess from), and it keeps the
check cheap on a path that serves hundreds of requests a second.

A key that was just checked is remembered by its process for :data:`REMEMBER_FOR` seconds, so that
an integration sending many requests costs one lookup every few seconds rather than one each. A
revocation therefore takes effect at once in the process that made it and within those seconds in
the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.utils import timezone

from dukcapil.api.models import ApiKey
from dukcapil.regions.models import Regency

KEY_PREFIX = "dkc"
# Writing last_used_at on every request would turn each read into a write; once a minute is
# precise enough to see which keys are alive.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
REMEMBER_FOR = 5.0  # seconds

# (prefix, hash of the secret) → (when it was checked, the key). Only keys that passed the check
# are remembered, so a stranger cannot fill it.
_recently_checked: dict[tuple[str, str], tuple[float, ApiKey]] = {}


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    key: str  # the full key: shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(*, office: Regency, name: str) -> IssuedKey:
    """A new key for ``office``; the returned ``key`` is the only time the secret is seen."""
    while True:
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    secret = secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        office=office, name=" ".join(name.split())[:100], prefix=prefix, secret_hash=_hash(secret)
    )
    return IssuedKey(api_key=api_key, key=f"{KEY_PREFIX}_{prefix}_{secret}")


def revoke_api_key(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    for remembered in [k for k in list(_recently_checked) if k[0] == api_key.prefix]:
        _recently_checked.pop(remembered, None)
    return api_key


def authenticate_api_key(raw: str) -> ApiKey | None:
    """The live key matching ``raw``, or None (malformed, unknown, wrong secret or revoked)."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    prefix, secret_hash = parts[1], _hash(parts[2])
    remembered = _recently_checked.get((prefix, secret_hash))
    if remembered is not None and time.monotonic() - remembered[0] < REMEMBER_FOR:
        return remembered[1]
    api_key = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, secret_hash):
        _recently_checked.pop((prefix, secret_hash), None)
        return None
    _recently_checked[(prefix, secret_hash)] = (time.monotonic(), api_key)
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
