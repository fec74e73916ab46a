"""Loads the region lists shipped in ``regions/data`` (see its SOURCE.md) into the tables."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def load_regions(apps, schema_editor) -> None:  # noqa: ANN001 - migration signature
    """Insert every province, regency, kecamatan (national) and desa (served province)."""
    Province = apps.get_model("regions", "Province")
    Regency = apps.get_model("regions", "Regency")
    Kecamatan = apps.get_model("regions", "Kecamatan")
    Desa = apps.get_model("regions", "Desa")
    Province.objects.bulk_create(
        Province(code=r["code"], name=r["name"]) for r in read_rows("indonesia_provinsi.csv")
    )
    Regency.objects.bulk_create(
        (
            Regency(
                code=r["code"],
                province_id=r["provinsi_code"],
                name=r["name"],
                kind="kota" if r["code"].split(".")[1] >= "71" else "kabupaten",
            )
            for r in read_rows("indonesia_kabupaten_kota.csv")
        ),
        batch_size=1000,
    )
    Kecamatan.objects.bulk_create(
        (
            Kecamatan(code=r["code"], regency_id=r["kabupaten_code"], name=r["name"])
            for r in read_rows("indonesia_kecamatan.csv")
        ),
        batch_size=1000,
    )
    Desa.objects.bulk_create(
        (
            Desa(code=r["code"], kecamatan_id=r["kecamatan_code"], name=r["name"], kind=r["type"])
            for r in read_rows("desa_kelurahan.csv")
        ),
        batch_size=1000,
    )


def unload_regions(apps, schema_editor) -> None:  # noqa: ANN001 - migration signature
    for model in ("Desa", "Kecamatan", "Regency", "Province"):
        apps.get_model("regions", model).objects.all().delete()
