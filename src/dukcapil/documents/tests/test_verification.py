import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dukcapil.applications.actors import Actor
from dukcapil.documents.models import DocumentStatus, IssuedDocument
from dukcapil.documents.services import revoke_document
from dukcapil.documents.testing import issued_application
from dukcapil.documents.tests.test_issuing import _pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def kk(signing_official) -> IssuedDocument:
    app = issued_application("KK_UBAH", signing_official)
    return IssuedDocument.objects.get(application=app, document_type="kk")


def _upload(client, document, data: bytes):
    url = reverse("documents:verify", args=[document.verification_code])
    return client.post(url, {"berkas": SimpleUploadedFile("kk.pdf", data, "application/pdf")})


def test_the_page_shows_type_number_date_status_and_the_masked_name_only(client, kk):
    response = client.get(reverse("documents:verify", args=[kk.verification_code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dokumen asli dan berlaku." in page
    assert kk.number in page
    assert "Kartu Keluarga" in page
    first, last = kk.holder_name.split(" ")[:2]
    assert f"{first[0]}{'*' * (len(first) - 1)}" in page
    assert kk.holder_name not in page
    content = kk.content
    assert '"nik"' in content  # the stored content has NIKs …
    import json

    for member in json.loads(content)["members"]:
        assert member["nik"] not in page  # … the page none of them
        assert member["name"] not in page


def test_an_unknown_code_is_not_found(client, db):
    response = client.get(reverse("documents:verify", args=["tidak-ada-kode-ini"]))
    assert response.status_code == 404
    assert "Kode verifikasi tidak dikenal" in response.content.decode()


def test_the_signed_file_is_reported_genuine(client, kk):
    response = _upload(client, kk, _pdf(kk))
    assert "Berkas asli: tanda tangan sah, tidak berubah sejak ditandatangani" in (
        response.content.decode()
    )


def test_changing_one_byte_is_reported_as_altered(client, kk):
    data = bytearray(_pdf(kk))
    # A byte of the page's content stream, inside the signed range.
    position = data.index(b"stream") + 200
    data[position] ^= 0x01
    page = _upload(client, kk, bytes(data)).content.decode()
    assert "Berkas telah diubah" in page
    assert "Berkas asli" not in page
    assert "✘ Tanda tangan tidak cocok dengan isi berkas" in page


def test_a_kk_signed_again_after_a_change_reports_the_old_one_superseded_with_the_new_date(
    client, kk, signing_official
):
    from dukcapil.registry.models import Family

    family = Family.objects.get(kk_index=kk.subject_key.removeprefix("kk:"))
    head = family.members.get(relationship="kepala_keluarga")
    household = {"head": head, "wife": family.members.get(relationship="istri"),
                 "child": family.members.get(relationship="anak"), "family": family}  # fmt: skip
    newer_app = issued_application(
        "KK_UBAH",
        signing_official,
        household=household,
        form_data={"perubahan": {"nik": head.nik, "changes": {"occupation": "Pedagang"}}},
    )
    newer = IssuedDocument.objects.get(application=newer_app, document_type="kk")
    kk.refresh_from_db()
    assert kk.status == DocumentStatus.SUPERSEDED and kk.superseded_by == newer
    page = client.get(reverse("documents:verify", args=[kk.verification_code])).content.decode()
    assert "sudah digantikan oleh versi yang lebih baru" in page
    from django.utils import translation
    from django.utils.dateformat import format as date_format

    with translation.override("id"):
        assert f"terbit pada {date_format(newer.issued_on, 'j F Y')}" in page


def test_a_revoked_document_is_reported_revoked(client, kk, signing_official):
    revoke_document(document=kk, actor=Actor.staff(signing_official), reason="Diterbitkan keliru")
    page = client.get(reverse("documents:verify", args=[kk.verification_code])).content.decode()
    assert "telah dicabut" in page


def test_the_page_is_rate_limited(client, kk, settings):
    settings.DOCUMENTS_VERIFY_LIMIT = 3
    url = reverse("documents:verify", args=[kk.verification_code])
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_a_pdf_can_be_checked_without_its_code(client, kk):
    url = reverse("documents:verify_upload")
    assert client.get(url).status_code == 200
    ok = client.post(url, {"berkas": SimpleUploadedFile("kk.pdf", _pdf(kk), "application/pdf")})
    assert "Berkas asli" in ok.content.decode()
    junk = client.post(
        url, {"berkas": SimpleUploadedFile("x.pdf", b"bukan pdf", "application/pdf")}
    )
    assert "tidak dapat dibaca" in junk.content.decode()


def test_a_pdf_signed_by_another_office_is_not_of_this_office(client, kk, signing_official):
    from dukcapil.documents.keystore import get_key_store
    from dukcapil.documents.signing import check_pdf

    get_key_store().signer("36.03")  # another regency's key under the same CA
    result = check_pdf(_pdf(kk), office_codes=["36.03"])
    assert result.signature_valid and result.unchanged and not result.issued_by_office


def test_the_page_speaks_english_when_chosen(client, kk):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("documents:verify", args=[kk.verification_code])).content.decode()
    assert "The document is genuine and valid." in page
    assert "Family card" in page


def test_a_pdf_signed_under_another_ca_is_not_genuine(client, kk, tmp_path):
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from dukcapil.documents.demo_ca import ensure_office_key

    ensure_office_key(tmp_path, "36.73", passphrase=None)  # a look-alike office under a rogue CA
    rogue = signers.SimpleSigner.load_pkcs12_data(
        (tmp_path / "office-36.73.p12").read_bytes(), other_certs=[]
    )
    from dukcapil.documents.rendering import Issue, render
    from dukcapil.documents.tests.samples import SAMPLES

    issue = Issue(number=kk.number, issued_on="1 Januari 2026", verification_url="http://x/",
                  signer_name="Palsu")  # fmt: skip
    writer = IncrementalPdfFileWriter(io.BytesIO(render(SAMPLES["kk"], issue)))
    forged = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="TTE"), rogue)
    page = _upload(client, kk, forged.getvalue()).content.decode()
    assert "Berkas telah diubah atau tidak diterbitkan oleh kantor ini." in page
    assert "✔ Tanda tangan sah" in page  # intact, but …
    assert "✘ Bukan terbitan kantor ini" in page  # … not under this deployment's CA
