"""Reads of the registry. Lookups by NIK or KK number go through the blind index."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from dukcapil.core.crypto import blind_index
from dukcapil.registry.models import KK_PURPOSE, NIK_PURPOSE, Family, Resident


def nik_index(nik: str) -> str:
    return blind_index("".join(nik.split()), purpose=NIK_PURPOSE)


def kk_index(kk_number: str) -> str:
    return blind_index("".join(kk_number.split()), purpose=KK_PURPOSE)


def get_resident_by_nik(nik: str) -> Resident | None:
    """The resident with this NIK, with family and desa, or None."""
    return (
        Resident.objects.select_related("family__desa__kecamatan__regency")
        .filter(nik_index=nik_index(nik))
        .first()
    )


def get_family_by_kk_number(kk_number: str) -> Family | None:
    return (
        Family.objects.select_related("desa__kecamatan__regency")
        .filter(kk_index=kk_index(kk_number))
        .first()
    )


def family_members(family: Family) -> QuerySet[Resident]:
    """Current members of a family, head first, then by birth date (the order printed on a KK)."""
    from django.db.models import Case, IntegerField, Value, When

    from dukcapil.registry.choices import LifeStatus, Relationship

    return (
        family.members.filter(life_status=LifeStatus.ALIVE)
        .annotate(
            head_first=Case(
                When(relationship=Relationship.HEAD, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("head_first", "birth_date", "id")
    )


def search_residents_by_name(
    residents: QuerySet[Resident], *, name: str, birth_date: dt.date
) -> QuerySet[Resident]:
    """Residents (already scoped to a jurisdiction) with this birth date whose name contains
    ``name`` (case-insensitive)."""
    return residents.filter(birth_date=birth_date, name__icontains=" ".join(name.split()))
