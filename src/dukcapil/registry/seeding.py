"""Synthetic population for demos and benchmarks (``dukcapil seed-population``).

Families look like the families of the served province: a head, usually a spouse, children whose
ages fit their parents', sometimes an elderly parent living with them, and single-person
households. Names come from Faker's ``id_ID`` word lists (loaded once, drawn with one
``random.Random`` per chunk, so a ``seed`` gives the same people). Every NIK and KK number is a
valid, current-code number that nobody holds yet: serials continue from :class:`IdentifierSerial`,
which is brought up to date in the same transaction as the rows.

Rows are written without the per-row service layer (no :class:`RegistryChange` per resident: the
history of a synthetic person would double the load for nothing): ``COPY`` on PostgreSQL, batched
``INSERT`` on SQLite, one transaction per batch of whole families. Large loads on PostgreSQL run
in worker processes that each make rows (choices and encryption are the costly part) and copy
them in over a connection of their own, so that the database works on two streams at once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import multiprocessing
import os
import queue
import random
import secrets
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from tqdm import tqdm

from dukcapil.core.crypto import encrypt, keyring
from dukcapil.regions.models import Desa, undotted
from dukcapil.registry.choices import Education, MaritalStatus, Relationship, Religion
from dukcapil.registry.identifiers import nik_date_part
from dukcapil.registry.models import Family, IdentifierSerial, Resident
from dukcapil.registry.selectors import kk_index, nik_index

YEAR = 365.2425
MAX_SERIAL = 9999
CHUNK_RESIDENTS = 5_000  # residents per chunk: one transaction, one unit of work for a worker
PARALLEL_FROM = 200_000  # below this many residents, making rows in the parent is quicker

# Registered population per kabupaten/kota (Dukcapil, semester II 2024; regions/data/SOURCE.md).
REGENCY_POPULATION = {
    "36.01": 1_437_046, "36.02": 1_531_564, "36.03": 3_459_706, "36.04": 1_791_795,
    "36.71": 1_957_349, "36.72": 480_378, "36.73": 759_929, "36.74": 1_463_607,
}  # fmt: skip
# Where most people of a kabupaten/kota were born, as written on their KK.
HOME_BIRTH_PLACE = {
    "36.01": "Pandeglang", "36.02": "Lebak", "36.03": "Tangerang", "36.04": "Serang",
    "36.71": "Tangerang", "36.72": "Cilegon", "36.73": "Serang", "36.74": "Tangerang",
}  # fmt: skip
# First three digits of the postal codes of each kabupaten/kota (Pos Indonesia: 42xxx, 15xxx).
POSTAL_PREFIX = {
    "36.01": "422", "36.02": "423", "36.03": "155", "36.04": "421",
    "36.71": "151", "36.72": "424", "36.73": "421", "36.74": "154",
}  # fmt: skip

# Size of a household (one KK): mean about 3.7 people, as in Banten.
FAMILY_SIZES = ((1, 2, 3, 4, 5, 6, 7, 8), (9, 16, 21, 24, 16, 8, 4, 2))
RELIGIONS = (
    (Religion.ISLAM, Religion.KRISTEN, Religion.KATOLIK, Religion.BUDDHA, Religion.HINDU,
     Religion.KHONGHUCU, Religion.KEPERCAYAAN),
    (9430, 290, 120, 130, 15, 12, 3),
)  # fmt: skip
BLOOD_TYPES = (
    ("-", "O", "A", "B", "AB", "O+", "A+", "B+", "AB+"),
    (72, 9.6, 6.6, 7.3, 1.8, 1, 0.8, 0.7, 0.2),
)
E = Education
# Highest completed education of adults, by age band (older cohorts went to school less).
ADULT_EDUCATION = {
    19: ((E.SD_INCOMPLETE, E.SD, E.SLTP, E.SLTA, E.D1_D2, E.D3), (2, 11, 24, 60, 1, 2)),
    22: (
        (E.SD_INCOMPLETE, E.SD, E.SLTP, E.SLTA, E.D1_D2, E.D3, E.D4_S1),
        (2, 11, 21, 52, 1, 3, 10),
    ),
    25: (
        (E.NONE, E.SD_INCOMPLETE, E.SD, E.SLTP, E.SLTA, E.D1_D2, E.D3, E.D4_S1, E.S2, E.S3),
        (2, 5, 22, 20, 36, 1, 3, 10, 0.8, 0.05),
    ),
    45: (
        (E.NONE, E.SD_INCOMPLETE, E.SD, E.SLTP, E.SLTA, E.D1_D2, E.D3, E.D4_S1, E.S2, E.S3),
        (5, 10, 35, 17, 22, 1, 2, 7, 0.7, 0.05),
    ),
    65: (
        (E.NONE, E.SD_INCOMPLETE, E.SD, E.SLTP, E.SLTA, E.D3, E.D4_S1, E.S2),
        (20, 25, 35, 8, 8, 1, 3, 0.2),
    ),
}
EDUCATION_LEVEL = {e: i for i, e in enumerate(Education.values)}

BELUM, IRT, PELAJAR = "Belum/tidak bekerja", "Mengurus rumah tangga", "Pelajar/mahasiswa"
PENSIUNAN, PNS, TNI, POLRI = "Pensiunan", "Pegawai negeri sipil", "TNI", "Polri"
KARYAWAN, BUMN, WIRASWASTA = "Karyawan swasta", "Karyawan BUMN", "Wiraswasta"
PETANI, BURUH_TANI, NELAYAN = "Petani/pekebun", "Buruh tani/perkebunan", "Nelayan/perikanan"
BURUH, PEDAGANG, SOPIR, TUKANG = "Buruh harian lepas", "Pedagang", "Sopir", "Tukang batu"
GURU, DOSEN, BIDAN, PERAWAT, DOKTER = "Guru", "Dosen", "Bidan", "Perawat", "Dokter"
# Occupation of adults under 65 by (sex, schooling: 0 up to SLTP, 1 SLTA/diploma, 2 degree,
# urban): weights in the same order as OCCUPATIONS.
OCCUPATIONS = (
    BELUM, IRT, KARYAWAN, BUMN, WIRASWASTA, PETANI, BURUH_TANI, NELAYAN, BURUH, PEDAGANG, SOPIR,
    TUKANG, PNS, TNI, POLRI, GURU, DOSEN, BIDAN, PERAWAT, DOKTER,
)  # fmt: skip
ADULT_OCCUPATION = {
    #            BEL IRT KAR BUMN WIR PET BTANI NEL BUR PED SOP TUK PNS TNI POL GUR DOS BID PER DOK
    ("L", 0, 0): (5, 0, 10, 0, 16, 20, 9, 2, 18, 8, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0),
    ("L", 0, 1): (6, 0, 26, 0, 18, 3, 1, 1, 22, 10, 6, 6, 0, 0, 0, 0, 0, 0, 0, 0),
    ("L", 1, 0): (5, 0, 22, 1, 20, 10, 2, 1, 10, 8, 5, 2, 3, 1, 1, 2, 0, 0, 0.5, 0),
    ("L", 1, 1): (5, 0, 38, 2, 20, 2, 0, 0, 8, 7, 5, 1, 3, 1, 1, 2, 0, 0, 0.5, 0),
    ("L", 2, 0): (3, 0, 30, 4, 15, 4, 0, 0, 0, 3, 0, 0, 20, 1, 2, 15, 1, 0, 1, 1),
    ("L", 2, 1): (3, 0, 42, 5, 15, 0, 0, 0, 0, 3, 0, 0, 12, 1, 1.5, 8, 1, 0, 1, 1),
    ("P", 0, 0): (4, 62, 4, 0, 6, 10, 4, 0, 3, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    ("P", 0, 1): (4, 60, 14, 0, 7, 1, 0, 0, 5, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    ("P", 1, 0): (6, 48, 15, 0, 8, 4, 1, 0, 3, 7, 0, 0, 2, 0, 0, 3, 0, 1, 1.5, 0),
    ("P", 1, 1): (6, 40, 27, 1, 8, 0, 0, 0, 3, 6, 0, 0, 2, 0, 0, 3, 0, 1, 1.5, 0),
    ("P", 2, 0): (4, 20, 22, 2, 6, 0, 0, 0, 0, 2, 0, 0, 15, 0, 0, 20, 1, 4, 3, 1),
    ("P", 2, 1): (4, 20, 33, 3, 6, 0, 0, 0, 0, 2, 0, 0, 12, 0, 0, 14, 1, 2, 3, 1),
}
ELDERLY_OCCUPATION = {
    ("L", 0): ((BELUM, PETANI, WIRASWASTA, PEDAGANG, PENSIUNAN), (50, 25, 10, 8, 7)),
    ("L", 1): ((BELUM, PETANI, WIRASWASTA, PEDAGANG, PENSIUNAN), (55, 5, 12, 8, 20)),
    ("P", 0): ((IRT, BELUM, PETANI, PEDAGANG, PENSIUNAN), (55, 33, 6, 4, 2)),
    ("P", 1): ((IRT, BELUM, PETANI, PEDAGANG, PENSIUNAN), (55, 33, 1, 5, 6)),
}
RETIRES_AT_58 = {PNS, TNI, POLRI}


class SeedingError(Exception):
    """The population could not be made as asked (nothing of the failed batch was written)."""


# ---------------------------------------------------------------------------------------------
# Word lists and weighted choices


@dataclass(frozen=True)
class WordLists:
    male_first: tuple[str, ...]
    female_first: tuple[str, ...]
    male_last: tuple[str, ...]
    female_last: tuple[str, ...]
    streets: tuple[str, ...]
    street_prefixes: tuple[str, ...]
    other_birth_places: tuple[str, ...]


@lru_cache(maxsize=1)
def word_lists() -> WordLists:
    """Faker's ``id_ID`` person and address word lists, read once (Faker per row is too slow)."""
    from faker.providers.address.id_ID import Provider as Address
    from faker.providers.person.id_ID import Provider as Person

    def clean(words: Sequence[str]) -> tuple[str, ...]:
        # Names must be Latin letters, apostrophes and spaces (Permendagri 73/2022); the COPY
        # text format needs no escaping as long as no tab, newline or backslash gets in.
        return tuple(sorted({w.strip() for w in words if w.strip().replace("'", "").isalpha()}))

    cities = tuple(c for c in Address.cities if "\t" not in c and "\\" not in c)
    return WordLists(
        male_first=clean(Person.first_names_male),
        female_first=clean(Person.first_names_female),
        male_last=clean(Person.last_names_male),
        female_last=clean(Person.last_names_female),
        streets=tuple(s for s in Address.streets if "\t" not in s and "\\" not in s),
        street_prefixes=tuple(Address.street_prefixes_short) + tuple(Address.street_prefixes_long),
        # Jakarta, next door, is where most people born outside Banten come from.
        other_birth_places=("Jakarta",) * len(cities) + cities,
    )


