"""Handing a finished document over at the kecamatan office (operator console).

The collector shows their KTP-el or KK: their NIK and birth date must match the registry, and they
must be the applicant or a member of the applicant's family. The completion event records who
collected, when (the event's time), for whom, and which operator handed it over.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dukcapil.applications import workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application
from dukcapil.registry.gateway import get_registry
from dukcapil.registry.identifiers import mask_nik


def hand_over(
    *, application: Application, actor: Actor, collector_nik: str, collector_birth_date: dt.date
) -> Application:
    """Complete a case that is ready for pick-up, once the collector's identity is checked."""
    nik = "".join(c for c in collector_nik if c.isdigit())
    collector = get_registry().find_resident_by_nik(nik) if len(nik) == 16 else None
    if collector is None or collector.birth_date != collector_birth_date:
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
    data = {
        "collector_resident_id": collector.pk,
        "collector_name": collector.name,
        "collector_nik": mask_nik(collector.nik),
        "collector_is_applicant": is_applicant,
        "for_resident_id": applicant.pk if applicant else None,
        "for_name": applicant.name if applicant else "",
    }
    note = _("Diambil oleh %(name)s di kantor kecamatan.") % {"name": collector.name}
    return workflow.complete(application=application, actor=actor, note=note, data=data)
