"""API keys: printed once, stored as a hash, refused when revoked or wrong."""

from __future__ import annotations

import hashlib
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dukcapil.api.keys import authenticate_api_key, create_api_key, revoke_api_key
from dukcapil.api.models import ApiKey
from dukcapil.regions.models import Regency

pytestmark = pytest.mark.django_db


def test_create_api_key_command_prints_the_key_once_and_keeps_only_a_hash():
    out, err = StringIO(), StringIO()
    call_command("create_api_key", office="36.73", name="SIAK bridge", stdout=out, stderr=err)

    key = out.getvalue().strip()
    api_key = ApiKey.objects.get()
    assert key.startswith(f"dkc_{api_key.prefix}_")
    assert (api_key.office_id, api_key.name) == ("36.73", "SIAK bridge")
    secret = key.split("_", 2)[2]
    assert api_key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.objects.values().get())
    assert "tidak dapat ditampilkan lagi" in err.getvalue()
    assert authenticate_api_key(key) == api_key


def test_create_api_key_command_refuses_an_unknown_office():
    with pytest.raises(CommandError):
        call_command("create_api_key", office="99.99", name="x", stdout=StringIO())
    assert not ApiKey.objects.exists()


def test_a_key_is_refused_when_malformed_unknown_wrong_or_revoked():
    issued = create_api_key(office=Regency.objects.get(code="36.73"), name="Portal")
    prefix = issued.api_key.prefix
    for raw in ["", "dkc_", f"dkc_{prefix}_", f"dkc_{prefix}_wrong", "dkc_ffffffff_x",
                issued.key.replace("dkc_", "xyz_")]:  # fmt: skip
        assert authenticate_api_key(raw) is None, raw
    assert authenticate_api_key(issued.key) == issued.api_key
    revoke_api_key(api_key=issued.api_key)
    assert authenticate_api_key(issued.key) is None


def test_a_checked_key_is_remembered_for_seconds_and_last_used_written_once_a_minute(
    django_assert_num_queries, monkeypatch
):
    from dukcapil.api import keys

    issued = create_api_key(office=Regency.objects.get(code="36.73"), name="Portal")
    with django_assert_num_queries(2):  # the lookup, and the first last_used_at
        assert authenticate_api_key(issued.key) == issued.api_key
    with django_assert_num_queries(0):  # remembered
        assert authenticate_api_key(issued.key) == issued.api_key
    later = time.monotonic() + keys.REMEMBER_FOR + 1
    monkeypatch.setattr(keys.time, "monotonic", lambda: later)
    with django_assert_num_queries(1):  # looked up again; last_used_at is recent enough
        assert authenticate_api_key(issued.key) == issued.api_key


def test_a_revoked_key_is_forgotten_at_once():
    issued = create_api_key(office=Regency.objects.get(code="36.73"), name="Portal")
    assert authenticate_api_key(issued.key) == issued.api_key
    revoke_api_key(api_key=ApiKey.objects.get(pk=issued.api_key.pk))
    assert authenticate_api_key(issued.key) is None


def test_a_wrong_secret_is_not_taken_for_a_remembered_key():
    issued = create_api_key(office=Regency.objects.get(code="36.73"), name="Portal")
    assert authenticate_api_key(issued.key) == issued.api_key
    assert authenticate_api_key(issued.key[:-3] + "xyz") is None
