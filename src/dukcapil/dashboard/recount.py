"""The recount: the rollups rebuilt from the raw events (``ApplicationEvent``) with the same
:func:`~dukcapil.dashboard.rollups.contribute` the transitions use, and compared with the tables.

Run as ``dukcapil dashboard-recount`` (``--fix`` rewrites the tables from the recount). It is the
dashboard's periodic job: nightly, it proves that no transition escaped the rollups.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from dukcapil.dashboard.models import ROLLUPS
from dukcapil.dashboard.rollups import Facts, Step, Tally, as_rows, contribute


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple
    counter: str
    stored: int
    recounted: int

    def __str__(self) -> str:
        key = " ".join(str(k) for k in self.key)
        return f"{self.table} [{key}] {self.counter}: {self.stored} ≠ {self.recounted}"


def recount(chunk_size: int = 20_000) -> Tally:
    """Replay every event, application by application, oldest first."""
    from dukcapil.applications.models import ApplicationEvent

    rows = (
        ApplicationEvent.objects.order_by("application_id", "at", "id")
        .values_list(
            "application_id",
            "transition",
            "from_status",
            "to_status",
            "at",
            "data",
            "application__office_id",
            "application__kecamatan_id",
            "application__service_version__service__code",
            "application__channel",
            "application__due_date",
        )  # fmt: skip
        .iterator(chunk_size=chunk_size)
    )
    tally = Tally()
    current, earlier = None, []
    for app_id, transition, source, target, at, data, *facts in rows:
        if app_id != current:
            current, earlier = app_id, []
        reasons = ()
        if transition == "request_revision":
            reasons = tuple(str(r.get("requirement", "")) for r in (data or {}).get("reasons", []))
        step = Step(transition, source, target, at, reasons)
        contribute(tally, step, Facts(*facts), earlier)
        earlier.append(step)
    return tally


def stored() -> Tally:
    """The rollup tables as a tally."""
    tally = Tally()
    for model in ROLLUPS:
        data, width = tally.tables[model], len(model.KEY)
        rows = model.objects.values_list(*model.KEY, *model.COUNTERS).iterator(chunk_size=20_000)
        for row in rows:
            entry = data[row[:width]]
            for name, n in zip(model.COUNTERS, row[width:], strict=True):
                entry[name] += n
    return tally


def compare(kept: Tally, recounted: Tally) -> list[Difference]:
    differences = []
    for model in ROLLUPS:
        a, b = kept.tables[model], recounted.tables[model]
        for key in sorted(set(a) | set(b), key=str):
            va, vb = a.get(key, {}), b.get(key, {})
            for counter in model.COUNTERS:
                x, y = va.get(counter, 0), vb.get(counter, 0)
                if x != y:
                    differences.append(Difference(model.__name__, key, counter, x, y))
    return differences


def rewrite(tally: Tally) -> None:
    """Replace the rollup tables by ``tally`` (transitions wait meanwhile on PostgreSQL)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            names = ", ".join(model._meta.db_table for model in ROLLUPS)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
        for model, rows in as_rows(tally):
            model.objects.all().delete()
            fields = [*model.KEY, *model.COUNTERS]
            model.objects.bulk_create(
                (model(**dict(zip(fields, row, strict=True))) for row in rows), batch_size=5000
            )
