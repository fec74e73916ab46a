"""Reads of the delivery app: a citizen's parcels, an officer's lists, the day's manifest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dukcapil.accounts.selectors import scope_to_jurisdiction
from dukcapil.applications.models import Application, ApplicationEvent, DeliveryMethod, Status
from dukcapil.delivery.models import Direction, ParcelStatus, Shipment, TrackingEvent
from dukcapil.delivery.notify import plain_words
from dukcapil.desk.handover import CollectorRelation


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
        .select_related("desa", "collection_event")
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
            events=_collected(s) + [(e.occurred_at, plain_words(s, e)) for e in s.events.all()],
        )
        for s in shipments
    ]


def _collected(shipment: Shipment) -> list[tuple[dt.datetime, str]]:
    """The hand-over at the office of a returned parcel's documents, newest news first (no
    name: the status page may be opened with the tracking number)."""
    event = shipment.collection_event
    if event is None:
        return []
    when = timezone.localtime(event.at).strftime("%d-%m-%Y %H:%M")
    return [(event.at, _("Dokumen Anda sudah diambil di kantor (%(when)s).") % {"when": when})]


@dataclass(frozen=True)
class Collection:
    """The hand-over of a returned parcel's documents at the office, as its completion event
    recorded it (the shipment keeps only the link)."""

    at: dt.datetime
    collector_name: str
    collector_nik: str  # masked
    collector_is_applicant: bool
    relation: str
    for_name: str
    handed_over_by: str


def collection_of(shipment: Shipment) -> Collection | None:
    """Who collected the documents of ``shipment`` at the office, when, and from whom."""
    if shipment.collection_event_id is None:
        return None
    event = ApplicationEvent.objects.select_related("actor").get(pk=shipment.collection_event_id)
    data = event.data
    relation = data.get("collector_relation") or ""
    return Collection(
        at=event.at,
        collector_name=data.get("collector_name", ""),
        collector_nik=data.get("collector_nik", ""),
        collector_is_applicant=bool(data.get("collector_is_applicant")),
        relation=str(CollectorRelation(relation).label) if relation in CollectorRelation.values
        else "",
        for_name=data.get("for_name", ""),
        handed_over_by=str(event.actor) if event.actor else event.actor_label,
    )  # fmt: skip


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
