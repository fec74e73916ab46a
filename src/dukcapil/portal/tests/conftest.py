"""Portal test helpers: a household, a citizen session, files to upload."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dukcapil.applications.testing import make_household


@pytest.fixture
def household(db):
    return make_household()


def identity_answers(resident) -> dict[str, str]:
    return {"nik": resident.nik, "kk_number": resident.family.kk_number,
            "birth_date": resident.birth_date.isoformat()}  # fmt: skip


@pytest.fixture
def citizen(client, household):
    """A client that passed the identity check as the household's head."""
    response = client.post(reverse("portal:identity"), identity_answers(household["head"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    return client