class Table:
    """Values with weights, drawn with one ``random()`` and a bisection."""

    def __init__(self, values: Sequence[Any], weights: Sequence[float]) -> None:
        total = float(sum(weights))
        pairs = [(v, w) for v, w in zip(values, weights, strict=True) if w > 0]
        self.values = tuple(v for v, _ in pairs)
        cumulative, running = [], 0.0
        for _, w in pairs:
            running += w / total
            cumulative.append(running)
        cumulative[-1] = 1.0
        self.cumulative = tuple(cumulative)

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random())]


_SIZES = Table(*FAMILY_SIZES)
_RELIGIONS = Table(*RELIGIONS)
_BLOOD = Table(*BLOOD_TYPES)
_ADULT_EDUCATION = {age: Table(*t) for age, t in ADULT_EDUCATION.items()}
_ADULT_OCCUPATION = {k: Table(OCCUPATIONS, w) for k, w in ADULT_OCCUPATION.items()}
_ELDERLY_OCCUPATION = {k: Table(*t) for k, t in ELDERLY_OCCUPATION.items()}


# ---------------------------------------------------------------------------------------------
# The plan: which families go where


@dataclass(frozen=True)
class DesaSpot:
    code: str
    urban: bool
    postal_code: str


@dataclass(frozen=True)
class Chunk:
    """Whole families of one kecamatan, made and written together."""

    number: int
    kecamatan: str  # undotted, the first 6 digits of every NIK and KK number made here
    birth_place: str
    desa: tuple[DesaSpot, ...]
    desa_cumulative: tuple[float, ...]
    family_sizes: tuple[int, ...]
    seed: str

    @property
    def residents(self) -> int:
        return sum(self.family_sizes)


