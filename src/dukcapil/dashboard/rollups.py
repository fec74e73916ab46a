"""What one transition adds to the rollups, and writing it.

One pure function, :func:`contribute`, turns an event (a :class:`Step`) of an application (its
:class:`Facts`) and the events before it into increments of the rollup tables, collected in a
:class:`Tally`. Three callers use it, so that the figures can only agree:

- :func:`record_transition`, the transition effect (``settings.DUKCAPIL_TRANSITION_EFFECTS``): one
  event, written at once with upserts inside the transition's transaction;
- the recount (``dukcapil dashboard-recount``), which replays every ``ApplicationEvent``;
- the province-scale history generator (:mod:`dukcapil.dashboard.history`).

Which figures come from where: every counter in :mod:`dukcapil.dashboard.models` is kept by the
transitions themselves. The only figure that changes without a transition, the age of the backlog
in working days, is computed when the page is read from
:class:`~dukcapil.dashboard.models.OpenCount` (keyed by the day the clock started), so no periodic
job is needed for it. The periodic job is the recount (``dukcapil dashboard-recount``), which
checks (and with ``--fix`` rewrites) the rollups against the raw events.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from dukcapil.core.db import execute_prepared
from dukcapil.dashboard.buckets import BUCKET_FIELDS, BUCKET_HOURS, bucket_of
from dukcapil.dashboard.models import (
    ROLLUPS,
    KecamatanDay,
    KecamatanMonth,
    OpenCount,
    RegencyDay,
    RevisionDay,
    RevisionMonth,
    RevisionServiceDay,
    ServiceDay,
    StageDay,
    StageKecamatanDay,
    StageMonth,
    StageRegencyDay,
)

__all__ = ["BUCKET_HOURS", "bucket_of"]

# Statuses counted in OpenCount: every state an application can rest in between submission and
# its end. ``draft`` is not yet received; the final states are counted as flows.
OPEN_STATES = (
    "submitted", "in_review", "needs_revision", "approved", "issued", "printed", "in_delivery",
    "ready_for_pickup",
)  # fmt: skip
# The backlog: work in the office's hands (the applicant, the post or the pick-up are not).
BACKLOG_STATES = ("submitted", "in_review", "approved", "issued", "printed")
CLOCK_STARTS = ("submit", "resubmit", "request_revision")
REVIEW_ENDS = ("approve", "reject", "request_revision")  # a verifier's decision
REVISION_DAYS = 14  # the needs_revision row's due day: the clock start + 14 calendar days

# Stages: name → (transitions that start it, transitions (from status) that end it).
STAGES: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str | None], ...]]] = {
    "review": (("submit", "resubmit"),
               (("approve", None), ("reject", None), ("request_revision", None))),
    "signing": (("approve",), (("issue", None),)),
    "printing": (("issue",), (("mark_printed", None),)),
    "delivery": (("ship",), (("complete", "in_delivery"), ("ready_for_pickup", "in_delivery"))),
}  # fmt: skip
STAGE_NAMES = tuple(STAGES)
# (transition, from status, or None for any) → the stage it ends (no transition ends two).
_STAGE_ENDS = {(name, src): stage for stage, (_s, ends) in STAGES.items() for name, src in ends}
# The requirement code of the revision rows that count first reviews (the rate's denominator).
REVIEWED = ""


@dataclass(frozen=True)
class Facts:
    """What the rollups know of an application: no person, only where, what and how."""

    regency: str
    kecamatan: str
    service: str
    channel: str
    due_date: dt.date | None


@dataclass(frozen=True)
class Step:
    """One event of an application, as much of it as the rollups read."""

    transition: str
    from_status: str
    to_status: str
    at: dt.datetime
    reasons: tuple[str, ...] = ()  # requirement codes of a revision request


def _counters() -> dict[tuple, dict[str, int]]:
    return defaultdict(lambda: defaultdict(int))


@dataclass
class Tally:
    """Increments per rollup table (:data:`dukcapil.dashboard.models.ROLLUPS`), key and counter;
    the same shape for one event and for a whole history."""

    tables: dict[type, dict[tuple, dict[str, int]]] = field(
        default_factory=lambda: {model: _counters() for model in ROLLUPS}
    )

    def __getitem__(self, model: type) -> dict[tuple, dict[str, int]]:
        return self.tables[model]


@lru_cache(maxsize=1)
def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: dt.datetime) -> dt.date:
    """The day of ``moment`` in the service's time zone (``settings.TIME_ZONE``, whatever zone a
    request may have activated)."""
    return moment.astimezone(_zone()).date()


def _last(earlier: Sequence[Step], transitions: Iterable[str]) -> Step | None:
    wanted = set(transitions)
    for step in reversed(earlier):
        if step.transition in wanted:
            return step
    return None


def _open_key(facts: Facts, status: str, earlier: Sequence[Step], step: Step | None) -> tuple:
    """The OpenCount key of the application resting in ``status`` after ``earlier`` (+ ``step``)."""
    if step is not None and step.transition in CLOCK_STARTS:
        clock = step  # (``earlier`` is not read: the transition effect loads it only when needed)
    else:
        clock = _last(earlier, CLOCK_STARTS) or (step if step is not None else earlier[-1])
    since = local_day(clock.at)
    if status == "needs_revision":
        due = since + dt.timedelta(days=REVISION_DAYS)
    else:
        due = facts.due_date or since
    return (facts.regency, facts.kecamatan, facts.service, facts.channel, status, since, due)


def contribute(tally: Tally, step: Step, facts: Facts, earlier: Sequence[Step]) -> None:
    """Add what ``step`` (after the ``earlier`` steps of the same application, oldest first)
    changes in the rollups to ``tally``."""
    day = local_day(step.at)
    month = day.replace(day=1)
    regency, kecamatan = facts.regency, facts.kecamatan
    service, channel = facts.service, facts.channel
    tables = tally.tables
    flows: dict[str, int] = {}
    t, source = step.transition, step.from_status
    first_review = t in REVIEW_ENDS and not any(e.transition in REVIEW_ENDS for e in earlier)
    if first_review:
        flows["first_reviewed"] = 1
    if t == "submit":
        flows["received"] = 1
    elif t == "resubmit":
        flows["resubmitted"] = 1
    elif t == "request_revision":
        flows["revision_requested"] = 1
    elif t == "approve":
        flows["approved"] = 1
    elif t == "reject":
        flows["rejected"] = 1
    elif t == "cancel" and source != "draft":  # a draft was never received
        flows["cancelled"] = 1
    elif t == "expire":
        flows["expired"] = 1
    elif t == "issue":
        flows["issued"] = 1
        if facts.due_date is not None and day <= facts.due_date:
            flows["issued_on_time"] = 1
    elif t == "ship":
        flows["shipped"] = 1
    elif t == "ready_for_pickup" and source == "in_delivery":
        flows["returned"] = 1
    elif t == "complete":
        flows["completed"] = 1
        if source == "in_delivery":  # an application is in delivery once: this is the first try
            flows["delivered_first_time"] = 1
    if flows:
        for row in (
            tables[ServiceDay][(day, service, channel)],
            tables[RegencyDay][(day, regency, service, channel)],
            tables[KecamatanDay][(day, regency, kecamatan)],
            tables[KecamatanMonth][(month, regency, kecamatan, service, channel)],
        ):
            for name, n in flows.items():
                row[name] += n

    if first_review or t == "request_revision":
        # A requirement named twice in one request counts once: the rate stays a share.
        codes = dict.fromkeys(step.reasons) if t == "request_revision" else {}
        for code in ([REVIEWED] if first_review else []) + [c for c in codes if c != REVIEWED]:
            for row in (
                tables[RevisionServiceDay][(day, service, code)],
                tables[RevisionDay][(day, regency, service, channel, code)],
                tables[RevisionMonth][(month, regency, kecamatan, service, channel, code)],
            ):
                if code != REVIEWED:
                    row["n"] += 1
                if first_review:
                    row["first"] += 1

    if source in OPEN_STATES:
        tables[OpenCount][_open_key(facts, source, earlier, None)]["n"] -= 1
    if step.to_status in OPEN_STATES:
        tables[OpenCount][_open_key(facts, step.to_status, earlier, step)]["n"] += 1

    stage = _STAGE_ENDS.get((t, source)) or _STAGE_ENDS.get((t, None))
    if stage is not None:
        began = _last(earlier, STAGES[stage][0])
        if began is not None:
            bucket = BUCKET_FIELDS[bucket_of((step.at - began.at).total_seconds() / 3600)]
            tables[StageRegencyDay][(day, regency, stage)][bucket] += 1
            tables[StageDay][(day, regency, service, channel, stage)][bucket] += 1
            tables[StageKecamatanDay][(day, regency, kecamatan, stage)][bucket] += 1
            tables[StageMonth][(month, regency, kecamatan, service, channel, stage)][bucket] += 1


# ---------------------------------------------------------------------------------------------
# The transition effect


@lru_cache(maxsize=256)
def service_code(service_version_id: int) -> str:
    from dukcapil.catalog.models import ServiceVersion

    return ServiceVersion.objects.values_list("service__code", flat=True).get(pk=service_version_id)


def facts_of(application) -> Facts:  # noqa: ANN001 - applications.models.Application
    return Facts(
        regency=application.office_id,
        kecamatan=application.kecamatan_id,
        service=service_code(application.service_version_id),
        channel=application.channel,
        due_date=application.due_date,
    )


def step_of(event) -> Step:  # noqa: ANN001 - applications.models.ApplicationEvent
    reasons = ()
    if event.transition == "request_revision":
        reasons = tuple(
            str(r.get("requirement", "")) for r in (event.data or {}).get("reasons", [])
        )
    return Step(event.transition, event.from_status, event.to_status, event.at, reasons)


class _Earlier(Sequence):
    """The steps of an application before one event, read from the database only when
    :func:`contribute` first looks at them (a submission never does: one query fewer on the
    busiest transition)."""

    def __init__(self, application_id: int, event_id: int, rows: list | None = None) -> None:
        self.application_id, self.event_id = application_id, event_id
        self._steps: list[Step] | None = None if rows is None else [Step(*r) for r in rows]

    def _load(self) -> list[Step]:
        if self._steps is None:
            from dukcapil.applications.models import ApplicationEvent

            rows = (
                ApplicationEvent.objects.filter(
                    application_id=self.application_id, id__lt=self.event_id
                )
                .order_by("at", "id")
                .values_list("transition", "from_status", "to_status", "at")
            )
            self._steps = [Step(*row) for row in rows]
        return self._steps

    def __getitem__(self, index):  # noqa: ANN001, ANN204 - Sequence protocol
        return self._load()[index]

    def __len__(self) -> int:
        return len(self._load())


def record_transition(*, event, application) -> None:  # noqa: ANN001
    """The dashboard's transition effect: add this event to the rollups, in its transaction."""
    tally = Tally()
    # ``event.earlier``: (transition, from, to, at) of the steps before it, oldest first, when
    # the transition has read them already (take next, in its one statement).
    earlier = _Earlier(application.pk, event.pk, getattr(event, "earlier", None))
    contribute(tally, step_of(event), facts_of(application), earlier)
    write(tally)


