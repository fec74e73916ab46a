"""Staff users, their role and their jurisdiction (the province, one regency or one kecamatan)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    KECAMATAN_OPERATOR = "kecamatan_operator", _("Operator kecamatan")
    VERIFIER = "verifier", _("Verifikator")
    SIGNING_OFFICIAL = "signing_official", _("Pejabat penandatangan (TTE)")
    DISPATCH_OFFICER = "dispatch_officer", _("Petugas cetak dan kirim")
    REGENCY_HEAD = "regency_head", _("Kepala dinas kabupaten/kota")
    PROVINCE_MONITOR = "province_monitor", _("Pemantau provinsi")
    ADMINISTRATOR = "administrator", _("Administrator")


class JurisdictionLevel(models.TextChoices):
    PROVINCE = "province", _("Provinsi")
    REGENCY = "regency", _("Kabupaten/kota")
    KECAMATAN = "kecamatan", _("Kecamatan")


# Roles that see full NIK and KK numbers on screen; all others see them masked.
ROLES_SEEING_FULL_IDENTIFIERS = frozenset(
    {Role.KECAMATAN_OPERATOR, Role.VERIFIER, Role.SIGNING_OFFICIAL, Role.ADMINISTRATOR}
)
# Roles that see aggregates only, never a person.
ROLES_WITHOUT_PERSONAL_DATA = frozenset({Role.PROVINCE_MONITOR})


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=24, choices=Role.choices)
    jurisdiction_level = models.CharField(
        _("wilayah kerja"), max_length=10, choices=JurisdictionLevel.choices
    )
    regency = models.ForeignKey(
        "regions.Regency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("kabupaten/kota"),
    )
    kecamatan = models.ForeignKey(
        "regions.Kecamatan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("kecamatan"),
    )

    class Meta:
        verbose_name = _("petugas")
        verbose_name_plural = _("petugas")
        constraints = [
            models.CheckConstraint(
                name="user_jurisdiction_consistent",
                condition=(
                    models.Q(jurisdiction_level="", regency__isnull=True, kecamatan__isnull=True)
                    | models.Q(
                        jurisdiction_level="province", regency__isnull=True, kecamatan__isnull=True
                    )
                    | models.Q(
                        jurisdiction_level="regency", regency__isnull=False, kecamatan__isnull=True
                    )
                    | models.Q(
                        jurisdiction_level="kecamatan",
                        regency__isnull=False,
                        kecamatan__isnull=False,
                    )
                ),
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.kecamatan_id and self.regency_id and self.kecamatan.regency_id != self.regency_id:
            raise ValidationError(
                {"kecamatan": _("Kecamatan tidak berada di kabupaten/kota yang dipilih.")}
            )

    @property
    def sees_full_identifiers(self) -> bool:
        return self.is_superuser or self.role in ROLES_SEEING_FULL_IDENTIFIERS
