"""The project's staff personas (src/conftest.py) as workflow actors."""

import pytest

from dukcapil.applications.actors import Actor


@pytest.fixture
def verifier(verifier):
    """The verifier of Kota Serang (36.73), where the test households live."""
    return Actor.staff(verifier)


@pytest.fixture
def other_regency_verifier(other_regency_verifier):
    """The verifier of Kabupaten Tangerang (36.03)."""
    return Actor.staff(other_regency_verifier)


@pytest.fixture
def operator(kecamatan_operator):
    """The operator of Kecamatan Serang (36.73.01)."""
    return Actor.staff(kecamatan_operator)


@pytest.fixture
def signer(signing_official):
    return Actor.staff(signing_official)


@pytest.fixture
def dispatcher(dispatch_officer):
    return Actor.staff(dispatch_officer)
