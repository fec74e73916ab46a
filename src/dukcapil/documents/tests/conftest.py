import importlib

import pytest


@pytest.fixture
def events_cleared_at_teardown():
    """Transactional tests end with a flush, which on SQLite deletes row by row and meets the
    trigger that keeps application events append-only: empty that table first with the trigger
    lifted for a moment, then put it back. (PostgreSQL flushes with TRUNCATE.)"""
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("dukcapil.applications.migrations.0003_events_append_only")
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS applications_event_no_delete")
        cursor.execute("DELETE FROM applications_applicationevent")
        cursor.execute(migration.SQLITE_UP[1])
