"""What each document of an application says: plain JSON built from the registry after approval.

The content is what the PDF prints and nothing else; its hash tells whether a re-print would be
the same document. Official documents are issued in Indonesian (UU 24/2009 Pasal 27), so the
coded values are written with their Indonesian labels.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from dukcapil.applications.models import Application
from dukcapil.documents.models import CardType, DocumentType
from dukcapil.regions.models import Desa, Regency
from dukcapil.registry.choices import LifeStatus, Relationship
from dukcapil.registry.models import Family, Resident

MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
]  # fmt: skip
_UNITS = [
    "", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas",
]  # fmt: skip
RELATIONSHIP_ORDER = [
    Relationship.HEAD, Relationship.HUSBAND, Relationship.WIFE, Relationship.CHILD,
    Relationship.CHILD_IN_LAW, Relationship.GRANDCHILD, Relationship.PARENT,
    Relationship.PARENT_IN_LAW, Relationship.OTHER_RELATIVE, Relationship.HOUSEHOLD_HELP,
    Relationship.OTHER,
]  # fmt: skip


def number_in_words(n: int) -> str:
    """``2026`` → ``dua ribu dua puluh enam`` (Indonesian, as written on an akta)."""
    if n < 12:
        return _UNITS[n] or "nol"
    if n < 20:
        return f"{_UNITS[n - 10]} belas"
    if n < 100:
        return f"{_UNITS[n // 10]} puluh {_UNITS[n % 10]}".strip()
    if n < 200:
        return f"seratus {number_in_words(n - 100) if n > 100 else ''}".strip()
    if n < 1000:
        rest = number_in_words(n % 100) if n % 100 else ""
        return f"{_UNITS[n // 100]} ratus {rest}".strip()
    if n < 2000:
        return f"seribu {number_in_words(n - 1000) if n > 1000 else ''}".strip()
    rest = number_in_words(n % 1000) if n % 1000 else ""
    return f"{number_in_words(n // 1000)} ribu {rest}".strip()


def date_in_words(day: dt.date) -> str:
    return f"{number_in_words(day.day)} {MONTHS[day.month - 1]} {number_in_words(day.year)}"


def long_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "-"


def place_name(regency: Regency) -> str:
    """``Kota Serang`` → ``Serang``: the place where a document is issued."""
    return regency.name.removeprefix("Kota ").removeprefix("Kabupaten ")


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical(content).encode()).hexdigest()


def canonical(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _office(regency: Regency) -> dict:
    return {
        "code": regency.code,
        "name": regency.name,
        "place": place_name(regency),
        "province": regency.province.name,
    }


def _person(r: Resident) -> dict:
    return {
        "nik": r.nik,
        "name": r.name,
        "sex": r.get_sex_display(),
        "birth_place": r.birth_place,
        "birth_date": short_date(r.birth_date),
    }


def _member(r: Resident) -> dict:
    return {
        **_person(r),
        "religion": r.get_religion_display(),
        "education": r.get_education_display(),
        "occupation": r.occupation,
        "blood_type": r.blood_type if r.blood_type != "-" else "Tidak tahu",
        "marital_status": r.get_marital_status_display(),
        "marital_date": short_date(r.marital_date),
        "relationship": r.get_relationship_display(),
        "citizenship": r.citizenship,
        "passport": "-",
        "kitap": "-",
        "father_name": r.father_name,
        "mother_name": r.mother_name,
    }


def _address(desa: Desa, *, rt: str, rw: str, address: str, postal_code: str) -> dict:
    kecamatan = desa.kecamatan
    return {
        "address": address,
        "rt": rt.zfill(3),
        "rw": rw.zfill(3),
        "desa": desa.name,
        "kecamatan": kecamatan.name,
        "regency": kecamatan.regency.name,
        "province": kecamatan.regency.province.name,
        "postal_code": postal_code,
    }


def family_members(family: Family) -> list[Resident]:
    members = family.members.filter(life_status=LifeStatus.ALIVE)
    order = {code: i for i, code in enumerate(RELATIONSHIP_ORDER)}
    return sorted(members, key=lambda r: (order.get(r.relationship, 99), r.birth_date, r.pk))


def kk_content(family: Family) -> dict | None:
    members = family_members(family)
    if not members:
        return None
    head = next((m for m in members if m.relationship == Relationship.HEAD), members[0])
    return {
        "kk_number": family.kk_number,
        "head_name": head.name,
        **_address(family.desa, rt=family.rt, rw=family.rw, address=family.address,
                   postal_code=family.postal_code),
        "members": [_member(m) for m in members],
    }  # fmt: skip


def refreshed_kk_content(content: dict, subject_key: str) -> dict:
    """The content of a KK draft as the registry has the family now (another change of the same
    family may have been signed since the draft was made): a KK always shows the family as it
    is on the day it is issued."""
    family = (
        Family.objects.select_related("desa__kecamatan__regency__province")
        .filter(kk_index=subject_key.removeprefix("kk:"))
        .first()
    )
    if family is None:
        return content
    with translation.override("id"):
        current = kk_content(family)
    if current is None:
        return content
    return {"type": content["type"], "office": content["office"], **current}


def _birth_order(child: Resident) -> int:
    if child.family_id is None:
        return 1
    siblings = Resident.objects.filter(
        family_id=child.family_id, relationship=Relationship.CHILD, birth_date__lt=child.birth_date
    )
    return siblings.count() + 1


@dataclass
class Draft:
    """One document an approved application should give: its type, content and identity."""

    document_type: str
    content: dict
    subject_key: str
    holder_name: str


def _resident(pk: Any) -> Resident:
    return Resident.objects.select_related("family__desa__kecamatan__regency__province").get(pk=pk)


def _form_field(app: Application, field_type: str) -> dict:
    for r in app.service_version.requirements:
        if r.get("field_type") == field_type and r["code"] in app.form_data:
            return app.form_data[r["code"]]
    return {}


def _family_of(app: Application) -> Family | None:
    result = app.registry_result or {}
    family_id = result.get("family_id")
    if family_id is None and result.get("resident_id"):
        family_id = (
            Resident.objects.filter(pk=result["resident_id"])
            .values_list("family_id", flat=True)
            .first()
        )
    family_id = family_id or app.family_id
    if family_id is None:
        return None
    return Family.objects.select_related("desa__kecamatan__regency__province").get(pk=family_id)


def build_drafts(app: Application) -> list[Draft]:
    """The documents of ``app`` (its service's outputs that are documents, and the receipt)."""
    with translation.override("id"):
        return _build_drafts(app)


def _build_drafts(app: Application) -> list[Draft]:
    office = _office(app.office)
    result = app.registry_result or {}
    drafts: list[Draft] = []
    outputs = [o for o in app.service_version.outputs if o in DocumentType.values]
    for output in outputs:
        draft = _draft_of(output, app, result)
        if draft is not None:
            draft.content = {"type": output, "office": office, **draft.content}
            drafts.append(draft)
    drafts.append(_receipt(app, office, outputs))
    return drafts


def _draft_of(output: str, app: Application, result: dict) -> Draft | None:
    if output == DocumentType.KK:
        family = _family_of(app)
        content = kk_content(family) if family else None
        if content is None:
            return None
        return Draft(output, content, f"kk:{family.kk_index}", content["head_name"])
    if output in (DocumentType.BIRTH, DocumentType.DEATH):
        r = _resident(result["resident_id"])
        content = {"person": _person(r)}
        if output == DocumentType.BIRTH:
            birth = r.birth_date
            content.update(
                birth_date_words=date_in_words(birth), birth_order=_birth_order(r),
                birth_order_words=number_in_words(_birth_order(r)), father_name=r.father_name,
                mother_name=r.mother_name,
            )  # fmt: skip
        else:
            died = r.life_status_date
            content.update(died_on=short_date(died), died_on_words=date_in_words(died),
                           died_place=place_name(app.office))  # fmt: skip
        return Draft(output, content, f"{output}:{r.nik_index}", r.name)
    if output == DocumentType.MOVING_LETTER:
        return _moving_letter(app, result)
    if output in (DocumentType.MARRIAGE, DocumentType.DIVORCE):
        husband, wife = (_resident(pk) for pk in result["residents"])
        data = _form_field(app, "marriage" if output == DocumentType.MARRIAGE else "divorce")
        event_date = dt.date.fromisoformat(data.get("married_on") or data["ruling_date"])
        content = {
            "husband": _person(husband), "wife": _person(wife),
            "event_date": short_date(event_date), "event_date_words": date_in_words(event_date),
            "event_place": place_name(app.office),
        }  # fmt: skip
        key = f"{output}:{husband.nik_index}:{wife.nik_index}:{event_date.isoformat()}"
        return Draft(output, content, key, f"{husband.name} & {wife.name}")
    return None


def _moving_letter(app: Application, result: dict) -> Draft:
    movers = [_resident(pk) for pk in result.get("residents", [])]
    data = _form_field(app, "move")
    origin = app.family
    origin_address = (
        _address(origin.desa, rt=origin.rt, rw=origin.rw, address=origin.address,
                 postal_code=origin.postal_code) if origin else {}
    )  # fmt: skip
    destination = data.get("destination") or {}
    if destination.get("desa"):
        desa = Desa.objects.select_related("kecamatan__regency__province").get(
            code=destination["desa"]
        )
        destination_address = _address(
            desa, rt=str(destination.get("rt", "")), rw=str(destination.get("rw", "")),
            address=destination.get("address", ""), postal_code=destination.get("postal_code", ""),
        )  # fmt: skip
    else:
        destination_address = {"address": str(data.get("destination_text", "-"))}
    applicant = app.applicant
    content = {
        "applicant": _person(applicant) if applicant else {},
        "kk_number": origin.kk_number if origin else "-",
        "origin": origin_address,
        "destination": destination_address,
        "moved_on": str(data.get("moved_on", "")),
        "movers": [{"nik": m.nik, "name": m.name, "relationship": m.get_relationship_display()}
                   for m in movers],
        "tracking_number": app.tracking_number,
    }  # fmt: skip
    holder = applicant.name if applicant else (movers[0].name if movers else "-")
    return Draft(DocumentType.MOVING_LETTER, content, f"skpwni:app:{app.pk}", holder)


def _receipt(app: Application, office: dict, outputs: list[str]) -> Draft:
    applicant = app.applicant
    labels = dict(DocumentType.choices)
    content = {
        "type": DocumentType.RECEIPT,
        "office": office,
        "tracking_number": app.tracking_display,
        "service": app.service_version.name_id,
        "applicant": _person(applicant) if applicant else {},
        "submitted_on": short_date(app.submitted_at.date()) if app.submitted_at else "-",
        "outputs": [str(labels[o]) for o in outputs]
        + [str(CardType(c).label) for c in app.service_version.outputs if c in CardType.values],
        "delivery": app.get_delivery_method_display(),
    }
    holder = applicant.name if applicant else "-"
    return Draft(DocumentType.RECEIPT, content, f"receipt:app:{app.pk}", holder)
