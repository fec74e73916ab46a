"""Encryption at rest (issue 2, point 6): AES-GCM values bound to their column, blind indexes for
lookup, key rotation, and a database dump that shows no NIK, KK number or mother's name in clear."""

import base64
import os
import secrets
import shutil
import stat
import subprocess

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from dukcapil.core import crypto
from dukcapil.core.crypto import blind_index, create_local_keys, decrypt, encrypt, keyring
from dukcapil.registry.choices import Relationship
from dukcapil.registry.models import Family, Resident
from dukcapil.registry.selectors import get_resident_by_nik, kk_index, nik_index
from dukcapil.registry.testing import make_family, make_resident

NIK = "3673011403850001"  # a man born 14-03-1985, as make_resident makes
KK_NUMBER = "3673010605240001"
NIK_CONTEXT = "registry.resident.nik"
DIGITS = "0123456789"
QUICK = hypothesis_settings(max_examples=50, deadline=None)


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def use_keys(monkeypatch):
    """Set the keys in the environment, as an operator would, and drop the cached key ring."""

    def use(data_keys: str, index_key: str) -> None:
        monkeypatch.setenv("DUKCAPIL_DATA_KEYS", data_keys)
        monkeypatch.setenv("DUKCAPIL_INDEX_KEY", index_key)
        keyring.cache_clear()

    yield use
    # The environment is restored after this; the next keyring() call reads it again.
    keyring.cache_clear()


def flip_bit(token: str, *, position: int, bit: int) -> str:
    key_id, _, encoded = token.partition("$")
    raw = bytearray(base64.urlsafe_b64decode(encoded))
    raw[position % len(raw)] ^= 1 << bit
    return f"{key_id}${base64.urlsafe_b64encode(bytes(raw)).decode()}"


# ---------------------------------------------------------------------------------------------
# Values


@QUICK
@given(value=st.text(max_size=200), context=st.text(min_size=1, max_size=40))
def test_a_value_decrypts_to_itself_under_its_context(value, context):
    token = encrypt(value, context=context)
    assert decrypt(token, context=context) == value


@QUICK
@given(value=st.text(DIGITS, min_size=16, max_size=16))
def test_the_ciphertext_does_not_contain_the_value(value):
    token = encrypt(value, context=NIK_CONTEXT)
    assert value not in token
    assert token.startswith(f"{keyring().active_id}$")


def test_a_ciphertext_does_not_decrypt_under_another_context():
    token = encrypt(NIK, context=NIK_CONTEXT)
    for other in ("registry.resident.mother_name", "registry.family.kk_number", ""):
        with pytest.raises(InvalidTag):
            decrypt(token, context=other)


@QUICK
@given(position=st.integers(min_value=0), bit=st.integers(0, 7))
def test_any_changed_bit_of_nonce_ciphertext_or_tag_is_detected(position, bit):
    token = encrypt(NIK, context=NIK_CONTEXT)
    with pytest.raises(InvalidTag):
        decrypt(flip_bit(token, position=position, bit=bit), context=NIK_CONTEXT)


def test_a_truncated_ciphertext_is_refused():
    token = encrypt(NIK, context=NIK_CONTEXT)
    with pytest.raises(InvalidTag):
        decrypt(token[:-8], context=NIK_CONTEXT)


def test_two_encryptions_of_one_nik_differ_but_its_blind_index_does_not():
    first, second = encrypt(NIK, context=NIK_CONTEXT), encrypt(NIK, context=NIK_CONTEXT)
    assert first != second
    assert decrypt(first, context=NIK_CONTEXT) == decrypt(second, context=NIK_CONTEXT) == NIK
    assert blind_index(NIK, purpose="nik") == blind_index(NIK, purpose="nik")
    assert len(blind_index(NIK, purpose="nik")) == 32


