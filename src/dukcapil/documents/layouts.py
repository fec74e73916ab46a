"""One layout per document type, after the documents Dukcapil prints on plain A4 paper."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.units import mm

from dukcapil.documents.rendering import (
    BOLD,
    Issue,
    Page,
    new_page,
    signature_block,
    tte_note,
)


def _kop(page: Page, y: float, content: dict) -> float:
    """The letterhead of the regency's Disdukcapil."""
    office = content["office"]
    page.center(y, f"PEMERINTAH {office['name'].upper()}", size=11)
    page.center(y - 14, "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL", size=12)
    page.canvas.setLineWidth(1.5)
    page.canvas.line(40, y - 22, page.width - 40, y - 22)
    page.canvas.setLineWidth(0.5)
    return y - 44


def _akta_head(page: Page, title: str, issue: Issue) -> float:
    page.center(800, "REPUBLIK INDONESIA", size=12)
    page.center(784, "PENCATATAN SIPIL", size=11)
    page.text(60, 760, "WARGA NEGARA : INDONESIA", size=9, font=BOLD)
    page.center(728, title, size=15)
    page.center(710, f"No. {issue.number}", size=10, font=BOLD)
    return 680


def _akta_close(page: Page, content: dict, issue: Issue, *, y: float) -> bytes:
    """The foot of every kutipan akta: place and date, the signing official, the TTE note."""
    signature_block(
        page,
        x=330,
        y=y,
        content=content,
        issue=issue,
        place_lines=[
            f"Kutipan ini dikeluarkan di {content['office']['place']},",
            f"pada tanggal {issue.issued_on}",
        ],
    )
    tte_note(page, y=40, issue=issue)
    return page.finish()


def _upper(s: str) -> str:
    return str(s).upper()


def kk(content: dict, issue: Issue) -> bytes:
    page = new_page(wide=True, title="Kartu Keluarga", issue=issue)
    w = page.width
    page.center(560, "KARTU KELUARGA", size=16)
    page.center(543, f"No. {content['kk_number']}", size=11)
    left = [
        ("Nama Kepala Keluarga", _upper(content["head_name"])),
        ("Alamat", _upper(content["address"])),
        ("RT/RW", f"{content['rt']}/{content['rw']}"),
        ("Desa/Kelurahan", _upper(content["desa"])),
    ]
    right = [
        ("Kecamatan", _upper(content["kecamatan"])),
        ("Kabupaten/Kota", _upper(content["regency"])),
        ("Kode Pos", content["postal_code"]),
        ("Provinsi", _upper(content["province"])),
    ]
    page.fields(30, 520, left, label_width=105, size=8, leading=11)
    page.fields(w / 2 + 60, 520, right, label_width=80, size=8, leading=11)
    members = content["members"]
    first = [("No", 18), ("Nama Lengkap", 150), ("NIK", 90), ("Jenis Kelamin", 58),
             ("Tempat Lahir", 80), ("Tanggal Lahir", 58), ("Agama", 55),
             ("Pendidikan", 95), ("Jenis Pekerjaan", 115), ("Golongan Darah", 56)]  # fmt: skip
    rows = [
        [str(i), _upper(m["name"]), m["nik"], _upper(m["sex"]), _upper(m["birth_place"]),
         m["birth_date"], _upper(m["religion"]), _upper(m["education"]), _upper(m["occupation"]),
         m["blood_type"]]
        for i, m in enumerate(members, start=1)
    ]  # fmt: skip
    y = page.table(30, 470, first, rows, size=6.5, row_height=11)
    second = [("No", 18), ("Status Perkawinan", 80), ("Tanggal Perkawinan", 62),
              ("Status Hubungan Dalam Keluarga", 110), ("Kewarganegaraan", 62),
              ("No. Paspor", 58), ("No. KITAP", 58), ("Nama Ayah", 159),
              ("Nama Ibu", 168)]  # fmt: skip
    rows = [
        [str(i), _upper(m["marital_status"]), m["marital_date"], _upper(m["relationship"]),
         m["citizenship"], m["passport"], m["kitap"], _upper(m["father_name"]),
         _upper(m["mother_name"])]
        for i, m in enumerate(members, start=1)
    ]  # fmt: skip
    y = page.table(30, y - 12, second, rows, size=6.5, row_height=11)
    base = min(y - 14, 150)
    page.text(30, base, f"Dikeluarkan Tanggal : {issue.issued_on}", size=8)
    page.text(30, base - 11, f"Nomor Dokumen : {issue.number}", size=8)
    page.text(250, base, "KEPALA KELUARGA", size=8, font=BOLD, align="center")
    page.text(250, base - 70, _upper(content["head_name"]), size=8, font=BOLD, align="center")
    signature_block(page, x=w - 260, y=base, content=content, issue=issue,
                    place_lines=[f"{content['office']['place']}, {issue.issued_on}"])  # fmt: skip
    tte_note(page, y=22, issue=issue)
    return page.finish()


