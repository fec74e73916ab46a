"""What approval changes in the population registry, per service (``registry_change`` in the
catalogue). Runs inside the approval's transaction: any error undoes the registry change and the
approval together.

Each function returns a small JSON-able summary kept on the application (what was created or
changed), so that issued documents and the citizen can see the result.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application
from dukcapil.catalog.models import RegistryChange
from dukcapil.regions.models import Desa
from dukcapil.registry.choices import (
    Education,
    LifeStatus,
    MaritalStatus,
    Relationship,
    Religion,
)
from dukcapil.registry.gateway import get_registry
from dukcapil.registry.identifiers import mask_nik
from dukcapil.registry.models import Resident
from dukcapil.registry.services import Actor as RegistryActor


def _registry_actor(actor: Actor) -> RegistryActor:
    return RegistryActor(actor.user, label=actor.label)


def _resident(nik: str) -> Resident:
    resident = get_registry().find_resident_by_nik(nik)
    if resident is None or resident.life_status != LifeStatus.ALIVE:
        raise ValidationError(
            _("NIK %(nik)s tidak ada pada data penduduk.") % {"nik": mask_nik(nik)}
        )
    return resident


def _field(app: Application, field_type: str) -> Any:
    for r in app.service_version.requirements:
        if r.get("field_type") == field_type and r["code"] in app.form_data:
            return app.form_data[r["code"]]
    raise ValidationError(
        _("Isian %(field)s tidak ada pada permohonan.") % {"field": field_type},
        code="field_missing",
    )


def _family_address(address: dict) -> dict:
    return {
        "desa": Desa.objects.select_related("kecamatan").get(code=address["desa"]),
        "rt": address["rt"],
        "rw": address["rw"],
        "address": address["address"],
        "postal_code": address["postal_code"],
    }


def birth(app: Application, actor: Actor) -> dict:
    child = _field(app, "newborn")
    if app.family is None:
        raise ValidationError(_("Permohonan tidak terhubung ke sebuah KK."))
    resident = get_registry().register_birth(
        family=app.family,
        actor=_registry_actor(actor),
        reason=f"{app.service_version.service.code} {app.tracking_number}",
        name=child["name"],
        sex=child["sex"],
        birth_place=child["birth_place"],
        birth_date=parse_date(child["birth_date"]),
        religion=app.applicant.religion,
        education=Education.NONE,
        occupation="Belum/tidak bekerja",
        marital_status=MaritalStatus.SINGLE,
        relationship=Relationship.CHILD,
        father_name=child["father_name"],
        mother_name=child["mother_name"],
    )
    app.subjects.add(resident)
    return {"resident_id": resident.pk, "family_id": app.family_id}


def death(app: Application, actor: Actor) -> dict:
    data = _field(app, "death")
    resident = _resident(data["nik"])
    family_id = resident.family_id
    get_registry().record_death(
        resident=resident,
        died_on=parse_date(data["died_on"]),
        actor=_registry_actor(actor),
        reason=f"AKTA_MATI {app.tracking_number}",
    )
    app.subjects.add(resident)
    return {"resident_id": resident.pk, "family_id": family_id}


def data_change(app: Application, actor: Actor) -> dict:
    data = _field(app, "data_change")
    resident = _resident(data["nik"])
    get_registry().update_resident(
        resident=resident,
        actor=_registry_actor(actor),
        reason=f"{app.service_version.service.code} {app.tracking_number}",
        **data["changes"],
    )
    app.subjects.add(resident)
    return {"resident_id": resident.pk, "changed": sorted(data["changes"])}


def new_family(app: Application, actor: Actor) -> dict:
    registry = get_registry()
    niks = _field(app, "nik_list")
    address = _field(app, "address")
    members = [_resident(n) for n in niks]
    family = registry.create_family(
        actor=_registry_actor(actor),
        reason=f"KK_BARU {app.tracking_number}",
        **_family_address(address),
    )
    head, others = members[0], members[1:]
    for position, member in enumerate([head, *others]):
        relationship = Relationship.HEAD if position == 0 else _relation_to_head(member, head)
        registry.update_resident(
            resident=member,
            actor=_registry_actor(actor),
            reason=f"KK_BARU {app.tracking_number}",
            family=family,
            relationship=relationship,
        )
    app.subjects.add(*members)
    return {"family_id": family.pk, "members": [m.pk for m in members]}


def _relation_to_head(member: Resident, head: Resident) -> str:
    if member.marital_status in (MaritalStatus.MARRIED_RECORDED, MaritalStatus.MARRIED_UNRECORDED):
        return Relationship.WIFE if head.sex == "L" else Relationship.HUSBAND
    return Relationship.CHILD


def move_out(app: Application, actor: Actor) -> dict:
    """Those moving leave the family card of origin. Within the province, the destination office
    receives a moving-in case for them (one flow across two offices); to elsewhere in Indonesia,
    they are recorded as moved away."""
    registry = get_registry()
    data = _field(app, "move")
    moving = [_resident(n) for n in data["niks"]]
    moved_on = parse_date(data["moved_on"])
    reason = f"PINDAH_KELUAR {app.tracking_number}"
    result: dict[str, Any] = {"residents": [r.pk for r in moving]}
    if "destination" in data:
        for r in moving:
            registry.update_resident(
                resident=r, actor=_registry_actor(actor), reason=reason, family=None
            )
        result["moving_in_application"] = _open_moving_in_case(app, moving, data)
    else:
        for r in moving:
            registry.record_move_away(
                resident=r, moved_on=moved_on, actor=_registry_actor(actor), reason=reason
            )
    app.subjects.add(*moving)
    return result


def _open_moving_in_case(app: Application, moving: list[Resident], data: dict) -> str:
    from dukcapil.applications import services

    destination = Desa.objects.select_related("kecamatan__regency").get(
        code=data["destination"]["desa"]
    )
    arrival = services.open_follow_up_case(
        origin=app,
        service_code="PINDAH_DATANG",
        kecamatan=destination.kecamatan,
        subjects=moving,
        form_data={
            "kedatangan": {"address": data["destination"], "resident_ids": [r.pk for r in moving]}
        },
    )
    return arrival.tracking_number


def move_in(app: Application, actor: Actor) -> dict:
    registry = get_registry()
    data = _field(app, "arrival")
    reason = f"PINDAH_DATANG {app.tracking_number}"
    rac = _registry_actor(actor)
    if data.get("join_kk"):
        family = registry.find_family_by_kk_number(data["join_kk"])
        if family is None:
            raise ValidationError(_("KK tujuan tidak ditemukan."), code="kk_not_found")
    else:
        family = registry.create_family(
            actor=rac, reason=reason, **_family_address(data["address"])
        )
    arrivals: list[Resident] = []
    if data.get("resident_ids"):  # moved within the province: already in the registry
        for position, resident in enumerate(
            Resident.objects.filter(pk__in=data["resident_ids"]).order_by("birth_date")
        ):
            relationship = Relationship.HEAD if position == 0 and not data.get("join_kk") else (
                resident.relationship if resident.relationship != Relationship.HEAD
                else Relationship.OTHER_RELATIVE
            )  # fmt: skip
            registry.update_resident(
                resident=resident, actor=rac, reason=reason, family=family,
                relationship=relationship,
            )  # fmt: skip
            arrivals.append(resident)
    for position, member in enumerate(data.get("members", [])):
        fields = dict(member)
        fields["birth_date"] = parse_date(fields["birth_date"])
        if fields.get("relationship") not in Relationship.values:
            first = position == 0 and not data.get("join_kk")
            fields["relationship"] = Relationship.HEAD if first else Relationship.OTHER_RELATIVE
        fields.setdefault("religion", Religion.ISLAM)
        arrivals.append(
            registry.register_resident(family=family, actor=rac, reason=reason, **fields)
        )
    app.subjects.add(*arrivals)
    return {"family_id": family.pk, "residents": [r.pk for r in arrivals]}


def _couple_change(app: Application, actor: Actor, field_type: str, status: str, key: str):
    data = _field(app, field_type)
    residents = [_resident(data["husband_nik"]), _resident(data["wife_nik"])]
    for r in residents:
        get_registry().update_resident(
            resident=r,
            actor=_registry_actor(actor),
            reason=f"{app.service_version.service.code} {app.tracking_number}",
            marital_status=status,
            marital_date=parse_date(data[key]),
        )
    app.subjects.add(*residents)
    return {"residents": [r.pk for r in residents]}


def marriage(app: Application, actor: Actor) -> dict:
    return _couple_change(app, actor, "marriage", MaritalStatus.MARRIED_RECORDED, "married_on")


def divorce(app: Application, actor: Actor) -> dict:
    return _couple_change(app, actor, "divorce", MaritalStatus.DIVORCED, "ruling_date")


EFFECTS = {
    RegistryChange.NONE: lambda app, actor: {},
    RegistryChange.BIRTH: birth,
    RegistryChange.DEATH: death,
    RegistryChange.DATA_CHANGE: data_change,
    RegistryChange.NEW_FAMILY: new_family,
    RegistryChange.MOVE_OUT: move_out,
    RegistryChange.MOVE_IN: move_in,
    RegistryChange.MARRIAGE: marriage,
    RegistryChange.DIVORCE: divorce,
}


def apply_registry_change(app: Application, *, actor: Actor) -> dict:
    """Apply the registry change of the application's service version (inside the approval)."""
    return EFFECTS[app.service_version.registry_change](app, actor)
