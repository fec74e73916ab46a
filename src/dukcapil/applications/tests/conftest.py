import pytest

from dukcapil.accounts.models import Role
from dukcapil.applications.actors import Actor
from dukcapil.applications.testing import make_staff


@pytest.fixture
def verifier(db):
    """A verifier of Kota Serang (36.73), where the test households live."""
    return Actor.staff(make_staff(Role.VERIFIER, regency="36.73"))


@pytest.fixture
def other_regency_verifier(db):
    """A verifier of Kabupaten Tangerang (36.03)."""
    return Actor.staff(make_staff(Role.VERIFIER, regency="36.03"))


@pytest.fixture
def operator(db):
    """A kecamatan operator of Serang (36.73.01)."""
    return Actor.staff(make_staff(Role.KECAMATAN_OPERATOR, regency="36.73", kecamatan="36.73.01"))


@pytest.fixture
def signer(db):
    return Actor.staff(make_staff(Role.SIGNING_OFFICIAL, regency="36.73"))


@pytest.fixture
def dispatcher(db):
    return Actor.staff(make_staff(Role.DISPATCH_OFFICER, regency="36.73"))
