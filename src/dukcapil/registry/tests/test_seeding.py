import datetime as dt
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from dukcapil.regions.models import undotted
from dukcapil.registry import services
from dukcapil.registry.choices import MaritalStatus, Relationship, Sex
from dukcapil.registry.identifiers import (
    parse_kk_number,
    parse_nik,
    validate_person_name,
    validate_postal_code,
    validate_rt_rw,
)
from dukcapil.registry.models import Family, IdentifierSerial, Resident
from dukcapil.registry.seeding import seed_population
from dukcapil.registry.selectors import get_resident_by_nik, kk_index, nik_index
from dukcapil.registry.testing import make_family, make_resident

pytestmark = pytest.mark.django_db

YEAR = dt.timedelta(days=365.2425)


def seed(residents: int, **options) -> None:
    call_command(
        "seed_population", residents=residents, no_progress=True, stdout=StringIO(), **options
    )


def residents_by_family() -> dict[int, list[Resident]]:
    families = defaultdict(list)
    for resident in Resident.objects.all():
        families[resident.family_id].append(resident)
    return families


def test_seeding_makes_exactly_the_residents_asked_in_families_with_one_head_each():
    seed(500, seed=1)
    assert Resident.objects.count() == 500
    families = residents_by_family()
    assert len(families) == Family.objects.count()
    assert all(
        sum(r.relationship == Relationship.HEAD for r in members) == 1
        for members in families.values()
    )
    sizes = Counter(len(members) for members in families.values())
    assert sizes[1] > 0 and max(sizes) >= 5  # single-person households and big families
    assert 2.5 < 500 / len(families) < 5


def test_every_nik_and_kk_number_is_valid_unique_and_of_the_families_kecamatan():
    seed(400, seed=2)
    niks = []
    for resident in Resident.objects.select_related("family__desa"):
        parsed = parse_nik(resident.nik, sex=resident.sex, birth_date=resident.birth_date)
        assert parsed.prefix_known
        assert parsed.kecamatan_prefix == undotted(resident.family.desa.kecamatan_id)
        assert resident.nik_index == nik_index(resident.nik)
        niks.append(resident.nik)
    assert len(set(niks)) == len(niks) == 400
    kk_numbers = []
    for family in Family.objects.select_related("desa"):
        parsed = parse_kk_number(family.kk_number)
        assert parsed.prefix_known
        assert parsed.kecamatan_prefix == undotted(family.desa.kecamatan_id)
        assert parsed.registered_on == family.issued_on <= timezone.localdate()
        assert family.kk_index == kk_index(family.kk_number)
        assert validate_rt_rw(family.rt, label="RT") == family.rt
        assert validate_postal_code(family.postal_code)[:2] in ("42", "15")
        kk_numbers.append(family.kk_number)
    assert len(set(kk_numbers)) == len(kk_numbers)


def test_families_are_consistent_ages_names_and_marriages():
    seed(1500, seed=3)
    checked_children = 0
    for members in residents_by_family().values():
        head = next(r for r in members if r.relationship == Relationship.HEAD)
        wife = next((r for r in members if r.relationship == Relationship.WIFE), None)
        children = [r for r in members if r.relationship == Relationship.CHILD]
        elders = [r for r in members if r.relationship == Relationship.PARENT]
        for person in members:
            validate_person_name(person.name)
            assert person.birth_date <= timezone.localdate()
            assert person.marital_date is None or person.marital_date > person.birth_date
        if wife:
            assert head.sex == Sex.MALE and wife.sex == Sex.FEMALE
            assert head.marital_status == wife.marital_status
            assert head.marital_date == wife.marital_date
            assert wife.birth_date + 19 * YEAR <= (wife.marital_date or timezone.localdate())
        for child in children:
            assert child.marital_status == MaritalStatus.SINGLE
            for parent in (head, wife):
                if parent is None:
                    continue
                assert parent.birth_date + 20 * YEAR <= child.birth_date
                assert child.birth_date <= parent.birth_date + 45 * YEAR
            if wife:
                assert child.father_name == head.name
                assert child.mother_name == wife.name
            elif head.sex == Sex.FEMALE:
                assert child.mother_name == head.name
            else:
                assert child.father_name == head.name
            checked_children += 1
        for elder in elders:
            assert elder.birth_date + 20 * YEAR <= head.birth_date
            assert elder.name in (head.father_name, head.mother_name)
    assert checked_children > 300


