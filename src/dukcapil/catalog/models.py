"""The service catalogue, kept as versioned data.

A :class:`ServiceVersion` is never changed once published: an administrator's change publishes a new
version, and every application keeps the version it was submitted under.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Applicant(models.TextChoices):
    SELF = "self", _("Diri sendiri")
    FAMILY_MEMBER = "family_member", _("Anggota keluarga")
    OPERATOR = "operator", _("Operator kecamatan")


class RequirementKind(models.TextChoices):
    UPLOAD = "upload", _("Unggah dokumen")
    FIELD = "field", _("Isian")
    DECLARATION = "declaration", _("Pernyataan")


class RegistryChange(models.TextChoices):
    NONE = "none", _("Tidak mengubah data penduduk")
    BIRTH = "birth", _("Kelahiran: anak masuk KK dengan NIK baru")
    DEATH = "death", _("Kematian: dikeluarkan dari KK")
    MOVE_OUT = "move_out", _("Pindah keluar")
    MOVE_IN = "move_in", _("Pindah datang")
    NEW_FAMILY = "new_family", _("KK baru")
    DATA_CHANGE = "data_change", _("Perubahan data")
    MARRIAGE = "marriage", _("Perkawinan")
    DIVORCE = "divorce", _("Perceraian")


class Service(models.Model):
    code = models.CharField(_("kode"), max_length=32, unique=True)
    current_version = models.ForeignKey(
        "ServiceVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.current_version.name if self.current_version_id else self.code


class ServiceVersion(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("versi"))
    name_id = models.CharField(_("nama (Indonesia)"), max_length=120)
    name_en = models.CharField(_("nama (Inggris)"), max_length=120)
    description_id = models.TextField(_("keterangan (Indonesia)"), blank=True)
    description_en = models.TextField(_("keterangan (Inggris)"), blank=True)
    legal_basis = models.TextField(_("dasar hukum"))
    applicants = models.JSONField(_("yang boleh mengajukan"))
    service_level_days = models.PositiveSmallIntegerField(_("waktu layanan (hari kerja)"))
    presence_required = models.BooleanField(_("perlu datang ke kantor"), default=False)
    outputs = models.JSONField(_("hasil layanan"))
    registry_change = models.CharField(
        _("perubahan data penduduk"), max_length=16, choices=RegistryChange.choices
    )
    requirements = models.JSONField(_("persyaratan"))
    content_hash = models.CharField(max_length=64, editable=False)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("versi layanan")
        verbose_name_plural = _("versi layanan")
        ordering = ["service__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="serviceversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service.code} v{self.version}"

    @property
    def name(self) -> str:
        return self.name_en if translation.get_language() == "en" else self.name_id

    @property
    def description(self) -> str:
        return self.description_en if translation.get_language() == "en" else self.description_id

    def requirement(self, code: str) -> dict | None:
        return next((r for r in self.requirements if r["code"] == code), None)

    def requirements_of_kind(self, kind: str) -> list[dict]:
        return [r for r in self.requirements if r["kind"] == kind]


class RegencyServiceLevel(models.Model):
    """A regency's own service level for a service (working days), overriding the catalogue's."""

    regency = models.ForeignKey("regions.Regency", on_delete=models.CASCADE)
    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    service_level_days = models.PositiveSmallIntegerField(_("waktu layanan (hari kerja)"))

    class Meta:
        verbose_name = _("waktu layanan kabupaten/kota")
        verbose_name_plural = _("waktu layanan kabupaten/kota")
        constraints = [
            models.UniqueConstraint(
                fields=["regency", "service"], name="regencyservicelevel_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.regency_id} {self.service.code}: {self.service_level_days}"


def requirement_label(requirement: dict) -> str:
    """The requirement's label in the active language (catalogue data carries id and en)."""
    labels = requirement.get("label", {})
    return labels.get(translation.get_language() or "id") or labels.get("id", requirement["code"])
