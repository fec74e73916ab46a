import io
import json

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from dukcapil.applications.models import Status
from dukcapil.documents.keystore import get_key_store
from dukcapil.documents.models import DocumentStatus, IssuedDocument
from dukcapil.documents.services import verification_url
from dukcapil.documents.testing import (
    DOCUMENT_SERVICES,
    approved_application,
    decode_qr_codes,
    issued_application,
    pdf_text,
)

pytestmark = pytest.mark.django_db


def _pdf(document: IssuedDocument) -> bytes:
    with document.pdf.open("rb") as f:
        return f.read()


def test_approval_drafts_the_documents_of_the_service_and_a_receipt():
    app = approved_application("AKTA_LAHIR")
    drafts = IssuedDocument.objects.filter(application=app).order_by("pk")
    assert [d.document_type for d in drafts] == ["akta_kelahiran", "kk", "receipt"]
    assert all(d.status == DocumentStatus.AWAITING_SIGNATURE and d.number is None for d in drafts)


@pytest.mark.parametrize("service_code", sorted(DOCUMENT_SERVICES))
def test_each_signed_document_validates_against_the_demo_ca_and_its_qr_leads_to_verification(
    service_code, signing_official
):
    app = issued_application(service_code, signing_official)
    assert app.status == Status.ISSUED
    documents = list(IssuedDocument.objects.filter(application=app).order_by("pk"))
    assert sorted(d.document_type for d in documents) == sorted(DOCUMENT_SERVICES[service_code])
    roots = get_key_store().trust_roots()
    for document in documents:
        pdf = _pdf(document)
        (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
        assert status.intact and status.valid and status.trusted, document.document_type
        assert status.bottom_line
        assert decode_qr_codes(pdf) == [verification_url(document.verification_code)]
        text = pdf_text(pdf)
        assert document.number in text
        name, nik = _holder(document)
        assert name.upper() in text.upper()
        assert nik in text


def _holder(document: IssuedDocument) -> tuple[str, str]:
    """The holder's name and NIK as the stored content says."""
    content = json.loads(document.content)
    person = (
        content.get("person")
        or content.get("husband")
        or content.get("applicant")
        or content["members"][0]
    )
    return person["name"], person["nik"]


def test_a_kk_draft_signed_after_a_newer_change_of_the_family_shows_the_family_as_it_is_now(
    signing_official,
):
    from dukcapil.applications.actors import Actor
    from dukcapil.applications.testing import make_household
    from dukcapil.documents.services import sign_application

    household = make_household()
    head = household["head"]
    older = approved_application(
        "KK_UBAH", household=household,
        form_data={"perubahan": {"nik": head.nik, "changes": {"occupation": "Pedagang"}}},
    )  # fmt: skip
    newer = approved_application(
        "KK_UBAH", household=household,
        form_data={"perubahan": {"nik": head.nik, "changes": {"occupation": "Petani"}}},
    )  # fmt: skip
    official = Actor.staff(signing_official)
    sign_application(application=newer, actor=official)
    sign_application(application=older, actor=official)  # signed last, drafted first
    kk = IssuedDocument.objects.get(application=older, document_type="kk")
    assert json.loads(kk.content)["members"][0]["occupation"] == "Petani"
    assert "PETANI" in pdf_text(_pdf(kk))
