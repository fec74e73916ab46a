"""Staff users, their role and their jurisdiction (the province, one regency or one kecamatan)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dukcapil.regions.models import Province


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
        """Friendly messages for what the jurisdiction constraint would refuse; the regency of a
        kecamatan-level user is taken from the kecamatan."""
        super().clean()
        level = self.jurisdiction_level
        if level == JurisdictionLevel.KECAMATAN:
            if not self.kecamatan_id:
                raise ValidationError({"kecamatan": _("Pilih kecamatan wilayah kerja.")})
            if self.regency_id and self.kecamatan.regency_id != self.regency_id:
                raise ValidationError(
                    {"kecamatan": _("Kecamatan tidak berada di kabupaten/kota yang dipilih.")}
                )
            self.regency_id = self.kecamatan.regency_id
        elif level == JurisdictionLevel.REGENCY:
            if not self.regency_id:
                raise ValidationError({"regency": _("Pilih kabupaten/kota wilayah kerja.")})
            if self.kecamatan_id:
                raise ValidationError(
                    {"kecamatan": _("Petugas tingkat kabupaten/kota tidak memilih kecamatan.")}
                )
        elif level == JurisdictionLevel.PROVINCE and (self.regency_id or self.kecamatan_id):
            raise ValidationError(
                _("Petugas tingkat provinsi tidak memilih kabupaten/kota atau kecamatan.")
            )

    @property
    def sees_full_identifiers(self) -> bool:
        return self.is_superuser or self.role in ROLES_SEEING_FULL_IDENTIFIERS

    @property
    def jurisdiction_name(self) -> str:
        """Where this user works, for people: "Kecamatan Serang, Kota Serang", "Kota Serang",
        "Provinsi Banten"; empty without a jurisdiction."""
        if self.jurisdiction_level == JurisdictionLevel.KECAMATAN and self.kecamatan_id:
            return gettext("Kecamatan %(kecamatan)s, %(regency)s") % {
                "kecamatan": self.kecamatan.name,
                "regency": self.kecamatan.regency.name,
            }
        if self.jurisdiction_level == JurisdictionLevel.REGENCY and self.regency_id:
            return self.regency.name
        if self.jurisdiction_level == JurisdictionLevel.PROVINCE:
            province = Province.objects.filter(code=settings.DUKCAPIL_PROVINCE_CODE).first()
            name = province.name if province else settings.DUKCAPIL_PROVINCE_CODE
            return gettext("Provinsi %(name)s") % {"name": name}
        return ""
