"""Dispatch pages under /kantor/pengiriman/: scoped, thin, refusing bad input with a 4xx."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from dukcapil.accounts.models import Role
from dukcapil.applications.models import Application, Status
from dukcapil.applications.testing import make_staff
from dukcapil.delivery import services
from dukcapil.delivery.models import ParcelStatus, Shipment
from dukcapil.delivery.tests.conftest import issued_application

pytestmark = pytest.mark.django_db


def test_officer_sees_documents_waiting_and_books_one(client_as, dispatch_officer, fake_pos):
    app = issued_application()
    client = client_as(dispatch_officer)
    page = client.get(reverse("delivery:list"))
    assert page.status_code == 200
    assert app.tracking_display in page.content.decode()

    response = client.post(reverse("delivery:create"), {
        "tracking_number": app.tracking_display, "direction": "delivery"})  # fmt: skip
    shipment = Shipment.objects.get(application=app)
    assert response.status_code == 302
    assert response["Location"] == reverse("delivery:detail", args=[shipment.pk])
    detail = client.get(response["Location"]).content.decode()
    assert shipment.receipt_number in detail
    label = client.get(reverse("delivery:label", args=[shipment.pk]))
    assert label["Content-Type"] == "application/pdf" and label.content.startswith(b"%PDF")
    manifest = client.get(reverse("delivery:manifest", args=["csv"]),
                          {"tanggal": timezone.localdate().isoformat()})  # fmt: skip
    rows = list(csv.reader(io.StringIO(manifest.content.decode())))
    assert [r[1] for r in rows[1:]] == [shipment.receipt_number]
    assert client.get(reverse("delivery:manifest", args=["pdf"])).content.startswith(b"%PDF")


def test_bad_address_on_the_page_is_a_400_in_indonesian_and_nothing_changes(
    client_as, dispatch_officer, fake_pos
):
    app = issued_application()
    response = client_as(dispatch_officer).post(reverse("delivery:create"), {
        "tracking_number": app.tracking_number, "direction": "delivery",
        "use_other_address": "on", "desa": "31.71.01.1001", "rt": "1", "rw": "2",
        "address": "Jalan Thamrin 1", "postal_code": "",
    })  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert "Kode pos wajib diisi" in body and "wilayah provinsi ini" in body
    app.refresh_from_db()
    assert app.status == Status.ISSUED and not Shipment.objects.exists() and not fake_pos.parcels


def test_courier_down_is_a_503_with_a_message(client_as, dispatch_officer, fake_pos):
    app = issued_application()
    fake_pos.fail_next = [502]
    response = client_as(dispatch_officer).post(reverse("delivery:create"), {
        "tracking_number": app.tracking_number, "direction": "delivery"})  # fmt: skip
    assert response.status_code == 503
    assert "Kurir" in response.content.decode()
    assert not Shipment.objects.exists()


def test_other_regency_sees_nothing_and_cannot_open(client_as, fake_pos, dispatcher):
    app = issued_application()
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    stranger = make_staff(Role.DISPATCH_OFFICER, regency="36.03", username="cetak.kabtangerang")
    client = client_as(stranger)
    assert shipment.receipt_number not in client.get(reverse("delivery:list")).content.decode()
    assert client.get(reverse("delivery:detail", args=[shipment.pk])).status_code == 404
    assert client.get(reverse("delivery:label", args=[shipment.pk])).status_code == 404
    response = client.post(reverse("delivery:create"), {
        "tracking_number": app.tracking_number, "direction": "delivery"})  # fmt: skip
    assert response.status_code == 404
    manifest = client.get(reverse("delivery:manifest", args=["csv"])).content.decode()
    assert shipment.receipt_number not in manifest


def test_roles_without_dispatch_work_are_refused(client_as, verifier):
    assert client_as(verifier).get(reverse("delivery:list")).status_code == 403


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("delivery:list"))
    assert response.status_code == 302 and "masuk" in response["Location"]


def test_manual_courier_resi_and_events_by_hand(client_as, dispatch_officer, settings):
    settings.DELIVERY_PROVIDER = "manual"
    app = issued_application()
    client = client_as(dispatch_officer)
    response = client.post(reverse("delivery:create"), {
        "tracking_number": app.tracking_number, "direction": "delivery"})  # fmt: skip
    shipment = Shipment.objects.get(application=app)
    assert response.status_code == 302 and shipment.provider == "manual"
    assert shipment.receipt_number is None
    app.refresh_from_db()
    assert app.status == Status.IN_DELIVERY
    # No resi yet: no label, no events.
    assert client.get(reverse("delivery:label", args=[shipment.pk])).status_code == 400
    refused = client.post(reverse("delivery:event", args=[shipment.pk]), {"code": "picked_up"})
    assert refused.status_code == 400 and "resi" in refused.content.decode()

    assert client.post(reverse("delivery:resi", args=[shipment.pk]),
                       {"receipt_number": "bad resi!"}).status_code == 400  # fmt: skip
    ok = client.post(reverse("delivery:resi", args=[shipment.pk]),
                     {"receipt_number": "p2611290099999"})  # fmt: skip
    assert ok.status_code == 302
    shipment.refresh_from_db()
    assert shipment.receipt_number == "P2611290099999"
    again = client.post(reverse("delivery:resi", args=[shipment.pk]),
                        {"receipt_number": "P2611290088888"})  # fmt: skip
    assert again.status_code == 400

    url = reverse("delivery:event", args=[shipment.pk])
    assert client.post(url, {"code": "picked_up"}).status_code == 302
    no_name = client.post(url, {"code": "delivered"})
    assert no_name.status_code == 400 and "Nama penerima" in no_name.content.decode()
    future = client.post(url, {"code": "in_transit", "occurred_at": "2099-01-01T10:00"})
    assert future.status_code == 400
    assert (
        client.post(url, {"code": "delivered", "receiver_name": "Budi Santoso"}).status_code == 302
    )
    shipment.refresh_from_db()
    app.refresh_from_db()
    assert shipment.status == ParcelStatus.DELIVERED
    assert app.status == Status.COMPLETED
    done = app.events.get(transition="complete")
    assert done.data["receiver_name"] == "Budi Santoso" and done.actor == dispatch_officer
    assert set(shipment.events.values_list("recorded_by", flat=True)) == {dispatch_officer.pk}


def test_cancel_before_pickup_lets_the_officer_book_again(client_as, dispatch_officer, fake_pos):
    app = issued_application()
    client = client_as(dispatch_officer)
    client.post(reverse("delivery:create"), {
        "tracking_number": app.tracking_number, "direction": "delivery"})  # fmt: skip
    first = Shipment.objects.get(application=app)
    assert client.post(reverse("delivery:cancel", args=[first.pk])).status_code == 302
    first.refresh_from_db()
    assert first.status == ParcelStatus.CANCELLED
    assert fake_pos.parcels[first.receipt_number]["events"][-1]["code"] == "CANCELLED"
    again = client.post(reverse("delivery:create"), {
        "tracking_number": app.tracking_number, "direction": "delivery"})  # fmt: skip
    assert again.status_code == 302
    assert Shipment.objects.filter(application=app).count() == 2
    assert Application.objects.get(pk=app.pk).status == Status.IN_DELIVERY


def test_cancel_after_pickup_is_refused(client_as, dispatch_officer, fake_pos, dispatcher):
    app = issued_application()
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    services.add_manual_event(shipment=shipment, actor=dispatcher, code="picked_up")
    response = client_as(dispatch_officer).post(reverse("delivery:cancel", args=[shipment.pk]))
    assert response.status_code == 400
    shipment.refresh_from_db()
    assert shipment.status == ParcelStatus.PICKED_UP
