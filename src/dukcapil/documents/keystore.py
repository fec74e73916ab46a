"""Where each office's signing key lives: one interface, a PKCS#12 and a PKCS#11 (HSM) store.

The active store is ``settings.DOCUMENTS_KEY_STORE`` (dotted path). ``Pkcs12KeyStore`` reads
``office-<regency code>.p12`` files from ``settings.DOCUMENTS_KEY_DIR`` (on a demo machine it
creates them, under a local demo CA, on first use; see :mod:`dukcapil.documents.demo_ca`).
``Pkcs11KeyStore`` signs inside a hardware module (the key never leaves it) through pyHanko's
PKCS#11 signer; it needs ``python-pkcs11`` and the vendor's module.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from pathlib import Path

from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from pyhanko.keys import load_cert_from_pemder
from pyhanko.sign import signers
from pyhanko_certvalidator.util import get_pyca_cryptography_hash


class KeyStoreError(Exception):
    """The key store cannot give a signer. ``permanent`` is False when a retry may work (an HSM
    that is busy or unreachable), True for a missing or unreadable key."""

    def __init__(self, message: str, *, permanent: bool = True) -> None:
        super().__init__(message)
        self.permanent = permanent


class SigningKeyStore:
    """The interface of every key store."""

    def signer(self, office_code: str) -> signers.Signer:
        """A pyHanko signer holding the office's key and certificate (with its chain).
        Raises :class:`KeyStoreError`."""
        raise NotImplementedError

    def certificate(self, office_code: str) -> x509.Certificate:
        """The office's signing certificate (to tell whether a PDF was signed by this office)."""
        return self.signer(office_code).signing_cert

    def trust_roots(self) -> list[x509.Certificate]:
        """The root certificates that signatures of this deployment chain to."""
        raise NotImplementedError

    def signing_lock(self) -> AbstractContextManager:
        """Held while a signature is made: a PKCS#11 session serves one thread at a time."""
        return nullcontext()


class LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's in-memory signer with the private key parsed once.

    ``SimpleSigner`` parses (and checks) the RSA key on every signature, about 50 ms each, which
    was most of the cost of a signed document."""

    @classmethod
    def of(cls, signer: signers.SimpleSigner) -> LoadedKeySigner:
        return cls(
            signing_cert=signer.signing_cert,
            signing_key=signer.signing_key,
            cert_registry=signer.cert_registry,
        )

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._private_key = serialization.load_der_private_key(
            self.signing_key.dump(), password=None
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        key = self._private_key
        if mechanism.signature_algo == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


class Pkcs12KeyStore(SigningKeyStore):
    """``<DOCUMENTS_KEY_DIR>/office-<code>.p12`` (passphrase ``DOCUMENTS_PKCS12_PASSPHRASE``),
    trust roots from ``<DOCUMENTS_KEY_DIR>/ca.pem`` (or ``DOCUMENTS_TRUST_ROOTS``, PEM paths)."""

    def __init__(self) -> None:
        self.directory = Path(settings.DOCUMENTS_KEY_DIR)
        self.passphrase = settings.DOCUMENTS_PKCS12_PASSPHRASE.encode() or None
        self._signers: dict[str, LoadedKeySigner] = {}
        self._lock = threading.Lock()

    def _ensure_demo_keys(self, office_code: str) -> None:
        if settings.DOCUMENTS_CREATE_DEMO_KEYS:
            from dukcapil.documents.demo_ca import ensure_office_key

            ensure_office_key(self.directory, office_code, passphrase=self.passphrase)

    def signer(self, office_code: str) -> signers.SimpleSigner:
        with self._lock:
            if office_code not in self._signers:
                path = self.directory / f"office-{office_code}.p12"
                if not path.exists():
                    self._ensure_demo_keys(office_code)
                try:
                    data = path.read_bytes()
                except OSError as e:
                    raise KeyStoreError(f"No PKCS#12 file for office {office_code}: {path}") from e
                try:
                    signer = signers.SimpleSigner.load_pkcs12_data(
                        data, other_certs=self.trust_roots(), passphrase=self.passphrase
                    )
                except ValueError as e:
                    raise KeyStoreError(f"Cannot read {path}: {e}") from e
                self._signers[office_code] = LoadedKeySigner.of(signer)
            return self._signers[office_code]

    def trust_roots(self) -> list[x509.Certificate]:
        paths = settings.DOCUMENTS_TRUST_ROOTS or [str(self.directory / "ca.pem")]
        if not settings.DOCUMENTS_TRUST_ROOTS and not Path(paths[0]).exists():
            self._ensure_demo_keys("")
        try:
            return [load_cert_from_pemder(p) for p in paths]
        except OSError as e:
            raise KeyStoreError(f"No trust root: {e}") from e


class Pkcs11KeyStore(SigningKeyStore):
    """An HSM or smart card: ``DOCUMENTS_PKCS11_MODULE`` (the vendor's .so), the token
    ``DOCUMENTS_PKCS11_TOKEN``, its user PIN ``DOCUMENTS_PKCS11_PIN``; the key and certificate of
    each office carry the label ``DOCUMENTS_PKCS11_KEY_LABEL`` formatted with ``office``
    (default ``office-{office}``). Trust roots: ``DOCUMENTS_TRUST_ROOTS`` (PEM paths)."""

    def __init__(self) -> None:
        if not settings.DOCUMENTS_PKCS11_MODULE:
            raise ImproperlyConfigured("DOCUMENTS_PKCS11_MODULE is not set")
        self._session = None
        self._signers: dict[str, signers.Signer] = {}
        self._lock = threading.Lock()
        self._sign_lock = threading.Lock()

    def signing_lock(self) -> AbstractContextManager:
        return self._sign_lock

    def _open(self):  # noqa: ANN202 - a python-pkcs11 Session
        try:
            from pyhanko.config.pkcs11 import TokenCriteria
            from pyhanko.sign.pkcs11 import open_pkcs11_session
        except ImportError as e:  # python-pkcs11 missing
            raise KeyStoreError(f"PKCS#11 support is not installed: {e}") from e
        try:
            return open_pkcs11_session(
                settings.DOCUMENTS_PKCS11_MODULE,
                token_criteria=TokenCriteria(label=settings.DOCUMENTS_PKCS11_TOKEN),
                user_pin=settings.DOCUMENTS_PKCS11_PIN,
            )
        except Exception as e:  # the module's own errors: the token may come back
            raise KeyStoreError(f"Cannot open the PKCS#11 token: {e}", permanent=False) from e

    def signer(self, office_code: str) -> signers.Signer:
        from pyhanko.sign.pkcs11 import PKCS11Signer

        with self._lock:
            if office_code not in self._signers:
                if self._session is None:
                    self._session = self._open()
                label = settings.DOCUMENTS_PKCS11_KEY_LABEL.format(office=office_code)
                self._signers[office_code] = PKCS11Signer(
                    self._session, key_label=label, cert_label=label,
                    other_certs_to_pull=(), bulk_fetch=False,
                )  # fmt: skip
            return self._signers[office_code]

    def trust_roots(self) -> list[x509.Certificate]:
        return [load_cert_from_pemder(p) for p in settings.DOCUMENTS_TRUST_ROOTS]


@lru_cache(maxsize=1)
def get_key_store() -> SigningKeyStore:
    """The configured key store, one per process (it caches its signers)."""
    return import_string(settings.DOCUMENTS_KEY_STORE)()
