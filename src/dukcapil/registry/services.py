"""Changes of the population registry. Every write of a resident or a family goes through here and
leaves a :class:`RegistryChange` row (who, when, what changed) in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dukcapil.core.fields import EncryptedTextField
from dukcapil.regions.models import Desa, Kecamatan
from dukcapil.regions.selectors import is_known_kecamatan_prefix
from dukcapil.registry import identifiers
from dukcapil.registry.choices import (
    BloodType,
    Citizenship,
    Education,
    LifeStatus,
    MaritalStatus,
    Relationship,
    Religion,
    Sex,
)
from dukcapil.registry.models import Family, IdentifierSerial, RegistryChange, Resident
from dukcapil.registry.selectors import kk_index, nik_index

MAX_SERIAL = 9999

RESIDENT_FIELDS = (
    "name", "sex", "birth_place", "birth_date", "religion", "education", "occupation",
    "blood_type", "marital_status", "marital_date", "relationship", "citizenship", "father_name",
    "mother_name", "family", "life_status", "life_status_date",
)  # fmt: skip
FAMILY_FIELDS = ("desa", "rt", "rw", "address", "postal_code", "status")


class Actor:
    """Who made a change: a staff user, or a named system process (``seed-population``)."""

    def __init__(self, user: Any = None, label: str = "") -> None:
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.label = label or (getattr(user, "username", "") if self.user else "system")


def _as_actor(actor: Any) -> Actor:
    return actor if isinstance(actor, Actor) else Actor(actor)


# ---------------------------------------------------------------------------------------------
# Identifiers handed out by this system


def next_serial(*, kind: str, prefix: str) -> int:
    """The next free serial for ``prefix`` (one atomic upsert: safe under concurrent requests)."""
    table = IdentifierSerial._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (kind, prefix, last_serial) VALUES (%s, %s, 1) "  # noqa: S608
            "ON CONFLICT (kind, prefix) DO UPDATE SET last_serial = "
            f"{table}.last_serial + 1 RETURNING last_serial",
            [kind, prefix],
        )
        (serial,) = cursor.fetchone()
    if serial > MAX_SERIAL:
        raise ValidationError(
            _("Nomor urut untuk kode %(prefix)s sudah habis."),
            code="serial_exhausted",
            params={"prefix": prefix},
        )
    return serial


def _current_kecamatan_prefix(kecamatan: Kecamatan) -> str:
    prefix = kecamatan.code.replace(".", "")
    if not is_known_kecamatan_prefix(prefix):
        raise ValidationError(
            _("Kode kecamatan %(code)s tidak ada dalam daftar wilayah yang berlaku."),
            code="kecamatan_unknown",
            params={"code": kecamatan.code},
        )
    return prefix


def assign_nik(*, kecamatan: Kecamatan, birth_date: dt.date, sex: str) -> str:
    """A new NIK with a current kecamatan code, never handed out before.

    Must run inside the transaction that stores the resident: the serial and the resident commit
    together, and the unique blind index is the last guard against a number taken by hand.
    """
    base = _current_kecamatan_prefix(kecamatan) + identifiers.nik_date_part(birth_date, sex)
    while True:
        nik = f"{base}{next_serial(kind='nik', prefix=base):04d}"
        if not Resident.objects.filter(nik_index=nik_index(nik)).exists():
            return nik


def assign_kk_number(*, kecamatan: Kecamatan, registered_on: dt.date) -> str:
    """A new KK number with a current kecamatan code, never handed out before."""
    base = _current_kecamatan_prefix(kecamatan) + identifiers.kk_date_part(registered_on)
    while True:
        kk = f"{base}{next_serial(kind='kk', prefix=base):04d}"
        if not Family.objects.filter(kk_index=kk_index(kk)).exists():
            return kk


# ---------------------------------------------------------------------------------------------
# History


def _history_value(model: type, field_name: str, value: Any) -> Any:
    field = model._meta.get_field(field_name)
    if value is None:
        return None
    if isinstance(field, EncryptedTextField):
        return {"encrypted": field.get_prep_value(value)}
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _record(
    *, actor: Actor, action: str, changes: dict, reason: str, resident=None, family=None
) -> RegistryChange:
    return RegistryChange.objects.create(
        resident=resident,
        family=family,
        action=action,
        actor=actor.user,
        actor_label=actor.label,
        reason=reason,
        changes=changes,
    )


# ---------------------------------------------------------------------------------------------
# Validation of the fields printed on a KK


def _check_choice(value: str, choices: type, field: str, errors: dict) -> None:
    if value not in choices.values:
        errors[field] = _("Nilai %(value)s tidak dikenal.") % {"value": value}


def _clean_resident_fields(data: dict[str, Any], errors: dict[str, Any]) -> None:
    for field, validate in (
        ("name", identifiers.validate_person_name),
        ("father_name", identifiers.validate_person_name),
        ("mother_name", identifiers.validate_person_name),
        ("birth_date", identifiers.validate_birth_date),
    ):
        if field in data and data[field] not in (None, ""):
            try:
                data[field] = validate(data[field])
            except ValidationError as e:
                errors[field] = e.messages
    for field, choices in (
        ("sex", Sex),
        ("religion", Religion),
        ("education", Education),
        ("blood_type", BloodType),
        ("marital_status", MaritalStatus),
        ("relationship", Relationship),
        ("citizenship", Citizenship),
        ("life_status", LifeStatus),
    ):
        if field in data:
            _check_choice(data[field], choices, field, errors)
    if "birth_place" in data:
        place = " ".join(str(data["birth_place"]).split())
        if not place or len(place) > 60:
            errors["birth_place"] = _("Tempat lahir wajib diisi, paling banyak 60 karakter.")
        data["birth_place"] = place
    if "occupation" in data and not str(data["occupation"]).strip():
        errors["occupation"] = _("Jenis pekerjaan wajib diisi.")
    marital_date = data.get("marital_date")
    birth_date = data.get("birth_date")
    if marital_date and isinstance(birth_date, dt.date) and marital_date <= birth_date:
        errors["marital_date"] = _("Tanggal perkawinan harus setelah tanggal lahir.")


def _clean_family_fields(data: dict[str, Any], errors: dict[str, Any]) -> None:
    for field, validate in (
        ("rt", lambda v: identifiers.validate_rt_rw(v, label="RT")),
        ("rw", lambda v: identifiers.validate_rt_rw(v, label="RW")),
        ("postal_code", identifiers.validate_postal_code),
    ):
        if field in data:
            try:
                data[field] = validate(data[field])
            except ValidationError as e:
                errors[field] = e.messages
    if "address" in data:
        address = " ".join(str(data["address"]).split())
        if not address or len(address) > 200:
            errors["address"] = _("Alamat wajib diisi, paling banyak 200 karakter.")
        data["address"] = address
    if "desa" in data and not isinstance(data["desa"], Desa):
        errors["desa"] = _("Desa/kelurahan tidak dikenal.")


# ---------------------------------------------------------------------------------------------
# Families


@transaction.atomic
def create_family(
    *,
    actor: Any,
    desa: Desa,
    rt: str,
    rw: str,
    address: str,
    postal_code: str,
    kk_number: str | None = None,
    issued_on: dt.date | None = None,
    reason: str = "",
) -> Family:
    """Register a family. Without ``kk_number`` a new number is assigned in the desa's kecamatan;
    an existing number is checked, and one with a retired region code is flagged for review."""
    actor = _as_actor(actor)
    issued_on = issued_on or timezone.localdate()
    data: dict[str, Any] = {
        "desa": desa, "rt": rt, "rw": rw, "address": address, "postal_code": postal_code,
    }  # fmt: skip
    errors: dict[str, Any] = {}
    _clean_family_fields(data, errors)
    prefix_unknown = False
    if kk_number is not None:
        try:
            parsed = identifiers.parse_kk_number(kk_number)
            kk_number, prefix_unknown = parsed.kk_number, not parsed.prefix_known
        except ValidationError as e:
            errors["kk_number"] = e.messages
    if errors:
        raise ValidationError(errors)
    if kk_number is None:
        kk_number = assign_kk_number(kecamatan=desa.kecamatan, registered_on=issued_on)
    elif Family.objects.filter(kk_index=kk_index(kk_number)).exists():
        raise ValidationError({"kk_number": _("Nomor KK sudah terdaftar.")}, code="kk_number_taken")
    family = Family(
        kk_number=kk_number,
        kk_index=kk_index(kk_number),
        issued_on=issued_on,
        kk_prefix_unknown=prefix_unknown,
        **data,
    )
    try:
        with transaction.atomic():
            family.save()
    except IntegrityError as e:
        raise ValidationError({"kk_number": _("Nomor KK sudah terdaftar.")}) from e
    changes = {f: [None, _history_value(Family, f, getattr(family, f))] for f in FAMILY_FIELDS}
    changes["kk_number"] = [None, _history_value(Family, "kk_number", kk_number)]
    _record(
        actor=actor,
        action=RegistryChange.Action.CREATED,
        changes=changes,
        reason=reason,
        family=family,
    )
    return family


@transaction.atomic
def update_family(*, family: Family, actor: Any, reason: str = "", **changes: Any) -> Family:
    """Change a family's address or status; the old and new values go to its history."""
    unknown = set(changes) - set(FAMILY_FIELDS)
    if unknown:
        raise ValueError(f"not family fields: {sorted(unknown)}")
    family = Family.objects.select_for_update().get(pk=family.pk)
    errors: dict[str, Any] = {}
    _clean_family_fields(changes, errors)
    if errors:
        raise ValidationError(errors)
    _save_changes(family, changes, actor=_as_actor(actor), reason=reason, family=family)
    return family


