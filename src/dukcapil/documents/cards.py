"""KTP-el and KIA: the print queue of each office and its blank-card stock.

Issuing an application with a card output queues one card per holder. Printing a card spends one
blank of the office's stock, and each spoiled blank one more; the office sees its stock fall to
the low-stock threshold before it runs out.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dukcapil.accounts.models import Role
from dukcapil.accounts.selectors import is_in_jurisdiction, scope_to_jurisdiction
from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application
from dukcapil.applications.models import Status as AppStatus
from dukcapil.documents.models import CardPrintJob, CardStock, CardStockMovement, CardType
from dukcapil.registry.models import Resident

ADULT_AGE = 17
PRINT_ROLES = (Role.DISPATCH_OFFICER,)
STOCK_ROLES = (Role.DISPATCH_OFFICER, Role.REGENCY_HEAD)


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def card_holders(application: Application, card_type: str) -> list[Resident]:
    """Who receives a card: the people the application is about, else the applicant; KTP-el for
    those of 17 or older (or married), KIA for children."""
    result = application.registry_result or {}
    ids = list(result.get("residents") or [])
    if result.get("resident_id"):
        ids.append(result["resident_id"])
    people = list(Resident.objects.filter(pk__in=ids)) or list(application.subjects.all())
    if not people and application.applicant_id:
        people = [application.applicant]
    today = timezone.localdate()
    adult = [p for p in people if _age(p.birth_date, today) >= ADULT_AGE
             or p.marital_status != "belum_kawin"]  # fmt: skip
    if card_type == CardType.KTP:
        return adult
    children = [p for p in people if p not in adult]
    named = (application.form_data or {}).get("anak")
    if not children and named and application.family_id:
        # The KIA service names its children (the field ``anak``): those of them who are
        # children of the applicant's family get one, nobody else.
        niks = set(named)
        members = Resident.objects.filter(family_id=application.family_id, life_status="alive")
        children = [m for m in members if m.nik in niks and _age(m.birth_date, today) < ADULT_AGE
                    and m.marital_status == "belum_kawin"]  # fmt: skip
    return children


def queue_cards(*, application: Application) -> list[CardPrintJob]:
    """Queue the cards of an application being issued (inside the ``issue`` transition)."""
    jobs = []
    for card_type in [o for o in application.service_version.outputs if o in CardType.values]:
        for resident in card_holders(application, card_type):
            job, _created = CardPrintJob.objects.get_or_create(
                application=application, card_type=card_type, resident=resident,
                defaults={"office": application.office, "kecamatan": application.kecamatan},
            )  # fmt: skip
            jobs.append(job)
    return jobs


def _check(actor: Actor, roles: tuple[str, ...]) -> None:
    if actor.kind != "staff" or actor.role not in roles:
        raise PermissionDenied(_("Peran Anda tidak boleh melakukan langkah ini."))


def _stock(office_id: str, card_type: str) -> CardStock:
    stock, _created = CardStock.objects.get_or_create(
        office_id=office_id, card_type=card_type,
        defaults={"low_threshold": settings.DOCUMENTS_CARD_LOW_STOCK},
    )  # fmt: skip
    return CardStock.objects.select_for_update().get(pk=stock.pk)


def receive_blanks(*, office_id: str, card_type: str, quantity: int, actor: Actor,
                   note: str = "") -> CardStock:  # fmt: skip
    """Blank cards delivered to the office (from the national allocation)."""
    _check(actor, STOCK_ROLES)
    if actor.user.jurisdiction_level != "province" and actor.user.regency_id != office_id:
        raise PermissionDenied(_("Kantor ini di luar wilayah Anda."))
    if quantity <= 0:
        raise ValidationError(_("Jumlah blangko harus lebih dari nol."))
    with transaction.atomic():
        stock = _stock(office_id, card_type)
        stock.blanks += quantity
        stock.save(update_fields=["blanks"])
        CardStockMovement.objects.create(
            stock=stock,
            kind=CardStockMovement.Kind.RECEIVED,
            quantity=quantity,
            actor=actor.user,
            note=note[:200],
        )
    return stock


def print_card(*, job: CardPrintJob, actor: Actor, spoiled: int = 0) -> CardPrintJob:
    """Record a card printed, after ``spoiled`` blanks that failed. Spends ``1 + spoiled`` blanks;
    refused when the stock has not that many. When every card of an issued application is
    printed, the application is marked printed."""
    _check(actor, PRINT_ROLES)
    if spoiled < 0 or spoiled > 20:
        raise ValidationError(_("Jumlah blangko rusak tidak masuk akal."))
    with transaction.atomic():
        job = CardPrintJob.objects.select_for_update().select_related("application").get(pk=job.pk)
        if not is_in_jurisdiction(job, user=actor.user):
            raise PermissionDenied(_("Kartu ini di luar wilayah Anda."))
        if job.status != CardPrintJob.Status.QUEUED:
            raise ValidationError(_("Kartu ini sudah dicetak."))
        stock = _stock(job.office_id, job.card_type)
        if stock.blanks < 1 + spoiled:
            raise ValidationError(
                _("Stok blangko %(card)s habis: tidak dapat mencetak.")
                % {"card": CardType(job.card_type).label}
            )
        stock.blanks -= 1 + spoiled
        stock.save(update_fields=["blanks"])
        if spoiled:
            CardStockMovement.objects.create(
                stock=stock,
                kind=CardStockMovement.Kind.SPOILED,
                quantity=-spoiled,
                job=job,
                actor=actor.user,
            )
        CardStockMovement.objects.create(
            stock=stock, kind=CardStockMovement.Kind.PRINTED, quantity=-1, job=job, actor=actor.user
        )
        job.status = CardPrintJob.Status.PRINTED
        job.spoiled = spoiled
        job.printed_at = timezone.now()
        job.printed_by = actor.user
        job.save(update_fields=["status", "spoiled", "printed_at", "printed_by"])
        app = job.application
        pending = CardPrintJob.objects.filter(application=app, status=CardPrintJob.Status.QUEUED)
        if app.status == AppStatus.ISSUED and not pending.exists():
            workflow.mark_printed(application=app, actor=actor)
    return job


def record_spoiled(*, office_id: str, card_type: str, quantity: int, actor: Actor,
                   note: str) -> CardStock:  # fmt: skip
    """Blanks found damaged outside a print (in storage, in the printer)."""
    _check(actor, PRINT_ROLES)
    if quantity <= 0:
        raise ValidationError(_("Jumlah blangko harus lebih dari nol."))
    with transaction.atomic():
        stock = _stock(office_id, card_type)
        if stock.blanks < quantity:
            raise ValidationError(_("Jumlah melebihi stok yang tercatat."))
        stock.blanks -= quantity
        stock.save(update_fields=["blanks"])
        CardStockMovement.objects.create(
            stock=stock,
            kind=CardStockMovement.Kind.SPOILED,
            quantity=-quantity,
            actor=actor.user,
            note=note[:200],
        )
    return stock


# Reads


def print_queue(user: object) -> QuerySet[CardPrintJob]:
    """Cards waiting to be printed in the user's jurisdiction, oldest first."""
    jobs = CardPrintJob.objects.filter(status=CardPrintJob.Status.QUEUED)
    return scope_to_jurisdiction(jobs, user=user).select_related("resident", "application")


def stocks(user: object) -> QuerySet[CardStock]:
    return scope_to_jurisdiction(CardStock.objects.all(), user=user).order_by("office", "card_type")


def low_stocks(user: object) -> list[CardStock]:
    """The stocks at or under their threshold (the regency's signal to order blanks)."""
    return [s for s in stocks(user) if s.is_low]
