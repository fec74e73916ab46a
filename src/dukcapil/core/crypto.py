"""Encryption of identifiers at rest: AES-256-GCM for the value, a keyed HMAC for exact lookup.

Keys come from the environment (``DUKCAPIL_DATA_KEYS``, ``DUKCAPIL_INDEX_KEY``, or their
``*_FILE`` variants) or, for a local machine, from files in ``DUKCAPIL_DATA_DIR/keys`` that are
created on first use. ``DUKCAPIL_DATA_KEYS`` is a comma-separated list of ``id:base64key``; the
first encrypts, all decrypt, so a key can be rotated without rewriting every row at once.

Ciphertext format (text, so that it fits any database and ``COPY``):
``<key id>$<base64url(nonce 12 bytes || ciphertext || tag)>``. The associated data binds a value to
its column, so a ciphertext copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from dukcapil.env import env_bool, env_str


@dataclass(frozen=True)
class KeyRing:
    active_id: str
    data_keys: dict[str, AESGCM]
    index_key: bytes


def _parse_data_keys(text: str) -> list[tuple[str, bytes]]:
    keys = []
    for item in text.replace("\n", ",").split(","):
        item = item.strip()
        if not item:
            continue
        key_id, _, encoded = item.partition(":")
        raw = base64.urlsafe_b64decode(encoded)
        if len(raw) != 32 or not key_id.isalnum():
            raise ImproperlyConfigured("DUKCAPIL_DATA_KEYS: each key is id:base64 of 32 bytes")
        keys.append((key_id, raw))
    return keys


def create_local_keys(key_dir: Path) -> None:
    """Create a data key and an index key in ``key_dir`` if they are not there (``make run``)."""
    key_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(key_dir, 0o700)
    data_file, index_file = key_dir / "data.keys", key_dir / "index.key"
    for path, content in (
        (data_file, "k1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()),
        (index_file, base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()),
    ):
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(content + "\n")


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    data_text = env_str("DUKCAPIL_DATA_KEYS")
    index_text = env_str("DUKCAPIL_INDEX_KEY")
    key_dir = Path(settings.DUKCAPIL_KEY_DIR)
    if not data_text or not index_text:
        if not (key_dir / "data.keys").exists() and env_bool("DUKCAPIL_CREATE_LOCAL_KEYS", True):
            create_local_keys(key_dir)
        try:
            data_text = data_text or (key_dir / "data.keys").read_text()
            index_text = index_text or (key_dir / "index.key").read_text()
        except FileNotFoundError as e:
            raise ImproperlyConfigured(
                "No encryption keys: set DUKCAPIL_DATA_KEYS and DUKCAPIL_INDEX_KEY"
            ) from e
    parsed = _parse_data_keys(data_text)
    if not parsed:
        raise ImproperlyConfigured("DUKCAPIL_DATA_KEYS holds no key")
    return KeyRing(
        active_id=parsed[0][0],
        data_keys={key_id: AESGCM(raw) for key_id, raw in parsed},
        index_key=base64.urlsafe_b64decode(index_text.strip()),
    )


def encrypt(plaintext: str, *, context: str) -> str:
    ring = keyring()
    nonce = secrets.token_bytes(12)
    sealed = ring.data_keys[ring.active_id].encrypt(nonce, plaintext.encode(), context.encode())
    return f"{ring.active_id}${base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> str:
    key_id, _, encoded = token.partition("$")
    raw = base64.urlsafe_b64decode(encoded)
    return keyring().data_keys[key_id].decrypt(raw[:12], raw[12:], context.encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed HMAC-SHA256 of ``value`` (128 bits, hex): equal values give equal indexes, and
    nobody without the index key can test a guessed NIK against the database."""
    mac = hmac.new(keyring().index_key, f"{purpose}\x00{value}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]
