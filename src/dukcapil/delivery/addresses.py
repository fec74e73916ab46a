"""Where a parcel goes: the applicant's address from the registry or the one they gave, checked
against the regions of the province; and the office's own address."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dukcapil.regions.models import Desa, Regency

# Post codes of each regency's Disdukcapil office (the sender of deliveries, the recipient of
# pick-ups); DELIVERY_OFFICE_ADDRESSES in settings may give the full address.
OFFICE_POSTAL_CODES = {
    "36.01": "42211", "36.02": "42311", "36.03": "15720", "36.04": "42182",
    "36.71": "15111", "36.72": "42411", "36.73": "42111", "36.74": "15310",
}  # fmt: skip


@dataclass(frozen=True)
class Address:
    desa: Desa
    rt: str
    rw: str
    street: str
    postal_code: str
    source: str  # "registry" or "applicant"


def _number(value: object) -> str | None:
    text = str(value or "").strip()
    return text.zfill(3) if re.fullmatch(r"\d{1,3}", text) else None


def check_address(data: dict, *, source: str) -> Address:
    """An :class:`Address` from ``{"desa", "rt", "rw", "address", "postal_code"}`` or a
    :class:`ValidationError` naming every wrong field (in the current language)."""
    errors: dict[str, str] = {}
    code = str(data.get("desa") or "").strip()
    desa = (
        Desa.objects.select_related("kecamatan__regency").filter(pk=code).first() if code else None
    )
    if desa is None or desa.kecamatan.regency.province_id != settings.DUKCAPIL_PROVINCE_CODE:
        errors["desa"] = _(
            "Alamat harus berada di desa/kelurahan wilayah provinsi ini; kode “%(code)s” tidak "
            "termasuk."
        ) % {"code": code or "-"}
    rt, rw = _number(data.get("rt")), _number(data.get("rw"))
    if rt is None or rw is None:
        errors["rt"] = _("RT dan RW wajib diisi dengan angka (paling banyak 3 angka).")
    street = " ".join(str(data.get("address") or data.get("street") or "").split())
    if not street:
        errors["address"] = _("Alamat jalan (nama jalan, nomor rumah) wajib diisi.")
    elif len(street) > 200:
        errors["address"] = _("Alamat jalan paling panjang 200 karakter.")
    postal_code = str(data.get("postal_code") or "").strip()
    if not re.fullmatch(r"\d{5}", postal_code):
        errors["postal_code"] = _("Kode pos wajib diisi, 5 angka.")
    if errors:
        raise ValidationError(errors)
    return Address(desa=desa, rt=rt, rw=rw, street=street, postal_code=postal_code, source=source)


def registry_address(application: object) -> dict:
    """The address of the applicant's family in the registry (or ``{}``)."""
    family = getattr(application, "family", None)
    if family is None and getattr(application, "applicant", None) is not None:
        family = application.applicant.family
    if family is None:
        return {}
    return {"desa": family.desa_id, "rt": family.rt, "rw": family.rw,
            "address": family.address, "postal_code": family.postal_code}  # fmt: skip


def office_address(regency: Regency) -> dict:
    """The Disdukcapil office of ``regency`` as a postal address."""
    configured = getattr(settings, "DELIVERY_OFFICE_ADDRESSES", {}).get(regency.pk, {})
    return {
        "name": configured.get("name") or _("Disdukcapil %(regency)s") % {"regency": regency.name},
        "phone": configured.get("phone", ""),
        "street": configured.get("street")
        or _("Kantor Dinas Kependudukan dan Pencatatan Sipil %(regency)s")
        % {"regency": regency.name},
        "postal_code": configured.get("postal_code") or OFFICE_POSTAL_CODES.get(regency.pk, ""),
    }