def _served_desa(regency: str | None) -> list[tuple[Desa, float]]:
    """Desa of the served province (or of one regency) with the share of people living there."""
    desa_qs = Desa.objects.select_related("kecamatan").order_by("code")
    if regency:
        desa_qs = desa_qs.filter(kecamatan__regency_id=regency)
    else:
        desa_qs = desa_qs.filter(kecamatan__regency__province_id=settings.DUKCAPIL_PROVINCE_CODE)
    all_desa = list(desa_qs)
    if not all_desa:
        raise SeedingError(f"no desa/kelurahan in {regency or settings.DUKCAPIL_PROVINCE_CODE}")
    per_regency: dict[str, int] = {}
    for d in all_desa:
        per_regency[d.kecamatan.regency_id] = per_regency.get(d.kecamatan.regency_id, 0) + 1
    # Desa differ in size; a fixed-seed spread keeps the same desa big from run to run.
    spread = random.Random("desa-size")  # noqa: S311 - synthetic data
    return [
        (
            d,
            REGENCY_POPULATION.get(d.kecamatan.regency_id, 1)
            / per_regency[d.kecamatan.regency_id]
            * spread.lognormvariate(0, 0.4),
        )
        for d in all_desa
    ]


def plan_chunks(
    *, residents: int, regency: str | None, seed: str, chunk_residents: int = CHUNK_RESIDENTS
) -> list[Chunk]:
    """Family sizes adding up to exactly ``residents``, spread over kecamatan by population,
    cut into chunks of whole families of one kecamatan."""
    rng = random.Random(f"{seed}:plan")  # noqa: S311 - synthetic data
    weighted = _served_desa(regency)
    by_kecamatan: dict[str, list[tuple[Desa, float]]] = {}
    for d, w in weighted:
        by_kecamatan.setdefault(d.kecamatan_id, []).append((d, w))
    kecamatan_codes = sorted(by_kecamatan)
    weights = [sum(w for _, w in by_kecamatan[k]) for k in kecamatan_codes]

    sizes: list[int] = []
    total = 0
    while total < residents:  # drawn in bulk: a province has millions of families
        more = rng.choices(
            _SIZES.values, cum_weights=_SIZES.cumulative, k=(residents - total) * 10 // 36 + 16
        )
        running = list(accumulate(more, initial=total))[1:]
        if running[-1] < residents:
            sizes += more
            total = running[-1]
            continue
        cut = bisect.bisect_left(running, residents)
        sizes += more[: cut + 1]
        sizes[-1] -= running[cut] - residents  # the last family is cut to the exact count
        total = residents
    # Each kecamatan gets the whole part of its expected number of families; the families
    # left over go to kecamatan drawn by the fractions (so a small load still spreads out).
    expected = [len(sizes) * w / sum(weights) for w in weights]
    counts = [int(e) for e in expected]
    if len(sizes) > sum(counts):
        extra = rng.choices(
            range(len(counts)), weights=[e - int(e) for e in expected], k=len(sizes) - sum(counts)
        )
        for index in extra:
            counts[index] += 1
    families: dict[str, list[int]] = {}
    start = 0
    for code, count in zip(kecamatan_codes, counts, strict=True):
        families[code] = sizes[start : start + count]  # sizes are independent draws
        start += count

    chunks: list[Chunk] = []
    for index, code in enumerate(kecamatan_codes):
        if not families[code]:
            continue
        regency_code = code[:5]
        postal_prefix = POSTAL_PREFIX.get(
            regency_code, f"{100 + int(undotted(regency_code)) % 900}"
        )
        spots = tuple(
            DesaSpot(
                code=d.code,
                urban=d.kind == Desa.Kind.KELURAHAN,
                postal_code=f"{postal_prefix}{11 + (index * 4 + n % 4) % 89:02d}",
            )
            for n, (d, _) in enumerate(by_kecamatan[code])
        )
        desa_table = Table(range(len(spots)), [w for _, w in by_kecamatan[code]])
        for sizes in _cut(families[code], chunk_residents):
            chunks.append(
                Chunk(
                    number=len(chunks),
                    kecamatan=undotted(code),
                    birth_place=HOME_BIRTH_PLACE.get(regency_code, "Jakarta"),
                    desa=spots,
                    desa_cumulative=desa_table.cumulative,
                    family_sizes=tuple(sizes),
                    seed=f"{seed}:{len(chunks)}",
                )
            )
    return chunks


