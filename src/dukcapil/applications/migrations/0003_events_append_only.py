"""The event history is append-only: the database itself refuses UPDATE and DELETE of events."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION applications_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'applications_applicationevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER applications_event_no_update BEFORE UPDATE OR DELETE
    ON applications_applicationevent FOR EACH ROW EXECUTE FUNCTION applications_event_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS applications_event_no_update ON applications_applicationevent;
DROP FUNCTION IF EXISTS applications_event_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER applications_event_no_update BEFORE UPDATE ON applications_applicationevent
       BEGIN SELECT RAISE(ABORT, 'applications_applicationevent is append-only'); END;""",
    """CREATE TRIGGER applications_event_no_delete BEFORE DELETE ON applications_applicationevent
       BEGIN SELECT RAISE(ABORT, 'applications_applicationevent is append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS applications_event_no_update;",
    "DROP TRIGGER IF EXISTS applications_event_no_delete;",
]


def _run(schema_editor, postgres, sqlite):
    vendor = schema_editor.connection.vendor
    statements = [postgres] if vendor == "postgresql" else sqlite if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement)


def up(apps, schema_editor):
    _run(schema_editor, POSTGRES_UP, SQLITE_UP)


def down(apps, schema_editor):
    _run(schema_editor, POSTGRES_DOWN, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("applications", "0002_initial")]

    operations = [migrations.RunPython(up, down)]
