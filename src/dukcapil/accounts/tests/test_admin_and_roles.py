import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.urls import reverse

from dukcapil.accounts.decorators import role_required
from dukcapil.accounts.models import JurisdictionLevel, Role, User
from dukcapil.accounts.testing import login_verified, login_with_totp

ADMIN = reverse("admin:index")


@role_required(Role.VERIFIER, Role.REGENCY_HEAD)
def verifier_page(request):
    return HttpResponse("ok")


def request_as(rf, user, *, verified):
    request = rf.get("/staf/antrian/")
    if user is not None:
        user.is_verified = lambda: verified  # what django-otp's middleware sets
    request.user = user if user is not None else AnonymousUser()
    return request


@pytest.mark.django_db
def test_role_required_lets_a_verified_user_with_the_role_in(rf, verifier, regency_head):
    assert verifier_page(request_as(rf, verifier, verified=True)).status_code == 200
    assert verifier_page(request_as(rf, regency_head, verified=True)).status_code == 200


@pytest.mark.django_db
def test_role_required_refuses_other_roles(rf, kecamatan_operator, province_monitor):
    for user in (kecamatan_operator, province_monitor):
        with pytest.raises(PermissionDenied):
            verifier_page(request_as(rf, user, verified=True))


@pytest.mark.django_db
def test_role_required_sends_a_session_without_second_factor_to_login(rf, verifier):
    for user in (verifier, None):
        response = verifier_page(request_as(rf, user, verified=False))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_role_required_needs_roles():
    with pytest.raises(TypeError):
        role_required()


@pytest.mark.django_db
def test_admin_requires_a_second_factor(client, administrator):
    client.force_login(administrator, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    login_verified(client, administrator)
    assert client.get(ADMIN).status_code == 200


@pytest.mark.django_db
def test_admin_login_takes_password_and_totp_code(client, administrator):
    from dukcapil.accounts.testing import totp_device
    from dukcapil.accounts.totp import unused_code

    response = client.post(
        reverse("admin:login"),
        {
            "username": administrator.username,
            "password": "uji-Sandi-2024-rahasia",
            "otp_token": unused_code(totp_device(administrator)),
            "next": ADMIN,
        },
    )
    assert response.status_code == 302
    assert client.get(ADMIN).status_code == 200


@pytest.mark.django_db
def test_staff_without_is_staff_are_kept_out_of_the_admin(client, verifier):
    assert login_with_totp(client, verifier).status_code == 302
    assert client.get(ADMIN).status_code == 302


@pytest.mark.django_db
def test_admin_shows_role_and_jurisdiction_of_a_user(client, administrator, verifier):
    login_verified(client, administrator)
    page = client.get(reverse("admin:accounts_user_change", args=[verifier.pk])).content.decode()
    for field in ("id_role", "id_jurisdiction_level", "id_regency", "id_kecamatan"):
        assert field in page
    # Regions outside the served province are not offered.
    assert 'value="36.73"' in page
    assert 'value="31.71"' not in page


@pytest.mark.django_db
def test_administrator_adds_a_kecamatan_operator_in_the_admin(client, administrator):
    login_verified(client, administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "operator.kasemen",
            "password1": "Panjang-Sekali-2024",
            "password2": "Panjang-Sekali-2024",
            "usable_password": "true",
            "first_name": "Siti",
            "last_name": "Rahmawati",
            "email": "",
            "role": Role.KECAMATAN_OPERATOR,
            "jurisdiction_level": JurisdictionLevel.KECAMATAN,
            "regency": "",
            "kecamatan": "36.73.02",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="operator.kasemen")
    assert (user.regency_id, user.kecamatan_id) == ("36.73", "36.73.02")


@pytest.mark.django_db
def test_a_kecamatan_must_lie_in_the_chosen_regency():
    user = User(
        username="x",
        role=Role.KECAMATAN_OPERATOR,
        jurisdiction_level=JurisdictionLevel.KECAMATAN,
        regency_id="36.03",
        kecamatan_id="36.73.01",
    )
    with pytest.raises(ValidationError) as e:
        user.full_clean(exclude=["password"])
    assert "kecamatan" in e.value.message_dict


@pytest.mark.django_db
def test_a_regency_level_user_needs_a_regency():
    user = User(username="x", role=Role.VERIFIER, jurisdiction_level=JurisdictionLevel.REGENCY)
    with pytest.raises(ValidationError) as e:
        user.full_clean(exclude=["password"])
    assert "regency" in e.value.message_dict


@pytest.mark.django_db
def test_jurisdiction_names(kecamatan_operator, verifier, province_monitor):
    assert kecamatan_operator.jurisdiction_name == "Kecamatan Serang, Kota Serang"
    assert verifier.jurisdiction_name == "Kota Serang"
    assert province_monitor.jurisdiction_name == "Provinsi Banten"
