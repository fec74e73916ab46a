"""Applicants for the HTTP benchmarks: living heads of family of one regency, with the NIK and KK
number they would type (decrypted through the models, as the app reads them), seeded when the
database has too few."""

from __future__ import annotations

import sys
from dataclasses import dataclass

DEFAULT_REGENCY = "36.73"  # Kota Serang


@dataclass(frozen=True)
class Applicant:
    nik: str
    kk_number: str
    birth_date: str  # ISO


def _heads():  # noqa: ANN202 - QuerySet[Resident]
    from dukcapil.registry.choices import LifeStatus, Relationship
    from dukcapil.registry.models import Resident

    return Resident.objects.filter(
        relationship=Relationship.HEAD, life_status=LifeStatus.ALIVE, family__isnull=False
    )


def heads_of(regency: str):  # noqa: ANN201 - QuerySet[Resident]
    """Living heads of family of ``regency``, by id."""
    return _heads().filter(family__desa__kecamatan__regency=regency).order_by("id")


def busiest_regency() -> tuple[str, int]:
    """The regency with the most living heads of family, and how many."""
    from django.db.models import Count

    row = (
        _heads()
        .values("family__desa__kecamatan__regency")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if row is None:
        return DEFAULT_REGENCY, 0
    return row["family__desa__kecamatan__regency"], row["n"]


def ensure_heads(needed: int) -> tuple[str, int]:
    """A regency with at least ``needed`` living heads of family (seeding one when none has),
    and its count of them."""
    from dukcapil.registry.seeding import seed_population

    regency, heads = busiest_regency()
    if heads >= needed:
        return regency, heads
    # About one head in 3.3 residents; a margin for the random family sizes.
    residents = 4 * (needed - heads)
    print(f"… seeding {residents:,} residents in {regency}", file=sys.stderr, flush=True)
    seed_population(residents=residents, regency=regency, progress=sys.stderr.isatty())
    return regency, heads_of(regency).count()


def applicants(regency: str, count: int) -> list[Applicant]:
    """``count`` living heads of family of ``regency`` (fewer if it has fewer), by id."""
    rows = (
        heads_of(regency)
        .select_related("family")
        .only("nik", "birth_date", "family__kk_number")[:count]
    )
    return [Applicant(r.nik, r.family.kk_number, r.birth_date.isoformat()) for r in rows]