@QUICK
@given(
    a=st.text(DIGITS, min_size=16, max_size=16),
    b=st.text(DIGITS, min_size=16, max_size=16),
)
def test_different_values_get_different_blind_indexes(a, b):
    assert (blind_index(a, purpose="nik") == blind_index(b, purpose="nik")) == (a == b)


def test_a_blind_index_depends_on_its_purpose_and_on_the_index_key(use_keys):
    data_key = f"k1:{new_key()}"
    use_keys(data_key, new_key())
    as_nik, as_kk = blind_index(NIK, purpose="nik"), blind_index(NIK, purpose="kk")
    assert as_nik != as_kk
    assert NIK not in as_nik
    use_keys(data_key, new_key())
    # Without the index key nobody can test a guessed NIK against the database.
    assert blind_index(NIK, purpose="nik") != as_nik


# ---------------------------------------------------------------------------------------------
# Keys


def test_after_rotation_the_new_key_encrypts_and_the_old_one_still_decrypts(use_keys):
    old, new, index = new_key(), new_key(), new_key()
    use_keys(f"k1:{old}", index)
    before = encrypt(NIK, context=NIK_CONTEXT)
    index_before = blind_index(NIK, purpose="nik")
    assert before.startswith("k1$")

    use_keys(f"k2:{new},k1:{old}", index)

    after = encrypt(NIK, context=NIK_CONTEXT)
    assert after.startswith("k2$")
    assert decrypt(before, context=NIK_CONTEXT) == NIK
    assert decrypt(after, context=NIK_CONTEXT) == NIK
    assert blind_index(NIK, purpose="nik") == index_before

    # Once the old key is dropped, what it sealed can no longer be read.
    use_keys(f"k2:{new}", index)
    with pytest.raises(KeyError):
        decrypt(before, context=NIK_CONTEXT)


def test_a_ciphertext_relabelled_with_another_key_id_does_not_decrypt(use_keys):
    use_keys(f"k2:{new_key()},k1:{new_key()}", new_key())
    token = encrypt(NIK, context=NIK_CONTEXT)
    with pytest.raises(InvalidTag):
        decrypt("k1$" + token.partition("$")[2], context=NIK_CONTEXT)


@pytest.mark.parametrize(
    "data_keys",
    [
        "k1:" + base64.urlsafe_b64encode(b"sixteen bytes!!!").decode(),  # AES-128 is not enough
        # the id goes into every ciphertext before "$": letters and digits only
        "k-1:" + base64.urlsafe_b64encode(bytes(range(32))).decode(),
        ",\n,",
    ],
)
def test_malformed_data_keys_are_refused(use_keys, data_keys):
    use_keys(data_keys, new_key())
    with pytest.raises(ImproperlyConfigured):
        keyring()


def test_local_keys_are_created_once_and_readable_only_by_their_owner(tmp_path):
    key_dir = tmp_path / "keys"
    create_local_keys(key_dir)
    first = {p.name: p.read_text() for p in key_dir.iterdir()}
    create_local_keys(key_dir)

    assert {p.name: p.read_text() for p in key_dir.iterdir()} == first
    assert set(first) == {"data.keys", "index.key"}
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700
    for path in key_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_keys_in_the_environment_the_local_key_files_are_used(
    monkeypatch, settings, tmp_path
):
    monkeypatch.delenv("DUKCAPIL_DATA_KEYS", raising=False)
    monkeypatch.delenv("DUKCAPIL_INDEX_KEY", raising=False)
    monkeypatch.delenv("DUKCAPIL_DATA_KEYS_FILE", raising=False)
    monkeypatch.delenv("DUKCAPIL_INDEX_KEY_FILE", raising=False)
    settings.DUKCAPIL_KEY_DIR = tmp_path / "keys"
    keyring.cache_clear()
    try:
        token = encrypt(NIK, context=NIK_CONTEXT)
        assert (tmp_path / "keys" / "data.keys").read_text().startswith(token.partition("$")[0])
        assert crypto.decrypt(token, context=NIK_CONTEXT) == NIK
    finally:
        keyring.cache_clear()


