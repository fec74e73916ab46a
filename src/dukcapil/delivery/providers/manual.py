"""The ``manual`` courier: a dispatch officer records the resi and each event by hand."""

from __future__ import annotations

from collections.abc import Mapping

from dukcapil.delivery.providers.base import (
    Booking,
    CourierEvent,
    CourierProvider,
    ShipmentRequest,
    WebhookRefused,
)


class ManualProvider(CourierProvider):
    code = "manual"
    name = "Manual"
    reports_events = False

    def quote(self, *, request: ShipmentRequest) -> int:
        return 0

    def create_shipment(self, *, request: ShipmentRequest) -> Booking:
        return Booking(receipt_number=request.receipt_number or None)

    def cancel(self, *, receipt_number: str) -> None:
        return None

    def track(self, *, receipt_number: str) -> list[CourierEvent]:
        return []

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[CourierEvent]:
        raise WebhookRefused("the manual courier sends no webhooks", status=404)