# ---------------------------------------------------------------------------------------------
# Residents


def _save_changes(obj: Any, changes: dict[str, Any], *, actor: Actor, reason: str, **subject: Any):
    """Set the fields that differ, save only those, and record old and new values in the
    history of ``subject`` (``resident=`` or ``family=``). Nothing is recorded when nothing
    changed."""
    model = type(obj)
    diff = {}
    for field, new in changes.items():
        old = getattr(obj, field)
        if old != new:
            diff[field] = [_history_value(model, field, old), _history_value(model, field, new)]
            setattr(obj, field, new)
    if diff:
        obj.save(update_fields=[*diff, "updated_at"])
        _record(actor=actor, action=RegistryChange.Action.UPDATED, changes=diff, reason=reason,
                **subject)  # fmt: skip


@transaction.atomic
def register_resident(
    *,
    actor: Any,
    family: Family | None,
    name: str,
    sex: str,
    birth_place: str,
    birth_date: dt.date,
    religion: str,
    education: str,
    occupation: str,
    marital_status: str,
    relationship: str,
    father_name: str,
    mother_name: str,
    nik: str | None = None,
    blood_type: str = BloodType.UNKNOWN,
    marital_date: dt.date | None = None,
    citizenship: str = Citizenship.WNI,
    reason: str = "",
) -> Resident:
    """Add a resident to the registry (and to ``family``).

    Without ``nik`` (a newborn, a first registration) a new NIK is assigned in the family's
    kecamatan. An existing NIK must agree with sex and birth date; a NIK whose region code is no
    longer in the current list is kept and flagged for review, not refused.
    """
    actor = _as_actor(actor)
    data: dict[str, Any] = {
        "name": name, "sex": sex, "birth_place": birth_place, "birth_date": birth_date,
        "religion": religion, "education": education, "occupation": occupation,
        "marital_status": marital_status, "relationship": relationship,
        "father_name": father_name, "mother_name": mother_name, "blood_type": blood_type,
        "marital_date": marital_date, "citizenship": citizenship,
    }  # fmt: skip
    errors: dict[str, Any] = {}
    _clean_resident_fields(data, errors)
    prefix_unknown = False
    if nik is not None and not errors:
        try:
            parsed = identifiers.parse_nik(nik, sex=sex, birth_date=data["birth_date"])
            nik, prefix_unknown = parsed.nik, not parsed.prefix_known
        except ValidationError as e:
            errors["nik"] = e.messages
    if family is None and nik is None:
        errors["family"] = _("Penduduk baru tanpa NIK harus masuk ke sebuah keluarga.")
    if (
        family is not None
        and relationship == Relationship.HEAD
        and family.members.filter(
            relationship=Relationship.HEAD, life_status=LifeStatus.ALIVE
        ).exists()
    ):
        errors["relationship"] = _("Keluarga ini sudah mempunyai kepala keluarga.")
    if errors:
        raise ValidationError(errors)
    if nik is None:
        nik = assign_nik(kecamatan=family.desa.kecamatan, birth_date=birth_date, sex=sex)
    elif Resident.objects.filter(nik_index=nik_index(nik)).exists():
        raise ValidationError({"nik": _("NIK sudah terdaftar.")}, code="nik_taken")
    resident = Resident(
        nik=nik, nik_index=nik_index(nik), family=family, nik_prefix_unknown=prefix_unknown, **data
    )
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as e:
        raise ValidationError({"nik": _("NIK sudah terdaftar.")}) from e
    changes = {
        f: [None, _history_value(Resident, f, getattr(resident, f))] for f in RESIDENT_FIELDS
    }
    changes["nik"] = [None, _history_value(Resident, "nik", nik)]
    _record(
        actor=actor,
        action=RegistryChange.Action.CREATED,
        changes=changes,
        reason=reason,
        resident=resident,
    )
    return resident


