"""Reads of the delivery app: a citizen's parcels, an officer's lists, the day's manifest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from dukcapil.accounts.selectors import scope_to_jurisdiction
from dukcapil.applications.models import Application, DeliveryMethod, Status
from dukcapil.delivery.models import Direction, ParcelStatus, Shipment, TrackingEvent
from dukcapil.delivery.notify import plain_words


@dataclass
class ParcelView:
    """A parcel as its citizen sees it: what, which resi, where it is, what happened (newest
    first, in plain words of the current language)."""

    shipment: Shipment
    direction: str
    receipt_number: str
    status: str
    is_final: bool
    events: list[tuple[dt.datetime, str]] = field(default_factory=list)


def parcels_for_application(app: Application) -> list[ParcelView]:
    """Every parcel of ``app`` (oldest first) with its events in plain words, for the citizen's
    status page (``delivery/_citizen_parcels.html``). Events that did not move the parcel (late
    or repeated scans) are left out so the story reads forward."""
    shipments = (
        Shipment.objects.filter(application=app)
        .select_related("desa")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=TrackingEvent.objects.filter(applied=True).order_by("-occurred_at", "-id"),
            )
        )
        .order_by("created_at", "id")
    )
    return [
        ParcelView(
            shipment=s,
            direction=s.get_direction_display(),
            receipt_number=s.receipt_number or "",
            status=s.get_status_display(),
            is_final=s.is_final,
            events=[(e.occurred_at, plain_words(s, e)) for e in s.events.all()],
        )
        for s in shipments
    ]


def shipments_for(user: Any) -> QuerySet[Shipment]:
    """The parcels a staff user may list or open, newest first."""
    return scope_to_jurisdiction(
        Shipment.objects.select_related("application", "desa__kecamatan"), user=user
    ).order_by("-created_at", "-id")


def awaiting_delivery(user: Any) -> QuerySet[Application]:
    """Applications in the user's jurisdiction whose documents wait to be sent by post."""
    active = Shipment.objects.filter(
        application=OuterRef("pk"), direction=Direction.DELIVERY
    ).exclude(status__in=[ParcelStatus.CANCELLED, ParcelStatus.RETURNED])
    return (
        scope_to_jurisdiction(Application.objects.all(), user=user)
        .filter(status__in=[Status.ISSUED, Status.PRINTED], delivery_method=DeliveryMethod.POST)
        .exclude(Exists(active))
        .select_related("service_version", "applicant")
        .order_by("due_date", "id")
    )


def manifest_shipments(user: Any, *, day: dt.date, office: str | None = None) -> list[Shipment]:
    """The parcels booked on ``day`` (local date) in the user's jurisdiction, for the courier's
    hand-over: not cancelled, with a resi; ``office`` narrows to one regency."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    qs = (
        shipments_for(user)
        .filter(created_at__gte=start, created_at__lt=start + dt.timedelta(days=1))
        .exclude(status=ParcelStatus.CANCELLED)
        .exclude(receipt_number__isnull=True)
        .select_related("application__office", "desa__kecamatan__regency")
    )
    if office:
        qs = qs.filter(application__office_id=office)
    return list(qs.order_by("created_at", "id"))


def status_panel(app: Application) -> tuple[str, dict] | None:
    """The portal's status-page panel (``DUKCAPIL_PORTAL_STATUS_PANELS``): the parcels of
    ``app`` in plain words, or nothing when it has none."""
    parcels = parcels_for_application(app)
    if not parcels:
        return None
    return "delivery/_citizen_parcels.html", {"parcels": parcels}
