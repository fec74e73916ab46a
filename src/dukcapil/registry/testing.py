"""Small ``make_*`` helpers for tests of any app (synthetic data only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dukcapil.regions.models import Desa
from dukcapil.registry import services
from dukcapil.registry.choices import Education, MaritalStatus, Relationship, Religion, Sex
from dukcapil.registry.models import Family, Resident

SYSTEM = services.Actor(label="test")


def make_family(*, desa_code: str = "36.73.01.1001", **overrides: Any) -> Family:
    fields: dict[str, Any] = {
        "desa": Desa.objects.select_related("kecamatan").get(code=desa_code),
        "rt": "001",
        "rw": "002",
        "address": "Jalan Veteran No. 12",
        "postal_code": "42111",
    }
    fields.update(overrides)
    return services.create_family(actor=fields.pop("actor", SYSTEM), **fields)


def make_resident(*, family: Family | None = None, **overrides: Any) -> Resident:
    family = family if family is not None else make_family()
    fields: dict[str, Any] = {
        "name": "Budi Santoso",
        "sex": Sex.MALE,
        "birth_place": "Serang",
        "birth_date": dt.date(1985, 3, 14),
        "religion": Religion.ISLAM,
        "education": Education.SLTA,
        "occupation": "Karyawan swasta",
        "marital_status": MaritalStatus.MARRIED_RECORDED,
        "relationship": Relationship.HEAD,
        "father_name": "Ahmad Santoso",
        "mother_name": "Siti Aminah",
    }
    fields.update(overrides)
    return services.register_resident(family=family, actor=fields.pop("actor", SYSTEM), **fields)