def _cut(sizes: list[int], limit: int) -> Iterator[list[int]]:
    """Consecutive runs of families of about ``limit`` residents each."""
    step = max(1, limit * 10 // 37)  # 3.7 residents per family on average
    for start in range(0, len(sizes), step):
        yield sizes[start : start + step]


# ---------------------------------------------------------------------------------------------
# Making the rows of a chunk


@dataclass(slots=True)
class Person:
    name: str
    sex: str
    birth: int  # date ordinal
    relationship: str
    marital_status: str = MaritalStatus.SINGLE
    marital_date: int | None = None
    father_name: str = ""
    mother_name: str = ""


@dataclass
class ChunkRows:
    """The rows of one chunk in ``COPY`` text format, and the serials they used."""

    number: int
    families: int
    residents: int
    family_rows: bytes
    resident_rows: bytes
    # (kind, prefix, last serial): prefixes nobody had used, and prefixes already in the table
    new_serials: list[tuple[str, str, int]]
    known_serials: list[tuple[str, str, int]]


FAMILY_COLUMNS = (
    "id", "kk_number", "kk_index", "desa_id", "rt", "rw", "address", "postal_code", "issued_on",
    "status", "kk_prefix_unknown", "created_at", "updated_at",
)  # fmt: skip
RESIDENT_COLUMNS = (
    "nik", "nik_index", "name", "sex", "birth_place", "birth_date", "religion", "education",
    "occupation", "blood_type", "marital_status", "marital_date", "family_id", "relationship",
    "father_name", "mother_name",
    # the same for every row, written by the tail
    "citizenship", "life_status", "life_status_date", "nik_prefix_unknown", "created_at",
    "updated_at",
)  # fmt: skip
NULL = r"\N"


def _years(years: float) -> int:
    return int(years * YEAR)


class PopulationMaker:
    """Makes the rows of chunks. Keeps the last serial it handed out per NIK/KK prefix, so each
    kecamatan must always be made by the same maker (one per process)."""

    def __init__(self, *, today: dt.date, now_text: str, false_text: str) -> None:
        keyring()  # fail early, before any work, when keys are missing
        self.words = word_lists()
        self.today = today.toordinal()
        self.nik_serials: dict[str, dict[str, int]] = {}  # kecamatan -> date part -> last serial
        self.kk_serials: dict[str, dict[str, int]] = {}
        self.nik_context = Resident._meta.get_field("nik").crypto_context
        self.mother_context = Resident._meta.get_field("mother_name").crypto_context
        self.kk_context = Family._meta.get_field("kk_number").crypto_context
        self.family_tail = f"\tactive\t{false_text}\t{now_text}\t{now_text}\n"
        self.resident_tail = f"\tWNI\talive\t{NULL}\t{false_text}\t{now_text}\t{now_text}\n"
        # Dates of the last 110 years as ISO text and as the DDMMYY part of a NIK (men, women).
        self.first_day = self.today - _years(110)
        self.iso: list[str] = []
        self.male_part: list[str] = []
        self.female_part: list[str] = []
        for ordinal in range(self.first_day, self.today + 1):
            day = dt.date.fromordinal(ordinal)
            self.iso.append(day.isoformat())
            self.male_part.append(nik_date_part(day, "L"))
            self.female_part.append(nik_date_part(day, "P"))

    def load_serials(self, kecamatan: str, serials: dict[str, dict[str, int]]) -> None:
        """Start from the serials already handed out in ``kecamatan`` (``{"nik": {...}, ...}``)."""
        for kind, known in (("nik", self.nik_serials), ("kk", self.kk_serials)):
            mine = known.setdefault(kecamatan, {})
            for part, last in serials.get(kind, {}).items():
                if last > mine.get(part, 0):
                    mine[part] = last

    def forget(self, kecamatan: str) -> None:
        self.nik_serials.pop(kecamatan, None)
        self.kk_serials.pop(kecamatan, None)

    # -- people -------------------------------------------------------------------------------

    def _name(self, rng: random.Random, sex: str) -> str:
        w = self.words
        first, last = (w.male_first, w.male_last) if sex == "L" else (w.female_first, w.female_last)
        r = rng.random()
        name = f"{first[int(rng.random() * len(first))]} {last[int(rng.random() * len(last))]}"
        if r < 0.07:
            return ("Muhammad " if sex == "L" else "Siti ") + name
        if r < 0.25:
            return f"{first[int(rng.random() * len(first))]} {name}"
        return name

    def _household(self, rng: random.Random, size: int) -> list[Person]:
        if size == 1:
            return [self._single_person(rng)]
        single_parent = rng.random() < (0.35 if size == 2 else 0.12)
        if size == 2 and not single_parent:
            return self._childless_couple(rng)
        parents = 1 if single_parent else 2
        elders = 0
        if rng.random() < 0.2:
            elders = min(2 if rng.random() < 0.3 else 1, size - parents - 1)
        return self._family_with_children(
            rng, children=size - parents - elders, single_parent=single_parent, elders=elders
        )

    def _single_person(self, rng: random.Random) -> Person:
        r, today = rng.random(), self.today
        if r < 0.4:  # young, not married yet, living on their own
            sex = "L" if rng.random() < 0.6 else "P"
            return Person(
                self._name(rng, sex), sex, today - _years(rng.uniform(19, 35)), Relationship.HEAD
            )
        if r < 0.85:  # widowed, mostly women
            sex = "P" if rng.random() < 0.75 else "L"
            birth = today - _years(rng.triangular(55, 92, 68))
            since = rng.randint(min(birth + _years(45), today), today)
            return Person(
                self._name(rng, sex), sex, birth, Relationship.HEAD, MaritalStatus.WIDOWED, since
            )
        sex = "L" if rng.random() < 0.5 else "P"
        birth = today - _years(rng.uniform(28, 60))
        since = rng.randint(birth + _years(22), today)
        return Person(
            self._name(rng, sex), sex, birth, Relationship.HEAD, MaritalStatus.DIVORCED, since
        )

    def _marriage(self, rng: random.Random) -> str:
        return (
            MaritalStatus.MARRIED_RECORDED
            if rng.random() < 0.88
            else MaritalStatus.MARRIED_UNRECORDED
        )

    def _childless_couple(self, rng: random.Random) -> list[Person]:
        today = self.today
        gap = min(max(rng.gauss(4, 3.5), -3), 12)  # how much older the husband is
        # Newly wed, or their children have grown up and gone.
        wife_age = rng.uniform(19.5, 32) if rng.random() < 0.4 else rng.uniform(45, 80)
        wife_birth = today - _years(wife_age)
        husband_birth = today - _years(max(wife_age + gap, 19.5))
        status = self._marriage(rng)
        married = None
        if status == MaritalStatus.MARRIED_RECORDED:
            earliest = max(wife_birth, husband_birth) + _years(19)
            married = rng.randint(earliest, min(earliest + _years(rng.uniform(0, 9)), today))
        husband = Person(
            self._name(rng, "L"), "L", husband_birth, Relationship.HEAD, status, married
        )
        wife = Person(self._name(rng, "P"), "P", wife_birth, Relationship.WIFE, status, married)
        return [husband, wife]

    def _family_with_children(
        self, rng: random.Random, *, children: int, single_parent: bool, elders: int
    ) -> list[Person]:
        """Parents 20 to 45 years older than each of their children; children at most 30."""
        today = self.today
        first_birth_age = min(rng.triangular(20, 34, 23), 42 - (children - 1) * 1.2)  # mother's
        gap = min(max(rng.gauss(4, 3.5), -3), 12, 44.5 - first_birth_age - (children - 1) * 0.9)
        gap = max(gap, 20.05 - first_birth_age)  # the husband is older by `gap` years
        spacing = [
            0.0 if rng.random() < 0.02 else rng.triangular(1.0, 6.0, 2.5)
            for _ in range(children - 1)
        ]
        span, allowed = sum(spacing), 44.5 - first_birth_age - max(gap, 0.0)
        if span > allowed:
            spacing = [s * allowed / span for s in spacing]
            span = allowed
        # The adult whose parents live with the family (head or wife) is at most 65.
        mother_present = not single_parent or rng.random() < 0.75
        parents_of_head = single_parent or rng.random() < 0.5
        linked_is_father = not mother_present if single_parent else parents_of_head
        linked_first_age = first_birth_age + (gap if linked_is_father else 0.0)
        youngest_max = 30 - span
        if elders:
            youngest_max = min(youngest_max, 65 - linked_first_age - span)
        youngest_age = max(youngest_max, 0) * rng.random() ** 1.15
        eldest = today - _years(youngest_age) - _years(span)
        mother_birth = eldest - _years(first_birth_age)
        father_birth = mother_birth - _years(gap)

        father = Person(self._name(rng, "L"), "L", father_birth, Relationship.HEAD)
        mother = Person(self._name(rng, "P"), "P", mother_birth, Relationship.WIFE)
        kids, birth = [], eldest
        for n in range(children):
            if n:
                birth += _years(spacing[n - 1])
            sex = "L" if rng.random() < 0.515 else "P"
            kids.append(
                Person(self._name(rng, sex), sex, birth, Relationship.CHILD,
                       father_name=father.name, mother_name=mother.name)
            )  # fmt: skip
        if single_parent:
            head = mother if mother_present else father
            head.relationship = Relationship.HEAD
            head.marital_status = (
                MaritalStatus.WIDOWED if rng.random() < 0.55 else MaritalStatus.DIVORCED
            )
            head.marital_date = rng.randint(min(birth + 110, today), today)
            adults = [head]
            linked = head
        else:
            status = self._marriage(rng)
            married = None
            if status == MaritalStatus.MARRIED_RECORDED:
                married = max(
                    eldest - _years(rng.uniform(0.75, 3.0)),
                    max(father_birth, mother_birth) + _years(19),
                )
            for adult in (father, mother):
                adult.marital_status, adult.marital_date = status, married
            adults = [father, mother]
            linked = father if parents_of_head else mother
        members = adults + kids
        if elders:
            members += self._elders(rng, linked=linked, count=elders)
        return members

    def _elders(self, rng: random.Random, *, linked: Person, count: int) -> list[Person]:
        """The parents (one or both) of ``linked`` living in the household; they give ``linked``
        their names as father's and mother's name."""
        today = self.today
        relationship = (
            Relationship.PARENT
            if linked.relationship == Relationship.HEAD
            else Relationship.PARENT_IN_LAW
        )
        linked_age = (today - linked.birth) / YEAR
        mother_gap = rng.triangular(20, min(42, 93 - linked_age), 26)
        father_gap = min(
            max(mother_gap + min(max(rng.gauss(4, 3), -2), 8), 20.05), 45, 95 - linked_age
        )
        elder_mother = Person(
            self._name(rng, "P"), "P", linked.birth - _years(mother_gap), relationship
        )
        elder_father = Person(
            self._name(rng, "L"), "L", linked.birth - _years(father_gap), relationship
        )
        for elder in (elder_mother, elder_father):
            elder.father_name, elder.mother_name = self._name(rng, "L"), self._name(rng, "P")
        linked.father_name, linked.mother_name = elder_father.name, elder_mother.name
        if count == 2:
            married = linked.birth - _years(rng.uniform(0.8, 4.0))
            for elder in (elder_father, elder_mother):
                elder.marital_status, elder.marital_date = MaritalStatus.MARRIED_RECORDED, married
            return [elder_father, elder_mother]
        elder = elder_mother if rng.random() < 0.7 else elder_father
        elder.marital_status = MaritalStatus.WIDOWED
        elder.marital_date = rng.randint(
            min(max(linked.birth, elder.birth + _years(40)), today), today
        )
        return [elder]

    # -- what is printed on the card ------------------------------------------------------------

    def _education(self, rng: random.Random, age: float) -> str:
        if age < 7:
            return Education.NONE
        if age < 13:
            return Education.SD_INCOMPLETE
        if age < 16:
            return Education.SD
        if age < 19:
            return Education.SLTP
        band = 19 if age < 22 else 22 if age < 25 else 25 if age < 45 else 45 if age < 65 else 65
        return _ADULT_EDUCATION[band].pick(rng)

    def _occupation(
        self, rng: random.Random, *, age: float, sex: str, education: str, urban: bool
    ) -> str:
        if age < 6:
            return BELUM
        if age < 16:
            return PELAJAR
        level = EDUCATION_LEVEL[education]
        if age < 19:
            r = rng.random()
            return PELAJAR if r < 0.88 else BELUM if r < 0.96 else BURUH
        if age < 25 and level >= EDUCATION_LEVEL[Education.SLTA] and rng.random() < 0.3:
            return PELAJAR
        schooling = (
            0
            if level <= EDUCATION_LEVEL[Education.SLTP]
            else 1
            if level <= EDUCATION_LEVEL[Education.D3]
            else 2
        )
        if age >= 65:
            return _ELDERLY_OCCUPATION[sex, min(schooling, 1)].pick(rng)
        occupation = _ADULT_OCCUPATION[sex, schooling, urban].pick(rng)
        if occupation in RETIRES_AT_58 and age >= 58:
            return PENSIUNAN
        if occupation == DOSEN and level < EDUCATION_LEVEL[Education.S2]:
            return GURU
        return occupation

    # -- rows -----------------------------------------------------------------------------------

    @staticmethod
    def _next_serial(serials: dict[str, int], used: dict[str, int], part: str) -> int:
        """The next serial for date part ``part``; ``used`` collects the last one per part, and
        starts at 0 for a part that was never used (its serial row does not exist yet)."""
        if part not in used:
            used[part] = 0 if part not in serials else -1
        serial = serials.get(part, 0) + 1
        if serial > MAX_SERIAL:
            raise SeedingError(f"serials of {part} are used up in this kecamatan")
        serials[part] = serial
        return serial

    def make(self, chunk: Chunk, family_ids: Sequence[int]) -> ChunkRows:
        """The families of ``chunk`` with ids ``family_ids``, their members, and the serials."""
        rng = random.Random(chunk.seed)  # noqa: S311 - synthetic data
        words, today, first_day, kecamatan = self.words, self.today, self.first_day, chunk.kecamatan
        nik_serials = self.nik_serials.setdefault(kecamatan, {})
        kk_serials = self.kk_serials.setdefault(kecamatan, {})
        used_nik: dict[str, int] = {}
        used_kk: dict[str, int] = {}
        family_lines: list[str] = []
        resident_lines: list[str] = []
        family_tail, resident_tail = self.family_tail, self.resident_tail
        for family_id, size in zip(family_ids, chunk.family_sizes, strict=True):
            members = self._household(rng, size)
            spot = chunk.desa[bisect.bisect_right(chunk.desa_cumulative, rng.random())]
            # A card is printed again whenever its members change: after the last birth,
            # wedding, divorce or death, and most families got a new one in the last 15 years.
            last_change = max(
                max(p.birth for p in members),
                max(p.marital_date or 0 for p in members),
                today - _years(15),
            )
            issued = rng.randint(min(last_change, today), today)
            part = self.male_part[issued - first_day]
            kk = f"{kecamatan}{part}{self._next_serial(kk_serials, used_kk, part):04d}"
            street = words.streets[int(rng.random() * len(words.streets))]
            prefix = words.street_prefixes[int(rng.random() * len(words.street_prefixes))]
            family_lines.append(
                f"{family_id}\t{encrypt(kk, context=self.kk_context)}\t{kk_index(kk)}\t"
                f"{spot.code}\t{rng.randint(1, 8):03d}\t{rng.randint(1, 12):03d}\t"
                f"{prefix} {street} No. {rng.randint(1, 150)}\t{spot.postal_code}\t"
                f"{self.iso[issued - first_day]}{family_tail}"
            )
            religion = _RELIGIONS.pick(rng)
            for p in members:
                age = (today - p.birth) / YEAR
                education = self._education(rng, age)
                occupation = self._occupation(
                    rng, age=age, sex=p.sex, education=education, urban=spot.urban
                )
                home = rng.random() < (0.9 if p.relationship == Relationship.CHILD else 0.6)
                places = words.other_birth_places
                birth_place = chunk.birth_place if home else places[int(rng.random() * len(places))]
                day = p.birth - first_day
                part = (self.male_part if p.sex == "L" else self.female_part)[day]
                nik = f"{kecamatan}{part}{self._next_serial(nik_serials, used_nik, part):04d}"
                married = NULL if p.marital_date is None else self.iso[p.marital_date - first_day]
                mother_name = p.mother_name or self._name(rng, "P")
                resident_lines.append(
                    f"{encrypt(nik, context=self.nik_context)}\t{nik_index(nik)}\t{p.name}\t"
                    f"{p.sex}\t{birth_place}\t{self.iso[day]}\t{religion}\t{education}\t"
                    f"{occupation}\t{_BLOOD.pick(rng)}\t{p.marital_status}\t{married}\t"
                    f"{family_id}\t{p.relationship}\t{p.father_name or self._name(rng, 'L')}\t"
                    f"{encrypt(mother_name, context=self.mother_context)}{resident_tail}"
                )
        new: list[tuple[str, str, int]] = []
        known: list[tuple[str, str, int]] = []
        for kind, used, serials in (("nik", used_nik, nik_serials), ("kk", used_kk, kk_serials)):
            for part, origin in used.items():
                (new if origin == 0 else known).append((kind, kecamatan + part, serials[part]))
        return ChunkRows(
            number=chunk.number,
            families=len(family_lines),
            residents=len(resident_lines),
            family_rows="".join(family_lines).encode(),
            resident_rows="".join(resident_lines).encode(),
            new_serials=new,
            known_serials=known,
        )


# ---------------------------------------------------------------------------------------------
# Writing


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(names: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(n) for n in names)


class _Writer:
    """How rows reach one kind of database; ``write`` runs inside the caller's transaction."""

    now_text: str
    false_text: str
    integrity_errors: tuple[type[BaseException], ...] = (IntegrityError,)

    def cursor(self) -> Any:
        raise NotImplementedError

    def reserve_family_ids(self, count: int) -> list[int]:
        raise NotImplementedError

    def write(self, rows: ChunkRows) -> None:
        raise NotImplementedError

    def read_serials(self, kecamatan: str) -> dict[str, dict[str, int]]:
        """Serials already handed out in ``kecamatan``: ``{"nik": {DDMMYY: last}, "kk": …}``."""
        serials: dict[str, dict[str, int]] = {"nik": {}, "kk": {}}
        with self.cursor() as cursor:
            cursor.execute(
                f"SELECT kind, prefix, last_serial FROM {_table(IdentifierSerial)} "  # noqa: S608
                "WHERE kind IN ('nik', 'kk') AND prefix >= %s AND prefix < %s",
                [kecamatan, f"{int(kecamatan) + 1:06d}"],
            )
            for kind, prefix, last in cursor.fetchall():
                serials[kind][prefix[6:]] = last
        return serials


class _PostgresWriter(_Writer):
    """``COPY … FROM STDIN`` of rows made in ``COPY`` text format, on one psycopg connection:
    the Django connection's, or a worker process's own."""

    false_text = "f"

    def __init__(self, raw_connection: Any, now: dt.datetime) -> None:
        import psycopg

        self.raw_connection = raw_connection
        self.integrity_errors = (IntegrityError, psycopg.IntegrityError)
        self.now_text = now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00")
        serial = _table(IdentifierSerial)
        self.copy_families = f"COPY {_table(Family)} ({_columns(FAMILY_COLUMNS)}) FROM STDIN"
        self.copy_residents = f"COPY {_table(Resident)} ({_columns(RESIDENT_COLUMNS)}) FROM STDIN"
        self.copy_serials = f"COPY {serial} (kind, prefix, last_serial) FROM STDIN"
        self.upsert_serials = (
            f"INSERT INTO {serial} (kind, prefix, last_serial) "  # noqa: S608 - fixed names
            "SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::integer[]) "
            "ON CONFLICT (kind, prefix) DO UPDATE SET last_serial = "
            f"GREATEST({serial}.last_serial, EXCLUDED.last_serial)"
        )
        self.next_ids = (
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
        )

    def cursor(self) -> Any:
        return self.raw_connection.cursor()

    def reserve_family_ids(self, count: int) -> list[int]:
        # nextval() never hands an id out twice, so these cannot collide with rows that the
        # ORM inserts meanwhile, and the sequence stays ahead of every id written here.
        with self.cursor() as cursor:
            cursor.execute(self.next_ids, [Family._meta.db_table, count])
            return [row[0] for row in cursor.fetchall()]

    def write(self, rows: ChunkRows) -> None:
        with self.cursor() as cursor:
            # Losing the last batches in a crash is harmless for synthetic data; waiting for
            # the disk at every commit is not.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            with cursor.copy(self.copy_families) as copy:
                copy.write(rows.family_rows)
            with cursor.copy(self.copy_residents) as copy:
                copy.write(rows.resident_rows)
            if rows.new_serials:  # a prefix taken meanwhile by someone else fails the COPY
                with cursor.copy(self.copy_serials) as copy:
                    copy.write("".join(f"{k}\t{p}\t{n}\n" for k, p, n in rows.new_serials))
            if rows.known_serials:
                columns = zip(*rows.known_serials, strict=True)
                cursor.execute(self.upsert_serials, [list(c) for c in columns])


class _SqliteWriter(_Writer):
    """Batched ``INSERT`` on the Django connection (the demo on a bare machine)."""

    false_text = "0"

    def __init__(self, now: dt.datetime) -> None:
        # Django keeps datetimes in SQLite as naive UTC text.
        self.now_text = now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        serial = _table(IdentifierSerial)
        self.insert_families = self._insert(Family, FAMILY_COLUMNS)
        self.insert_residents = self._insert(Resident, RESIDENT_COLUMNS)
        self.upsert_serials = (
            f"INSERT INTO {serial} (kind, prefix, last_serial) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (kind, prefix) DO UPDATE SET last_serial = "
            f"MAX({serial}.last_serial, excluded.last_serial)"
        )

    @staticmethod
    def _insert(model: type, columns: Sequence[str]) -> str:
        marks = ", ".join(["%s"] * len(columns))
        return f"INSERT INTO {_table(model)} ({_columns(columns)}) VALUES ({marks})"  # noqa: S608

    def cursor(self) -> Any:
        return connection.cursor()

    def reserve_family_ids(self, count: int) -> list[int]:
        # Runs inside the write transaction, which SQLite runs alone (BEGIN IMMEDIATE).
        with self.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_table(Family)}")  # noqa: S608
            (last,) = cursor.fetchone()
        return list(range(last + 1, last + 1 + count))

    @staticmethod
    def _values(text: bytes) -> list[list[str | None]]:
        return [
            [None if v == NULL else v for v in line.split("\t")]
            for line in text.decode().splitlines()
        ]

    def write(self, rows: ChunkRows) -> None:
        with self.cursor() as cursor:
            cursor.executemany(self.insert_families, self._values(rows.family_rows))
            cursor.executemany(self.insert_residents, self._values(rows.resident_rows))
            cursor.executemany(self.upsert_serials, rows.new_serials + rows.known_serials)


