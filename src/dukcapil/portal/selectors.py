"""Reads for citizen pages: the catalogue in plain words, an application's timeline and next step,
and the optional panels other apps add to the status page."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import formats
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dukcapil.applications.models import Application, RequirementVerdict, Status
from dukcapil.catalog.models import Applicant, RequirementKind, requirement_label
from dukcapil.catalog.selectors import active_services

logger = logging.getLogger(__name__)

# What each step of the workflow means to the citizen.
STEP_WORDS = {
    "submit": gettext_lazy("Permohonan diterima dan menunggu diperiksa petugas."),
    "claim": gettext_lazy("Petugas mulai memeriksa persyaratan Anda."),
    "release": gettext_lazy("Permohonan kembali ke antrean pemeriksaan."),
    "request_revision": gettext_lazy("Petugas meminta Anda memperbaiki beberapa persyaratan."),
    "resubmit": gettext_lazy("Perbaikan Anda diterima dan menunggu diperiksa lagi."),
    "approve": gettext_lazy("Permohonan disetujui; data kependudukan sudah diperbarui."),
    "reject": gettext_lazy("Permohonan ditolak."),
    "issue": gettext_lazy("Dokumen sudah terbit dan ditandatangani secara elektronik."),
    "mark_printed": gettext_lazy("Dokumen sudah dicetak."),
    "ship": gettext_lazy("Dokumen dikirim lewat pos."),
    "ready_for_pickup": gettext_lazy("Dokumen siap diambil di kantor kecamatan."),
    "complete": gettext_lazy("Dokumen sudah diterima. Permohonan selesai."),
    "cancel": gettext_lazy("Permohonan dibatalkan."),
    "expire": gettext_lazy("Permohonan ditutup karena perbaikan tidak dikirim sampai batas waktu."),
}


@dataclass(frozen=True)
class ServiceCard:
    code: str
    name: str
    description: str
    days: int
    presence_required: bool
    uploads: list[str]
    fields: list[str]
    who: list[str]


def service_cards() -> list[ServiceCard]:
    """Every active service: what to prepare, who may apply, how many working days it takes."""
    cards = []
    for service in active_services().order_by("code"):
        v = service.current_version
        if v is None:
            continue

        def labels(kind: str, v=v) -> list[str]:  # noqa: E306
            return [requirement_label(r) + ("" if not r.get("optional") else " " + _("(bila ada)"))
                    for r in v.requirements if r["kind"] == kind]  # fmt: skip

        cards.append(
            ServiceCard(
                code=service.code, name=v.name, description=v.description,
                days=v.service_level_days, presence_required=v.presence_required,
                uploads=labels(RequirementKind.UPLOAD), fields=labels(RequirementKind.FIELD),
                who=[str(Applicant(a).label) for a in v.applicants if a != Applicant.OPERATOR],
            )
        )  # fmt: skip
    return cards


@dataclass(frozen=True)
class Step:
    at: Any
    words: str
    note: str


def timeline(app: Application) -> list[Step]:
    """The application's steps in plain words, oldest first (staff notes are not shown, except
    the reason of a rejection)."""
    steps = []
    for event in app.events.exclude(transition="parcel").order_by("at", "id"):  # parcels: panel
        note = app.decision_reason if event.transition == "reject" else ""
        words = str(STEP_WORDS.get(event.transition, event.transition))
        steps.append(Step(at=event.at, words=words, note=note))
    return steps


def next_step(app: Application) -> str:
    """What happens next, or what the citizen must do."""
    s = app.status
    date = formats.date_format(app.revision_due_date, "j F Y") if app.revision_due_date else ""
    by_post = app.delivery_method == "post"
    words = {
        Status.DRAFT: _("Lengkapi persyaratan, lalu kirim permohonan."),
        Status.SUBMITTED: _("Petugas Disdukcapil akan memeriksa persyaratan Anda. Bila ada yang "
                            "perlu diperbaiki, Anda akan diberi tahu."),
        Status.IN_REVIEW: _("Petugas sedang memeriksa persyaratan Anda."),
        Status.NEEDS_REVISION: _("Perbaiki persyaratan yang diminta di bawah ini, lalu kirim "
                                 "ulang paling lambat %(date)s.") % {"date": date},
        Status.APPROVED: _("Dokumen Anda sedang dibuat dan ditandatangani."),
        Status.ISSUED: _("Dokumen akan dikirim lewat pos ke alamat Anda.") if by_post
        else _("Dokumen akan disiapkan untuk diambil di kantor kecamatan."),
        Status.PRINTED: _("Dokumen akan dikirim lewat pos ke alamat Anda.") if by_post
        else _("Dokumen akan disiapkan untuk diambil di kantor kecamatan."),
        Status.IN_DELIVERY: _("Dokumen sedang dalam perjalanan ke alamat Anda."),
        Status.READY_FOR_PICKUP: _("Ambil dokumen di kantor Kecamatan %(kecamatan)s. Bawa KTP-el "
                                   "atau KK, dan tanda terima ini.")
        % {"kecamatan": app.kecamatan.name},
        Status.COMPLETED: _("Permohonan selesai. Terima kasih."),
        Status.REJECTED: _("Permohonan ditolak. Baca alasannya di bawah; Anda dapat mengajukan "
                           "permohonan baru."),
        Status.CANCELLED: _("Permohonan dibatalkan. Anda dapat mengajukan permohonan baru."),
        Status.EXPIRED: _("Permohonan ditutup karena perbaikan tidak dikirim tepat waktu. "
                          "Anda dapat mengajukan permohonan baru."),
    }  # fmt: skip
    return str(words.get(s, ""))


@dataclass(frozen=True)
class RevisionItem:
    requirement: dict
    label: str
    reason: str
    note: str


def revision_items(app: Application) -> list[RevisionItem]:
    """The requirements the verifier sent back, with the reason in plain words."""
    items = []
    for verdict in app.verdicts.filter(verdict=RequirementVerdict.Verdict.NEEDS_REVISION):
        requirement = app.service_version.requirement(verdict.requirement_code)
        if requirement is None:
            continue
        items.append(
            RevisionItem(requirement=requirement, label=requirement_label(requirement),
                         reason=verdict.get_reason_display(), note=verdict.note)
        )  # fmt: skip
    return items


def own_applications(resident_id: int) -> list[Application]:
    """The signed-in citizen's latest applications (drafts to continue, cases to follow)."""
    return list(
        Application.objects.filter(applicant_id=resident_id)
        .select_related("service_version")
        .order_by("-created_at")[:10]
    )


def labelled_attachments(app: Application) -> list[tuple[Any, str]]:
    """The current files of an application with the label of their requirement."""
    files = app.attachments.filter(superseded=False).order_by("requirement_code")
    return [
        (f, requirement_label(app.service_version.requirement(f.requirement_code) or
                              {"code": f.requirement_code}))
        for f in files
    ]  # fmt: skip


# Functions ``f(application) -> (template_name, context) | None`` that other apps provide for the
# status page (issued documents, parcel events). A missing module or template adds nothing.
STATUS_PANELS: list[str] = []


def extra_panels(app: Application) -> list[tuple[str, dict]]:
    panels = []
    for path in getattr(settings, "DUKCAPIL_PORTAL_STATUS_PANELS", STATUS_PANELS):
        try:
            provider = import_string(path)
        except ImportError:
            continue
        try:
            panel = provider(app)
        except Exception:  # a broken panel must not hide the citizen's status
            logger.exception("status panel %s failed", path)
            continue
        if not panel:
            continue
        template, context = panel
        try:
            get_template(template)
        except TemplateDoesNotExist:
            continue
        panels.append((template, context))
    return panels
