import json
import stat
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dukcapil.accounts.demo import DEMO_STAFF, credentials_path, current_totp_code
from dukcapil.accounts.models import Role, User
from dukcapil.accounts.testing import login_with_totp


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def run(*args: str) -> str:
    out = StringIO()
    call_command("setup_demo_accounts", *args, stdout=out)
    return out.getvalue()


def stored() -> dict:
    return json.loads(credentials_path().read_text())["accounts"]


@pytest.mark.django_db
def test_creates_one_account_per_role_in_real_jurisdictions_of_banten():
    run("--no-qr")
    users = {
        u.username: u for u in User.objects.filter(username__in=[s.username for s in DEMO_STAFF])
    }
    assert {u.role for u in users.values()} == set(Role.values)
    operator = users["operator.serang"]
    assert (operator.kecamatan_id, operator.regency_id) == ("36.73.01", "36.73")
    assert users["verifikator.kabtangerang"].regency_id == "36.03"
    assert users["pemantau.banten"].jurisdiction_level == "province"
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not users["verifikator.kotaserang"].is_staff
    assert all(u.first_name and u.last_name for u in users.values())
    for user in users.values():
        assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
        assert StaticToken.objects.filter(device__user=user).count() == 5


@pytest.mark.django_db
def test_prints_every_credential_and_a_qr_code():
    output = run()
    credentials = stored()
    for spec in DEMO_STAFF:
        account = credentials[spec.username]
        assert spec.username in output
        assert account["password"] in output
        for code in account["backup_codes"]:
            assert code in output
    assert "otpauth://totp/Dukcapil%20Daring%3Aoperator.serang?secret=" in output
    assert "Kecamatan Serang, Kota Serang" in output
    assert "Operator kecamatan" in output
    assert "▀" in output or "█" in output  # the QR code, in half blocks
    assert "█" not in run("--no-qr")


@pytest.mark.django_db
def test_keeps_the_credentials_in_a_file_only_its_owner_reads():
    run("--no-qr")
    mode = stat.S_IMODE(credentials_path().stat().st_mode)
    assert mode == 0o600


@pytest.mark.django_db
def test_a_second_run_prints_the_same_logins_and_creates_nothing():
    first = run("--no-qr")
    users = User.objects.count()
    second = run("--no-qr")
    assert User.objects.count() == users
    assert second.replace("sudah ada", "baru dibuat") == first


@pytest.mark.django_db
def test_a_second_run_recreates_what_the_database_lost():
    run("--no-qr")
    before = stored()
    User.objects.get(username="tte.kotaserang").delete()
    TOTPDevice.objects.filter(user__username="operator.serang").delete()
    run("--no-qr")
    after = stored()
    for key in ("first_name", "last_name", "password", "totp_key", "backup_codes"):
        assert after["tte.kotaserang"][key] == before["tte.kotaserang"][key]
    assert User.objects.filter(username="tte.kotaserang", role=Role.SIGNING_OFFICIAL).exists()
    assert after["operator.serang"]["totp_key"] == before["operator.serang"]["totp_key"]
    device = TOTPDevice.objects.get(user__username="operator.serang")
    assert device.key == before["operator.serang"]["totp_key"]


@pytest.mark.django_db
def test_a_used_backup_code_is_replaced_by_a_fresh_one():
    run("--no-qr")
    codes = stored()["cetak.kotaserang"]["backup_codes"]
    StaticToken.objects.filter(token=codes[0], device__user__username="cetak.kotaserang").delete()
    run("--no-qr")
    new_codes = stored()["cetak.kotaserang"]["backup_codes"]
    assert len(new_codes) == 5
    assert codes[0] not in new_codes
    assert new_codes[:4] == codes[1:]


@pytest.mark.django_db
def test_a_demo_account_logs_in_with_its_printed_password_and_totp_code(client):
    run("--no-qr")
    user = User.objects.get(username="verifikator.kotaserang")
    password = stored()["verifikator.kotaserang"]["password"]
    code = current_totp_code("verifikator.kotaserang")
    assert login_with_totp(client, user, password=password, code=code).status_code == 302


@pytest.mark.django_db
def test_a_changed_password_is_set_back_to_the_printed_one(client):
    run("--no-qr")
    user = User.objects.get(username="kadis.kotaserang")
    user.set_password("diganti-orang-lain")
    user.save()
    run("--no-qr")
    user.refresh_from_db()
    assert user.check_password(stored()["kadis.kotaserang"]["password"])