# ---------------------------------------------------------------------------------------------
# Running


@dataclass(frozen=True)
class SeedResult:
    residents: int
    families: int
    seconds: float
    workers: int

    @property
    def per_second(self) -> float:
        return self.residents / self.seconds if self.seconds else 0.0


MAX_ATTEMPTS = 5  # a batch that meets an identifier taken by hand is made again with new serials


def seed_population(
    *,
    residents: int,
    regency: str | None = None,
    seed: int | str | None = None,
    progress: bool = False,
    workers: int | None = None,
    chunk_residents: int = CHUNK_RESIDENTS,
    dump_dir: Path | None = None,
) -> SeedResult:
    """Add ``residents`` synthetic residents in whole families to the served province (or to
    ``regency``, e.g. ``"36.03"``).

    Each batch of families is committed on its own, so an interruption leaves whole families
    only. On PostgreSQL, ``workers`` processes (default: one per CPU for large loads) each make
    rows and copy them in over their own connection. ``dump_dir`` receives the resident rows
    in ``COPY`` text format too (``residents-<n>.copy``, for benchmarks).
    """
    if residents < 1:
        raise SeedingError("residents must be at least 1")
    started = time.perf_counter()
    seed = str(seed if seed is not None else secrets.randbelow(2**63))
    chunks = plan_chunks(
        residents=residents, regency=regency, seed=seed, chunk_residents=chunk_residents
    )
    now, today = timezone.now(), timezone.localdate()
    if connection.vendor not in ("postgresql", "sqlite"):
        raise SeedingError(f"seeding supports PostgreSQL and SQLite, not {connection.vendor}")
    if connection.vendor != "postgresql":
        workers = 0
    elif workers is None:
        workers = (os.cpu_count() or 1) if residents >= PARALLEL_FROM else 0
    keyring()  # missing keys fail here, before any work
    with tqdm(
        total=residents, unit=" penduduk", disable=not progress, file=sys.stderr, smoothing=0.05
    ) as bar:
        if workers:
            families = _load_in_workers(chunks, workers, now, today, bar, dump_dir)
        else:
            if connection.vendor == "postgresql":
                connection.ensure_connection()
                writer: _Writer = _PostgresWriter(connection.connection, now)
            else:
                writer = _SqliteWriter(now)
            maker = PopulationMaker(
                today=today, now_text=writer.now_text, false_text=writer.false_text
            )
            with _dump_file(dump_dir, 0) as dump:
                families = _load(
                    chunks, maker, writer, transaction.atomic, lambda r, f: bar.update(r), dump
                )
    return SeedResult(residents, families, time.perf_counter() - started, workers)


