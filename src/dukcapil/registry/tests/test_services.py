import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from dukcapil.registry import services
from dukcapil.registry.choices import LifeStatus, Relationship, Sex
from dukcapil.registry.gateway import get_registry
from dukcapil.registry.identifiers import parse_kk_number, parse_nik
from dukcapil.registry.models import Family, RegistryChange, Resident
from dukcapil.registry.selectors import family_members, get_resident_by_nik
from dukcapil.registry.testing import make_family, make_resident

pytestmark = pytest.mark.django_db


def test_new_family_gets_a_kk_number_of_its_kecamatan_and_registration_date():
    family = make_family(desa_code="36.73.01.1001", issued_on=dt.date(2024, 5, 6))
    parsed = parse_kk_number(family.kk_number)
    assert family.kk_number.startswith("367301060524")
    assert parsed.prefix_known


def test_newborn_gets_a_fresh_nik_matching_sex_and_birth_date():
    family = make_family()
    baby = make_resident(
        family=family,
        name="Putri Ayu Lestari",
        sex=Sex.FEMALE,
        birth_date=dt.date(2024, 1, 9),
        relationship=Relationship.CHILD,
        marital_status="belum_kawin",
    )
    assert baby.nik[:12] == "367301490124"
    parsed = parse_nik(baby.nik, sex=Sex.FEMALE, birth_date=dt.date(2024, 1, 9))
    assert parsed.serial == 1
    twin = make_resident(
        family=family,
        name="Putra Ayu Lestari",
        sex=Sex.FEMALE,
        birth_date=dt.date(2024, 1, 9),
        relationship=Relationship.CHILD,
        marital_status="belum_kawin",
    )
    assert twin.nik != baby.nik
    assert parse_nik(twin.nik).serial == 2


def test_assigned_nik_skips_a_serial_already_taken_by_a_moved_in_resident():
    family = make_family()
    make_resident(family=family, nik="3673011403850001")
    newcomer = make_resident(
        family=family, relationship=Relationship.CHILD, name="Andi Santoso", nik=None
    )
    assert newcomer.nik == "3673011403850002"


def test_existing_nik_with_a_retired_region_code_is_flagged_not_refused():
    # 36.99.99 is not a kecamatan code (the resident moved in with an old number).
    resident = make_resident(nik="3699991403850007")
    assert resident.nik_prefix_unknown is True


def test_nik_that_disagrees_with_sex_is_refused_and_nothing_is_written():
    family = make_family()
    before = (Resident.objects.count(), RegistryChange.objects.count())
    with pytest.raises(ValidationError) as e:
        make_resident(family=family, nik="3673015403850001")  # +40: a woman's NIK
    assert "nik" in e.value.message_dict
    assert (Resident.objects.count(), RegistryChange.objects.count()) == before


def test_invalid_fields_are_all_reported_in_indonesian():
    with pytest.raises(ValidationError) as e:
        make_resident(name="Budi", father_name="Ahmad 2", religion="jedi", birth_place="")
    errors = e.value.message_dict
    assert set(errors) >= {"name", "father_name", "religion", "birth_place"}
    assert "2 kata" in errors["name"][0]


def test_invalid_family_address_is_refused():
    with pytest.raises(ValidationError) as e:
        make_family(rt="0", rw="abc", postal_code="123")
    assert set(e.value.message_dict) == {"rt", "rw", "postal_code"}
    assert Family.objects.count() == 0


def test_every_change_keeps_who_when_and_what():
    resident = make_resident()
    services.update_resident(
        resident=resident,
        actor=services.Actor(label="verifier-1"),
        reason="Perbaikan data",
        occupation="Wiraswasta",
        mother_name="Siti Aminah Zahra",
    )
    change = resident.changes.get(action=RegistryChange.Action.UPDATED)
    assert change.actor_label == "verifier-1"
    assert change.reason == "Perbaikan data"
    assert change.changes["occupation"] == ["Karyawan swasta", "Wiraswasta"]
    # the mother's name is sensitive: the history keeps it encrypted, never in clear
    assert "Siti Aminah" not in str(change.changes["mother_name"])
    assert set(change.changes) == {"occupation", "mother_name"}


def test_an_update_that_changes_nothing_leaves_no_history():
    resident = make_resident()
    services.update_resident(resident=resident, actor=None, occupation="Karyawan swasta")
    assert resident.changes.filter(action=RegistryChange.Action.UPDATED).count() == 0


def test_changing_birth_date_must_stay_consistent_with_the_nik():
    resident = make_resident()
    with pytest.raises(ValidationError) as e:
        services.update_resident(resident=resident, actor=None, birth_date=dt.date(1986, 3, 14))
    assert "nik" in e.value.message_dict
    resident.refresh_from_db()
    assert resident.birth_date == dt.date(1985, 3, 14)


def test_death_takes_the_resident_off_the_family_card():
    family = make_family()
    head = make_resident(family=family)
    wife = make_resident(
        family=family,
        name="Siti Rahma",
        sex=Sex.FEMALE,
        relationship=Relationship.WIFE,
        birth_date=dt.date(1988, 7, 1),
    )
    get_registry().record_death(
        resident=head, died_on=dt.date(2025, 1, 2), actor=None, reason="Akta kematian"
    )
    head.refresh_from_db()
    assert head.life_status == LifeStatus.DECEASED
    assert head.family is None
    assert list(family_members(family)) == [wife]


def test_a_family_has_one_head():
    family = make_family()
    make_resident(family=family)
    with pytest.raises(ValidationError) as e:
        make_resident(family=family, name="Joko Widodo Susilo")
    assert "relationship" in e.value.message_dict


def test_gateway_verifies_identity_without_saying_which_field_was_wrong():
    resident = make_resident()
    kk = resident.family.kk_number
    registry = get_registry()
    assert registry.verify_identity(nik=resident.nik, kk_number=kk, birth_date=resident.birth_date)
    for nik, kk_number, born in (
        ("3673011403850099", kk, resident.birth_date),
        (resident.nik, "3673010101010001", resident.birth_date),
        (resident.nik, kk, dt.date(1985, 3, 15)),
        ("not a nik", kk, resident.birth_date),
    ):
        assert registry.verify_identity(nik=nik, kk_number=kk_number, birth_date=born) is None


def test_lookup_by_nik_goes_through_the_blind_index():
    resident = make_resident()
    assert get_resident_by_nik(resident.nik) == resident
    assert get_resident_by_nik(resident.nik[:-1] + "9") is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_births_never_get_the_same_nik():
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is tested on PostgreSQL")
    family = make_family()
    born = dt.date(2025, 2, 3)
    niks: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def register(i: int) -> None:
        try:
            barrier.wait()
            resident = make_resident(
                family=family,
                name=f"Anak Ke {'abcdefgh'[i]}",
                relationship=Relationship.CHILD,
                birth_date=born,
                marital_status="belum_kawin",
            )
            niks.append(resident.nik)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(niks) == 8
    assert len(set(niks)) == 8
    assert sorted(int(n[-4:]) for n in niks) == list(range(1, 9))
