import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from dukcapil.accounts.testing import (
    login_verified,
    login_with_totp,
    make_backup_codes,
    totp_device,
)
from dukcapil.accounts.totp import current_code

HOME = reverse("accounts:home")


def is_verified_session(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


@pytest.mark.django_db
def test_login_page_asks_for_password_and_code(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b'name="otp_token"' in response.content
    assert b'name="password"' in response.content


@pytest.mark.django_db
def test_password_and_a_valid_totp_code_log_in_and_open_staff_home(client, verifier):
    response = login_with_totp(client, verifier)
    assert response.status_code == 302
    assert response.url == HOME
    assert is_verified_session(client)
    home = client.get(HOME)
    assert home.status_code == 200
    assert "Kota Serang" in home.content.decode()


@pytest.mark.django_db
def test_a_wrong_totp_code_is_refused(client, verifier):
    right = current_code(totp_device(verifier))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = login_with_totp(client, verifier, code=wrong)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Kode salah" in response.content.decode()
    assert client.get(HOME).status_code == 302


@pytest.mark.django_db
def test_a_right_code_with_a_wrong_password_is_refused(client, verifier):
    response = login_with_totp(client, verifier, password="bukan-sandinya")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_alone_is_not_enough(client, verifier):
    response = login_with_totp(client, verifier, code="")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_totp_code_cannot_be_replayed(client, verifier):
    code = current_code(totp_device(verifier))
    assert login_with_totp(client, verifier, code=code).status_code == 302
    client.logout()
    response = login_with_totp(client, verifier, code=code)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_backup_code_works_once_then_never_again(client, verifier):
    codes = make_backup_codes(verifier)
    response = login_with_totp(client, verifier, code=codes[0])
    assert response.status_code == 302
    assert is_verified_session(client)
    client.logout()
    response = login_with_totp(client, verifier, code=codes[0])
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_backup_code_may_be_typed_in_capitals_with_spaces(client, verifier):
    code = make_backup_codes(verifier, count=1)[0]
    typed = f"{code[:4].upper()} {code[4:].upper()}"
    assert login_with_totp(client, verifier, code=typed).status_code == 302


@pytest.mark.django_db
def test_a_user_without_a_second_factor_device_cannot_log_in(client):
    from dukcapil.accounts.models import Role
    from dukcapil.accounts.testing import make_staff

    user = make_staff(Role.VERIFIER, regency="36.73", with_totp=False)
    response = login_with_totp(client, user, code="123456")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_staff_home_sends_anonymous_users_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_staff_home_sends_a_session_without_second_factor_to_login(client, verifier):
    client.force_login(verifier, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_login_verified_helper_gives_a_verified_session(client, kecamatan_operator):
    login_verified(client, kecamatan_operator)
    assert client.get(HOME).status_code == 200


@pytest.mark.django_db
def test_repeated_wrong_codes_lock_the_account_out_even_for_the_right_code(
    client, verifier, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(3):
        login_with_totp(client, verifier, code="000000")
    response = login_with_totp(client, verifier)
    assert response.status_code == 429
    assert "dikunci" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account_out(client, verifier, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(2):
        login_with_totp(client, verifier, password="salah")
    assert login_with_totp(client, verifier).status_code == 429


@pytest.mark.django_db
def test_logout_ends_the_session(client, verifier):
    login_verified(client, verifier)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(HOME).status_code == 302
