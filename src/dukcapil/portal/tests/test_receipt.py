"""The receipt PDF: one page, the tracking number, and a QR code that scans to the status link."""

import io

import pytest
from pypdf import PdfReader

from dukcapil.applications.testing import make_application
from dukcapil.portal.receipt import receipt_pdf

pytestmark = pytest.mark.django_db

URL = "https://dukcapil.example/status/?nomor=K7M-2QX-9PA"


def _qr_codes(pdf: bytes) -> list[str]:
    pdfium = pytest.importorskip("pypdfium2")
    pyzbar = pytest.importorskip("pyzbar.pyzbar")
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=4).to_pil()
    return [code.data.decode() for code in pyzbar.decode(image)]


@pytest.mark.parametrize("size", ["a5", "thermal", "a4"])
def test_the_receipt_has_the_number_and_a_qr_code_of_the_status_link(size):
    app = make_application("KK_HILANG")
    pdf = receipt_pdf(app, status_url=URL, size=size)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert app.tracking_display in text
    assert "Kartu Keluarga hilang" in text
    assert app.applicant.nik not in text  # masked
    assert _qr_codes(pdf) == [URL]


def test_the_thermal_receipt_is_80_mm_wide():
    pdf = receipt_pdf(make_application("KK_HILANG"), status_url=URL, size="thermal")
    width = float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width)
    assert width == pytest.approx(80 / 25.4 * 72, abs=0.5)