def akta_kelahiran(content: dict, issue: Issue) -> bytes:
    page = new_page(wide=False, title="Kutipan Akta Kelahiran", issue=issue)
    y = _akta_head(page, "KUTIPAN AKTA KELAHIRAN", issue)
    p = content["person"]
    page.text(60, y, "Berdasarkan Akta Kelahiran Nomor", size=10)
    page.text(250, y, f": {issue.number}", size=10, font=BOLD)
    y = page.fields(60, y - 24, [("NIK", p["nik"])], label_width=190, size=10, leading=24)
    page.text(60, y, f"bahwa di {_upper(p['birth_place'])}", size=10)
    page.text(60, y - 18, f"pada tanggal {_upper(content['birth_date_words'])}", size=10)
    page.text(60, y - 32, f"({p['birth_date']})", size=9)
    page.text(60, y - 56, "telah lahir", size=10)
    page.center(y - 82, _upper(p["name"]), size=14)
    page.text(60, y - 108, f"anak ke-{_upper(content['birth_order_words'])}, {_upper(p['sex'])}",
              size=10)  # fmt: skip
    page.text(60, y - 126, f"dari ayah {_upper(content['father_name'])}", size=10)
    page.text(60, y - 144, f"dan ibu {_upper(content['mother_name'])}", size=10)
    return _akta_close(page, content, issue, y=y - 200)


def akta_kematian(content: dict, issue: Issue) -> bytes:
    page = new_page(wide=False, title="Kutipan Akta Kematian", issue=issue)
    y = _akta_head(page, "KUTIPAN AKTA KEMATIAN", issue)
    p = content["person"]
    page.text(60, y, "Berdasarkan Akta Kematian Nomor", size=10)
    page.text(250, y, f": {issue.number}", size=10, font=BOLD)
    page.text(60, y - 30, f"bahwa di {_upper(content['died_place'])}", size=10)
    page.text(60, y - 48, f"pada tanggal {_upper(content['died_on_words'])} ({content['died_on']})",
              size=10)  # fmt: skip
    page.text(60, y - 72, "telah meninggal dunia", size=10)
    page.center(y - 98, _upper(p["name"]), size=14)
    page.fields(60, y - 126, [
        ("NIK", p["nik"]),
        ("Jenis kelamin", _upper(p["sex"])),
        ("Tempat / tanggal lahir", f"{_upper(p['birth_place'])}, {p['birth_date']}"),
    ], label_width=150, size=10, leading=18)  # fmt: skip
    return _akta_close(page, content, issue, y=y - 220)


def _couple(content: dict, issue: Issue, *, title: str, kind: str, event: str) -> bytes:
    page = new_page(wide=False, title=title.title(), issue=issue)
    y = _akta_head(page, title, issue)
    page.text(60, y, f"Berdasarkan Akta {kind} Nomor", size=10)
    page.text(250, y, f": {issue.number}", size=10, font=BOLD)
    page.text(60, y - 30, f"bahwa di {_upper(content['event_place'])}", size=10)
    page.text(60, y - 48, f"pada tanggal {_upper(content['event_date_words'])} "
              f"({content['event_date']})", size=10)  # fmt: skip
    page.text(60, y - 70, event, size=10)
    y -= 100
    for role, person in (("Suami", content["husband"]), ("Istri", content["wife"])):
        page.text(60, y, role, size=10, font=BOLD)
        y = page.fields(80, y - 16, [
            ("Nama", _upper(person["name"])),
            ("NIK", person["nik"]),
            ("Tempat / tanggal lahir", f"{_upper(person['birth_place'])}, {person['birth_date']}"),
        ], label_width=130, size=10, leading=16) - 10  # fmt: skip
    return _akta_close(page, content, issue, y=y - 20)


def akta_perkawinan(content: dict, issue: Issue) -> bytes:
    return _couple(content, issue, title="KUTIPAN AKTA PERKAWINAN", kind="Perkawinan",
                   event="telah dicatat perkawinan antara:")  # fmt: skip


