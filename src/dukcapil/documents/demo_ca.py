"""A local demo CA and one signing certificate per office, for ``make run`` and the tests.

Never for production: the CA key sits next to the certificates. Production offices get their
certificates from the national CA (BSrE) in a PKCS#12 file or an HSM (see the README).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID_DAYS = 3650
CA_NAME = "Dukcapil Daring Demo Root CA"


@contextmanager
def _locked(directory: Path):
    """One process at a time creates keys (several workers may start together)."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _ensure_ca(directory: Path) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    cert_path, key_path = directory / "ca.pem", directory / "ca.key.pem"
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        return cert, key  # type: ignore[return-value]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Dukcapil Daring (demo)"),
            x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
        ]
    )
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_path, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))  # fmt: skip
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _office_name(office_code: str) -> str:
    try:
        from dukcapil.regions.models import Regency

        return str(Regency.objects.get(pk=office_code).name)
    except Exception:  # noqa: BLE001 - no database yet: the code names the office well enough
        return office_code


def ensure_office_key(directory: Path, office_code: str, *, passphrase: bytes | None) -> bool:
    """Create the demo CA and the office's ``office-<code>.p12`` if missing; True if created.
    An empty ``office_code`` creates the CA only."""
    directory = Path(directory)
    with _locked(directory):
        ca_cert, ca_key = _ensure_ca(directory)
        if not office_code:
            return False
        path = directory / f"office-{office_code}.p12"
        if path.exists():
            return False
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                x509.NameAttribute(
                    NameOID.ORGANIZATION_NAME, "Dinas Kependudukan dan Pencatatan Sipil"
                ),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, office_code),
                x509.NameAttribute(
                    NameOID.COMMON_NAME, f"Disdukcapil {_office_name(office_code)}"[:64]
                ),
            ]
        )
        now = _now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=VALID_DAYS - 30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )  # fmt: skip
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        encryption = (
            serialization.BestAvailableEncryption(passphrase)
            if passphrase
            else serialization.NoEncryption()
        )
        data = pkcs12.serialize_key_and_certificates(
            f"office-{office_code}".encode(), key, cert, [ca_cert], encryption
        )
        _write_private(path, data)
        return True
