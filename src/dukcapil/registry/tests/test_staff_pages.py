import pytest

from dukcapil.accounts.models import Role
from dukcapil.accounts.testing import login_verified, make_staff
from dukcapil.registry.identifiers import mask_nik
from dukcapil.registry.testing import make_family, make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident():
    return make_resident(family=make_family(desa_code="36.73.01.1001"))


def test_operator_finds_a_resident_of_their_kecamatan_by_nik_with_the_full_number(client, resident):
    login_verified(client, make_staff(Role.KECAMATAN_OPERATOR, kecamatan="36.73.01"))
    response = client.get("/staf/penduduk/", {"nik": resident.nik})
    assert response.status_code == 200
    assert resident.name in response.text
    assert resident.nik in response.text


def test_regency_head_sees_the_nik_masked(client, resident):
    login_verified(client, make_staff(Role.REGENCY_HEAD, regency="36.73"))
    response = client.get("/staf/penduduk/", {"name": "budi", "birth_date": "1985-03-14"})
    assert resident.name in response.text
    assert mask_nik(resident.nik) in response.text
    assert resident.nik not in response.text
    detail = client.get(f"/staf/penduduk/{resident.pk}/")
    assert resident.nik not in detail.text
    assert resident.family.kk_number not in detail.text


def test_staff_of_another_kecamatan_or_regency_find_nothing_and_get_404(client, resident):
    for user in (
        make_staff(Role.KECAMATAN_OPERATOR, kecamatan="36.73.02"),
        make_staff(Role.VERIFIER, regency="36.03"),
    ):
        login_verified(client, user)
        response = client.get("/staf/penduduk/", {"nik": resident.nik})
        assert resident.name not in response.text
        assert client.get(f"/staf/penduduk/{resident.pk}/").status_code == 404


def test_the_province_monitor_never_sees_a_person(client, resident):
    login_verified(client, make_staff(Role.PROVINCE_MONITOR))
    assert client.get("/staf/penduduk/", {"nik": resident.nik}).status_code == 403


def test_detail_shows_family_members_and_the_history(client, resident):
    login_verified(client, make_staff(Role.VERIFIER, regency="36.73"))
    response = client.get(f"/staf/penduduk/{resident.pk}/")
    assert response.status_code == 200
    assert "Riwayat perubahan" in response.text
    assert "test" in response.text  # the actor label of the creation


def test_an_invalid_nik_is_refused_with_a_message(client):
    login_verified(client, make_staff(Role.VERIFIER, regency="36.73"))
    response = client.get("/staf/penduduk/", {"nik": "12345"})
    assert response.status_code == 400
    assert "16 angka" in response.text


def test_search_needs_login_with_a_second_factor(client, resident):
    response = client.get("/staf/penduduk/", {"nik": resident.nik})
    assert response.status_code == 302
    assert "/staf/masuk/" in response["Location"]
