"""Telling the citizen about their parcel: one outbox message per tracking event that matters.

The outbox (:class:`dukcapil.notifications.models.Notification`) keys each message to an event of
the application's history; a parcel's news is written there as an event that leaves the status
as it is (``transition="parcel"``), so the history shows it too.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dukcapil.applications.models import Application, ApplicationEvent
from dukcapil.delivery.models import Direction, ParcelStatus, Shipment, TrackingEvent
from dukcapil.notifications.models import Notification


def plain_words(shipment: Shipment, event: TrackingEvent) -> str:
    """What happened to the parcel, in one sentence a citizen understands (current language)."""
    when = timezone.localtime(event.occurred_at).strftime("%d-%m-%Y %H:%M")
    args = {"when": when, "resi": shipment.receipt_number or "-", "place": event.location,
            "receiver": event.receiver_name, "note": event.note}  # fmt: skip
    if shipment.direction == Direction.PICKUP:
        texts = {
            ParcelStatus.CREATED: _("Penjemputan berkas dipesan (resi %(resi)s)."),
            ParcelStatus.PICKED_UP: _("Berkas Anda sudah diambil petugas pos (%(when)s)."),
            ParcelStatus.IN_TRANSIT: _("Berkas Anda dalam perjalanan ke kantor Disdukcapil."),
            ParcelStatus.OUT_FOR_DELIVERY: _("Berkas Anda sedang diantar ke kantor Disdukcapil."),
            ParcelStatus.FAILED_ATTEMPT: _("Petugas pos belum berhasil mengambil berkas: %(note)s"),
            ParcelStatus.DELIVERED: _("Berkas Anda sudah diterima kantor Disdukcapil (%(when)s)."),
            ParcelStatus.RETURNED: _("Berkas Anda dikembalikan ke alamat Anda."),
            ParcelStatus.CANCELLED: _("Penjemputan berkas dibatalkan."),
        }
    else:
        texts = {
            ParcelStatus.CREATED: _(
                "Dokumen Anda dikemas untuk dikirim lewat pos (resi %(resi)s)."
            ),
            ParcelStatus.PICKED_UP: _("Dokumen Anda sudah diserahkan ke kantor pos (%(when)s)."),
            ParcelStatus.IN_TRANSIT: _("Dokumen Anda dalam perjalanan."),
            ParcelStatus.OUT_FOR_DELIVERY: _("Dokumen Anda sedang diantar kurir hari ini."),
            ParcelStatus.FAILED_ATTEMPT: _(
                "Kurir belum berhasil mengantar dokumen Anda (%(note)s). Pengantaran akan dicoba "
                "lagi."
            ),
            ParcelStatus.DELIVERED: _("Dokumen Anda sudah diterima oleh %(receiver)s (%(when)s)."),
            ParcelStatus.RETURNED: _(
                "Dokumen Anda dikembalikan oleh pos dan dapat diambil di kantor kecamatan."
            ),
            ParcelStatus.CANCELLED: _("Pengiriman dokumen dibatalkan."),
        }
    if not event.note:
        args["note"] = _("tidak ada keterangan")
    return texts[event.code] % args


# News worth a message. Hub scans ("in transit") can come many times a day: they show on the
# status page but do not buzz the citizen's phone.
WORTH_A_MESSAGE = frozenset({
    ParcelStatus.PICKED_UP, ParcelStatus.OUT_FOR_DELIVERY, ParcelStatus.FAILED_ATTEMPT,
    ParcelStatus.DELIVERED, ParcelStatus.RETURNED, ParcelStatus.CANCELLED,
})  # fmt: skip


def tell_citizen(*, shipment: Shipment, event: TrackingEvent, actor_label: str) -> None:
    """Write the parcel's news into the application's history and the outbox (same transaction),
    and enqueue its dispatch.

    Called for events that do not change the application's status; those that do (delivered,
    returned) reach the citizen through the workflow's own notification. The history row is a
    ``parcel`` event from the current status to the same status: no transition, so the
    dashboard's rollups and recount leave it out (they count transitions and clock starts)."""
    if event.code not in WORTH_A_MESSAGE:
        return
    app: Application = shipment.application
    with translation.override(app.language or "id"):
        body = _("Permohonan %(number)s: %(news)s") % {
            "number": app.tracking_display,
            "news": plain_words(shipment, event),
        }
    history = ApplicationEvent.objects.create(
        application=app,
        transition="parcel",
        from_status=app.status,
        to_status=app.status,
        actor_kind="system",
        actor_label=actor_label[:100],
        note=body,
        data={"receipt_number": shipment.receipt_number, "direction": shipment.direction,
              "code": event.code, "occurred_at": event.occurred_at.isoformat()},
    )  # fmt: skip
    notification = Notification.objects.create(
        application=app,
        event=history,
        channel=app.channel,
        recipient=app.applicant_phone,
        language=app.language,
        template=f"parcel_{event.code}",
        body=body,
    )
    if notification.recipient:
        from dukcapil.notifications.tasks import dispatch_notifications

        dispatch_notifications.enqueue()
