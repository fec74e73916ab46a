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


@pytest.fixture
def events_cleared_at_teardown():
    """For transactional tests (browser journeys with ``serialized_rollback``) on SQLite.

    Their flush deletes row by row and so meets the trigger that keeps the event history
    append-only: before it, the event table is emptied with the trigger lifted for a moment and
    the trigger put back (PostgreSQL flushes with TRUNCATE, which row triggers do not see).

    And the reference data (regions, catalogue) that a flush removes must come back for the next
    test; ``serialized_rollback`` restores it from the copy taken when the database was set up.
    As a safety net, should that copy be missing on the connection in use (as it was before the
    browser fixture kept the thread's connections), the data is loaded again if an earlier flush
    removed it, and the copy is taken here.
    """
    import importlib

    from django.apps import apps
    from django.db import connection

    from dukcapil.regions.models import Desa

    if not getattr(connection, "_test_serialized_contents", None):
        if not Desa.objects.exists():
            from dukcapil.regions.loading import load_regions

            catalogue = importlib.import_module("dukcapil.catalog.migrations.0002_load_catalogue")
            load_regions(apps, None)
            catalogue.load(apps, None)
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    yield
    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("dukcapil.applications.migrations.0003_events_append_only")
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS applications_event_no_delete")
        cursor.execute("DELETE FROM applications_applicationevent")
        cursor.execute(migration.SQLITE_UP[1])