@transaction.atomic
def update_resident(
    *, resident: Resident, actor: Any, reason: str = "", **changes: Any
) -> Resident:
    """Change fields of a resident (data correction, marriage, move …) and keep the history."""
    unknown = set(changes) - set(RESIDENT_FIELDS)
    if unknown:
        raise ValueError(f"not resident fields: {sorted(unknown)}")
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    errors: dict[str, Any] = {}
    _clean_resident_fields(changes, errors)
    if "sex" in changes or "birth_date" in changes:
        try:
            identifiers.parse_nik(
                resident.nik,
                sex=changes.get("sex", resident.sex),
                birth_date=changes.get("birth_date", resident.birth_date),
            )
        except ValidationError as e:
            errors["nik"] = e.messages
    if errors:
        raise ValidationError(errors)
    _save_changes(resident, changes, actor=_as_actor(actor), reason=reason, resident=resident)
    return resident


def mark_deceased(
    *, resident: Resident, died_on: dt.date, actor: Any, reason: str = ""
) -> Resident:
    """A death: the resident is marked deceased and taken off the family card."""
    if died_on < resident.birth_date or died_on > timezone.localdate():
        raise ValidationError(
            {"life_status_date": _("Tanggal meninggal harus antara tanggal lahir dan hari ini.")}
        )
    return update_resident(
        resident=resident,
        actor=actor,
        reason=reason,
        life_status=LifeStatus.DECEASED,
        life_status_date=died_on,
        family=None,
    )


def mark_moved_away(
    *, resident: Resident, moved_on: dt.date, actor: Any, reason: str = ""
) -> Resident:
    """Moving out of the province: the resident leaves the family card of origin."""
    return update_resident(
        resident=resident,
        actor=actor,
        reason=reason,
        life_status=LifeStatus.MOVED_AWAY,
        life_status_date=moved_on,
        family=None,
    )
