"""Shipments by the post in both directions and their tracking events.

A shipment's ``status`` is the newest tracking event that may move it forward (see
:func:`dukcapil.delivery.services.record_tracking_event`); the application's own status changes
only through :mod:`dukcapil.applications.workflow`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    PICKUP = "pickup", _("Penjemputan berkas")  # papers: applicant → office
    DELIVERY = "delivery", _("Pengantaran dokumen")  # documents: office → applicant


class ParcelStatus(models.TextChoices):
    CREATED = "created", _("Dibuat")
    PICKED_UP = "picked_up", _("Diambil kurir")
    IN_TRANSIT = "in_transit", _("Dalam perjalanan")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Sedang diantar")
    FAILED_ATTEMPT = "failed_attempt", _("Gagal diantar")
    DELIVERED = "delivered", _("Diterima")
    RETURNED = "returned", _("Dikembalikan")
    CANCELLED = "cancelled", _("Dibatalkan")


# How far along a parcel is. An event moves a shipment only forward (or sideways between the
# states of a delivery round: out for delivery ↔ failed attempt ↔ back to the hub), never out of
# a final state.
RANK = {
    ParcelStatus.CREATED: 0,
    ParcelStatus.PICKED_UP: 1,
    ParcelStatus.IN_TRANSIT: 2,
    ParcelStatus.OUT_FOR_DELIVERY: 3,
    ParcelStatus.FAILED_ATTEMPT: 3,
    ParcelStatus.DELIVERED: 9,
    ParcelStatus.RETURNED: 9,
    ParcelStatus.CANCELLED: 9,
}
FINAL = frozenset({ParcelStatus.DELIVERED, ParcelStatus.RETURNED, ParcelStatus.CANCELLED})


class FeePayer(models.TextChoices):
    OFFICE = "office", _("Kantor")
    RECIPIENT = "recipient", _("Penerima (bayar di tempat)")


class Shipment(models.Model):
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="shipments"
    )
    direction = models.CharField(_("arah"), max_length=8, choices=Direction.choices)
    provider = models.CharField(_("kurir"), max_length=20)
    # Ours, sent with the booking: a retried booking returns the same resi instead of a second one.
    reference = models.CharField(max_length=40, unique=True)
    # Unique when known; the manual provider may record it later.
    receipt_number = models.CharField(_("nomor resi"), max_length=40, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ParcelStatus.choices, default=ParcelStatus.CREATED
    )
    # The person's end of the trip: the recipient of a delivery, the sender of a pick-up.
    contact_name = models.CharField(_("nama"), max_length=60)
    contact_phone = models.CharField(_("nomor telepon"), max_length=16)
    desa = models.ForeignKey(
        "regions.Desa", on_delete=models.PROTECT, related_name="+", verbose_name=_("desa")
    )
    rt = models.CharField(_("RT"), max_length=3)
    rw = models.CharField(_("RW"), max_length=3)
    street = models.CharField(_("alamat"), max_length=200)
    postal_code = models.CharField(_("kode pos"), max_length=5)
    address_source = models.CharField(max_length=10)  # "registry" or "applicant"
    fee_amount = models.PositiveIntegerField(_("biaya (Rp)"), default=0)
    fee_payer = models.CharField(
        _("dibayar oleh"), max_length=10, choices=FeePayer.choices, default=FeePayer.OFFICE
    )
    last_event_at = models.DateTimeField(null=True, blank=True)
    receiver_name = models.CharField(_("nama penerima"), max_length=60, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # A returned parcel's documents handed over at the office: the completion event of the
    # hand-over holds who collected (checked against the registry), for whom and when; the
    # shipment only points at it, so no personal data is copied here.
    collection_event = models.OneToOneField(
        "applications.ApplicationEvent", on_delete=models.PROTECT, null=True, blank=True,
        related_name="collected_shipment", verbose_name=_("serah terima di kantor"),
    )  # fmt: skip
    # Polling when no webhook comes: next time to ask, and how many times in a row nothing new.
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    quiet_polls = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kiriman")
        verbose_name_plural = _("kiriman")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "receipt_number"], name="shipment_resi_unique_per_provider"
            )
        ]
        indexes = [models.Index(fields=["application", "direction"])]

    def __str__(self) -> str:
        return self.receipt_number or f"#{self.pk}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    def address_lines(self) -> list[str]:
        kecamatan = self.desa.kecamatan
        return [
            self.street,
            f"RT {self.rt} / RW {self.rw}, {self.desa}",
            f"Kec. {kecamatan.name}, {kecamatan.regency.name} {self.postal_code}",
        ]


class TrackingEvent(models.Model):
    """One scan of a parcel, normalised. Deduplicated by (shipment, code, time): a webhook
    delivered twice or an event seen again when polling is stored once."""

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("Webhook")
        POLL = "poll", _("Pelacakan")
        MANUAL = "manual", _("Dicatat petugas")
        BOOKING = "booking", _("Pemesanan")

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="events")
    code = models.CharField(max_length=16, choices=ParcelStatus.choices)
    occurred_at = models.DateTimeField()
    location = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=200, blank=True)
    receiver_name = models.CharField(max_length=60, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    raw = models.JSONField(default=dict, blank=True)
    # Whether this event moved the shipment (False: older than what we knew, or after the end).
    applied = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "code", "occurred_at"], name="trackingevent_dedup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment}: {self.code} {self.occurred_at:%Y-%m-%d %H:%M}"


class CourierCall(models.Model):
    """Every outbound HTTP call to a courier, with its status and duration."""

    provider = models.CharField(max_length=20)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=200)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status_code}"
