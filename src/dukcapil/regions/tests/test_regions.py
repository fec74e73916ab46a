"""The region lists loaded by the data migration: counts and codes as in regions/data/SOURCE.md."""

import csv
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from django.db.models import Count, Q
from hypothesis import given
from hypothesis import strategies as st

from dukcapil.regions.models import Desa, Kecamatan, Province, Regency, dotted, undotted
from dukcapil.regions.selectors import (
    get_desa,
    is_known_kecamatan_prefix,
    kecamatan_digit_codes,
    served_regencies,
)

BANTEN = "36"
DATA = resources.files("dukcapil.regions") / "data"


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.django_db
def test_the_national_lists_hold_38_provinces_514_regencies_and_7285_kecamatan():
    assert Province.objects.count() == 38
    assert Regency.objects.count() == 514
    assert Kecamatan.objects.count() == 7285
    assert len(kecamatan_digit_codes()) == 7285


@pytest.mark.django_db
def test_banten_has_8_regencies_155_kecamatan_1238_desa_and_314_kelurahan():
    assert Regency.objects.filter(province=BANTEN).count() == 8
    assert Kecamatan.objects.filter(regency__province=BANTEN).count() == 155
    assert Desa.objects.filter(kecamatan__regency__province=BANTEN).count() == 1552
    assert Desa.objects.count() == 1552  # desa are kept for the served province only
    assert Desa.objects.filter(kind=Desa.Kind.DESA).count() == 1238
    assert Desa.objects.filter(kind=Desa.Kind.KELURAHAN).count() == 314


@pytest.mark.django_db
def test_each_banten_regency_has_the_counts_of_source_md():
    expected = {
        "36.01": ("Kabupaten Pandeglang", 35, 326, 13),
        "36.02": ("Kabupaten Lebak", 28, 340, 5),
        "36.03": ("Kabupaten Tangerang", 29, 246, 28),
        "36.04": ("Kabupaten Serang", 29, 326, 0),
        "36.71": ("Kota Tangerang", 13, 0, 104),
        "36.72": ("Kota Cilegon", 8, 0, 43),
        "36.73": ("Kota Serang", 6, 0, 67),
        "36.74": ("Kota Tangerang Selatan", 7, 0, 54),
    }
    actual = {
        r.code: (r.name, r.kecamatan, r.desa, r.kelurahan)
        for r in Regency.objects.filter(province=BANTEN).annotate(
            kecamatan=Count("kecamatan_set", distinct=True),
            desa=Count(
                "kecamatan_set__desa_set",
                filter=Q(kecamatan_set__desa_set__kind=Desa.Kind.DESA),
                distinct=True,
            ),
            kelurahan=Count(
                "kecamatan_set__desa_set",
                filter=Q(kecamatan_set__desa_set__kind=Desa.Kind.KELURAHAN),
                distinct=True,
            ),
        )
    }
    assert actual == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "code", "name"),
    [
        (Province, "36", "Banten"),
        (Province, "11", "Aceh"),
        (Province, "65", "Kalimantan Utara"),
        (Province, "96", "Papua Barat Daya"),
        (Regency, "36.73", "Kota Serang"),
        (Regency, "36.01", "Kabupaten Pandeglang"),
        (Regency, "65.71", "Kota Tarakan"),
        (Regency, "93.01", "Kabupaten Merauke"),
        (Kecamatan, "36.01.01", "Sumur"),
        (Kecamatan, "36.02.28", "Cigemblong"),  # spelled "Cigemlong" before the 2025 decree
        (Desa, "36.01.01.2001", "Sumberjaya"),
        (Desa, "36.73.01.1001", "Serang"),
        (Desa, "36.02.28.2009", "Cikaratuan"),  # recoded from 36.02.16.2018
        (Desa, "36.74.04.1004", "Sawah"),
    ],
)
def test_spot_checks_of_codes_and_names(model, code, name):
    assert model.objects.get(code=code).name == name


@pytest.mark.django_db
def test_codes_hang_together():
    serang = Desa.objects.select_related("kecamatan__regency__province").get(code="36.73.01.1001")
    assert serang.kind == Desa.Kind.KELURAHAN
    assert serang.kecamatan.code == "36.73.01"
    assert serang.kecamatan.regency.code == "36.73"
    assert serang.kecamatan.regency.province.code == BANTEN
    assert not Desa.objects.filter(code="36.02.16.2018").exists()
    for desa in Desa.objects.select_related("kecamatan"):
        assert desa.code.startswith(desa.kecamatan.code + ".")
    for kecamatan in Kecamatan.objects.select_related("regency"):
        assert kecamatan.code.startswith(kecamatan.regency.code + ".")


@pytest.mark.django_db
def test_a_regency_numbered_71_or_above_is_a_kota_below_a_kabupaten():
    regencies = list(Regency.objects.all())
    assert {r.kind for r in regencies} == {Regency.Kind.KOTA, Regency.Kind.KABUPATEN}
    for regency in regencies:
        number = int(regency.code.split(".")[1])
        expected = Regency.Kind.KOTA if number >= 71 else Regency.Kind.KABUPATEN
        assert regency.kind == expected, regency.code
        # The names in the source agree ("Kota Administrasi Jakarta Pusat" is a kota too).
        assert regency.name.startswith("Kota") == (expected == Regency.Kind.KOTA), regency.name


