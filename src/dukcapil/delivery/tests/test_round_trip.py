"""Full round trips against the fake Pos server over HTTP: booking and tracking by the provider,
webhooks in the fake's exact wire form through ``/webhooks/pos``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dukcapil.applications.actors import Actor
from dukcapil.applications.models import ApplicationEvent, Status
from dukcapil.applications.testing import make_application
from dukcapil.delivery import services, tracking
from dukcapil.delivery.models import ParcelStatus, Shipment, TrackingEvent
from dukcapil.delivery.tests.conftest import deliver_webhook, issued_application
from dukcapil.notifications.models import Notification

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0) -> str:
    """A time on the parcel's day, in Pos's form: ``hour`` hours after the booking (now)."""
    start = timezone.localtime().replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return (start + dt.timedelta(hours=hour - 8, minutes=minute)).isoformat()


def scan(client, fake, resi, code, when, **fields):  # noqa: ANN001, ANN201
    event = fake.scan(resi, code, occurred_at=when, **fields)
    response = deliver_webhook(client, fake, resi, [event])
    assert response.status_code == 200, response.content
    return response


def test_delivery_round_trip_completes_the_application_with_receiver_and_time(
    client, fake_pos, dispatcher
):
    app = issued_application()
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)

    assert shipment.receipt_number in fake_pos.parcels
    booked = fake_pos.parcels[shipment.receipt_number]["request"]
    assert booked["recipient"]["address"]["postal_code"] == app.family.postal_code
    assert booked["recipient"]["address"]["village_code"] == app.family.desa_id
    app.refresh_from_db()
    assert app.status == Status.IN_DELIVERY

    resi = shipment.receipt_number
    scan(client, fake_pos, resi, "PICKED_UP", at(9))
    scan(client, fake_pos, resi, "ARRIVED_AT_HUB", at(11), location="SPP Serang")
    scan(client, fake_pos, resi, "OUT_FOR_DELIVERY", at(13))
    scan(client, fake_pos, resi, "DELIVERED", at(14, 5), receiver_name="Budi Santoso")

    shipment.refresh_from_db()
    app.refresh_from_db()
    assert shipment.status == ParcelStatus.DELIVERED
    assert shipment.receiver_name == "Budi Santoso"
    assert app.status == Status.COMPLETED
    done = app.events.get(transition="complete")
    assert done.data["receiver_name"] == "Budi Santoso"
    assert done.data["received_at"] == at(14, 5)
    assert done.actor_label == "Pos Indonesia"
    # The citizen heard of the steps that matter (hub scans only show on the status page).
    parcel_news = Notification.objects.filter(application=app, template__startswith="parcel_")
    assert sorted(parcel_news.values_list("template", flat=True)) == [
        "parcel_out_for_delivery", "parcel_picked_up"]  # fmt: skip
    assert all(n.recipient == app.applicant_phone for n in parcel_news)


def test_pickup_of_papers_is_tracked_to_the_office_without_touching_the_case(
    client, fake_pos, kecamatan_operator
):
    app = make_application()
    shipment = services.create_shipment(
        application=app, direction="pickup", actor=Actor.staff(kecamatan_operator)
    )
    booked = fake_pos.parcels[shipment.receipt_number]["request"]
    assert booked["sender"]["name"] == app.applicant.name  # papers travel from the applicant
    assert booked["recipient"]["name"].startswith("Disdukcapil")

    scan(client, fake_pos, shipment.receipt_number, "PICKED_UP", at(9))
    scan(client, fake_pos, shipment.receipt_number, "DELIVERED", at(15), receiver_name="Petugas")

    shipment.refresh_from_db()
    app.refresh_from_db()
    assert shipment.status == ParcelStatus.DELIVERED
    assert app.status == Status.SUBMITTED  # the papers arrived; the case goes on as before
    bodies = list(Notification.objects.filter(application=app, template__startswith="parcel_")
                  .values_list("body", flat=True))  # fmt: skip
    assert any("diterima kantor Disdukcapil" in b for b in bodies)


def test_failed_attempt_then_delivery(client, fake_pos, dispatcher):
    app = issued_application()
    resi = services.create_shipment(
        application=app, direction="delivery", actor=dispatcher
    ).receipt_number
    scan(client, fake_pos, resi, "PICKED_UP", at(9))
    scan(client, fake_pos, resi, "OUT_FOR_DELIVERY", at(10))
    scan(client, fake_pos, resi, "DELIVERY_FAILED", at(11), note="Rumah kosong")
    shipment = Shipment.objects.get(receipt_number=resi)
    assert shipment.status == ParcelStatus.FAILED_ATTEMPT
    app.refresh_from_db()
    assert app.status == Status.IN_DELIVERY
    failed = Notification.objects.get(application=app, template="parcel_failed_attempt")
    assert "Rumah kosong" in failed.body and "dicoba lagi" in failed.body

    scan(client, fake_pos, resi, "ARRIVED_AT_HUB", at(17))  # back to the hub overnight
    scan(client, fake_pos, resi, "OUT_FOR_DELIVERY", at(20))
    scan(client, fake_pos, resi, "DELIVERED", at(20, 40), receiver_name="Siti Rahma")
    shipment.refresh_from_db()
    app.refresh_from_db()
    assert shipment.status == ParcelStatus.DELIVERED
    assert app.status == Status.COMPLETED
    assert app.events.get(transition="complete").data["receiver_name"] == "Siti Rahma"


def test_return_then_pickup_at_the_kecamatan(client, fake_pos, dispatcher, kecamatan_operator):
    app = issued_application()
    resi = services.create_shipment(
        application=app, direction="delivery", actor=dispatcher
    ).receipt_number
    scan(client, fake_pos, resi, "PICKED_UP", at(9))
    scan(client, fake_pos, resi, "DELIVERY_FAILED", at(11), note="Alamat tidak ditemukan")
    scan(client, fake_pos, resi, "DELIVERY_FAILED", at(15), note="Alamat tidak ditemukan")
    scan(client, fake_pos, resi, "RETURNED_TO_SENDER", at(18))

    app.refresh_from_db()
    assert app.status == Status.READY_FOR_PICKUP
    ready = app.events.get(transition="ready_for_pickup")
    assert resi in ready.note and ready.actor_kind == "system"
    # The citizen is told where to collect the documents (the workflow's outbox message).
    told = Notification.objects.get(application=app, template="status_ready_for_pickup")
    assert "kantor kecamatan" in told.body and told.recipient == app.applicant_phone
    assert (
        Notification.objects.filter(application=app, template="parcel_failed_attempt").count() == 2
    )

    head = app.applicant
    shipment = services.record_collection(
        shipment=Shipment.objects.get(receipt_number=resi), actor=Actor.staff(kecamatan_operator),
        collector_nik=head.nik, collector_birth_date=head.birth_date,
    )  # fmt: skip
    app.refresh_from_db()
    assert app.status == Status.COMPLETED
    done = app.events.get(transition="complete")
    assert done.data["collector_resident_id"] == head.pk and done.data["place"] == "office"
    assert done.data["collector_is_applicant"] is True and shipment.collection_event == done


def test_polling_picks_up_events_when_no_webhook_comes_and_backs_off(fake_pos, dispatcher):
    app = issued_application()
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    later = timezone.now() + timezone.timedelta(hours=1)
    assert tracking.poll_due_shipments(now=later) == 0  # nothing new yet: BOOKED is known
    shipment.refresh_from_db()
    first_wait = shipment.next_poll_at - timezone.now()
    assert shipment.quiet_polls == 1

    fake_pos.scan(shipment.receipt_number, "PICKED_UP", occurred_at=at(9))
    fake_pos.scan(shipment.receipt_number, "DELIVERED", occurred_at=at(12), receiver_name="Budi")
    assert tracking.poll_due_shipments(now=later + timezone.timedelta(days=1)) == 2
    shipment.refresh_from_db()
    app.refresh_from_db()
    assert shipment.status == ParcelStatus.DELIVERED and shipment.next_poll_at is None
    assert app.status == Status.COMPLETED
    assert first_wait > timezone.timedelta(minutes=59)  # 30 min doubled after a quiet poll
    # Pos's BOOKED echoes our own "created" (at Pos's time): the parcel is created once.
    assert TrackingEvent.objects.filter(shipment=shipment, code="created").count() == 1
    assert ApplicationEvent.objects.filter(application=app, transition="complete").count() == 1
