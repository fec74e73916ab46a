"""Drop the indexes of the resident and family tables that no query uses, on PostgreSQL.

Every row the seeder copies in (13 million residents for the province) and every registry change
updates each index of its table. Django makes, besides the ones declared:

- a ``varchar_pattern_ops`` twin (``…_like``) of every indexed ``CharField``, for ``LIKE``
  prefix searches; nothing searches ``nik_index``, ``kk_index`` or ``desa_id`` by prefix (the
  blind indexes are only ever compared whole);
- an index on each foreign key, where the declared ``(family, relationship)`` and
  ``(desa, rw, rt)`` indexes already start with that column.

The unique constraints (``nik_index``, ``kk_index``) stay, and so does every declared index. The
model state does not change (Django does not record these implicit indexes in it), so
``makemigrations --check`` stays clean; going back makes them again.
"""

from __future__ import annotations

from django.db import migrations

# (table, column, suffix, method): the names are Django's, from its own naming function.
REDUNDANT = (
    ("registry_resident", "nik_index", "_like", "varchar_pattern_ops"),
    ("registry_resident", "family_id", "", ""),
    ("registry_family", "kk_index", "_like", "varchar_pattern_ops"),
    ("registry_family", "desa_id", "_like", "varchar_pattern_ops"),
    ("registry_family", "desa_id", "", ""),
)


def _name(schema_editor, table: str, column: str, suffix: str) -> str:  # noqa: ANN001
    return schema_editor._create_index_name(table, [column], suffix=suffix)


def drop(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, suffix, _ops in REDUNDANT:
        name = _name(schema_editor, table, column, suffix)
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def make_again(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, suffix, ops in REDUNDANT:
        name = _name(schema_editor, table, column, suffix)
        q = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {q(name)} ON {q(table)} ({q(column)} {ops})".replace(
                " )", ")"
            )
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(drop, make_again, elidable=False)]