@pytest.mark.django_db
def test_a_desa_code_starting_with_1_is_a_kelurahan_and_with_2_a_desa():
    for desa in Desa.objects.all():
        first_digit = desa.code.split(".")[3][0]
        assert {"1": Desa.Kind.KELURAHAN, "2": Desa.Kind.DESA}[first_digit] == desa.kind, desa.code


def test_the_banten_files_agree_with_the_national_lists():
    national_regencies = {
        r["code"]: r["name"]
        for r in rows("indonesia_kabupaten_kota.csv")
        if r["provinsi_code"] == BANTEN
    }
    national_kecamatan = {
        (r["code"], r["kabupaten_code"], r["name"])
        for r in rows("indonesia_kecamatan.csv")
        if r["code"].startswith(BANTEN + ".")
    }
    assert {r["code"]: r["name"] for r in rows("kabupaten_kota.csv")} == national_regencies
    assert {
        (r["code"], r["kabupaten_code"], r["name"]) for r in rows("kecamatan.csv")
    } == national_kecamatan
    assert {r["kecamatan_code"] for r in rows("desa_kelurahan.csv")} == {
        code for code, _, _ in national_kecamatan
    }


# ---------------------------------------------------------------------------------------------
# Helpers and selectors


@pytest.mark.parametrize(
    ("dotted_code", "digits"),
    [
        ("36", "36"),
        ("36.73", "3673"),
        ("36.73.01", "367301"),
        ("36.73.01.1001", "3673011001"),
    ],
)
def test_dotted_and_undotted_codes(dotted_code, digits):
    assert undotted(dotted_code) == digits
    assert dotted(digits) == dotted_code


SEGMENT = st.integers(1, 99).map("{:02d}".format)
REGION_CODES = st.one_of(
    st.lists(SEGMENT, min_size=1, max_size=3).map(".".join),
    st.builds(
        "{}.{:04d}".format,
        st.lists(SEGMENT, min_size=3, max_size=3).map(".".join),
        st.integers(1, 9999),
    ),
)


@given(code=REGION_CODES)
def test_dotted_undoes_undotted(code):
    assert dotted(undotted(code)) == code


@pytest.mark.django_db
def test_kecamatan_digits_are_the_first_six_digits_of_a_nik():
    assert Kecamatan.objects.get(code="36.73.01").digits == "367301"
    assert is_known_kecamatan_prefix("367301")
    assert is_known_kecamatan_prefix("940101")  # another province: people move in
    assert not is_known_kecamatan_prefix("369901")
    assert not is_known_kecamatan_prefix("36.73.01")


@pytest.mark.django_db
def test_a_desa_is_found_by_its_code_with_or_without_dots():
    assert (
        get_desa("3673011001")
        == get_desa("36.73.01.1001")
        == Desa.objects.get(code="36.73.01.1001")
    )
    assert get_desa("3673019999") is None


@pytest.mark.django_db
def test_served_regencies_are_those_of_the_configured_province(settings):
    assert sorted(r.code for r in served_regencies()) == [
        "36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74",
    ]  # fmt: skip
    settings.DUKCAPIL_PROVINCE_CODE = "65"
    assert sorted(r.code for r in served_regencies()) == [
        "65.01", "65.02", "65.03", "65.04", "65.71",
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Shipping


def test_source_md_states_source_licence_and_counts():
    source = (DATA / "SOURCE.md").read_text(encoding="utf-8")
    assert "https://github.com/cahyadsn/wilayah" in source
    assert "MIT" in source
    assert "1,552 (1,238 desa + 314 kelurahan)" in source
    assert "7,285" in source


def test_the_data_folder_with_source_md_goes_into_the_built_package(tmp_path):
    project = Path(__file__).resolve().parents[4]
    if not (project / "pyproject.toml").exists():
        pytest.skip("not running from a source checkout")
    # Build only the regions package from a copy, so that the checkout stays untouched.
    (tmp_path / "src" / "dukcapil").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text((project / "pyproject.toml").read_text())
    (tmp_path / "README.md").write_text("")
    (tmp_path / "src" / "dukcapil" / "__init__.py").write_text("")
    regions = Path(resources.files("dukcapil.regions"))
    _copy_tree(regions, tmp_path / "src" / "dukcapil" / "regions")

    subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py",
         "--build-lib", str(tmp_path / "lib")],
        cwd=tmp_path, check=True, capture_output=True,
    )  # fmt: skip

    built = tmp_path / "lib" / "dukcapil" / "regions" / "data"
    shipped = {p.name for p in built.iterdir()}
    assert "SOURCE.md" in shipped
    assert {p.name for p in Path(DATA).iterdir() if p.suffix in {".csv", ".md"}} <= shipped


def _copy_tree(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.name == "__pycache__":
            continue
        if path.is_dir():
            _copy_tree(path, target / path.name)
        else:
            (target / path.name).write_bytes(path.read_bytes())
