"""Tracking: normalised events stored once and applied forward only, from webhooks, polling and
officers. A delivered parcel completes its application, a returned one makes it ready for pick-up
(through :mod:`dukcapil.applications.workflow`); the citizen is told."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Status as S
from dukcapil.delivery.models import FINAL, RANK, Direction, ParcelStatus, Shipment, TrackingEvent
from dukcapil.delivery.notify import tell_citizen
from dukcapil.delivery.providers import get_provider
from dukcapil.delivery.providers.base import CourierError, CourierEvent, WebhookRefused

log = logging.getLogger(__name__)


class UnknownParcel(WebhookRefused):
    def __init__(self, resi: str) -> None:
        super().__init__(f"unknown resi {resi!r}", status=404)


def _moves(shipment: Shipment, code: str, occurred_at: dt.datetime) -> bool:
    """Whether an event moves the shipment: never out of a final state; a final event always;
    otherwise only a newer event that is not a step back (except the round after a failed
    attempt, which may go back to the hub)."""
    if shipment.status in FINAL:
        return False
    if code in FINAL:
        return True
    if shipment.last_event_at is not None and occurred_at < shipment.last_event_at:
        return False
    return RANK[code] >= RANK[shipment.status] or shipment.status == ParcelStatus.FAILED_ATTEMPT


def record_tracking_event(
    *, shipment: Shipment, event: CourierEvent, source: str, actor: Actor | None = None
) -> tuple[TrackingEvent, bool]:
    """Store one normalised event (once: deduplicated by code and time) and apply it: move the
    shipment forward, and for a delivery complete the application on ``delivered`` or make it
    ready for pick-up on ``returned``; tell the citizen. Returns ``(event, created)``."""
    if event.code not in ParcelStatus.values:
        raise ValidationError(_("Jenis peristiwa kiriman tidak dikenal."), code="code")
    with transaction.atomic():
        locked = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("application")
            .get(pk=shipment.pk)
        )
        same = TrackingEvent.objects.filter(shipment=locked, code=event.code)
        if event.code != ParcelStatus.CREATED:  # a parcel is booked once, whatever the clocks say
            same = same.filter(occurred_at=event.occurred_at)
        existing = same.first()
        if existing is not None:
            return existing, False
        moves = _moves(locked, event.code, event.occurred_at)
        stored = TrackingEvent.objects.create(
            shipment=locked, code=event.code, occurred_at=event.occurred_at,
            location=event.location, note=event.note, receiver_name=event.receiver_name,
            source=source, raw=event.raw, applied=moves,
            recorded_by=actor.user if actor is not None and actor.kind == "staff" else None,
        )  # fmt: skip
        if not moves:
            return stored, True
        locked.status = event.code
        locked.last_event_at = max(filter(None, [locked.last_event_at, event.occurred_at]))
        fields = ["status", "last_event_at", "updated_at"]
        if event.code == ParcelStatus.DELIVERED:
            locked.receiver_name = event.receiver_name
            locked.delivered_at = event.occurred_at
            fields += ["receiver_name", "delivered_at"]
        if event.code in FINAL:
            locked.next_poll_at = None
            fields.append("next_poll_at")
        locked.save(update_fields=fields)
        _apply_to_application(locked, stored, actor)
    return stored, True


def _apply_to_application(shipment: Shipment, event: TrackingEvent, actor: Actor | None) -> None:
    app = shipment.application
    courier = get_provider(shipment.provider).name
    by = actor or Actor.system(courier)
    if shipment.direction == Direction.DELIVERY and app.status == S.IN_DELIVERY:
        if event.code == ParcelStatus.DELIVERED:
            workflow.complete(
                application=app,
                actor=by,
                note=_("Diterima oleh %(name)s.") % {"name": event.receiver_name},
                data={"receiver_name": event.receiver_name,
                      "received_at": event.occurred_at.isoformat(),
                      "receipt_number": shipment.receipt_number, "courier": shipment.provider},
            )  # fmt: skip
            return
        if event.code == ParcelStatus.RETURNED:
            workflow.mark_ready_for_pickup(
                application=app,
                actor=by,
                note=_("Kiriman %(resi)s dikembalikan pos; dokumen dapat diambil di kantor "
                       "kecamatan.") % {"resi": shipment.receipt_number or "-"},
            )  # fmt: skip
            return
    if event.code != ParcelStatus.CREATED:
        app.refresh_from_db(fields=["status"])
        tell_citizen(shipment=shipment, event=event, actor_label=by.label or courier)


def receive_webhook(*, body: bytes, headers: dict[str, str], provider_code: str = "pos") -> dict:
    """A courier's signed callback: check it, find every parcel, store the events in one
    transaction. Raises :class:`WebhookRefused` (with its HTTP status) and stores nothing if
    the signature, the body, an event code or the resi is wrong."""
    provider = get_provider(provider_code)
    events = provider.parse_webhook(body=body, headers=headers)
    stored = duplicates = 0
    with transaction.atomic():
        for event in events:
            shipment = Shipment.objects.filter(
                provider=provider.code, receipt_number=event.receipt_number
            ).first()
            if shipment is None:
                raise UnknownParcel(event.receipt_number)
            _event, created = record_tracking_event(
                shipment=shipment, event=event, source=TrackingEvent.Source.WEBHOOK
            )
            stored, duplicates = stored + created, duplicates + (not created)
        # News came: the next poll can wait.
        Shipment.objects.filter(
            provider=provider.code,
            receipt_number__in={e.receipt_number for e in events},
            next_poll_at__isnull=False,
        ).update(next_poll_at=next_poll_time(0), quiet_polls=0)
    return {"stored": stored, "duplicates": duplicates}


def next_poll_time(quiet_polls: int) -> dt.datetime:
    minutes = min(
        settings.POS_POLL_FIRST_MINUTES * 2 ** min(quiet_polls, 16), settings.POS_POLL_MAX_MINUTES
    )
    return timezone.now() + dt.timedelta(minutes=minutes)


def poll_shipment(*, shipment: Shipment) -> int:
    """Ask the courier for this parcel's events; store the new ones; schedule the next poll
    (twice as late after a poll with no news). Returns how many events were new."""
    provider = get_provider(shipment.provider)
    if not provider.reports_events or not shipment.receipt_number:
        return 0
    try:
        events = provider.track(receipt_number=shipment.receipt_number)
    except CourierError as exc:
        log.warning("polling %s failed: %s", shipment.receipt_number, exc)
        events = None
    new = 0
    for event in events or []:
        _stored, created = record_tracking_event(
            shipment=shipment, event=event, source=TrackingEvent.Source.POLL
        )
        new += created
    shipment.refresh_from_db()
    if shipment.is_final:
        return new
    shipment.quiet_polls = 0 if new else shipment.quiet_polls + 1
    shipment.next_poll_at = next_poll_time(shipment.quiet_polls)
    shipment.save(update_fields=["quiet_polls", "next_poll_at", "updated_at"])
    return new


def poll_due_shipments(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Poll every parcel whose next poll is due; returns how many new events came."""
    now = now or timezone.now()
    due = Shipment.objects.filter(next_poll_at__lte=now).exclude(status__in=FINAL)
    return sum(poll_shipment(shipment=s) for s in due.order_by("next_poll_at")[:limit])
