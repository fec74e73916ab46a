"""Helpers for tests of documents (synthetic data only)."""

from __future__ import annotations

import io

from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application
from dukcapil.applications.testing import make_application, verifier_of

# Every service whose outputs include a signed document, with the document types it gives.
DOCUMENT_SERVICES = {
    "KK_UBAH": ["kk", "receipt"],
    "AKTA_LAHIR": ["akta_kelahiran", "kk", "receipt"],
    "AKTA_MATI": ["akta_kematian", "kk", "receipt"],
    "PINDAH_KELUAR": ["skpwni", "kk", "receipt"],
    "AKTA_KAWIN": ["akta_perkawinan", "kk", "receipt"],
    "AKTA_CERAI": ["akta_perceraian", "kk", "receipt"],
}


def approved_application(service_code: str = "KK_HILANG", **kw) -> Application:
    """An application of Kota Serang, claimed and approved by a verifier (drafts made)."""
    verifier = verifier_of("36.73")
    app = make_application(service_code, **kw)
    app = workflow.claim(application=app, actor=verifier)
    return workflow.approve(application=app, actor=verifier)


def issued_application(service_code: str, signing_official, **kw) -> Application:
    from dukcapil.documents.services import sign_application

    app = approved_application(service_code, **kw)
    return sign_application(application=app, actor=Actor.staff(signing_official))


def pdf_pages_as_images(pdf: bytes, *, scale: float = 2.0) -> list:
    """Each page of ``pdf`` as a PIL image (PDFium)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    try:
        return [page.render(scale=scale).to_pil() for page in document]
    finally:
        document.close()


def pdf_text(pdf: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def decode_qr_codes(pdf: bytes) -> list[str]:
    """The QR codes zbar finds on the rendered pages of ``pdf``."""
    from pyzbar.pyzbar import ZBarSymbol, decode

    found = []
    for image in pdf_pages_as_images(pdf, scale=3.0):
        found += [s.data.decode() for s in decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE])]
    return found