@contextmanager
def _dump_file(dump_dir: Path | None, number: int) -> Iterator[IO[bytes] | None]:
    if dump_dir is None:
        yield None
        return
    with (dump_dir / f"residents-{number}.copy").open("wb") as f:
        yield f


def _load(
    chunks: list[Chunk],
    maker: PopulationMaker,
    writer: _Writer,
    atomic: Callable[[], AbstractContextManager[Any]],
    report: Callable[[int, int], None],
    dump: IO[bytes] | None,
) -> int:
    """Make and write ``chunks``, one transaction per batch of whole families. A batch that
    meets an identifier somebody entered by hand is rolled back and made again: the maker has
    moved past the serials it used, so the new attempt gets fresh ones."""
    families = 0
    for batch in _batches(chunks):
        kecamatan_codes = {chunk.kecamatan for chunk in batch}
        for code in [k for k in maker.nik_serials if k not in kecamatan_codes]:
            maker.forget(code)  # each worker's chunks come kecamatan by kecamatan
        for code in kecamatan_codes - maker.nik_serials.keys():
            maker.load_serials(code, writer.read_serials(code))
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with atomic():
                    made = []
                    for chunk in batch:
                        ids = writer.reserve_family_ids(len(chunk.family_sizes))
                        made.append(maker.make(chunk, ids))
                        writer.write(made[-1])
                break
            except writer.integrity_errors as e:
                if attempt == MAX_ATTEMPTS:
                    raise SeedingError(f"identifiers kept colliding: {e}") from e
        for rows in made:
            families += rows.families
            report(rows.residents, rows.families)
            if dump:
                dump.write(rows.resident_rows)
    return families


