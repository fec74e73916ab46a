"""The ``pos`` provider against the fake Pos server: the documented contract, over HTTP."""

from __future__ import annotations

import pytest

from dukcapil.delivery.models import CourierCall
from dukcapil.delivery.providers import get_provider
from dukcapil.delivery.providers.base import CourierError, Party, ShipmentRequest
from dukcapil.delivery.providers.pos import PosProvider

pytestmark = pytest.mark.django_db

PERSON = Party(name="Budi Santoso", phone="6281234567890", street="Jalan Melati 5", rt="003",
               rw="004", desa_code="36.73.01.1001", desa="Kelurahan Cipare", kecamatan="Serang",
               regency="Kota Serang", postal_code="42117")  # fmt: skip
OFFICE = Party(name="Disdukcapil Kota Serang", phone="62254123456", street="Jalan Jenderal",
               rt="000", rw="000", desa_code="", desa="", kecamatan="", regency="Kota Serang",
               postal_code="42111")  # fmt: skip


def _request(reference: str = "DKD-UJI-D1", **kw) -> ShipmentRequest:
    return ShipmentRequest(reference=reference, sender=OFFICE, recipient=PERSON, **kw)


def test_provider_is_chosen_in_settings(fake_pos, settings):
    assert isinstance(get_provider(), PosProvider)
    settings.DELIVERY_PROVIDER = "manual"
    assert get_provider().code == "manual"
    settings.DELIVERY_PROVIDER = "merpati"
    with pytest.raises(LookupError):
        get_provider()


def test_quote_book_track_and_cancel(fake_pos):
    pos = PosProvider()
    assert pos.quote(request=_request()) == 10_000
    booking = pos.create_shipment(request=_request(cod_amount=5000))
    assert booking.receipt_number.startswith("P") and booking.tariff == 10_000
    assert fake_pos.parcels[booking.receipt_number]["request"]["cod_amount"] == 5000
    events = pos.track(receipt_number=booking.receipt_number)
    assert [e.code for e in events] == ["created"]
    assert events[0].occurred_at.tzinfo is not None
    pos.cancel(receipt_number=booking.receipt_number)
    assert [e.code for e in pos.track(receipt_number=booking.receipt_number)] == [
        "created", "cancelled"]  # fmt: skip
    # Every call went over the wire with the token and was logged with its status.
    assert ("POST", "/v1/shipments") in fake_pos.requests
    assert list(CourierCall.objects.values_list("status_code", flat=True)) == [200, 201, 200, 200,
                                                                               200]  # fmt: skip


def test_booking_the_same_reference_twice_returns_the_same_resi(fake_pos):
    pos = PosProvider()
    first = pos.create_shipment(request=_request())
    again = pos.create_shipment(request=_request())
    assert first.receipt_number == again.receipt_number and len(fake_pos.parcels) == 1


def test_cancel_after_pickup_and_unknown_resi_are_permanent_errors(fake_pos):
    pos = PosProvider()
    resi = pos.create_shipment(request=_request()).receipt_number
    fake_pos.scan(resi, "PICKED_UP")
    with pytest.raises(CourierError) as too_late:
        pos.cancel(receipt_number=resi)
    assert too_late.value.permanent and too_late.value.status == 409
    with pytest.raises(CourierError) as unknown:
        pos.track(receipt_number="P0000000000000")
    assert unknown.value.permanent and unknown.value.status == 404


def test_missing_postal_code_is_refused_by_pos_too(fake_pos):
    bad = Party(**{**PERSON.__dict__, "postal_code": ""})
    with pytest.raises(CourierError) as refused:
        PosProvider().create_shipment(
            request=ShipmentRequest(reference="DKD-X", sender=OFFICE, recipient=bad)
        )
    assert refused.value.permanent and "postal_code" in str(refused.value)
    assert not fake_pos.parcels


def test_unreachable_pos_is_a_temporary_error(settings, db):
    settings.POS_API_BASE_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(CourierError) as down:
        PosProvider(timeout=2).track(receipt_number="P1")
    assert down.value.permanent is False
    assert CourierCall.objects.get().status_code is None
