"""The interface every courier provider implements, and the values it speaks in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field


class CourierError(Exception):
    """A courier call failed. ``permanent``: retrying the same call will not help (bad request,
    refused, unknown parcel); otherwise (timeout, 5xx) it may be retried later."""

    def __init__(self, message: str, *, permanent: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.status = status


class WebhookRefused(CourierError):  # noqa: N818 - a refusal, not a failure of ours
    """A webhook callback that must not be processed (bad signature, stale, malformed)."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message, permanent=True, status=status)


@dataclass(frozen=True)
class Party:
    name: str
    phone: str
    street: str
    rt: str
    rw: str
    desa_code: str
    desa: str
    kecamatan: str
    regency: str
    postal_code: str


@dataclass(frozen=True)
class ShipmentRequest:
    reference: str  # ours, unique per shipment: makes a retried booking idempotent
    sender: Party
    recipient: Party
    cod_amount: int = 0  # collected from the recipient on delivery, in rupiah
    weight_grams: int = 200
    description: str = "Dokumen kependudukan"
    receipt_number: str | None = None  # the manual provider: a resi the officer already has


@dataclass(frozen=True)
class Booking:
    receipt_number: str | None
    tariff: int = 0
    label_pdf: bytes | None = None


@dataclass(frozen=True)
class CourierEvent:
    """A tracking event already normalised to :class:`~dukcapil.delivery.models.ParcelStatus`."""

    receipt_number: str
    code: str
    occurred_at: dt.datetime
    location: str = ""
    note: str = ""
    receiver_name: str = ""
    raw: dict = field(default_factory=dict)


class CourierProvider:
    """One courier. Subclasses implement every method; each may raise :class:`CourierError`."""

    code: str = ""
    name: str = ""
    #: Whether the courier reports events itself (webhook or polling); if not, officers do.
    reports_events: bool = False

    def quote(self, *, request: ShipmentRequest) -> int:
        """The tariff in rupiah for carrying ``request`` (0 if the courier does not say)."""
        raise NotImplementedError

    def create_shipment(self, *, request: ShipmentRequest) -> Booking:
        """Book the parcel. Returns its receipt number (resi), the tariff and, if the courier
        gives one, its own label. Booking the same ``reference`` twice returns the same resi."""
        raise NotImplementedError

    def cancel(self, *, receipt_number: str) -> None:
        """Cancel a booking not yet picked up. Raises a permanent error if it is too late."""
        raise NotImplementedError

    def track(self, *, receipt_number: str) -> list[CourierEvent]:
        """Every event the courier knows for this parcel, oldest first."""
        raise NotImplementedError

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[CourierEvent]:
        """Check a callback's signature and read its events. Raises :class:`WebhookRefused`
        (with the HTTP status to answer) when it must not be processed."""
        raise NotImplementedError
