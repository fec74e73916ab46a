"""The whole wire: the fake Pos server calls ``/webhooks/pos`` of a live server over HTTP.

PostgreSQL only: a live server needs committed data (a transactional test), and SQLite's flush
after it would try to delete the append-only application events."""

from __future__ import annotations

import time

import pytest

from dukcapil.applications.models import Status
from dukcapil.delivery import services
from dukcapil.delivery.models import ParcelStatus, Shipment
from dukcapil.delivery.tests.conftest import issued_application

pytestmark = [pytest.mark.postgres,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]  # fmt: skip


def test_fake_pos_calls_our_webhook_over_http_until_delivered(
    live_server, fake_pos, dispatcher, settings
):
    settings.POS_CALLBACK_URL = f"{live_server.url}/webhooks/pos"
    app = issued_application()
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    resi = shipment.receipt_number
    assert fake_pos.parcels[resi]["callback_url"] == settings.POS_CALLBACK_URL

    # Pos's clock, to the second, a little behind ours: its first scan still applies.
    fake_pos.scan(
        resi,
        "PICKED_UP",
        webhook=True,
        occurred_at=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 5)),
    )
    fake_pos.scan(resi, "OUT_FOR_DELIVERY", webhook=True)
    fake_pos.scan(resi, "DELIVERED", webhook=True, receiver_name="Budi Santoso")
    assert [w["status"] for w in fake_pos.sent_webhooks] == [200, 200, 200]

    shipment = Shipment.objects.get(pk=shipment.pk)
    app.refresh_from_db()
    assert shipment.status == ParcelStatus.DELIVERED
    assert app.status == Status.COMPLETED
    assert app.events.get(transition="complete").data["receiver_name"] == "Budi Santoso"


def test_a_webhook_signed_with_another_secret_is_refused_over_http(
    live_server, fake_pos, dispatcher, settings
):
    settings.POS_CALLBACK_URL = f"{live_server.url}/webhooks/pos"
    app = issued_application()
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    fake_pos.secret = "rahasia-orang-lain"
    fake_pos.scan(shipment.receipt_number, "PICKED_UP", webhook=True)
    assert fake_pos.sent_webhooks[-1]["status"] == 401
    assert Shipment.objects.get(pk=shipment.pk).status == ParcelStatus.CREATED