# ---------------------------------------------------------------------------------------------
# Encrypted model fields


def raw_column(model, pk: int, column: str) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_nik_column_holds_ciphertext_bound_to_that_column():
    resident = make_resident(nik=NIK, mother_name="Ani Yudhi")
    stored = raw_column(Resident, resident.pk, "nik")

    assert NIK not in stored
    assert decrypt(stored, context=NIK_CONTEXT) == NIK
    assert Resident.objects.get(pk=resident.pk).nik == NIK
    assert raw_column(Resident, resident.pk, "nik_index") == nik_index(NIK)
    assert "Ani Yudhi" not in raw_column(Resident, resident.pk, "mother_name")


@pytest.mark.django_db
def test_a_nik_ciphertext_copied_into_the_mothers_name_column_does_not_decrypt():
    resident = make_resident()
    table = connection.ops.quote_name(Resident._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET mother_name = nik WHERE id = %s", [resident.pk])  # noqa: S608
    with pytest.raises(InvalidTag):
        Resident.objects.get(pk=resident.pk)


@pytest.mark.django_db
def test_encrypted_columns_cannot_be_filtered_on_only_their_blind_index_can():
    resident = make_resident(nik=NIK)
    with pytest.raises(FieldError):
        list(Resident.objects.filter(nik=NIK))
    with pytest.raises(FieldError):
        list(Family.objects.filter(kk_number__startswith="3673"))
    assert list(Resident.objects.filter(nik_index=nik_index(NIK))) == [resident]
    assert Resident.objects.filter(nik__isnull=False).count() == 1


@pytest.mark.django_db
def test_rows_written_before_a_key_rotation_are_still_found_and_read(use_keys):
    index = new_key()
    old = f"k1:{new_key()}"
    use_keys(old, index)
    resident = make_resident(nik=NIK)
    assert raw_column(Resident, resident.pk, "nik").startswith("k1$")

    use_keys(f"k2:{new_key()},{old}", index)
    found = get_resident_by_nik(NIK)

    assert found == resident
    assert found.nik == NIK
    newcomer = make_resident(family=resident.family, relationship=Relationship.CHILD, nik=None)
    assert raw_column(Resident, newcomer.pk, "nik").startswith("k2$")


# ---------------------------------------------------------------------------------------------
# A dump of the database

MOTHER = "Wulandari Kusumawati"
RESIDENT = "Bagus Prasetyo Wibisono"
FATHER = "Hartono Wibisono"


def dump_database() -> str:
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    if connection.vendor == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            pytest.skip("pg_dump is not on PATH")
        db = connection.settings_dict
        env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
        args = [pg_dump, "--data-only", "--no-owner", "--dbname", db["NAME"]]
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if db.get(key):
                args += [option, str(db[key])]
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=True)  # noqa: S603
        return result.stdout
    pytest.skip(f"no dump for {connection.vendor}")


# Committed data, so that pg_dump (another connection) sees it; like every transactional test, it
# restores the regions loaded by the data migration, which the flush of an earlier one removed.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_of_the_database_shows_no_nik_kk_number_or_mothers_name_in_clear():
    family = make_family(kk_number=KK_NUMBER)
    make_resident(family=family, nik=NIK, name=RESIDENT, father_name=FATHER, mother_name=MOTHER)

    dump = dump_database()

    # The dump holds the registry rows (plain columns and blind indexes) ...
    assert RESIDENT in dump
    assert FATHER in dump
    assert nik_index(NIK) in dump
    assert kk_index(KK_NUMBER) in dump
    # ... but not the protected values, neither in the rows nor in their history.
    assert NIK not in dump
    assert KK_NUMBER not in dump
    assert MOTHER.split()[1] not in dump
    assert MOTHER.split()[1].upper() not in dump
