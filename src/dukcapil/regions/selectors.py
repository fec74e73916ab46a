"""Reads of the region tables that more than one app needs."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from dukcapil.regions.models import Desa, Kecamatan, Regency, dotted


@lru_cache(maxsize=1)
def kecamatan_digit_codes() -> frozenset[str]:
    """Every current kecamatan code of Indonesia in undotted 6-digit form (NIK/KK prefixes)."""
    return frozenset(c.replace(".", "") for c in Kecamatan.objects.values_list("code", flat=True))


def is_known_kecamatan_prefix(prefix: str) -> bool:
    return prefix in kecamatan_digit_codes()


def served_regencies():  # noqa: ANN201 - QuerySet[Regency]
    """The regencies of the province this deployment serves."""
    return Regency.objects.filter(province_id=settings.DUKCAPIL_PROVINCE_CODE)


def get_desa(code: str) -> Desa | None:
    """A desa of the served province by its code, dotted or not."""
    if "." not in code:
        code = dotted(code)
    return Desa.objects.select_related("kecamatan__regency").filter(code=code).first()