def akta_perceraian(content: dict, issue: Issue) -> bytes:
    return _couple(
        content,
        issue,
        title="KUTIPAN AKTA PERCERAIAN",
        kind="Perceraian",
        event="telah dicatat perceraian, berdasarkan putusan pengadilan, antara:",
    )


def _address_rows(a: dict) -> list[tuple[str, str]]:
    if "desa" not in a:
        return [("Alamat", _upper(a.get("address", "-")))]
    return [
        ("Alamat", f"{_upper(a['address'])} RT {a['rt']} RW {a['rw']}"),
        ("Desa/Kelurahan", _upper(a["desa"])),
        ("Kecamatan", _upper(a["kecamatan"])),
        ("Kabupaten/Kota", _upper(a["regency"])),
        ("Provinsi", _upper(a["province"])),
        ("Kode Pos", a["postal_code"] or "-"),
    ]


def skpwni(content: dict, issue: Issue) -> bytes:
    page = new_page(wide=False, title="Surat Keterangan Pindah WNI", issue=issue)
    y = _kop(page, 805, content)
    page.center(y, "SURAT KETERANGAN PINDAH WARGA NEGARA INDONESIA", size=12)
    page.center(y - 15, f"Nomor: {issue.number}", size=10, font=BOLD)
    y -= 40
    page.text(40, y, "DATA DAERAH ASAL", size=9, font=BOLD)
    applicant = content.get("applicant") or {}
    y = page.fields(50, y - 14, [("Nomor Kartu Keluarga", content["kk_number"]),
                                 ("Nama Pemohon", _upper(applicant.get("name", "-"))),
                                 ("NIK Pemohon", applicant.get("nik", "-"))]
                    + _address_rows(content["origin"]), label_width=140, size=9,
                    leading=12)  # fmt: skip
    page.text(40, y - 6, "DATA KEPINDAHAN", size=9, font=BOLD)
    y = page.fields(50, y - 20, _address_rows(content["destination"]), label_width=140, size=9,
                    leading=12)  # fmt: skip
    page.text(40, y - 6, "KELUARGA YANG PINDAH", size=9, font=BOLD)
    rows = [[str(i), m["nik"], _upper(m["name"]), _upper(m["relationship"])]
            for i, m in enumerate(content["movers"], start=1)]  # fmt: skip
    y = page.table(50, y - 14, [("No", 22), ("NIK", 110), ("Nama Lengkap", 220),
                                ("SHDK", 140)], rows, size=8, row_height=14)  # fmt: skip
    page.text(50, y - 14, f"Nomor registrasi permohonan: {content['tracking_number']}", size=8)
    signature_block(page, x=330, y=min(y - 40, 260), content=content, issue=issue)
    tte_note(page, y=40, issue=issue)
    return page.finish()


def receipt(content: dict, issue: Issue) -> bytes:
    page = new_page(wide=False, title="Tanda Terima", issue=issue)
    y = _kop(page, 805, content)
    page.center(y, "TANDA TERIMA PENERBITAN DOKUMEN KEPENDUDUKAN", size=12)
    page.center(y - 15, f"Nomor: {issue.number}", size=10, font=BOLD)
    applicant = content.get("applicant") or {}
    y = page.fields(50, y - 45, [
        ("Nomor registrasi", content["tracking_number"]),
        ("Layanan", content["service"]),
        ("Nama pemohon", _upper(applicant.get("name", "-"))),
        ("NIK pemohon", applicant.get("nik", "-")),
        ("Tanggal pengajuan", content["submitted_on"]),
        ("Penyerahan", content["delivery"]),
    ], label_width=130, size=10, leading=17)  # fmt: skip
    page.text(50, y - 8, "Dokumen yang diterbitkan:", size=10, font=BOLD)
    for i, label in enumerate(content["outputs"], start=1):
        page.text(65, y - 8 - 16 * i, f"{i}. {label}", size=10)
    y -= 30 + 16 * len(content["outputs"])
    signature_block(page, x=330, y=y - 20, content=content, issue=issue)
    tte_note(page, y=40, issue=issue)
    return page.finish()


LAYOUTS: dict[str, Callable[[dict, Issue], bytes]] = {
    "kk": kk,
    "akta_kelahiran": akta_kelahiran,
    "akta_kematian": akta_kematian,
    "skpwni": skpwni,
    "akta_perkawinan": akta_perkawinan,
    "akta_perceraian": akta_perceraian,
    "receipt": receipt,
}

__all__ = ["LAYOUTS", "mm"]
