"""Fixed, synthetic content of each document type (for the golden images)."""

OFFICE = {"code": "36.73", "name": "Kota Serang", "place": "Serang", "province": "Banten"}
ADDRESS = {
    "address": "Jalan Veteran No. 12", "rt": "001", "rw": "002", "desa": "Serang",
    "kecamatan": "Serang", "regency": "Kota Serang", "province": "Banten", "postal_code": "42111",
}  # fmt: skip


def _member(name, nik, sex, birth_date, relationship, marital, **kw):
    return {
        "nik": nik, "name": name, "sex": sex, "birth_place": "Serang", "birth_date": birth_date,
        "religion": "Islam", "education": kw.get("education", "SLTA/sederajat"),
        "occupation": kw.get("occupation", "Karyawan swasta"), "blood_type": "O",
        "marital_status": marital, "marital_date": kw.get("marital_date", "-"),
        "relationship": relationship, "citizenship": "WNI", "passport": "-", "kitap": "-",
        "father_name": kw.get("father", "Ahmad Santoso"),
        "mother_name": kw.get("mother", "Siti Aminah"),
    }  # fmt: skip


HEAD = {"nik": "3673011403850001", "name": "Budi Santoso", "sex": "Laki-laki",
        "birth_place": "Serang", "birth_date": "14-03-1985"}  # fmt: skip
WIFE = {"nik": "3673014107880002", "name": "Siti Rahma", "sex": "Perempuan",
        "birth_place": "Pandeglang", "birth_date": "01-07-1988"}  # fmt: skip

SAMPLES = {
    "kk": {
        "type": "kk", "office": OFFICE, "kk_number": "3673012911260001",
        "head_name": "Budi Santoso",
        **ADDRESS,
        "members": [
            _member("Budi Santoso", "3673011403850001", "Laki-laki", "14-03-1985",
                    "Kepala keluarga", "Kawin tercatat", marital_date="01-01-2010"),
            _member("Siti Rahma", "3673014107880002", "Perempuan", "01-07-1988", "Istri",
                    "Kawin tercatat", marital_date="01-01-2010",
                    occupation="Mengurus rumah tangga"),
            _member("Andi Santoso", "3673010202120003", "Laki-laki", "02-02-2012", "Anak",
                    "Belum kawin", education="Tamat SD/sederajat", occupation="Pelajar/mahasiswa",
                    father="Budi Santoso", mother="Siti Rahma"),
        ],
    },
    "akta_kelahiran": {
        "type": "akta_kelahiran", "office": OFFICE,
        "person": {"nik": "3673015911260004", "name": "Putri Ayu Lestari", "sex": "Perempuan",
                   "birth_place": "Serang", "birth_date": "19-11-2026"},
        "birth_date_words": "sembilan belas November dua ribu dua puluh enam",
        "birth_order": 2, "birth_order_words": "dua", "father_name": "Budi Santoso",
        "mother_name": "Siti Rahma",
    },
    "akta_kematian": {
        "type": "akta_kematian", "office": OFFICE, "person": HEAD, "died_on": "28-11-2026",
        "died_on_words": "dua puluh delapan November dua ribu dua puluh enam",
        "died_place": "Serang",
    },
    "skpwni": {
        "type": "skpwni", "office": OFFICE, "applicant": HEAD, "kk_number": "3673012911260001",
        "origin": ADDRESS,
        "destination": {**ADDRESS, "desa": "Tigaraksa", "kecamatan": "Tigaraksa",
                        "regency": "Kabupaten Tangerang", "postal_code": "15720"},
        "moved_on": "2026-12-01",
        "movers": [{"nik": "3673010202120003", "name": "Andi Santoso", "relationship": "Anak"}],
        "tracking_number": "ABCD23456",
    },
    "akta_perkawinan": {
        "type": "akta_perkawinan", "office": OFFICE, "husband": HEAD, "wife": WIFE,
        "event_date": "01-01-2010", "event_date_words": "satu Januari dua ribu sepuluh",
        "event_place": "Serang",
    },
    "akta_perceraian": {
        "type": "akta_perceraian", "office": OFFICE, "husband": HEAD, "wife": WIFE,
        "event_date": "01-01-2024", "event_date_words": "satu Januari dua ribu dua puluh empat",
        "event_place": "Serang",
    },
    "receipt": {
        "type": "receipt", "office": OFFICE, "tracking_number": "ABCD-2345-6", "service":
        "Akta kelahiran", "applicant": HEAD, "submitted_on": "27-11-2026",
        "outputs": ["Kutipan Akta Kelahiran", "Kartu Keluarga"], "delivery": "Dikirim lewat pos",
    },
}  # fmt: skip
