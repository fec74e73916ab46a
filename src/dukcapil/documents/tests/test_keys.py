import pytest
from django.core.management import call_command
from pyhanko.sign import signers

from dukcapil.documents.keystore import KeyStoreError, Pkcs12KeyStore


@pytest.mark.django_db
def test_setup_keys_creates_a_ca_and_one_pkcs12_per_office_once(settings, tmp_path, capsys):
    settings.DOCUMENTS_KEY_DIR = tmp_path
    call_command("documents_setup_keys")
    files = sorted(p.name for p in tmp_path.glob("office-*.p12"))
    assert len(files) == 8 and "office-36.73.p12" in files  # the regencies of Banten
    assert (tmp_path / "ca.pem").exists()
    before = {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.p*")}
    call_command("documents_setup_keys")
    assert {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.p*")} == before
    signer = Pkcs12KeyStore().signer("36.73")
    assert isinstance(signer, signers.SimpleSigner)
    assert "36.73" in signer.signing_cert.subject.human_friendly


def test_a_missing_key_is_a_clear_permanent_error(settings, tmp_path):
    settings.DOCUMENTS_KEY_DIR = tmp_path
    settings.DOCUMENTS_CREATE_DEMO_KEYS = False
    with pytest.raises(KeyStoreError) as e:
        Pkcs12KeyStore().signer("36.73")
    assert e.value.permanent
