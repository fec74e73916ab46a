"""Handing a finished document over at an office: the one hand-over service.

Used by the operator console (documents collected at the kantor kecamatan) and by the dispatch
pages (documents of a parcel the post returned, collected at the office): both check the collector
the same way and leave the same record.

The collector shows their KTP-el or KK: their NIK and birth date must match the registry, and they
must be the applicant or a member of the applicant's family (the family card the application is
about). Nothing is written when a check fails. The completion event, written by the workflow in
the same transaction as the status change, records who collected (resident id, name, masked NIK,
the relation they stated), when (the event's time), for whom, where, and which staff user handed
it over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application
from dukcapil.applications.models import Status as S
from dukcapil.registry.choices import LifeStatus
from dukcapil.registry.gateway import get_registry
from dukcapil.registry.identifiers import mask_nik


class Place(models.TextChoices):
    KECAMATAN = "kecamatan", gettext_lazy("kantor kecamatan")
    OFFICE = "office", gettext_lazy("kantor Disdukcapil")


class CollectorRelation(models.TextChoices):
    """What the collector says they are to the applicant (optional; the registry decides)."""

    SELF = "self", gettext_lazy("Pemohon sendiri")
    SPOUSE = "spouse", gettext_lazy("Suami/istri")
    CHILD = "child", gettext_lazy("Anak")
    PARENT = "parent", gettext_lazy("Orang tua")
    SIBLING = "sibling", gettext_lazy("Saudara kandung")
    OTHER = "other", gettext_lazy("Anggota keluarga lain")


def hand_over(
    *,
    application: Application,
    actor: Actor,
    collector_nik: str,
    collector_birth_date: dt.date,
    collector_relation: str = "",
    place: str = Place.KECAMATAN,
    context: Mapping[str, str] | None = None,
) -> Application:
    """Complete a case that is ready for pick-up, once the collector's identity is checked.

    ``context`` adds non-personal facts to the event (e.g. the resi of the returned parcel).
    Raises Http404 for a case outside a staff actor's jurisdiction (before the registry is
    asked), ValidationError (code ``invalid_transition`` for a case not ready for pick-up,
    ``collector_unknown``, ``collector_not_family``, ``relation_unknown``, ``relation_mismatch``)
    and the workflow's PermissionDenied for a role that may not complete a case."""
    if actor.kind == "staff" and not workflow.in_jurisdiction(application, actor.user):
        raise Http404
    if application.status != S.READY_FOR_PICKUP:
        raise ValidationError(
            _("Dokumen permohonan berstatus “%(status)s” belum dapat diserahkan di kantor.")
            % {"status": application.get_status_display()},
            code="invalid_transition",
        )
    if collector_relation and collector_relation not in CollectorRelation.values:
        raise ValidationError(_("Hubungan pengambil tidak dikenal."), code="relation_unknown")
    if place not in Place.values:
        raise ValueError(f"unknown hand-over place {place!r}")
    nik = "".join(c for c in collector_nik if c.isdigit())
    collector = get_registry().find_resident_by_nik(nik) if len(nik) == 16 else None
    if (
        collector is None
        or collector.birth_date != collector_birth_date
        or collector.life_status != LifeStatus.ALIVE  # a dead person's papers collect nothing
    ):
        raise ValidationError(
            _("NIK dan tanggal lahir pengambil tidak cocok dengan data kependudukan. Periksa "
              "KTP-el atau KK yang ditunjukkan."),
            code="collector_unknown",
        )  # fmt: skip
    applicant = application.applicant
    is_applicant = applicant is not None and collector.pk == applicant.pk
    same_family = application.family_id is not None and collector.family_id == application.family_id
    if not (is_applicant or same_family):
        raise ValidationError(
            _("Dokumen hanya boleh diambil oleh pemohon atau anggota keluarga dalam KK yang sama."),
            code="collector_not_family",
        )
    if collector_relation and (collector_relation == CollectorRelation.SELF) != is_applicant:
        message = (
            _("Hubungan yang dipilih tidak sesuai: pengambil adalah pemohon sendiri.")
            if is_applicant
            else _("Hubungan yang dipilih tidak sesuai: pengambil bukan pemohon.")
        )
        raise ValidationError(message, code="relation_mismatch")
    # The identity keys come last: a context cannot overwrite who collected.
    data = {key: str(value) for key, value in (context or {}).items()}
    data |= {
        "collector_resident_id": collector.pk,
        "collector_name": collector.name,
        "collector_nik": mask_nik(collector.nik),
        "collector_is_applicant": is_applicant,
        "collector_relation": collector_relation,
        "for_resident_id": applicant.pk if applicant else None,
        "for_name": applicant.name if applicant else "",
        "place": place,
    }
    note = _("Diambil oleh %(name)s di %(place)s.") % {
        "name": collector.name,
        "place": Place(place).label,
    }
    return workflow.complete(application=application, actor=actor, note=note, data=data)
