"""The form of a service, generated from its catalogue requirements.

Each ``field_type`` of the catalogue (see :mod:`dukcapil.applications.requirements`) is shown as a
few plain inputs named ``<code>__<part>``; :func:`form_data_from_post` puts the posted parts back
into the structure the field cleaner expects, and :func:`inputs_for` fills the inputs again from
what was posted or stored. The cleaners stay the only judges of what is valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from dukcapil.catalog.models import RequirementKind, requirement_label
from dukcapil.registry.choices import (
    BloodType,
    Education,
    MaritalStatus,
    Relationship,
    Religion,
    Sex,
)


@dataclass(frozen=True)
class Part:
    """One input of a field: ``name`` is the key inside the field's value."""

    name: str
    label: Any
    widget: str = "text"  # text, nik, date, select, radio, textarea, desa, number
    choices: tuple = ()
    hint: Any = ""
    optional: bool = False


@dataclass
class Input:
    """A part ready to render: its HTML name and id, current value and error."""

    part: Part
    html_name: str
    value: str = ""
    error: str = ""

    @property
    def html_id(self) -> str:
        return f"f-{self.html_name}"


@dataclass
class FieldGroup:
    requirement: dict
    inputs: list[Input] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.requirement["code"]

    @property
    def label(self) -> str:
        return requirement_label(self.requirement)


def _nik(name: str, label: Any, **kw: Any) -> Part:
    return Part(name, label, "nik", hint=_("16 angka, seperti tertulis di KK."), **kw)


ADDRESS = (
    Part("desa", _("Desa/kelurahan"), "desa"),
    Part("rt", _("RT"), "number", hint=_("Contoh: 3")),
    Part("rw", _("RW"), "number", hint=_("Contoh: 4")),
    Part("address", _("Alamat (nama jalan, nomor rumah)")),
    Part("postal_code", _("Kode pos"), "number", hint=_("5 angka")),
)
_SEX = tuple(Sex.choices)
PERSON = (
    _nik("nik", _("NIK")),
    Part("name", _("Nama lengkap")),
    Part("sex", _("Jenis kelamin"), "radio", _SEX),
    Part("birth_place", _("Tempat lahir")),
    Part("birth_date", _("Tanggal lahir"), "date"),
    Part("religion", _("Agama"), "select", tuple(Religion.choices)),
    Part("education", _("Pendidikan terakhir"), "select", tuple(Education.choices)),
    Part("occupation", _("Pekerjaan")),
    Part("marital_status", _("Status perkawinan"), "select", tuple(MaritalStatus.choices)),
    Part("relationship", _("Hubungan dalam keluarga"), "select", tuple(Relationship.choices)),
    Part("father_name", _("Nama ayah")),
    Part("mother_name", _("Nama ibu")),
)
CHANGEABLE = (
    ("name", _("Nama lengkap")),
    ("birth_place", _("Tempat lahir")),
    ("religion", _("Agama")),
    ("education", _("Pendidikan")),
    ("occupation", _("Pekerjaan")),
    ("blood_type", _("Golongan darah")),
    ("marital_status", _("Status perkawinan")),
    ("father_name", _("Nama ayah")),
    ("mother_name", _("Nama ibu")),
)
NIK_LINES_HINT = _("Satu NIK per baris.")

PARTS: dict[str, tuple[Part, ...]] = {
    "text": (Part("value", _("Isian"), "textarea"),),
    "address": ADDRESS,
    "nik_list": (Part("niks", _("NIK"), "textarea", hint=NIK_LINES_HINT),),
    "data_change": (
        _nik("nik", _("NIK orang yang datanya diubah")),
        Part("field", _("Data yang diubah"), "select", CHANGEABLE),
        Part(
            "value",
            _("Data yang benar"),
            hint=_(
                "Untuk agama, pendidikan atau status perkawinan, tulis seperti pada "
                "pilihan formulir."
            ),
        ),
    ),  # fmt: skip
    "newborn": (
        Part("name", _("Nama lengkap anak")),
        Part("sex", _("Jenis kelamin"), "radio", _SEX),
        Part("birth_place", _("Tempat lahir")),
        Part("birth_date", _("Tanggal lahir"), "date"),
        Part("father_name", _("Nama ayah")),
        Part("mother_name", _("Nama ibu")),
    ),
    "death": (
        _nik("nik", _("NIK almarhum/almarhumah")),
        Part("died_on", _("Tanggal meninggal"), "date"),
        Part("place", _("Tempat meninggal"), optional=True),
    ),
    "move": (
        Part("niks", _("NIK yang pindah"), "textarea", hint=NIK_LINES_HINT),
        Part("moved_on", _("Tanggal pindah"), "date"),
        Part(
            "destination_desa",
            _("Kode desa tujuan (di Provinsi Banten)"),
            optional=True,
            hint=_("Contoh: 36.03.01.2003. Kosongkan bila pindah ke luar provinsi."),
        ),
        Part("destination_rt", _("RT tujuan"), "number", optional=True),
        Part("destination_rw", _("RW tujuan"), "number", optional=True),
        Part("destination_postal_code", _("Kode pos tujuan"), "number", optional=True),
        Part(
            "destination_kecamatan",
            _("Kode kecamatan tujuan (di luar provinsi)"),
            optional=True,
            hint=_("Contoh: 31.74.01"),
        ),
        Part("destination_address", _("Alamat tujuan (nama jalan, nomor rumah)")),
    ),  # fmt: skip
    "arrival": (
        *(Part(f"address_{p.name}", p.label, p.widget, p.choices, p.hint) for p in ADDRESS),
        Part("join_kk", _("Nomor KK yang dituju (kosongkan untuk KK baru)"), "nik", optional=True),
        *(Part(f"member_{p.name}", p.label, p.widget, p.choices, p.hint) for p in PERSON),
    ),  # fmt: skip
    "marriage": (
        _nik("husband_nik", _("NIK suami")),
        _nik("wife_nik", _("NIK istri")),
        Part("married_on", _("Tanggal perkawinan"), "date"),
    ),
    "divorce": (
        _nik("husband_nik", _("NIK suami")),
        _nik("wife_nik", _("NIK istri")),
        Part("ruling_date", _("Tanggal putusan pengadilan"), "date"),
    ),
}


