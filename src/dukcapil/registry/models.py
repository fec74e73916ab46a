"""The population registry: residents (NIK) and families (Kartu Keluarga), with their history.

NIK, KK number and mother's name are encrypted at rest; ``nik_index`` / ``kk_index`` are keyed HMACs
used for exact lookup (see :mod:`dukcapil.core.crypto`). Change them only through
:mod:`dukcapil.registry.services`, which keeps the history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dukcapil.core.fields import EncryptedTextField
from dukcapil.registry.choices import (
    BloodType,
    Citizenship,
    Education,
    FamilyStatus,
    LifeStatus,
    MaritalStatus,
    Relationship,
    Religion,
    Sex,
)
from dukcapil.registry.identifiers import mask_nik

NIK_PURPOSE = "nik"
KK_PURPOSE = "kk"


class Family(models.Model):
    kk_number = EncryptedTextField(_("nomor KK"))
    kk_index = models.CharField(max_length=32, unique=True, editable=False)
    desa = models.ForeignKey(
        "regions.Desa", on_delete=models.PROTECT, related_name="families", verbose_name=_("desa")
    )
    rt = models.CharField(_("RT"), max_length=3)
    rw = models.CharField(_("RW"), max_length=3)
    address = models.CharField(_("alamat"), max_length=200)
    postal_code = models.CharField(_("kode pos"), max_length=5)
    issued_on = models.DateField(_("tanggal dikeluarkan"))
    status = models.CharField(
        _("status"), max_length=10, choices=FamilyStatus.choices, default=FamilyStatus.ACTIVE
    )
    kk_prefix_unknown = models.BooleanField(
        _("kode wilayah nomor KK perlu diperiksa"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("keluarga")
        verbose_name_plural = _("keluarga")
        indexes = [models.Index(fields=["desa", "rw", "rt"])]

    def __str__(self) -> str:
        return f"KK {mask_nik(self.kk_number)}"


class Resident(models.Model):
    nik = EncryptedTextField(_("NIK"))
    nik_index = models.CharField(max_length=32, unique=True, editable=False)
    name = models.CharField(_("nama lengkap"), max_length=60)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=60)
    birth_date = models.DateField(_("tanggal lahir"))
    religion = models.CharField(_("agama"), max_length=12, choices=Religion.choices)
    education = models.CharField(_("pendidikan"), max_length=16, choices=Education.choices)
    occupation = models.CharField(_("jenis pekerjaan"), max_length=60)
    blood_type = models.CharField(
        _("golongan darah"), max_length=3, choices=BloodType.choices, default=BloodType.UNKNOWN
    )
    marital_status = models.CharField(
        _("status perkawinan"), max_length=24, choices=MaritalStatus.choices
    )
    marital_date = models.DateField(_("tanggal perkawinan/perceraian"), null=True, blank=True)
    family = models.ForeignKey(
        Family,
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
        verbose_name=_("keluarga"),
    )
    relationship = models.CharField(
        _("status hubungan dalam keluarga"), max_length=16, choices=Relationship.choices
    )
    citizenship = models.CharField(
        _("kewarganegaraan"), max_length=3, choices=Citizenship.choices, default=Citizenship.WNI
    )
    father_name = models.CharField(_("nama ayah"), max_length=60)
    mother_name = EncryptedTextField(_("nama ibu"))
    life_status = models.CharField(
        _("status"), max_length=10, choices=LifeStatus.choices, default=LifeStatus.ALIVE
    )
    life_status_date = models.DateField(_("tanggal meninggal/pindah"), null=True, blank=True)
    nik_prefix_unknown = models.BooleanField(_("kode wilayah NIK perlu diperiksa"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        indexes = [
            models.Index(fields=["birth_date", "name"]),
            models.Index(fields=["family", "relationship"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({mask_nik(self.nik)})"

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)


class RegistryChange(models.Model):
    """One change of a resident or a family: who, when, what (field → old and new value).

    Values of encrypted fields are kept encrypted here too.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("dibuat")
        UPDATED = "updated", _("diubah")

    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    actor_label = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("riwayat perubahan")
        verbose_name_plural = _("riwayat perubahan")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resident__isnull=False) | models.Q(family__isnull=False),
                name="registrychange_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class IdentifierSerial(models.Model):
    """The last serial handed out per identifier prefix (kind, kecamatan, date part).

    Incremented with one ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` so that two concurrent
    requests never get the same serial.
    """

    kind = models.CharField(max_length=3)  # "nik" or "kk"
    prefix = models.CharField(max_length=12)  # kecamatan (6) + DDMMYY (6)
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "prefix"], name="identifierserial_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.prefix}: {self.last_serial}"