def _batches(chunks: list[Chunk]) -> Iterator[list[Chunk]]:
    """Consecutive chunks of at least ``CHUNK_RESIDENTS`` residents together (small loads
    spread over many kecamatan make small chunks, and a commit each would dominate)."""
    batch: list[Chunk] = []
    count = 0
    for chunk in chunks:
        batch.append(chunk)
        count += chunk.residents
        if count >= CHUNK_RESIDENTS:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def _load_in_workers(
    chunks: list[Chunk],
    workers: int,
    now: dt.datetime,
    today: dt.date,
    bar: tqdm,
    dump_dir: Path | None,
) -> int:
    """Worker processes, each with its own connection, make rows (choices and encryption are
    the costly part) and copy them in, so that PostgreSQL works on two streams at once. Each
    kecamatan belongs to one worker, which alone hands out its serials."""
    load = [0] * workers
    per_worker: list[list[Chunk]] = [[] for _ in range(workers)]
    owner: dict[str, int] = {}
    for chunk in chunks:  # chunks come kecamatan by kecamatan
        if chunk.kecamatan not in owner:
            owner[chunk.kecamatan] = load.index(min(load))
        load[owner[chunk.kecamatan]] += chunk.residents
        per_worker[owner[chunk.kecamatan]].append(chunk)
    params = connection.get_connection_params()
    word_lists()
    context = multiprocessing.get_context("fork")
    reports = context.Queue()
    processes = [
        context.Process(
            target=_work,
            args=(n, per_worker[n], params, now, today, dump_dir, reports),
            daemon=True,
        )
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    families, running = 0, workers
    try:
        while running:
            try:
                message = reports.get(timeout=2)
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in processes):
                    raise SeedingError("a seeding worker died") from None
                continue
            if message is None:
                running -= 1
            elif isinstance(message, str):
                raise SeedingError(f"a seeding worker failed:\n{message}")
            else:
                bar.update(message[0])
                families += message[1]
    finally:
        for process in processes:
            if running:
                process.terminate()
            process.join()
    return families


def _work(
    number: int,
    chunks: list[Chunk],
    params: dict[str, Any],
    now: dt.datetime,
    today: dt.date,
    dump_dir: Path | None,
    reports: Any,
) -> None:
    """One worker process. It never touches the Django connection inherited through fork (that
    stays the parent's); it opens its own."""
    try:
        import psycopg

        with (
            psycopg.connect(**params, autocommit=True) as raw_connection,
            _dump_file(dump_dir, number) as dump,
        ):
            writer = _PostgresWriter(raw_connection, now)
            maker = PopulationMaker(
                today=today, now_text=writer.now_text, false_text=writer.false_text
            )
            _load(
                chunks,
                maker,
                writer,
                raw_connection.transaction,
                lambda r, f: reports.put((r, f)),
                dump,
            )
        reports.put(None)
    except BaseException:  # noqa: BLE001 - the parent reports it and stops the run
        reports.put(traceback.format_exc())
