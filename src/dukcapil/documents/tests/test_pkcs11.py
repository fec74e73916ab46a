"""The PKCS#11 key store against SoftHSM (Debian ``softhsm2``): a software token that speaks the
same PKCS#11 interface as the HSM of a production office."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from dukcapil.documents import keystore
from dukcapil.documents.demo_ca import ensure_office_key
from dukcapil.documents.rendering import Issue, render
from dukcapil.documents.signing import check_pdf, sign_pdf
from dukcapil.documents.tests.samples import SAMPLES

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
pkcs11 = pytest.importorskip("pkcs11")
pytestmark = pytest.mark.skipif(
    not MODULE.exists() or not shutil.which("softhsm2-util"), reason="softhsm2 is not installed"
)
SO_PIN, PIN, TOKEN, OFFICE = "1234", "5678", "dukcapil-uji", "36.73"


def _util(*args: str) -> None:
    subprocess.run(["softhsm2-util", *args], check=True, capture_output=True)  # noqa: S603, S607


@pytest.fixture
def hsm(tmp_path, monkeypatch, settings):
    """A fresh SoftHSM token holding the office's key and certificate (made by the demo CA)."""
    (tmp_path / "tokens").mkdir()
    config = tmp_path / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(config))
    _util("--init-token", "--free", "--label", TOKEN, "--so-pin", SO_PIN, "--pin", PIN)
    ensure_office_key(tmp_path, OFFICE, passphrase=None)
    key, cert, _chain = pkcs12.load_key_and_certificates(
        (tmp_path / f"office-{OFFICE}.p12").read_bytes(), None
    )
    pem = tmp_path / "key.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))  # fmt: skip
    label = f"office-{OFFICE}"
    _util("--import", str(pem), "--token", TOKEN, "--label", label, "--id", "01", "--pin", PIN)
    pem.unlink()
    from pkcs11 import Attribute, CertificateType, ObjectClass

    token = pkcs11.lib(str(MODULE)).get_token(token_label=TOKEN)
    with token.open(user_pin=PIN, rw=True) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.LABEL: label,
            Attribute.ID: b"\x01",
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
        })  # fmt: skip
    settings.DOCUMENTS_KEY_STORE = "dukcapil.documents.keystore.Pkcs11KeyStore"
    settings.DOCUMENTS_PKCS11_MODULE = str(MODULE)
    settings.DOCUMENTS_PKCS11_TOKEN = TOKEN
    settings.DOCUMENTS_PKCS11_PIN = PIN
    settings.DOCUMENTS_TRUST_ROOTS = [str(tmp_path / "ca.pem")]
    keystore.get_key_store.cache_clear()
    yield
    keystore.get_key_store.cache_clear()


def test_a_document_signed_inside_the_hsm_validates_as_issued_by_the_office(hsm):
    store = keystore.get_key_store()
    assert isinstance(store, keystore.Pkcs11KeyStore)
    issue = Issue(number="X-1", issued_on="1 Januari 2026",
                  verification_url="http://x/verifikasi/abc/", signer_name="Pejabat")  # fmt: skip
    pdf = sign_pdf(render(SAMPLES["kk"], issue), office_code=OFFICE, signer_name="Pejabat",
                   location="Serang")  # fmt: skip
    result = check_pdf(pdf, office_codes=[OFFICE])
    assert result.genuine and result.issued_by_office == OFFICE
    assert io.BytesIO(pdf).read(5) == b"%PDF-"
