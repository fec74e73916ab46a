"""Applications (permohonan), their attachments, verdicts and the append-only event history.

The status of an application is changed by :mod:`dukcapil.applications.workflow` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dukcapil.applications.tracking import display
from dukcapil.catalog.models import Applicant


class Status(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    IN_REVIEW = "in_review", _("Sedang diverifikasi")
    NEEDS_REVISION = "needs_revision", _("Perlu perbaikan")
    APPROVED = "approved", _("Disetujui")
    ISSUED = "issued", _("Dokumen terbit")
    PRINTED = "printed", _("Dicetak")
    IN_DELIVERY = "in_delivery", _("Dalam pengiriman")
    READY_FOR_PICKUP = "ready_for_pickup", _("Siap diambil")
    COMPLETED = "completed", _("Selesai")
    REJECTED = "rejected", _("Ditolak")
    CANCELLED = "cancelled", _("Dibatalkan")
    EXPIRED = "expired", _("Kedaluwarsa")


OPEN_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW)
FINAL_STATUSES = (Status.COMPLETED, Status.REJECTED, Status.CANCELLED, Status.EXPIRED)


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    WHATSAPP = "whatsapp", _("WhatsApp")
    OPERATOR = "operator", _("Operator kecamatan")
    API = "api", _("API")


class DeliveryMethod(models.TextChoices):
    POST = "post", _("Dikirim lewat pos")
    PICKUP = "pickup", _("Diambil di kantor kecamatan")


class Application(models.Model):
    # Unique by a constraint, not ``unique=True``: on PostgreSQL that would add a second index
    # for LIKE that nothing uses, and every write of an application maintains each index.
    tracking_number = models.CharField(_("nomor registrasi"), max_length=9)
    service_version = models.ForeignKey(
        "catalog.ServiceVersion", on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    # Routing: the Disdukcapil of the regency where the family lives, and its kecamatan.
    # Indexed as the first columns of app_queue_idx and app_kecamatan_status_idx (no index of
    # their own, nor its LIKE twin on PostgreSQL).
    office = models.ForeignKey(
        "regions.Regency", on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    kecamatan = models.ForeignKey(
        "regions.Kecamatan", on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    applicant = models.ForeignKey(
        "registry.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_made",
        verbose_name=_("pemohon"),
    )
    applicant_relation = models.CharField(max_length=16, choices=Applicant.choices)
    applicant_phone = models.CharField(_("nomor telepon"), max_length=16, blank=True)
    language = models.CharField(max_length=5, default="id")
    family = models.ForeignKey(
        "registry.Family", on_delete=models.PROTECT, null=True, related_name="applications"
    )
    subjects = models.ManyToManyField(
        "registry.Resident", related_name="applications_about", blank=True
    )
    form_data = models.JSONField(default=dict, blank=True)
    declarations = models.JSONField(default=dict, blank=True)
    privacy_acknowledged_at = models.DateTimeField(null=True, blank=True)
    delivery_method = models.CharField(
        max_length=8, choices=DeliveryMethod.choices, default=DeliveryMethod.PICKUP
    )
    delivery_address = models.JSONField(default=dict, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_entered",
        db_index=False,  # app_operator_idx, only where set
    )
    consent_recorded = models.BooleanField(default=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_assigned",
        db_index=False,  # app_assigned_to_idx, only where set
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("batas waktu"), null=True, blank=True)
    revision_due_date = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    registry_result = models.JSONField(default=dict, blank=True)
    # A case opened by another office's approval (moving in after moving out within the province).
    origin = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        db_index=False,  # app_origin_idx, only where set
    )

    class Meta:
        verbose_name = _("permohonan")
        verbose_name_plural = _("permohonan")
        indexes = [
            # The verifier queue: one office, oldest due first, keyset by (due_date, id).
            models.Index(fields=["office", "status", "due_date", "id"], name="app_queue_idx"),
            models.Index(fields=["kecamatan", "status"], name="app_kecamatan_status_idx"),
            # Users and cases referred to by few applications (an operator's entries, a
            # verifier's cases, follow-ups): indexed only where set, so that the many rows
            # without one cost no index entry when inserted or when their status changes.
            *(
                models.Index(
                    fields=[name], name=f"app_{name}_idx", condition=Q(**{f"{name}__isnull": False})
                )
                for name in ("operator", "assigned_to", "origin")
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tracking_number"], name="app_tracking_number_key")
        ]

    def __str__(self) -> str:
        return display(self.tracking_number)

    @property
    def tracking_display(self) -> str:
        return display(self.tracking_number)


class Attachment(models.Model):
    """A file given for one upload requirement. A re-upload supersedes, never overwrites."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="attachments"
    )
    requirement_code = models.CharField(max_length=40)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["application", "requirement_code"])]

    def __str__(self) -> str:
        return f"{self.requirement_code} ({self.sha256[:8]})"


class RevisionReason(models.TextChoices):
    UNREADABLE = "unreadable", _("Foto/pindaian tidak terbaca")
    WRONG_DOCUMENT = "wrong_document", _("Dokumen yang diunggah bukan yang diminta")
    INCOMPLETE = "incomplete", _("Dokumen tidak lengkap (halaman atau sisi terpotong)")
    DATA_MISMATCH = "data_mismatch", _("Data tidak sesuai dengan data kependudukan")
    EXPIRED_DOCUMENT = "expired_document", _("Dokumen sudah tidak berlaku")
    NOT_ORIGINAL = "not_original", _("Bukan foto/pindaian dokumen asli")
    SIGNATURE_MISSING = "signature_missing", _("Tanda tangan atau cap belum ada")
    OTHER = "other", _("Lainnya")


class RequirementVerdict(models.Model):
    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("Sesuai")
        NEEDS_REVISION = "needs_revision", _("Perlu perbaikan")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="verdicts")
    requirement_code = models.CharField(max_length=40)
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    reason = models.CharField(max_length=20, choices=RevisionReason.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement_code"], name="verdict_one_per_requirement"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement_code}: {self.verdict}"


class ApplicationEvent(models.Model):
    """One step of an application: append-only (a database trigger refuses UPDATE and DELETE)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    actor_kind = models.CharField(max_length=10)  # staff, citizen, system, api
    actor_label = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class IdentityCheckFailure(models.Model):
    """One wrong answer to the identity check (NIK + KK number + birth date), counted per NIK,
    per IP address and per phone number (see :mod:`dukcapil.applications.identity`). ``key`` is
    a keyed hash: the table never holds a NIK, an address or a phone number in clear."""

    class Scope(models.TextChoices):
        NIK = "nik", "NIK"
        IP = "ip", "IP"
        PHONE = "phone", _("telepon")

    scope = models.CharField(max_length=5, choices=Scope.choices)
    key = models.CharField(max_length=32)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="identity_failure_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]} {self.at:%Y-%m-%d %H:%M}"
