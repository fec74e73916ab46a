"""The recount: the rollups rebuilt from the raw events (``ApplicationEvent``) with the same
:func:`~dukcapil.dashboard.rollups.contribute` the transitions use, and compared with the tables.

Run as ``dukcapil dashboard-recount`` (``--fix`` rewrites the tables from the recount). It is the
dashboard's periodic job: nightly, it proves that no transition escaped the rollups.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction

from dukcapil.dashboard.models import (
    FLOW_FIELDS,
    KecamatanDay,
    OpenCount,
    RegencyDay,
    RevisionDay,
    StageDay,
)
from dukcapil.dashboard.rollups import Facts, Step, Tally, contribute

TABLES = (
    (RegencyDay, "regency_day", FLOW_FIELDS),
    (KecamatanDay, "kecamatan_day", FLOW_FIELDS),
    (OpenCount, "open", ("n",)),
    (StageDay, "stage", ("n",)),
    (RevisionDay, "revision", ("n",)),
)


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


def as_rows(tally: Tally) -> Iterator[tuple[type, list[tuple]]]:
    """Per table, the rows (key columns then counters) a tally holds, zeros left out."""
    for model, attribute, counters in TABLES:
        data = getattr(tally, attribute)
        rows = []
        for key, values in sorted(data.items()):
            numbers = [values.get(c, 0) for c in counters] if counters != ("n",) else [values]
            if any(numbers):
                rows.append((*key, *numbers))
        yield model, rows


def stored() -> Tally:
    """The rollup tables as a tally."""
    tally = Tally()
    for model, attribute, counters in TABLES:
        data = getattr(tally, attribute)
        for row in model.objects.values_list(*model.KEY, *counters).iterator(chunk_size=20_000):
            key, numbers = row[: len(model.KEY)], row[len(model.KEY) :]
            if counters == ("n",):
                data[key] += numbers[0]
            else:
                for name, n in zip(counters, numbers, strict=True):
                    data[key][name] += n
    return tally


def compare(kept: Tally, recounted: Tally) -> list[Difference]:
    differences = []
    for _model, attribute, counters in TABLES:
        a, b = getattr(kept, attribute), getattr(recounted, attribute)
        for key in sorted(set(a) | set(b), key=str):
            if counters == ("n",):
                pairs = [("n", a.get(key, 0), b.get(key, 0))]
            else:
                va, vb = a.get(key, {}), b.get(key, {})
                pairs = [(c, va.get(c, 0), vb.get(c, 0)) for c in counters]
            for counter, x, y in pairs:
                if x != y:
                    differences.append(Difference(attribute, key, counter, x, y))
    return differences


def rewrite(tally: Tally) -> None:
    """Replace the rollup tables by ``tally`` (transitions wait meanwhile on PostgreSQL)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            names = ", ".join(model._meta.db_table for model, _a, _c in TABLES)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
        for model, rows in as_rows(tally):
            model.objects.all().delete()
            fields = [*model.KEY, *(FLOW_FIELDS if model in (RegencyDay, KecamatanDay) else ["n"])]
            model.objects.bulk_create(
                (model(**dict(zip(fields, row, strict=True))) for row in rows), batch_size=5000
            )