# ---------------------------------------------------------------------------------------------
# Writing a tally: upserts that add


# A tally of at most this many rows (one transition's: a dozen) is written in one statement on
# PostgreSQL; a larger one (the history generator's) table by table.
ONE_STATEMENT_ROWS = 200


def _upsert_sql(model: type, count: int = 1) -> str:
    """``INSERT … VALUES (…), (…) ON CONFLICT (key) DO UPDATE SET c = c + EXCLUDED.c`` for
    ``count`` rows (distinct keys: one tally entry each)."""
    table, quote = model._meta.db_table, connection.ops.quote_name
    columns = [*model.KEY, *model.COUNTERS]
    sets = ", ".join(
        f"{quote(c)} = {table}.{quote(c)} + EXCLUDED.{quote(c)}" for c in model.COUNTERS
    )
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * count)
    return (
        f"INSERT INTO {table} ({', '.join(map(quote, columns))}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({', '.join(model.KEY)}) DO UPDATE SET {sets}"
    )


def as_rows(tally: Tally) -> Iterator[tuple[type, list[tuple]]]:
    """Per table, the rows (key columns then counters) a tally holds, zeros left out."""
    for model in ROLLUPS:
        rows = []
        for key, values in sorted(tally.tables[model].items()):
            numbers = [values.get(c, 0) for c in model.COUNTERS]
            if any(numbers):
                rows.append((*key, *numbers))
        yield model, rows