def parts_of(requirement: dict) -> tuple[Part, ...]:
    return PARTS.get(requirement.get("field_type", "text"), PARTS["text"])


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _address(values: Mapping[str, str], prefix: str = "") -> dict:
    return {key: values.get(f"{prefix}{key}", "") for key in ("desa", "rt", "rw", "address",
                                                               "postal_code")}  # fmt: skip


CHOICE_FIELDS = {"religion": Religion, "education": Education, "marital_status": MaritalStatus,
                 "blood_type": BloodType}  # fmt: skip


def _choice_code(field_name: str, text: str) -> str:
    """A choice typed as its label ("Kristen", "SLTA/sederajat") becomes its code."""
    choices = CHOICE_FIELDS.get(field_name)
    if choices is None:
        return text
    wanted = " ".join(text.split()).casefold()
    for value, label in choices.choices:
        if wanted in (str(value).casefold(), str(label).casefold()):
            return value
    return text


def value_from_parts(field_type: str, values: Mapping[str, str]) -> Any:
    """The structure the catalogue's cleaner of ``field_type`` expects, from the posted parts."""
    if field_type == "address":
        return _address(values)
    if field_type == "nik_list":
        return _lines(values.get("niks", ""))
    if field_type == "data_change":
        changed = values.get("field", "")
        return {"nik": values.get("nik", ""),
                "changes": {changed: _choice_code(changed, values.get("value", ""))}}  # fmt: skip
    if field_type == "move":
        result: dict[str, Any] = {"niks": _lines(values.get("niks", "")),
                                  "moved_on": values.get("moved_on", "")}  # fmt: skip
        if values.get("destination_desa"):
            result["destination"] = {
                "desa": values["destination_desa"], "rt": values.get("destination_rt", ""),
                "rw": values.get("destination_rw", ""),
                "address": values.get("destination_address", ""),
                "postal_code": values.get("destination_postal_code", ""),
            }  # fmt: skip
        else:
            result["destination_kecamatan"] = values.get("destination_kecamatan", "")
            result["destination_address"] = values.get("destination_address", "")
        return result
    if field_type == "arrival":
        member = {p.name[len("member_"):]: values.get(p.name, "")
                  for p in PARTS["arrival"] if p.name.startswith("member_")}  # fmt: skip
        result = {"address": _address(values, "address_"), "members": [member]}
        if values.get("join_kk"):
            result["join_kk"] = values["join_kk"]
        return result
    if field_type == "text":
        return values.get("value", "")
    return dict(values)


def parts_from_value(field_type: str, value: Any) -> dict[str, str]:
    """The inverse of :func:`value_from_parts`, to show a stored answer in the form again."""
    if not value:
        return {}
    if field_type == "nik_list":
        return {"niks": "\n".join(value)}
    if field_type == "data_change":
        (changed, new), *_rest = list(value.get("changes", {}).items()) or [("", "")]
        return {"nik": value.get("nik", ""), "field": changed, "value": new}
    if field_type == "move":
        flat = {"niks": "\n".join(value.get("niks", [])), "moved_on": value.get("moved_on", "")}
        destination = value.get("destination") or {}
        flat.update({f"destination_{k}": v for k, v in destination.items() if k != "address"})
        flat["destination_address"] = destination.get("address") or value.get(
            "destination_address", ""
        )
        flat["destination_kecamatan"] = value.get("destination_kecamatan", "")
        return flat
    if field_type == "arrival":
        flat = {f"address_{k}": v for k, v in value.get("address", {}).items()}
        flat["join_kk"] = value.get("join_kk", "")
        members = value.get("members") or [{}]
        flat.update({f"member_{k}": v for k, v in members[0].items()})
        return flat
    if field_type == "text":
        return {"value": str(value)}
    return {k: str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def posted_parts(requirement: dict, post: Mapping[str, str]) -> dict[str, str]:
    code = requirement["code"]
    return {p.name: str(post.get(f"{code}__{p.name}", "")).strip() for p in parts_of(requirement)}


def form_data_from_post(requirements: list[dict], post: Mapping[str, str]) -> dict[str, Any]:
    """``{code: value}`` for every field requirement the form posted anything for."""
    data = {}
    for r in requirements:
        if r["kind"] != RequirementKind.FIELD:
            continue
        parts = posted_parts(r, post)
        if any(parts.values()):
            data[r["code"]] = value_from_parts(r.get("field_type", "text"), parts)
    return data


def field_groups(
    requirements: list[dict],
    *,
    stored: Mapping[str, Any],
    post: Mapping[str, str] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> list[FieldGroup]:
    """The field requirements as groups of inputs, filled from ``post`` (a form sent back with
    errors) or else from the ``stored`` form data."""
    groups = []
    errors = errors or {}
    for r in requirements:
        if r["kind"] != RequirementKind.FIELD:
            continue
        if post is not None:
            values = posted_parts(r, post)
        else:
            values = parts_from_value(r.get("field_type", "text"), stored.get(r["code"]))
        group = FieldGroup(requirement=r, errors=list(errors.get(r["code"], [])))
        for p in parts_of(r):
            group.inputs.append(
                Input(part=p, html_name=f"{r['code']}__{p.name}", value=values.get(p.name, ""))
            )
        groups.append(group)
    return groups
