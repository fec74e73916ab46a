"""``/webhooks/pos``: signed or refused, once per event, never backwards."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.utils import timezone

from dukcapil.applications.models import ApplicationEvent, Status
from dukcapil.delivery import services
from dukcapil.delivery.models import ParcelStatus, Shipment, TrackingEvent
from dukcapil.delivery.providers.pos.provider import sign
from dukcapil.delivery.tests.conftest import deliver_webhook, issued_application
from dukcapil.notifications.models import Notification

pytestmark = pytest.mark.django_db


def soon(minutes: int) -> str:
    return (timezone.localtime() + dt.timedelta(minutes=minutes)).replace(microsecond=0).isoformat()


@pytest.fixture
def shipment(fake_pos, dispatcher) -> Shipment:
    app = issued_application()
    return services.create_shipment(application=app, direction="delivery", actor=dispatcher)


def _state(shipment: Shipment) -> tuple:
    shipment.refresh_from_db()
    return (
        shipment.status,
        TrackingEvent.objects.count(),
        ApplicationEvent.objects.filter(application=shipment.application_id).count(),
        Notification.objects.count(),
        shipment.application.__class__.objects.get(pk=shipment.application_id).status,
    )


@pytest.mark.parametrize(
    "how",
    ["wrong secret", "no signature", "tampered body", "too old"],
)
def test_webhook_with_a_bad_signature_is_refused_and_stores_nothing(
    client, fake_pos, shipment, how
):
    before = _state(shipment)
    event = fake_pos.scan(shipment.receipt_number, "DELIVERED", occurred_at=soon(5),
                          receiver_name="Budi Santoso")  # fmt: skip
    body, headers = fake_pos.signed_webhook(
        shipment.receipt_number, [event],
        secret="bukan-rahasia" if how == "wrong secret" else None,
        at=int(time.time()) - 3600 if how == "too old" else None,
    )  # fmt: skip
    if how == "tampered body":
        body = body.replace(b"Budi Santoso", b"Orang Lain")
    signature = {} if how == "no signature" else {"X-Pos-Signature": headers["X-Pos-Signature"]}
    response = client.post(
        "/webhooks/pos", data=body, content_type="application/json", headers=signature
    )
    assert response.status_code == 401
    assert _state(shipment) == before


def test_a_replayed_event_changes_nothing(client, fake_pos, shipment):
    event = fake_pos.scan(shipment.receipt_number, "PICKED_UP", occurred_at=soon(5))
    first = deliver_webhook(client, fake_pos, shipment.receipt_number, [event])
    assert first.json() == {"stored": 1, "duplicates": 0}
    after_first = _state(shipment)
    replay = deliver_webhook(client, fake_pos, shipment.receipt_number, [event])
    assert replay.status_code == 200
    assert replay.json() == {"stored": 0, "duplicates": 1}
    assert _state(shipment) == after_first


def test_a_replayed_delivery_does_not_complete_twice(client, fake_pos, shipment):
    event = fake_pos.scan(shipment.receipt_number, "DELIVERED", occurred_at=soon(5),
                          receiver_name="Budi Santoso")  # fmt: skip
    for _ in range(3):
        assert (
            deliver_webhook(client, fake_pos, shipment.receipt_number, [event]).status_code == 200
        )
    assert (
        ApplicationEvent.objects.filter(
            application=shipment.application_id, transition="complete"
        ).count()
        == 1
    )


def test_out_of_order_events_do_not_move_a_shipment_backwards(client, fake_pos, shipment):
    resi = shipment.receipt_number
    out = fake_pos.scan(resi, "OUT_FOR_DELIVERY", occurred_at=soon(60))
    picked = fake_pos.scan(resi, "PICKED_UP", occurred_at=soon(10))
    hub = fake_pos.scan(resi, "ARRIVED_AT_HUB", occurred_at=soon(30))
    deliver_webhook(client, fake_pos, resi, [out])
    deliver_webhook(client, fake_pos, resi, [picked, hub])  # late news of earlier scans
    shipment.refresh_from_db()
    assert shipment.status == ParcelStatus.OUT_FOR_DELIVERY
    assert list(shipment.events.order_by("occurred_at").values_list("code", "applied")) == [
        ("created", True), ("picked_up", False), ("in_transit", False),
        ("out_for_delivery", True),
    ]  # fmt: skip

    delivered = fake_pos.scan(resi, "DELIVERED", occurred_at=soon(90), receiver_name="Budi S")
    deliver_webhook(client, fake_pos, resi, [delivered])
    late_fail = fake_pos.scan(resi, "DELIVERY_FAILED", occurred_at=soon(120))
    deliver_webhook(client, fake_pos, resi, [late_fail])  # after the end: stored, not applied
    shipment.refresh_from_db()
    assert shipment.status == ParcelStatus.DELIVERED
    assert shipment.application.status == Status.COMPLETED
    # Only the news that moved the parcel reached the citizen.
    assert sorted(Notification.objects.filter(template__startswith="parcel_")
                  .values_list("template", flat=True)) == ["parcel_out_for_delivery"]  # fmt: skip


def test_unknown_resi_is_refused_and_nothing_is_stored(client, fake_pos, shipment):
    before = _state(shipment)
    event = fake_pos.scan(shipment.receipt_number, "PICKED_UP", occurred_at=soon(5))
    known = dict(event)
    stranger = dict(event, resi="P9999999999999", code="DELIVERED", receiver_name="X Y")
    body, headers = fake_pos.signed_webhook("P9999999999999", [stranger])
    response = client.post("/webhooks/pos", data=body, content_type="application/json",
                           headers={"X-Pos-Signature": headers["X-Pos-Signature"]})  # fmt: skip
    assert response.status_code == 404
    assert "P9999999999999" in response.json()["error"]
    assert _state(shipment) == before
    # A known event is still taken afterwards.
    assert deliver_webhook(client, fake_pos, shipment.receipt_number, [known]).status_code == 200


@pytest.mark.parametrize(
    ("events", "status"),
    [
        ([{"code": "TELEPORTED", "occurred_at": "2026-11-29T10:00:00+07:00"}], 422),
        ([{"code": "PICKED_UP", "occurred_at": "kemarin"}], 400),
        ([{"code": "PICKED_UP", "occurred_at": "2026-11-29T10:00:00"}], 400),
        ([{"code": "DELIVERED", "occurred_at": "2026-11-29T10:00:00+07:00"}], 400),
        ([], 400),
        (
            [
                {
                    "code": "PICKED_UP",
                    "occurred_at": "2026-11-29T10:00:00+07:00",
                    "location": "Serang\x00",
                }
            ],
            400,
        ),  # PostgreSQL keeps no NUL: it was a 500
    ],
)
def test_malformed_callbacks_are_refused_whole(client, fake_pos, shipment, events, status):
    before = _state(shipment)
    good = {"code": "PICKED_UP", "occurred_at": soon(5)}
    body, headers = fake_pos.signed_webhook(
        shipment.receipt_number, [good, *events] if events else []
    )
    response = client.post("/webhooks/pos", data=body, content_type="application/json",
                           headers={"X-Pos-Signature": headers["X-Pos-Signature"]})  # fmt: skip
    assert response.status_code == status
    assert _state(shipment) == before


def test_body_that_is_not_json_is_refused(client, fake_pos, shipment):
    body = b"resi=P1"
    # The signature is right, the body is not.
    signature = sign(fake_pos.secret, int(time.time()), body)
    response = client.post("/webhooks/pos", data=body, content_type="text/plain",
                           headers={"X-Pos-Signature": signature})  # fmt: skip
    assert response.status_code == 400
    assert json.loads(response.content)["error"]


def test_only_post_is_accepted(client):
    assert client.get("/webhooks/pos").status_code == 405


def test_the_couriers_first_scan_applies_even_if_its_clock_is_behind_ours(
    client, fake_pos, shipment
):
    event = fake_pos.scan(shipment.receipt_number, "PICKED_UP", occurred_at=soon(-3))
    deliver_webhook(client, fake_pos, shipment.receipt_number, [event])
    shipment.refresh_from_db()
    assert shipment.status == ParcelStatus.PICKED_UP


def test_with_the_demo_fake_only_local_calls_are_taken(client, fake_pos, shipment, settings):
    settings.POS_USES_FAKE = True  # the demo secret is public
    event = fake_pos.scan(shipment.receipt_number, "PICKED_UP", occurred_at=soon(5))
    body, headers = fake_pos.signed_webhook(shipment.receipt_number, [event])
    response = client.post("/webhooks/pos", data=body, content_type="application/json",
                           headers={"X-Pos-Signature": headers["X-Pos-Signature"]},
                           REMOTE_ADDR="203.0.113.9")  # fmt: skip
    assert response.status_code == 403
    assert deliver_webhook(client, fake_pos, shipment.receipt_number, [event]).status_code == 200