def test_population_is_spread_over_the_province_roughly_by_regency_population():
    seed(4000, seed=4)
    per_regency = Counter(
        code[:5] for code in Resident.objects.values_list("family__desa_id", flat=True)
    )
    assert set(per_regency) == {
        "36.01",
        "36.02",
        "36.03",
        "36.04",
        "36.71",
        "36.72",
        "36.73",
        "36.74",
    }
    assert per_regency["36.03"] > per_regency["36.72"] * 4  # 3.46 million against 0.48 million
    religions = Counter(Resident.objects.values_list("religion", flat=True))
    assert 0.85 < religions["islam"] / 4000 < 0.99


def test_regency_option_puts_everyone_in_that_regency():
    seed(300, regency="3603", seed=5)
    assert Resident.objects.count() == 300
    assert set(Family.objects.values_list("desa__kecamatan__regency_id", flat=True)) == {"36.03"}
    assert all(r.nik.startswith("3603") for r in Resident.objects.all())


def test_seeding_twice_with_the_same_seed_continues_the_serials():
    seed(300, regency="36.73", seed=6)
    first = list(Resident.objects.order_by("id").values_list("name", "birth_date"))
    seed(300, regency="36.73", seed=6)
    residents = list(Resident.objects.order_by("id"))
    # The same people again (same seed), each with a NIK of their own.
    assert [(r.name, r.birth_date) for r in residents[300:]] == first
    assert len({r.nik for r in residents}) == 600
    twin = residents[300]
    assert twin.nik[:12] == residents[0].nik[:12]
    assert int(twin.nik[12:]) > int(residents[0].nik[12:])
    # The serial table knows every number handed out, so the services continue after them.
    last = max(int(r.nik[12:]) for r in residents if r.nik[:12] == twin.nik[:12])
    assert IdentifierSerial.objects.get(kind="nik", prefix=twin.nik[:12]).last_serial == last
    newborn = services.assign_nik(
        kecamatan=twin.family.desa.kecamatan, birth_date=twin.birth_date, sex=twin.sex
    )
    assert int(newborn[12:]) == last + 1
    # And rows added through the ORM afterwards get ids of their own.
    family = make_family(desa_code="36.73.01.1001")
    assert family.pk > max(r.family_id for r in residents)


def test_a_nik_entered_by_hand_is_not_given_to_a_synthetic_resident():
    seed(200, regency="36.73", seed=7)
    taken = Resident.objects.order_by("id")[5]
    nik, sex, birth_date = taken.nik, taken.sex, taken.birth_date
    Resident.objects.all().delete()
    Family.objects.all().delete()
    IdentifierSerial.objects.all().delete()
    # Someone who moved in keeps their NIK; the serial table does not know about it.
    make_resident(nik=nik, sex=sex, birth_date=birth_date, name="Pendatang Baru")
    seed(200, regency="36.73", seed=7)
    niks = [r.nik for r in Resident.objects.all()]
    assert len(niks) == len(set(niks)) == 201
    assert get_resident_by_nik(nik).name == "Pendatang Baru"


def test_no_nik_kk_number_or_mother_name_is_stored_in_clear():
    seed(200, seed=8)
    residents = list(Resident.objects.order_by("id"))
    clear = {r.nik for r in residents} | {f.kk_number for f in Family.objects.all()}
    with connection.cursor() as cursor:
        for table in ("registry_resident", "registry_family", "registry_identifierserial"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed names
            stored = "\n".join("\t".join(str(v) for v in row) for row in cursor.fetchall())
            assert not [value for value in clear if value in stored]
        cursor.execute("SELECT nik, mother_name FROM registry_resident ORDER BY id")
        for resident, (nik, mother_name) in zip(residents, cursor.fetchall(), strict=True):
            assert nik.startswith("k") and "$" in nik
            assert mother_name != resident.mother_name and "$" in mother_name


def test_command_reports_what_it_made():
    out = StringIO()
    call_command("seed_population", residents=50, seed=9, no_progress=True, stdout=out)
    assert out.getvalue().startswith("50 penduduk dalam ")


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="worker processes copy on their own PostgreSQL connections",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_copy_in_parallel_without_colliding_with_later_inserts():
    result = seed_population(residents=3000, workers=2, chunk_residents=400, seed=10)
    assert result.workers == 2
    assert Resident.objects.count() == 3000
    assert Family.objects.count() == result.families
    assert Resident.objects.values("nik_index").distinct().count() == 3000
    heads = Counter(
        Resident.objects.filter(relationship=Relationship.HEAD).values_list("family_id", flat=True)
    )
    assert set(heads.values()) == {1} and len(heads) == result.families
    family = make_family(desa_code="36.73.01.1001")
    resident = make_resident(family=family)
    assert family.pk > max(heads)
    assert Resident.objects.filter(pk=resident.pk).exists()
