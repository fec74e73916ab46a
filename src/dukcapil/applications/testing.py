"""``make_*`` helpers for tests that need applications (synthetic data only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from dukcapil.accounts.models import Role
from dukcapil.accounts.testing import make_staff as accounts_make_staff
from dukcapil.applications import services, workflow
from dukcapil.applications.actors import Actor
from dukcapil.applications.models import Application
from dukcapil.registry.choices import MaritalStatus, Relationship, Sex
from dukcapil.registry.models import Resident
from dukcapil.registry.testing import make_family, make_resident

# A tiny valid file of each accepted kind. The PNG is as uploads.clean_upload re-encodes it (so
# what is stored is these very bytes); the PDF has a page tree and an xref table, as a reader needs.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\xdac\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfex\xc4\xb2\xb0\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>> endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000053 00000 n \n"
    b"0000000103 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n167\n%%EOF\n"
)

_counter = iter(range(1, 10_000_000))  # unique, letter-only name suffixes


def make_staff(role: str, *, regency: str = "36.73", kecamatan: str | None = None, **kw: Any):
    """A staff user of Kota Serang (36.73) unless told otherwise (``regency=""``: province)."""
    return accounts_make_staff(role, regency=regency or None, kecamatan=kecamatan, **kw)


def make_household(desa_code: str = "36.73.01.1001") -> dict[str, Resident]:
    """A married couple with one child, in ``desa_code``."""
    family = make_family(desa_code=desa_code)
    n = next(_counter)
    letters = "".join("abcdefghij"[int(d)] for d in str(n))
    head = make_resident(family=family, name=f"Budi Santoso {letters}")
    wife = make_resident(
        family=family,
        name=f"Siti Rahma {letters}",
        sex=Sex.FEMALE,
        birth_date=dt.date(1988, 7, 1),
        relationship=Relationship.WIFE,
    )
    child = make_resident(
        family=family,
        name=f"Andi Santoso {letters}",
        birth_date=dt.date(2012, 2, 2),
        relationship=Relationship.CHILD,
        marital_status=MaritalStatus.SINGLE,
        education="sd",
        occupation="Pelajar/mahasiswa",
        father_name=f"Budi Santoso {letters}",
        mother_name=f"Siti Rahma {letters}",
    )
    return {"head": head, "wife": wife, "child": child, "family": family}


def form_data_for(service_code: str, household: dict[str, Resident]) -> dict[str, Any]:
    """Valid form fields for each service, about ``household``."""
    head, wife, child = household["head"], household["wife"], household["child"]
    today = timezone.localdate()
    address = {"desa": "36.73.02.1001", "rt": "3", "rw": "4", "address": "Jalan Baru 5",
               "postal_code": "42112"}  # fmt: skip
    return {
        "KK_BARU": {"anggota": [child.nik], "alamat": address},
        "KIA": {"anak": [child.nik]},
        "KK_UBAH": {"perubahan": {"nik": head.nik, "changes": {"occupation": "Wiraswasta"}}},
        "KTP_UBAH": {"perubahan": {"nik": head.nik, "changes": {"education": "d4_s1"}}},
        "AKTA_LAHIR": {
            "anak": {
                "name": "Putri Ayu Lestari", "sex": "P", "birth_place": "Serang",
                "birth_date": (today - dt.timedelta(days=10)).isoformat(),
                "father_name": head.name, "mother_name": wife.name,
            }
        },
        "AKTA_MATI": {"kematian": {"nik": head.nik, "died_on": today.isoformat()}},
        "PINDAH_KELUAR": {"kepindahan": {"niks": [child.nik], "destination": {
            **address, "desa": "36.03.01.2003"}}},
        "PINDAH_DATANG": {"kedatangan": {"address": address, "members": [{
            "nik": "3174011505900003", "name": "Rudi Hartono", "sex": "L",
            "birth_place": "Jakarta", "birth_date": "1990-05-15", "religion": "islam",
            "education": "slta", "occupation": "Karyawan swasta",
            "marital_status": "belum_kawin", "father_name": "Hartono Wijaya",
            "mother_name": "Sri Wahyuni"}]}},
        "AKTA_KAWIN": {"perkawinan": {"husband_nik": head.nik, "wife_nik": wife.nik,
                                      "married_on": "2010-01-01"}},
        "AKTA_CERAI": {"perceraian": {"husband_nik": head.nik, "wife_nik": wife.nik,
                                      "ruling_date": "2024-01-01"}},
    }.get(service_code, {})  # fmt: skip


def make_application(
    service_code: str = "KK_HILANG",
    *,
    household: dict[str, Resident] | None = None,
    submit: bool = True,
    channel: str = "web",
    **kw: Any,
) -> Application:
    """A complete application by the head of ``household`` (a new one by default), submitted."""
    household = household or make_household()
    applicant = household["head"]
    from dukcapil.catalog.selectors import current_version

    version = current_version(service_code)
    relation = "self" if "self" in version.applicants else "family_member"
    actor = Actor.citizen(applicant.pk)
    app = services.start_application(
        service_code=service_code, applicant=applicant, channel=channel, actor=actor,
        applicant_relation=relation, phone="6281234567890",
    )  # fmt: skip
    services.fill_application(
        application=app,
        actor=actor,
        form_data=kw.pop("form_data", form_data_for(service_code, household)),
        declarations=[r["code"] for r in version.requirements if r["kind"] == "declaration"],
        privacy_acknowledged=True,
    )
    for r in version.requirements:
        if r["kind"] == "upload" and not r.get("optional"):
            services.add_attachment(
                application=app, actor=actor, requirement_code=r["code"], content=PNG,
                original_name=f"{r['code']}.png",
            )  # fmt: skip
    if submit:
        app = workflow.submit(application=app, actor=actor)
    app.refresh_from_db()
    return app


def verifier_of(regency: str = "36.73"):
    return Actor.staff(make_staff(Role.VERIFIER, regency=regency))
