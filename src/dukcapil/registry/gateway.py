"""The one way other apps reach the population registry.

Applications, the portal and the WhatsApp bot call :func:`get_registry` and never the registry's
tables, so that a connector to the national registry (SIAK / Dukcapil Kemendagri) can replace the
local tables by changing ``DUKCAPIL_REGISTRY_GATEWAY`` in settings.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from dukcapil.registry import selectors, services
from dukcapil.registry.models import Family, Resident


class RegistryGateway:
    """What the rest of the system may ask of and do to the population registry.

    Every method that changes data takes an ``actor`` (a staff user, or ``services.Actor`` for a
    system process) and records the change in the registry's history. Invalid data raises
    ``django.core.exceptions.ValidationError`` with a message per field and changes nothing.
    """

    def find_resident_by_nik(self, nik: str) -> Resident | None:
        """The resident with this NIK, or None. Never raises for a malformed NIK."""
        raise NotImplementedError

    def find_family_by_kk_number(self, kk_number: str) -> Family | None:
        """The family with this KK number, or None."""
        raise NotImplementedError

    def family_members(self, family: Family) -> list[Resident]:
        """Living members in the order printed on the card (head first, then by birth date)."""
        raise NotImplementedError

    def verify_identity(self, *, nik: str, kk_number: str, birth_date: dt.date) -> Resident | None:
        """The resident when NIK, KK number and birth date all match the registry, else None.
        The answer never says which of the three was wrong."""
        raise NotImplementedError

    def register_birth(self, *, family: Family, actor: Any, **fields: Any) -> Resident:
        """Add a newborn to ``family`` with a newly assigned NIK."""
        raise NotImplementedError

    def register_resident(self, *, family: Family | None, actor: Any, **fields: Any) -> Resident:
        """Add a resident, with an existing NIK (moving in) or a new one."""
        raise NotImplementedError

    def create_family(self, *, actor: Any, **fields: Any) -> Family:
        """Register a family (a new KK number unless one is given)."""
        raise NotImplementedError

    def update_resident(self, *, resident: Resident, actor: Any, reason: str, **changes: Any):
        """Change a resident's data; the history keeps old and new values."""
        raise NotImplementedError

    def update_family(self, *, family: Family, actor: Any, reason: str, **changes: Any) -> Family:
        """Change a family's address or status."""
        raise NotImplementedError

    def record_death(self, *, resident: Resident, died_on: dt.date, actor: Any, reason: str):
        """Mark the resident deceased and take them off the family card."""
        raise NotImplementedError

    def record_move_away(self, *, resident: Resident, moved_on: dt.date, actor: Any, reason: str):
        """The resident left the province: off the family card of origin."""
        raise NotImplementedError


class LocalRegistryGateway(RegistryGateway):
    """The registry kept in this system's own tables."""

    def find_resident_by_nik(self, nik: str) -> Resident | None:
        return selectors.get_resident_by_nik(nik)

    def find_family_by_kk_number(self, kk_number: str) -> Family | None:
        return selectors.get_family_by_kk_number(kk_number)

    def family_members(self, family: Family) -> list[Resident]:
        return list(selectors.family_members(family))

    def verify_identity(self, *, nik: str, kk_number: str, birth_date: dt.date) -> Resident | None:
        resident = selectors.get_resident_by_nik(nik)
        if (
            resident is None
            or resident.family is None
            or resident.birth_date != birth_date
            or resident.family.kk_index != selectors.kk_index(kk_number)
        ):
            return None
        return resident

    def register_birth(self, *, family: Family, actor: Any, **fields: Any) -> Resident:
        fields.pop("nik", None)
        return services.register_resident(family=family, actor=actor, **fields)

    def register_resident(self, *, family: Family | None, actor: Any, **fields: Any) -> Resident:
        return services.register_resident(family=family, actor=actor, **fields)

    def create_family(self, *, actor: Any, **fields: Any) -> Family:
        return services.create_family(actor=actor, **fields)

    def update_resident(self, *, resident: Resident, actor: Any, reason: str, **changes: Any):
        return services.update_resident(resident=resident, actor=actor, reason=reason, **changes)

    def update_family(self, *, family: Family, actor: Any, reason: str, **changes: Any) -> Family:
        return services.update_family(family=family, actor=actor, reason=reason, **changes)

    def record_death(self, *, resident: Resident, died_on: dt.date, actor: Any, reason: str):
        return services.mark_deceased(
            resident=resident, died_on=died_on, actor=actor, reason=reason
        )

    def record_move_away(self, *, resident: Resident, moved_on: dt.date, actor: Any, reason: str):
        return services.mark_moved_away(
            resident=resident, moved_on=moved_on, actor=actor, reason=reason
        )


@lru_cache(maxsize=1)
def get_registry() -> RegistryGateway:
    """The registry gateway configured in ``DUKCAPIL_REGISTRY_GATEWAY``."""
    return import_string(settings.DUKCAPIL_REGISTRY_GATEWAY)()
