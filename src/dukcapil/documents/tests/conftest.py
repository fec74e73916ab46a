import importlib
from pathlib import Path

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


def pytest_collection_modifyitems(items: list) -> None:
    """This app's browser journeys run after its other tests. Playwright's sync API leaves its
    event loop marked as running in the thread between calls (playwright/_impl/_greenlets.py),
    and a transactional test with serialized rollback after it in the same process was then
    seen to start without its restored data (PostgreSQL)."""
    here = str(Path(__file__).parent)
    ours = [i for i in items if str(i.path).startswith(here)]
    browser = [i for i in ours if i.get_closest_marker("browser")]
    if not browser:
        return
    rest = [i for i in items if i not in browser]
    last_ours = (
        max(rest.index(i) for i in ours if i not in browser) if len(ours) > len(browser) else -1
    )
    items[:] = rest[: last_ours + 1] + browser + rest[last_ours + 1 :]
