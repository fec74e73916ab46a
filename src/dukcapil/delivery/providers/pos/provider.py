"""The ``pos`` courier: Pos Indonesia's HTTP JSON API as documented in ``delivery/POS_API.md``."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from dukcapil.core.text import nul_at
from dukcapil.delivery.providers.base import (
    Booking,
    CourierError,
    CourierEvent,
    CourierProvider,
    Party,
    ShipmentRequest,
    WebhookRefused,
)

# Pos's event codes → ours (ParcelStatus values).
CODES = {
    "BOOKED": "created",
    "PICKED_UP": "picked_up",
    "ARRIVED_AT_HUB": "in_transit",
    "DEPARTED_HUB": "in_transit",
    "IN_TRANSIT": "in_transit",
    "OUT_FOR_DELIVERY": "out_for_delivery",
    "DELIVERY_FAILED": "failed_attempt",
    "DELIVERED": "delivered",
    "RETURNED_TO_SENDER": "returned",
    "CANCELLED": "cancelled",
}
SIGNATURE_TOLERANCE = 300  # seconds between Pos's clock and ours


class UnknownEventCode(WebhookRefused):
    def __init__(self, code: str) -> None:
        super().__init__(f"unknown event code {code!r}", status=422)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Pos-Signature`` header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify_signature(secret: str, header: str, body: bytes, *, now: float | None = None) -> None:
    """Raise :class:`WebhookRefused` (401) unless ``header`` signs ``body`` recently."""
    if not secret:
        raise WebhookRefused("POS_WEBHOOK_SECRET is not set", status=401)
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise WebhookRefused("missing or malformed signature", status=401) from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > SIGNATURE_TOLERANCE:
        raise WebhookRefused("signature too old", status=401)
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise WebhookRefused("bad signature", status=401)


def _party(p: Party) -> dict[str, Any]:
    return {
        "name": p.name,
        "phone": p.phone,
        "address": {
            "street": p.street, "rt": p.rt, "rw": p.rw, "village": p.desa,
            "village_code": p.desa_code, "district": p.kecamatan, "city": p.regency,
            "postal_code": p.postal_code,
        },
    }  # fmt: skip


def parse_event(data: Any, *, resi: str | None = None) -> CourierEvent:
    """One Pos event → a normalised :class:`CourierEvent` (raises :class:`WebhookRefused`)."""
    if not isinstance(data, dict):
        raise WebhookRefused("an event must be an object")
    code = data.get("code")
    if code not in CODES:
        raise UnknownEventCode(str(code))
    try:
        occurred_at = dt.datetime.fromisoformat(str(data["occurred_at"]))
    except (KeyError, ValueError):
        raise WebhookRefused("occurred_at missing or not ISO 8601") from None
    if occurred_at.tzinfo is None:
        raise WebhookRefused("occurred_at needs a UTC offset")
    receiver = str(data.get("receiver_name") or "").strip()[:60]
    if CODES[code] == "delivered" and not receiver:
        raise WebhookRefused("DELIVERED needs receiver_name")
    return CourierEvent(
        receipt_number=str(data.get("resi") or resi or ""),
        code=CODES[code],
        occurred_at=occurred_at,
        location=str(data.get("location") or "")[:100],
        note=str(data.get("note") or "")[:200],
        receiver_name=receiver,
        raw=data,
    )


class PosProvider(CourierProvider):
    code = "pos"
    name = "Pos Indonesia"
    reports_events = True

    def __init__(
        self,
        *,
        base_url: str | None = None,
        token: str | None = None,
        webhook_secret: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.base_url = (base_url if base_url is not None else settings.POS_API_BASE_URL).rstrip(
            "/"
        )
        self.token = token if token is not None else settings.POS_API_TOKEN
        self.webhook_secret = (
            webhook_secret if webhook_secret is not None else settings.POS_WEBHOOK_SECRET
        )
        self.timeout = timeout if timeout is not None else settings.POS_API_TIMEOUT

    # -- HTTP ------------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        from dukcapil.delivery.models import CourierCall

        if not self.base_url:
            raise CourierError("POS_API_BASE_URL is not set", permanent=True)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the configured https/http base URL
            self.base_url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        started = time.monotonic()
        status, payload, error = None, {}, ""
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
                payload = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            status = exc.code
            try:
                payload = json.loads(exc.read() or b"{}")
            except ValueError:
                payload = {}
            error = str(payload.get("error", {}).get("message", ""))[:200]
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            error = str(exc)[:200]
        finally:
            CourierCall.objects.create(
                provider=self.code, method=method, path=path[:200], status_code=status,
                duration_ms=int((time.monotonic() - started) * 1000), error=error,
            )  # fmt: skip
        if status is None:
            raise CourierError(f"Pos Indonesia unreachable: {error}", permanent=False)
        if status >= 500 or status == 429:
            raise CourierError(f"Pos Indonesia: HTTP {status}", permanent=False, status=status)
        if status >= 400:
            message = str(payload.get("error", {}).get("message", "")) or f"HTTP {status}"
            raise CourierError(f"Pos Indonesia: {message}", permanent=True, status=status)
        return status, payload

    # -- the interface ---------------------------------------------------------------------

    def quote(self, *, request: ShipmentRequest) -> int:
        _status, payload = self._call(
            "POST", "/v1/quotes",
            {"sender": _party(request.sender), "recipient": _party(request.recipient),
             "weight_grams": request.weight_grams},
        )  # fmt: skip
        return int(payload.get("tariff") or 0)

    def create_shipment(self, *, request: ShipmentRequest) -> Booking:
        body = {
            "reference": request.reference,
            "service": "DOKUMEN",
            "description": request.description,
            "sender": _party(request.sender),
            "recipient": _party(request.recipient),
            "weight_grams": request.weight_grams,
            "cod_amount": request.cod_amount,
        }
        if settings.POS_CALLBACK_URL:
            body["callback_url"] = settings.POS_CALLBACK_URL
        _status, payload = self._call("POST", "/v1/shipments", body)
        resi = str(payload.get("resi") or "")
        if not resi:
            raise CourierError("Pos Indonesia answered without a resi", permanent=False)
        return Booking(receipt_number=resi, tariff=int(payload.get("tariff") or 0))

    def cancel(self, *, receipt_number: str) -> None:
        self._call("POST", f"/v1/shipments/{_quote(receipt_number)}/cancel", {})

    def track(self, *, receipt_number: str) -> list[CourierEvent]:
        _status, payload = self._call("GET", f"/v1/shipments/{_quote(receipt_number)}/events")
        events = []
        for item in payload.get("events", []):
            try:
                events.append(parse_event(item, resi=receipt_number))
            except WebhookRefused:
                continue  # an event we cannot read is skipped, the others still count
        return events

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> list[CourierEvent]:
        verify_signature(self.webhook_secret, headers.get("X-Pos-Signature", ""), body)
        try:
            payload = json.loads(body)
        except ValueError:
            raise WebhookRefused("body is not JSON") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
            raise WebhookRefused("expected {resi, events: [...]}")
        if (at := nul_at(payload)) is not None:  # PostgreSQL could keep no such text
            raise WebhookRefused(f"a NUL character in {'.'.join(at)}")
        resi = str(payload.get("resi") or "")
        if not resi or not payload["events"]:
            raise WebhookRefused("resi and at least one event required")
        events = [parse_event(e, resi=resi) for e in payload["events"]]
        if any(e.receipt_number != resi for e in events):
            raise WebhookRefused("events of another parcel in one callback")
        return events


def _quote(resi: str) -> str:
    return urllib.request.quote(resi, safe="")
