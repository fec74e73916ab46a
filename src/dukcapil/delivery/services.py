"""The officers' verbs of the delivery app: book, record a resi or an event by hand, cancel,
record a collection at the office. Events themselves are applied in :mod:`.tracking`.

The application's status changes only through :mod:`dukcapil.applications.workflow`: ``ship`` when
documents are booked for delivery, ``complete`` when the parcel is delivered (with the receiver's
name and time) or its documents are handed over at the office (through the one hand-over
service, :mod:`dukcapil.desk.handover`), ``mark_ready_for_pickup`` when the post returns it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dukcapil.accounts.models import Role
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application, DeliveryMethod
from dukcapil.applications.models import Status as S
from dukcapil.core.phones import normalise_phone
from dukcapil.delivery.addresses import check_address, office_address, registry_address
from dukcapil.delivery.models import (
    Direction,
    FeePayer,
    ParcelStatus,
    Shipment,
    TrackingEvent,
)
from dukcapil.delivery.providers import get_provider
from dukcapil.delivery.providers.base import (
    CourierError,
    CourierEvent,
    Party,
    ShipmentRequest,
)
from dukcapil.delivery.tracking import next_poll_time, record_tracking_event
from dukcapil.desk.handover import Place, hand_over

log = logging.getLogger(__name__)

DELIVERABLE = (S.ISSUED, S.PRINTED)  # documents ready to leave the office
PICKUP_STATES = (S.SUBMITTED, S.IN_REVIEW, S.NEEDS_REVISION, S.APPROVED)
ROLES = {
    Direction.DELIVERY: {Role.DISPATCH_OFFICER},
    Direction.PICKUP: {Role.DISPATCH_OFFICER, Role.KECAMATAN_OPERATOR},
}
# Who may hand documents over at an office (the roles of the workflow's ``complete``).
COLLECTION_ROLES = {Role.DISPATCH_OFFICER, Role.KECAMATAN_OPERATOR}


@dataclass(frozen=True)
class Fee:
    amount: int
    payer: str


def fee_for(regency_code: str) -> Fee:
    """The fee of ``settings.DELIVERY_FEES`` for this regency; free (paid by no one) otherwise."""
    rule = settings.DELIVERY_FEES.get(regency_code) or {}
    payer = rule.get("payer", FeePayer.OFFICE)
    if payer not in FeePayer.values:
        payer = FeePayer.OFFICE
    return Fee(amount=max(int(rule.get("amount") or 0), 0), payer=payer)


def _check_staff(actor: Actor, application: Application, roles: set[str]) -> None:
    if actor.kind != "staff":
        raise PermissionDenied(_("Langkah ini tidak dapat dilakukan oleh Anda."))
    if not workflow.in_jurisdiction(application, actor.user):
        raise Http404
    if actor.role not in roles:
        raise PermissionDenied(_("Peran Anda tidak boleh melakukan langkah ini."))


def _phone(value: str) -> str:
    digits = normalise_phone(value) or ""
    if not re.fullmatch(r"62\d{8,13}", digits):  # the courier calls Indonesian numbers
        raise ValidationError(
            {"phone": _("Nomor telepon penerima tidak valid (contoh: 081234567890).")}
        )
    return digits


# ---------------------------------------------------------------------------------------------
# Booking


def create_shipment(
    *,
    application: Application,
    direction: str,
    actor: Actor,
    address: dict | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    receipt_number: str = "",
    provider_code: str | None = None,
) -> Shipment:
    """Book a parcel for ``application``: documents to the applicant (``delivery``, which ships
    the application) or the applicant's papers to the office (``pickup``).

    The address is ``address`` if given, else the one the applicant gave, else the family's in
    the registry. Everything is checked before the courier is called; if writing fails after the
    booking, the booking is cancelled. Raises ValidationError, PermissionDenied, Http404,
    CourierError."""
    if direction not in Direction.values:
        raise ValidationError(_("Arah pengiriman tidak dikenal."), code="direction")
    _check_staff(actor, application, ROLES[direction])
    app = Application.objects.select_related(
        "office", "kecamatan", "applicant__family", "family"
    ).get(pk=application.pk)
    _check_state(app, direction)
    if address:
        checked = check_address(address, source="given")
    elif app.delivery_address:
        checked = check_address(app.delivery_address, source="applicant")
    else:
        checked = check_address(registry_address(app), source="registry")
    name = " ".join((contact_name or (app.applicant.name if app.applicant else "")).split())
    if not name:
        raise ValidationError({"name": _("Nama penerima wajib diisi.")})
    phone = _phone(contact_phone or app.applicant_phone)
    receipt_number = receipt_number.strip().upper()
    if receipt_number:
        _check_resi_format(receipt_number)
    fee = fee_for(app.office_id)
    provider = get_provider(provider_code)
    count = Shipment.objects.filter(application=app, direction=direction).count()
    reference = f"DKD-{app.tracking_number}-{direction[0].upper()}{count + 1}"

    person = Party(
        name=name[:60], phone=phone, street=checked.street, rt=checked.rt, rw=checked.rw,
        desa_code=checked.desa.pk, desa=str(checked.desa), kecamatan=checked.desa.kecamatan.name,
        regency=checked.desa.kecamatan.regency.name, postal_code=checked.postal_code,
    )  # fmt: skip
    office = office_address(app.office)
    office_party = Party(
        name=office["name"], phone=office["phone"] or phone, street=office["street"], rt="000",
        rw="000", desa_code="", desa="", kecamatan="", regency=app.office.name,
        postal_code=office["postal_code"],
    )  # fmt: skip
    cod = fee.amount if fee.payer == FeePayer.RECIPIENT and direction == Direction.DELIVERY else 0
    request = ShipmentRequest(
        reference=reference,
        sender=office_party if direction == Direction.DELIVERY else person,
        recipient=person if direction == Direction.DELIVERY else office_party,
        cod_amount=cod,
        receipt_number=receipt_number or None,
    )
    booking = provider.create_shipment(request=request)
    resi = booking.receipt_number or None
    try:
        with transaction.atomic():
            if resi and Shipment.objects.filter(provider=provider.code, receipt_number=resi):
                raise ValidationError(
                    _("Nomor resi %(resi)s sudah dipakai kiriman lain.") % {"resi": resi},
                    code="resi_taken",
                )
            # Lock the application so two officers cannot book the same documents twice.
            locked = Application.objects.select_for_update(of=("self",)).get(pk=app.pk)
            _check_state(locked, direction)
            shipment = Shipment.objects.create(
                application=locked, direction=direction, provider=provider.code,
                reference=reference, receipt_number=resi, contact_name=name[:60],
                contact_phone=phone, desa=checked.desa, rt=checked.rt, rw=checked.rw,
                street=checked.street, postal_code=checked.postal_code,
                address_source=checked.source, fee_amount=fee.amount, fee_payer=fee.payer,
                created_by=actor.user,
                next_poll_at=next_poll_time(0) if provider.reports_events else None,
            )  # fmt: skip
            # Our clock, not the courier's: it does not count as the parcel's last news, so the
            # courier's first scan applies even if its clock is a little behind ours.
            TrackingEvent.objects.create(
                shipment=shipment, code=ParcelStatus.CREATED, occurred_at=timezone.now(),
                source=TrackingEvent.Source.BOOKING, applied=True, recorded_by=actor.user,
                raw={"tariff": booking.tariff},
            )  # fmt: skip
            if direction == Direction.DELIVERY and locked.status in DELIVERABLE:
                note = _("Dikirim lewat %(courier)s, resi %(resi)s.") % {
                    "courier": provider.name,
                    "resi": resi or "-",
                }
                workflow.ship(application=locked, actor=actor, note=note)
    except Exception:
        if resi and provider.reports_events:
            try:
                provider.cancel(receipt_number=resi)
            except CourierError:
                log.warning("booking %s left at the courier after a failed write", resi)
        raise
    return shipment


def _active(app: Application, direction: str) -> bool:
    return (
        Shipment.objects.filter(application=app, direction=direction)
        .exclude(status__in=[ParcelStatus.CANCELLED, ParcelStatus.RETURNED])
        .exists()
    )


def _check_state(app: Application, direction: str) -> None:
    if direction == Direction.DELIVERY:
        resend = app.status == S.IN_DELIVERY
        if app.status not in DELIVERABLE and not resend:
            raise ValidationError(
                _("Dokumen permohonan berstatus “%(status)s” belum dapat dikirim.")
                % {"status": app.get_status_display()},
                code="not_deliverable",
            )
        if app.delivery_method != DeliveryMethod.POST:
            raise ValidationError(
                _(
                    "Pemohon memilih mengambil dokumen di kantor kecamatan, bukan dikirim lewat "
                    "pos."
                ),
                code="pickup_chosen",
            )
    elif app.status not in PICKUP_STATES:
        raise ValidationError(
            _("Berkas permohonan berstatus “%(status)s” tidak perlu dijemput.")
            % {"status": app.get_status_display()},
            code="not_pickable",
        )
    if _active(app, direction):
        raise ValidationError(
            _("Permohonan ini sudah punya kiriman yang masih berjalan."), code="already_booked"
        )


def _check_resi_format(resi: str) -> None:
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9\-]{5,39}", resi):
        raise ValidationError(
            {"receipt_number": _("Nomor resi 6–40 huruf besar, angka atau tanda hubung.")}
        )


def set_receipt_number(*, shipment: Shipment, actor: Actor, receipt_number: str) -> Shipment:
    """The officer records the resi of a parcel booked by hand (``manual`` courier)."""
    _check_staff(actor, shipment.application, ROLES[shipment.direction])
    resi = receipt_number.strip().upper()
    _check_resi_format(resi)
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if locked.provider != "manual" or locked.receipt_number:
            raise ValidationError(
                _("Nomor resi kiriman ini sudah tercatat dan tidak dapat diubah."), code="resi_set"
            )
        if Shipment.objects.filter(provider=locked.provider, receipt_number=resi).exists():
            raise ValidationError(
                {"receipt_number": _("Nomor resi %(resi)s sudah dipakai kiriman lain.")
                 % {"resi": resi}}
            )  # fmt: skip
        locked.receipt_number = resi
        try:
            with transaction.atomic():
                locked.save(update_fields=["receipt_number", "updated_at"])
        except IntegrityError:
            raise ValidationError(
                {"receipt_number": _("Nomor resi %(resi)s sudah dipakai kiriman lain.")
                 % {"resi": resi}}
            ) from None  # fmt: skip
    return locked


def cancel_shipment(*, shipment: Shipment, actor: Actor) -> Shipment:
    """Cancel a parcel not yet picked up by the courier (the courier is told first)."""
    _check_staff(actor, shipment.application, ROLES[shipment.direction])
    if shipment.status != ParcelStatus.CREATED:
        raise ValidationError(
            _("Kiriman yang sudah diambil kurir tidak dapat dibatalkan."), code="too_late"
        )
    provider = get_provider(shipment.provider)
    if shipment.receipt_number:
        provider.cancel(receipt_number=shipment.receipt_number)
    event = CourierEvent(
        receipt_number=shipment.receipt_number or "", code=ParcelStatus.CANCELLED,
        occurred_at=timezone.now(),
    )  # fmt: skip
    record_tracking_event(
        shipment=shipment, event=event, source=TrackingEvent.Source.MANUAL, actor=actor
    )
    shipment.refresh_from_db()
    return shipment


# ---------------------------------------------------------------------------------------------
# Events recorded by hand


def add_manual_event(
    *,
    shipment: Shipment,
    actor: Actor,
    code: str,
    occurred_at: dt.datetime | None = None,
    receiver_name: str = "",
    location: str = "",
    note: str = "",
) -> TrackingEvent:
    """A dispatch officer records an event the courier told them (``manual`` courier, or a
    parcel whose webhook never came)."""
    _check_staff(actor, shipment.application, ROLES[shipment.direction])
    if code not in ParcelStatus.values or code == ParcelStatus.CREATED:
        raise ValidationError({"code": _("Pilih jenis peristiwa kiriman.")})
    now = timezone.now()
    occurred_at = occurred_at or now
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if occurred_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("Waktu peristiwa tidak boleh di masa depan.")})
    receiver_name = " ".join(receiver_name.split())[:60]
    if code == ParcelStatus.DELIVERED and not receiver_name:
        raise ValidationError({"receiver_name": _("Nama penerima wajib diisi.")})
    if shipment.provider == "manual" and not shipment.receipt_number:
        raise ValidationError(_("Catat nomor resi kiriman ini dahulu."), code="no_resi")
    event = CourierEvent(
        receipt_number=shipment.receipt_number or "", code=code, occurred_at=occurred_at,
        location=location.strip()[:100], note=note.strip()[:200], receiver_name=receiver_name,
    )  # fmt: skip
    stored, _created = record_tracking_event(
        shipment=shipment, event=event, source=TrackingEvent.Source.MANUAL, actor=actor
    )
    return stored


# ---------------------------------------------------------------------------------------------
# At the office


def record_collection(
    *,
    shipment: Shipment,
    actor: Actor,
    collector_nik: str,
    collector_birth_date: dt.date,
    collector_relation: str = "",
) -> Shipment:
    """The documents of a parcel the post returned are collected at the office: the collector is
    checked and the case completed by the one hand-over service
    (:func:`dukcapil.desk.handover.hand_over`, the same as the operator console's), and the
    shipment keeps a link to that hand-over. Nothing is written if a check fails.

    Raises Http404 (outside the actor's jurisdiction), PermissionDenied and ValidationError."""
    _check_staff(actor, shipment.application, COLLECTION_ROLES)
    with transaction.atomic():
        # The shipment first, then the application (in the workflow): the order of tracking too.
        locked = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("application")
            .get(pk=shipment.pk)
        )
        if locked.direction != Direction.DELIVERY or locked.status != ParcelStatus.RETURNED:
            raise ValidationError(
                _("Hanya dokumen dari kiriman yang dikembalikan pos yang dapat diserahkan di "
                  "sini."),
                code="not_returned",
            )  # fmt: skip
        app = hand_over(
            application=locked.application, actor=actor, collector_nik=collector_nik,
            collector_birth_date=collector_birth_date, collector_relation=collector_relation,
            place=Place.OFFICE,
            context={"receipt_number": locked.receipt_number or "", "shipment": locked.reference},
        )  # fmt: skip
        # A case is completed once (a final state): this is the event just written.
        locked.collection_event = app.events.get(transition="complete")
        locked.save(update_fields=["collection_event", "updated_at"])
    return locked