@lru_cache(maxsize=512)
def _one_statement(shape: tuple[tuple[type, int], ...]) -> str:
    """The upserts of ``shape`` (table, number of rows; in :data:`ROLLUPS` order) as one
    statement: each table's a data-modifying ``WITH`` of the last one."""
    parts = [_upsert_sql(model, count) for model, count in shape]
    ctes = ", ".join(f"u{i} AS ({sql})" for i, sql in enumerate(parts[:-1]))
    return (f"WITH {ctes} " if ctes else "") + parts[-1]


def write(tally: Tally) -> None:
    """Add ``tally`` to the rollup tables (tables and keys in one fixed order: concurrent
    transitions lock the same rows in the same order and cannot deadlock on them).

    On PostgreSQL a transition's tally is one statement: the upsert of each table a
    data-modifying ``WITH`` of the last one (one round trip however many tables it touches). An
    :class:`~dukcapil.dashboard.models.OpenCount` row that falls to zero stays until
    :func:`purge_empty_open_counts` (the scheduler) deletes it; a zero adds nothing to any figure.
    """
    batches = [(model, rows) for model, rows in as_rows(tally) if rows]
    if not batches:
        return
    if (
        connection.vendor == "postgresql"
        and sum(len(rows) for _model, rows in batches) <= ONE_STATEMENT_ROWS
    ):
        params = [value for _model, rows in batches for row in rows for value in row]
        sql = _one_statement(tuple((model, len(rows)) for model, rows in batches))
        # Prepared: a transition's tally has one of a few shapes, planned once per connection.
        execute_prepared(connection, sql, params)
        return
    with connection.cursor() as cursor:
        for model, rows in batches:
            cursor.executemany(_upsert_sql(model), rows)


def purge_empty_open_counts() -> int:
    """Delete the :class:`~dukcapil.dashboard.models.OpenCount` rows whose count fell to zero (a
    periodic job; a row that a transition fills again meanwhile is re-checked and kept)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OpenCount._meta.db_table} WHERE n = 0")  # noqa: S608
        return cursor.rowcount
