"""Reads of the registry. Lookups by NIK or KK number go through the blind index."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

from dukcapil.core.crypto import blind_index
from dukcapil.core.db import prepared_rows
from dukcapil.registry.models import KK_PURPOSE, NIK_PURPOSE, Family, Resident


def nik_index(nik: str) -> str:
    return blind_index("".join(nik.split()), purpose=NIK_PURPOSE)


def kk_index(kk_number: str) -> str:
    return blind_index("".join(kk_number.split()), purpose=KK_PURPOSE)


class PreparedLookup:
    """A query by a few exact values (``make_queryset(*values)``), compiled once per database
    and run again with only the values changed.

    Django compiles every query anew (about a millisecond for a join of five tables, more than
    the database takes to answer it); the SQL, the column converters and the populators of the
    ``select_related`` objects do not change from one NIK to the next. On PostgreSQL the
    statement is also prepared on the server (psycopg's ``prepare=True``, once per pooled
    connection), so that it is not planned again at every lookup either. It still goes through
    Django's cursor wrapper (errors, ``execute_wrappers``). Other databases, and connections
    that log their queries, run the queryset as it is.
    """

    def __init__(self, make_queryset: Any, *examples: Any) -> None:
        self.make_queryset = make_queryset
        self.examples = examples  # values of the right types, to compile the query with
        self._compiled: dict[str, tuple] = {}

    def _compile(self, alias: str) -> tuple:
        queryset = self.make_queryset(*self.examples).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if list(params) != list(self.examples):  # the values must go to the database as given
            raise ValueError("a prepared lookup's parameters are its values, in their order")
        select, klass_info = compiler.select, compiler.klass_info
        fields = [s[0] for s in select[0 : compiler.col_count]]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        compiled = (
            sql,
            compiler,
            compiler.get_converters(fields),
            klass_info["model"],
            [f[0].target.attname for f in select[first:last]],
            (first, last),
            get_related_populators(klass_info, select, alias),
            tuple(compiler.annotation_col_map.items()),  # annotations, set as attributes
        )
        self._compiled[alias] = compiled
        return compiled

    def all(self, *values: Any, using: str = "default") -> list[Model]:
        connection = connections[using]
        if connection.vendor != "postgresql" or connection.queries_logged:
            # Logged queries (DEBUG, CaptureQueriesContext) show their SQL with its values,
            # which psycopg does not keep for a prepared statement: those run the queryset.
            return list(self.make_queryset(*values).using(using))
        compiled = self._compiled.get(using) or self._compile(using)
        sql, compiler, converters, model, init_list, (first, last), populators, annotations = (
            compiled
        )
        rows = prepared_rows(connection, sql, list(values))
        if converters:
            rows = compiler.apply_converters(rows, converters)
        objects = []
        for row in rows:
            obj = model.from_db(using, init_list, row[first:last])
            for populator in populators:
                populator.populate(row, obj)
            for name, index in annotations:
                setattr(obj, name, row[index])
            objects.append(obj)
        return objects

    def first(self, *values: Any, using: str = "default") -> Model | None:
        """The one row (the values name at most one)."""
        found = self.all(*values, using=using)
        return found[0] if found else None


_RESIDENT_BY_NIK = PreparedLookup(
    lambda index: Resident.objects.select_related("family__desa__kecamatan__regency").filter(
        nik_index=index
    ),
    "0" * 32,
)


def get_resident_by_nik(nik: str) -> Resident | None:
    """The resident with this NIK, with family, desa, kecamatan and regency, or None."""
    return _RESIDENT_BY_NIK.first(nik_index(nik))


def get_family_by_kk_number(kk_number: str) -> Family | None:
    return (
        Family.objects.select_related("desa__kecamatan__regency")
        .filter(kk_index=kk_index(kk_number))
        .first()
    )


def family_members(family: Family) -> QuerySet[Resident]:
    """Current members of a family, head first, then by birth date (the order printed on a KK)."""
    from django.db.models import Case, IntegerField, Value, When

    from dukcapil.registry.choices import LifeStatus, Relationship

    return (
        family.members.filter(life_status=LifeStatus.ALIVE)
        .annotate(
            head_first=Case(
                When(relationship=Relationship.HEAD, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("head_first", "birth_date", "id")
    )


def search_residents_by_name(
    residents: QuerySet[Resident], *, name: str, birth_date: dt.date
) -> QuerySet[Resident]:
    """Residents (already scoped to a jurisdiction) with this birth date whose name contains
    ``name`` (case-insensitive)."""
    return residents.filter(birth_date=birth_date, name__icontains=" ".join(name.split()))
