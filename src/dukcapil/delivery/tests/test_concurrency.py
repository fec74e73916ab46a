"""Pos retries a callback while the first is still being processed: the parcel is delivered and
the application completed exactly once (row lock on the shipment; PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from dukcapil.applications.models import ApplicationEvent, Status
from dukcapil.delivery import services, tracking
from dukcapil.delivery.models import TrackingEvent
from dukcapil.delivery.tests.conftest import issued_application

pytestmark = [pytest.mark.postgres,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]  # fmt: skip


def test_the_same_delivery_webhook_twice_at_once_completes_once(fake_pos, dispatcher):
    app = issued_application()
    shipment = services.create_shipment(application=app, direction="delivery", actor=dispatcher)
    event = fake_pos.scan(shipment.receipt_number, "DELIVERED", receiver_name="Budi Santoso")
    body, headers = fake_pos.signed_webhook(shipment.receipt_number, [event])
    start, results, errors = threading.Barrier(4), [], []

    def deliver() -> None:
        try:
            start.wait()
            results.append(tracking.receive_webhook(body=body, headers=headers))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r["stored"] for r in results) == [0, 0, 0, 1]
    assert TrackingEvent.objects.filter(shipment=shipment, code="delivered").count() == 1
    assert ApplicationEvent.objects.filter(application=app, transition="complete").count() == 1
    app.refresh_from_db()
    assert app.status == Status.COMPLETED
