"""Issued documents (KK, akta, SKPWNI, receipts), their numbers and history, and card printing.

A document is drafted when its application is approved (status ``awaiting_signature``), and gets
its number, its verification code in a QR and its PAdES signature when the signing official signs
the batch. Its content (the data printed on it) is kept encrypted, so that a re-print gives the
same document and a changed family gives a new one that supersedes the old.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dukcapil.core.fields import EncryptedTextField


class DocumentType(models.TextChoices):
    KK = "kk", _("Kartu Keluarga")
    BIRTH = "akta_kelahiran", _("Kutipan Akta Kelahiran")
    DEATH = "akta_kematian", _("Kutipan Akta Kematian")
    MOVING_LETTER = "skpwni", _("Surat Keterangan Pindah WNI")
    MARRIAGE = "akta_perkawinan", _("Kutipan Akta Perkawinan")
    DIVORCE = "akta_perceraian", _("Kutipan Akta Perceraian")
    RECEIPT = "receipt", _("Tanda Terima Penerbitan Dokumen")


class CardType(models.TextChoices):
    KTP = "ktp", _("KTP-el")
    KIA = "kia", _("KIA")


class DocumentStatus(models.TextChoices):
    AWAITING_SIGNATURE = "awaiting_signature", _("Menunggu tanda tangan")
    VALID = "valid", _("Sah")
    SUPERSEDED = "superseded", _("Digantikan versi lebih baru")
    REVOKED = "revoked", _("Dicabut")
    DISCARDED = "discarded", _("Draf dibatalkan")


class NumberSequence(models.Model):
    """The last serial handed out per document type, regency and date (one atomic upsert)."""

    document_type = models.CharField(max_length=20, choices=DocumentType.choices)
    regency = models.CharField(max_length=5)
    day = models.DateField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "regency", "day"], name="documents_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_type} {self.regency} {self.day}: {self.last_serial}"


class IssuedDocument(models.Model):
    document_type = models.CharField(
        _("jenis dokumen"), max_length=20, choices=DocumentType.choices
    )
    office = models.ForeignKey(
        "regions.Regency", on_delete=models.PROTECT, related_name="issued_documents"
    )
    kecamatan = models.ForeignKey(
        "regions.Kecamatan", on_delete=models.PROTECT, related_name="issued_documents"
    )
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="issued_documents"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DocumentStatus.choices,
        default=DocumentStatus.AWAITING_SIGNATURE,
    )
    # What the document is about across versions ("kk:<kk blind index>"): a newly signed KK of
    # the same family supersedes the valid one.
    subject_key = models.CharField(max_length=160, db_index=True)
    content = EncryptedTextField()  # the data printed, canonical JSON
    content_hash = models.CharField(max_length=64)
    holder_name = EncryptedTextField(_("nama pemegang"))
    number = models.CharField(_("nomor"), max_length=60, unique=True, null=True, blank=True)
    verification_code = models.CharField(max_length=32, unique=True)
    issued_on = models.DateField(_("tanggal terbit"), null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField(max_length=100, blank=True)
    pdf = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dokumen terbit")
        verbose_name_plural = _("dokumen terbit")
        indexes = [
            models.Index(fields=["office", "status"], name="documents_office_status_idx"),
            models.Index(fields=["subject_key", "status"], name="documents_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} {self.number or '(draf)'}"


class ApplicationDocument(models.Model):
    """Which documents an application gave its applicant (a re-print links the stored one)."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="document_links"
    )
    document = models.ForeignKey(
        IssuedDocument, on_delete=models.PROTECT, related_name="application_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "document"], name="documents_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.document_id}"


class DocumentEvent(models.Model):
    """One step of a document's life (drafted, signed, superseded, revoked, downloaded …)."""

    document = models.ForeignKey(IssuedDocument, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    actor_label = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.action}"


class VerificationThrottle(models.Model):
    """Requests per client and time window on the public verification page (all processes)."""

    client = models.CharField(max_length=64)
    period = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "period"], name="documents_throttle_unique")
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.period}: {self.hits}"


# ---------------------------------------------------------------------------------------------
# Cards (KTP-el, KIA)


class CardStock(models.Model):
    """Blank cards an office holds, per card type."""

    office = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    card_type = models.CharField(_("jenis kartu"), max_length=4, choices=CardType.choices)
    blanks = models.IntegerField(_("blangko tersedia"), default=0)
    low_threshold = models.PositiveIntegerField(_("batas stok menipis"), default=100)

    class Meta:
        verbose_name = _("stok blangko")
        verbose_name_plural = _("stok blangko")
        constraints = [
            models.UniqueConstraint(fields=["office", "card_type"], name="documents_stock_unique"),
            models.CheckConstraint(condition=models.Q(blanks__gte=0), name="documents_stock_gte0"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.card_type}: {self.blanks}"

    @property
    def is_low(self) -> bool:
        return self.blanks <= self.low_threshold


class CardStockMovement(models.Model):
    class Kind(models.TextChoices):
        RECEIVED = "received", _("Blangko diterima")
        PRINTED = "printed", _("Kartu dicetak")
        SPOILED = "spoiled", _("Blangko rusak")

    stock = models.ForeignKey(CardStock, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    quantity = models.IntegerField()  # + received, - spent
    job = models.ForeignKey(
        "CardPrintJob", on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.stock_id} {self.kind} {self.quantity}"


class CardPrintJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu dicetak")
        PRINTED = "printed", _("Sudah dicetak")

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="card_jobs"
    )
    office = models.ForeignKey("regions.Regency", on_delete=models.PROTECT, related_name="+")
    kecamatan = models.ForeignKey("regions.Kecamatan", on_delete=models.PROTECT, related_name="+")
    card_type = models.CharField(_("jenis kartu"), max_length=4, choices=CardType.choices)
    resident = models.ForeignKey("registry.Resident", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    spoiled = models.PositiveSmallIntegerField(_("blangko rusak"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    printed_at = models.DateTimeField(null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["office", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "card_type", "resident"], name="documents_job_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.card_type} {self.application_id}"
