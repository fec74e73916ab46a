"""The A6 label: its Code 128 decodes (zbar) to the resi, its QR to the tracking number; the
daily manifest as PDF and CSV."""

from __future__ import annotations

import csv
import io

import pypdfium2
import pytest
from pypdf import PdfReader
from pyzbar import pyzbar

from dukcapil.delivery import labels, services
from dukcapil.delivery.selectors import manifest_shipments
from dukcapil.delivery.tests.conftest import issued_application

pytestmark = pytest.mark.django_db


def _decode(pdf: bytes) -> dict[str, str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=300 / 72).to_pil()
    return {code.type: code.data.decode() for code in pyzbar.decode(image)}


def test_label_barcode_decodes_to_the_resi_and_qr_to_the_tracking_number(fake_pos, dispatcher):
    app = issued_application()
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    pdf = labels.render_label(shipment)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (105, 148)
    decoded = _decode(pdf)
    assert decoded["CODE128"] == shipment.receipt_number
    assert decoded["QRCODE"] == app.tracking_number
    text = reader.pages[0].extract_text()
    assert app.applicant.name in text and "42111" in text  # recipient and the office


def test_label_shows_cash_on_delivery_when_the_recipient_pays(fake_pos, dispatcher, settings):
    settings.DELIVERY_FEES = {"36.73": {"amount": 12000, "payer": "recipient"}}
    app = issued_application()
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    assert (shipment.fee_amount, shipment.fee_payer) == (12000, "recipient")
    assert fake_pos.parcels[shipment.receipt_number]["request"]["cod_amount"] == 12000
    text = PdfReader(io.BytesIO(labels.render_label(shipment))).pages[0].extract_text()
    assert "Rp 12.000" in text


def test_fees_are_free_by_default_and_the_office_may_pay(fake_pos, dispatcher, settings):
    app = issued_application()
    free = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    assert (free.fee_amount, free.fee_payer) == (0, "office")
    settings.DELIVERY_FEES = {"36.73": {"amount": 9000, "payer": "office"}}
    other = issued_application()
    paid = services.create_shipment(application=other, direction="delivery", actor=dispatcher)
    assert (paid.fee_amount, paid.fee_payer) == (9000, "office")
    assert fake_pos.parcels[paid.receipt_number]["request"]["cod_amount"] == 0


def test_daily_manifest_lists_the_days_parcels_in_pdf_and_csv(fake_pos, dispatch_officer):
    from django.utils import timezone

    from dukcapil.applications.actors import Actor

    actor = Actor.staff(dispatch_officer)
    shipments = [
        services.create_shipment(application=issued_application(), direction="delivery",
                                 actor=actor)
        for _ in range(2)
    ]  # fmt: skip
    day = timezone.localdate()
    listed = manifest_shipments(dispatch_officer, day=day, office="36.73")
    assert [s.pk for s in listed] == [s.pk for s in shipments]
    rows = list(csv.reader(io.StringIO(labels.render_manifest_csv(listed))))
    assert rows[0][:3] == ["no", "resi", "registrasi"]
    assert [r[1] for r in rows[1:]] == [s.receipt_number for s in shipments]
    pdf = labels.render_manifest_pdf(listed, day=day, office_name="Kota Serang")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert all(s.receipt_number in text for s in shipments)
    assert "Kurir Pos Indonesia" in text and "Jumlah kiriman: 2" in text
    assert manifest_shipments(dispatch_officer, day=day - timezone.timedelta(days=1)) == []
