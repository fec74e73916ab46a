"""Statements prepared on PostgreSQL for the hottest paths (take next, a transition's rollups,
lookups by NIK or tracking number): planned once per connection, then run with only the values
changed. Django's own cursors bind client-side and never prepare."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

NEVER_BY_COUNT = 2**31  # psycopg's threshold: prepare only what is asked for


def _prepared_cursor(connection: Any) -> Any:
    """A Django cursor wrapper (its errors, ``execute_wrappers``) around a psycopg cursor that
    prepares what it executes."""
    connection.ensure_connection()
    with connection.wrap_database_errors:
        if connection.connection.prepare_threshold is None:
            # Django turns psycopg's preparing off (for pgbouncer in transaction mode); only
            # this cursor asks for it, explicitly.
            connection.connection.prepare_threshold = NEVER_BY_COUNT
        raw = _preparing_cursor_class()(connection.connection)
    return connection._prepare_cursor(raw)


def prepared_rows(connection: Any, sql: str, params: list) -> list[tuple]:
    """The rows of ``sql`` run on a PostgreSQL ``connection`` as a prepared statement."""
    with _prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def execute_prepared(connection: Any, sql: str, params: list) -> None:
    """Run ``sql`` (no result) on a PostgreSQL ``connection`` as a prepared statement. A
    connection that logs its queries (DEBUG, tests counting them) runs it as Django does, so
    that the log shows it with its values, which psycopg does not keep for a prepared one."""
    if connection.queries_logged:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return
    with _prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)


@lru_cache(maxsize=1)
def _preparing_cursor_class() -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        """Server-side binding, and the statement prepared (psycopg keeps it per connection)."""

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=True)

    return PreparingCursor
