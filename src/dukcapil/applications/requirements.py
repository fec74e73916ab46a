"""Checking what an applicant gave against the requirements of the service version.

Form fields are validated by their ``field_type`` (catalogue data); each validator returns the
cleaned value or raises ``ValidationError`` saying what is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dukcapil.applications.models import Application, RequirementVerdict
from dukcapil.catalog.models import RequirementKind, requirement_label
from dukcapil.regions.models import Desa
from dukcapil.registry import identifiers
from dukcapil.registry.choices import (
    BloodType,
    Education,
    LifeStatus,
    MaritalStatus,
    Religion,
    Sex,
)
from dukcapil.registry.gateway import get_registry


def _date(value: Any, *, label: str, not_future: bool = True) -> str:
    parsed = value if isinstance(value, dt.date) else parse_date(str(value or ""))
    if parsed is None:
        raise ValidationError(
            _("%(label)s bukan tanggal yang sah (format TTTT-BB-HH).") % {"label": label},
            code="date",
        )
    if not_future and parsed > timezone.localdate():
        raise ValidationError(
            _("%(label)s tidak boleh di masa depan.") % {"label": label}, code="date_future"
        )
    return parsed.isoformat()


def _living_resident_nik(value: Any, *, label: str) -> str:
    nik = identifiers.parse_nik(str(value or "")).nik
    resident = get_registry().find_resident_by_nik(nik)
    if resident is None or resident.life_status != LifeStatus.ALIVE:
        raise ValidationError(
            _("%(label)s: NIK tidak ditemukan pada data penduduk yang hidup.") % {"label": label},
            code="nik_not_found",
        )
    return nik


def _name(value: Any, *, certificate: bool = False) -> str:
    return identifiers.validate_person_name(str(value or ""), certificate=certificate)


def _choice(value: Any, choices: type, *, label: str) -> str:
    if value not in choices.values:
        raise ValidationError(
            _("%(label)s: pilihan tidak dikenal.") % {"label": label}, code="choice"
        )
    return value


def _dict(value: Any) -> dict:
    if not isinstance(value, dict):
        raise ValidationError(_("Isian harus berupa objek."), code="not_object")
    return value


def clean_address(value: Any) -> dict:
    value = _dict(value)
    desa = Desa.objects.filter(code=str(value.get("desa", ""))).first()
    if desa is None:
        raise ValidationError(
            _("Desa/kelurahan %(code)s tidak ada di wilayah layanan.")
            % {"code": value.get("desa", "")},
            code="desa_unknown",
        )
    address = " ".join(str(value.get("address", "")).split())
    if not address:
        raise ValidationError(_("Alamat (nama jalan, nomor rumah) wajib diisi."), code="address")
    return {
        "desa": desa.code,
        "rt": identifiers.validate_rt_rw(value.get("rt", ""), label="RT"),
        "rw": identifiers.validate_rt_rw(value.get("rw", ""), label="RW"),
        "address": address[:200],
        "postal_code": identifiers.validate_postal_code(value.get("postal_code", "")),
    }


def clean_nik_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Isi paling sedikit satu NIK."), code="nik_list")
    niks = [_living_resident_nik(v, label=_("Anggota")) for v in value]
    if len(set(niks)) != len(niks):
        raise ValidationError(_("NIK yang sama tertulis dua kali."), code="nik_duplicate")
    return niks


CHANGEABLE_FIELDS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: _name(v),
    "birth_place": lambda v: " ".join(str(v).split())[:60],
    "religion": lambda v: _choice(v, Religion, label=_("Agama")),
    "education": lambda v: _choice(v, Education, label=_("Pendidikan")),
    "occupation": lambda v: " ".join(str(v).split())[:60],
    "blood_type": lambda v: _choice(v, BloodType, label=_("Golongan darah")),
    "marital_status": lambda v: _choice(v, MaritalStatus, label=_("Status perkawinan")),
    "father_name": lambda v: _name(v),
    "mother_name": lambda v: _name(v),
}


def clean_data_change(value: Any) -> dict:
    value = _dict(value)
    nik = _living_resident_nik(value.get("nik"), label=_("NIK yang diubah"))
    changes = _dict(value.get("changes"))
    unknown = sorted(set(changes) - set(CHANGEABLE_FIELDS))
    if not changes or unknown:
        raise ValidationError(
            _("Data yang boleh diubah: %(fields)s.") % {"fields": ", ".join(CHANGEABLE_FIELDS)},
            code="changes",
        )
    return {"nik": nik, "changes": {k: CHANGEABLE_FIELDS[k](v) for k, v in changes.items()}}


def clean_newborn(value: Any) -> dict:
    value = _dict(value)
    return {
        "name": _name(value.get("name"), certificate=True),
        "sex": _choice(value.get("sex"), Sex, label=_("Jenis kelamin")),
        "birth_place": " ".join(str(value.get("birth_place", "")).split())[:60]
        or _raise(_("Tempat lahir wajib diisi.")),
        "birth_date": _date(value.get("birth_date"), label=_("Tanggal lahir")),
        "father_name": _name(value.get("father_name")),
        "mother_name": _name(value.get("mother_name")),
    }


def _raise(message: str) -> Any:
    raise ValidationError(message, code="required")


def clean_death(value: Any) -> dict:
    value = _dict(value)
    return {
        "nik": _living_resident_nik(value.get("nik"), label=_("NIK almarhum")),
        "died_on": _date(value.get("died_on"), label=_("Tanggal meninggal")),
        "place": " ".join(str(value.get("place", "")).split())[:100],
    }


def clean_move(value: Any) -> dict:
    """Moving out: who moves, and where to — a desa of this province (then the destination office
    receives the moving-in case) or a kecamatan elsewhere in Indonesia."""
    value = _dict(value)
    niks = clean_nik_list(value.get("niks"))
    result: dict[str, Any] = {"niks": niks, "moved_on": _date(value.get("moved_on") or
                                                              timezone.localdate(),
                                                              label=_("Tanggal pindah"),
                                                              not_future=False)}  # fmt: skip
    if value.get("destination"):
        result["destination"] = clean_address(value["destination"])
    else:
        kecamatan = str(value.get("destination_kecamatan", "")).replace(".", "")
        from dukcapil.regions.selectors import is_known_kecamatan_prefix

        if not is_known_kecamatan_prefix(kecamatan):
            raise ValidationError(
                _("Tujuan pindah: pilih desa tujuan di provinsi ini atau kecamatan tujuan."),
                code="destination",
            )
        result["destination_kecamatan"] = kecamatan
        result["destination_address"] = " ".join(str(value.get("destination_address", "")).split())[
            :200
        ]
    return result


def clean_arrival(value: Any) -> dict:
    """Moving in: residents already known (moved within the province) by NIK, or newcomers with
    their full data; the address, and the KK to join (or a new one)."""
    value = _dict(value)
    result: dict[str, Any] = {"address": clean_address(value.get("address"))}
    if value.get("join_kk"):
        result["join_kk"] = identifiers.parse_kk_number(str(value["join_kk"])).kk_number
    members = value.get("members")
    if not isinstance(members, list) or not members:
        raise ValidationError(_("Isi data paling sedikit satu orang yang datang."), code="members")
    cleaned = []
    for m in members:
        m = _dict(m)
        sex = _choice(m.get("sex"), Sex, label=_("Jenis kelamin"))
        birth_date = _date(m.get("birth_date"), label=_("Tanggal lahir"))
        nik = identifiers.parse_nik(
            str(m.get("nik", "")), sex=sex, birth_date=parse_date(birth_date)
        ).nik
        cleaned.append(
            {
                "nik": nik,
                "name": _name(m.get("name")),
                "sex": sex,
                "birth_place": " ".join(str(m.get("birth_place", "")).split())[:60] or "-",
                "birth_date": birth_date,
                "religion": _choice(m.get("religion"), Religion, label=_("Agama")),
                "education": _choice(m.get("education"), Education, label=_("Pendidikan")),
                "occupation": " ".join(str(m.get("occupation", "")).split())[:60] or "-",
                "marital_status": _choice(
                    m.get("marital_status"), MaritalStatus, label=_("Status perkawinan")
                ),
                "relationship": str(m.get("relationship", "")),
                "father_name": _name(m.get("father_name")),
                "mother_name": _name(m.get("mother_name")),
            }
        )
    result["members"] = cleaned
    return result


def _couple(value: Any, date_key: str, date_label: str) -> dict:
    value = _dict(value)
    husband = _living_resident_nik(value.get("husband_nik"), label=_("NIK suami"))
    wife = _living_resident_nik(value.get("wife_nik"), label=_("NIK istri"))
    if (
        identifiers.parse_nik(husband).sex != Sex.MALE
        or identifiers.parse_nik(wife).sex != Sex.FEMALE
    ):
        raise ValidationError(
            _("NIK suami harus NIK laki-laki dan NIK istri NIK perempuan."), code="couple"
        )
    return {"husband_nik": husband, "wife_nik": wife,
            date_key: _date(value.get(date_key), label=date_label)}  # fmt: skip


def clean_marriage(value: Any) -> dict:
    return _couple(value, "married_on", _("Tanggal perkawinan"))


def clean_divorce(value: Any) -> dict:
    return _couple(value, "ruling_date", _("Tanggal putusan"))


FIELD_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "address": clean_address,
    "nik_list": clean_nik_list,
    "data_change": clean_data_change,
    "newborn": clean_newborn,
    "death": clean_death,
    "move": clean_move,
    "arrival": clean_arrival,
    "marriage": clean_marriage,
    "divorce": clean_divorce,
    "text": lambda v: " ".join(str(v).split())[:500],
}


def clean_form_data(version: Any, form_data: dict[str, Any]) -> dict[str, Any]:
    """Clean every field requirement present in ``form_data``; unknown keys are refused."""
    fields = {r["code"]: r for r in version.requirements_of_kind(RequirementKind.FIELD)}
    unknown = sorted(set(form_data) - set(fields))
    if unknown:
        raise ValidationError(
            {code: [_("Isian ini tidak ada pada layanan ini.")] for code in unknown}
        )
    cleaned, errors = {}, {}
    for code, value in form_data.items():
        try:
            cleaned[code] = FIELD_CLEANERS[fields[code].get("field_type", "text")](value)
        except ValidationError as e:
            errors[code] = e.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def missing_requirements(app: Application, uploaded: Iterable[str] | None = None) -> list[dict]:
    """Required uploads without a current attachment (``uploaded``: the requirement codes of the
    current attachments, when the caller has them), required fields not filled, required
    declarations not accepted."""
    if uploaded is None:
        uploaded = app.attachments.filter(superseded=False).values_list(
            "requirement_code", flat=True
        )
    uploaded = set(uploaded)
    missing = []
    for r in app.service_version.requirements:
        # A follow-up case (moving in after moving out within the province) carries its
        # papers in the origin case.
        if r.get("optional") or (app.origin_id and r["kind"] == RequirementKind.UPLOAD):
            continue
        kind = r["kind"]
        if (
            (kind == RequirementKind.UPLOAD and r["code"] not in uploaded)
            or (kind == RequirementKind.FIELD and r["code"] not in app.form_data)
            or (kind == RequirementKind.DECLARATION and not app.declarations.get(r["code"]))
        ):
            missing.append(r)
    return missing


def check_complete(app: Application, uploaded: Iterable[str] | None = None) -> None:
    missing = missing_requirements(app, uploaded)
    if missing:
        raise ValidationError(
            {
                r["code"]: [
                    _("Persyaratan belum dipenuhi: %(label)s") % {"label": requirement_label(r)}
                ]
                for r in missing
            },  # fmt: skip
            code="requirements_missing",
        )
    if app.privacy_acknowledged_at is None:
        raise ValidationError(
            _("Pemberitahuan privasi belum disetujui."), code="privacy_not_acknowledged"
        )


def check_revision_answered(app: Application) -> None:
    """Every requirement sent back for revision has been given again since the request."""
    last_request = app.events.filter(transition="request_revision").order_by("-at").first()
    flagged = app.verdicts.filter(verdict=RequirementVerdict.Verdict.NEEDS_REVISION)
    unanswered = []
    for verdict in flagged:
        requirement = app.service_version.requirement(verdict.requirement_code) or {}
        if requirement.get("kind") == RequirementKind.UPLOAD:
            answered = app.attachments.filter(
                requirement_code=verdict.requirement_code,
                superseded=False,
                uploaded_at__gt=last_request.at if last_request else app.created_at,
            ).exists()
        else:
            answered = verdict.requirement_code in app.form_data.get("_revised", [])
        if not answered:
            unanswered.append(
                requirement_label(requirement) if requirement else verdict.requirement_code
            )
    if unanswered:
        raise ValidationError(
            _("Perbaiki dulu: %(items)s") % {"items": "; ".join(unanswered)},
            code="revision_unanswered",
        )
