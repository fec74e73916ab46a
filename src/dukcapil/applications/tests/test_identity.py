"""The citizen identity check: NIK + KK number + birth date, throttled per NIK, IP and phone."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dukcapil.applications.identity import (
    IdentityLocked,
    IdentityMismatch,
    check_identity,
    forget_old_failures,
    locked_until,
)
from dukcapil.applications.models import IdentityCheckFailure
from dukcapil.registry.testing import make_resident

pytestmark = pytest.mark.django_db

UNKNOWN_NIK = "3673011403850099"


@pytest.fixture
def resident():
    return make_resident()


def _answers(resident):
    return {"nik": resident.nik, "kk_number": resident.family.kk_number,
            "birth_date": resident.birth_date}  # fmt: skip


def test_the_right_answer_gives_the_resident(resident):
    assert check_identity(**_answers(resident), ip="10.0.0.1", phone="6281234567890") == resident


def test_spaces_and_dots_in_the_numbers_are_forgiven(resident):
    nik, kk = resident.nik, resident.family.kk_number
    spaced = {"nik": f"{nik[:6]} {nik[6:12]} {nik[12:]}", "kk_number": f"{kk[:6]}.{kk[6:]}"}
    assert check_identity(**{**_answers(resident), **spaced}) == resident


def _wrong_answers(resident):
    right = _answers(resident)
    return {
        "nik": {**right, "nik": UNKNOWN_NIK},
        "kk": {**right, "kk_number": "3673010101010001"},
        "birth date": {**right, "birth_date": dt.date(1985, 3, 15)},
        "malformed": {**right, "nik": "not a nik"},
    }


def test_a_wrong_answer_never_says_which_field_or_whether_the_nik_exists(resident):
    messages = set()
    for which, answers in _wrong_answers(resident).items():
        with pytest.raises(IdentityMismatch) as e:
            check_identity(**answers, ip=f"10.0.0.{len(messages)}")
        assert isinstance(e.value, ValidationError), which
        messages.add(tuple(e.value.messages))
    assert len(messages) == 1  # the same words whatever was wrong
    assert "NIK, nomor KK dan tanggal lahir" in messages.pop()[0]


def test_the_message_is_translated():
    with translation.override("en"), pytest.raises(IdentityMismatch) as e:
        check_identity(
            nik=UNKNOWN_NIK, kk_number="3673010101010001", birth_date=dt.date(1990, 1, 1)
        )
    assert "Family Card" in e.value.messages[0]


def test_one_hundred_wrong_answers_for_one_nik_are_throttled_after_the_first_five(resident):
    """Enumeration: guessing KK number and birth date for one NIK, from ever-changing addresses."""
    right = _answers(resident)
    mismatches, locks = 0, 0
    for i in range(100):
        wrong = {**right, "birth_date": right["birth_date"] + dt.timedelta(days=i + 1)}
        try:
            check_identity(**wrong, ip=f"10.1.{i // 250}.{i % 250}")
        except IdentityLocked:
            locks += 1
        except IdentityMismatch:
            mismatches += 1
    assert (mismatches, locks) == (5, 95)
    # Locked even for the right answer: the lock does not tell a guesser they found it.
    with pytest.raises(IdentityLocked):
        check_identity(**right)
    # Only the five wrong answers that were checked are stored, once per scope (NIK and IP).
    assert IdentityCheckFailure.objects.filter(scope="nik").count() == 5


def test_a_locked_nik_says_when_to_try_again_and_opens_after_the_window(resident, settings):
    settings.DUKCAPIL_IDENTITY_WINDOW_MINUTES = 15
    wrong = _wrong_answers(resident)["birth date"]
    before = timezone.now()
    for _ in range(5):
        with pytest.raises(IdentityMismatch):
            check_identity(**wrong)
    with pytest.raises(IdentityLocked) as e:
        check_identity(**_answers(resident))
    retry_at = e.value.retry_at
    assert (
        before + dt.timedelta(minutes=15) <= retry_at <= timezone.now() + dt.timedelta(minutes=15)
    )
    local = timezone.localtime(retry_at)
    assert f"{local:%H:%M} WIB" in e.value.messages[0]
    assert "Coba lagi setelah" in e.value.messages[0]
    # Fifteen minutes later the failures no longer count.
    IdentityCheckFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert locked_until(nik=resident.nik) is None
    assert check_identity(**_answers(resident)) == resident


def test_an_unknown_nik_is_locked_the_same_way_as_a_known_one(resident):
    """A locked NIK must not tell whether it exists."""
    known = _wrong_answers(resident)["birth date"]
    unknown = {**known, "nik": UNKNOWN_NIK}
    for answers in (known, unknown):
        for _ in range(5):
            with pytest.raises(IdentityMismatch):
                check_identity(**answers)
    errors = []
    for answers in (known, unknown):
        with pytest.raises(IdentityLocked) as e:
            check_identity(**answers)
        errors.append(e.value)
    assert errors[0].code == errors[1].code == "identity_locked"


def test_wrong_answers_for_many_niks_from_one_address_lock_that_address(resident, settings):
    settings.DUKCAPIL_IDENTITY_MAX_FAILURES_PER_IP = 8
    for i in range(8):
        with pytest.raises(IdentityMismatch):
            check_identity(nik=f"36730114038{i:05d}", kk_number="3673010101010001",
                           birth_date=dt.date(1985, 3, 14), ip="203.0.113.7")  # fmt: skip
    with pytest.raises(IdentityLocked):
        check_identity(**_answers(resident), ip="203.0.113.7")
    assert check_identity(**_answers(resident), ip="203.0.113.8") == resident


def test_wrong_answers_from_one_phone_lock_that_phone(resident, settings):
    settings.DUKCAPIL_IDENTITY_MAX_FAILURES_PER_PHONE = 3
    for i in range(3):
        with pytest.raises(IdentityMismatch):
            check_identity(nik=f"36730114038{i:05d}", kk_number="3673010101010001",
                           birth_date=dt.date(1985, 3, 14), phone="+62 812-3456-7890")  # fmt: skip
    with pytest.raises(IdentityLocked):
        check_identity(**_answers(resident), phone="6281234567890")
    with pytest.raises(IdentityLocked):
        check_identity(**_answers(resident), phone="0812 3456 7890")
    assert check_identity(**_answers(resident), phone="6281200000000") == resident


def test_a_right_answer_clears_the_nik_count_but_not_the_address_count(resident, settings):
    settings.DUKCAPIL_IDENTITY_MAX_FAILURES_PER_IP = 6
    wrong = _wrong_answers(resident)["birth date"]
    for _ in range(4):
        with pytest.raises(IdentityMismatch):
            check_identity(**wrong, ip="198.51.100.1")
    check_identity(**_answers(resident), ip="198.51.100.1")
    assert not IdentityCheckFailure.objects.filter(scope="nik").exists()
    assert IdentityCheckFailure.objects.filter(scope="ip").count() == 4


def test_nothing_stored_holds_a_nik_an_address_or_a_phone_in_clear(resident):
    with pytest.raises(IdentityMismatch):
        check_identity(**_wrong_answers(resident)["kk"], ip="192.0.2.44", phone="6281234567890")
    for row in IdentityCheckFailure.objects.all():
        assert row.key not in (resident.nik, "192.0.2.44", "6281234567890")
        assert len(row.key) == 32


def test_old_failures_are_forgotten(resident):
    with pytest.raises(IdentityMismatch):
        check_identity(**_wrong_answers(resident)["kk"])
    IdentityCheckFailure.objects.update(at=timezone.now() - dt.timedelta(days=1))
    assert forget_old_failures() == 1


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)  # noqa: E501
@given(
    nik=st.text(alphabet="0123456789 .", max_size=20),
    kk_number=st.text(alphabet="0123456789 .", max_size=20),
    birth_date=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 1, 1)),
)
def test_any_answer_but_the_right_one_gets_the_one_generic_refusal(
    resident, nik, kk_number, birth_date
):
    IdentityCheckFailure.objects.all().delete()
    answers = {"nik": nik, "kk_number": kk_number, "birth_date": birth_date}
    digits = {
        k: "".join(c for c in v if c.isdigit()) for k, v in answers.items() if k != "birth_date"
    }
    is_right = (digits["nik"], digits["kk_number"], birth_date) == (
        resident.nik, resident.family.kk_number, resident.birth_date)  # fmt: skip
    if is_right:
        assert check_identity(**answers) == resident
    else:
        with pytest.raises(IdentityMismatch) as e:
            check_identity(**answers)
        assert e.value.code == "identity_mismatch"
