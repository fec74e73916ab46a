"""A province-scale history for the dashboard benchmark: applications and their events over
three years (10 million by default), written with PostgreSQL ``COPY``, and the rollups built from
the very same events by :func:`dukcapil.dashboard.rollups.contribute` (the code the transitions and
the recount use).

Shape (synthetic, but with the proportions of Banten): regencies weighted by population, kecamatan
by a fixed skewed weight inside their regency, thirteen services with realistic shares, channels
(WhatsApp first) whose mix moves towards WhatsApp over time, volume growing over the three years,
quiet weekends and holidays, and outcomes: revisions (most answered, some expired or cancelled),
rejections, cancellations, signing, printing of cards, delivery by post (some returned) or pick-up.
Each regency has its own speed, so the league table has a top and a bottom. The newest applications
are still open, so the backlog is real.

No person is made: ``applicant`` is empty, phone numbers and forms are blank.

``dukcapil dashboard-history --applications 10000000`` (PostgreSQL only).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import connection

from dukcapil.applications.tracking import ALPHABET, _check_character
from dukcapil.core.working_days import add_working_days, is_working_day
from dukcapil.dashboard import rollups
from dukcapil.dashboard.models import ROLLUPS, OpenCount
from dukcapil.dashboard.rollups import Facts, Step, Tally, as_rows, contribute

JAKARTA = ZoneInfo("Asia/Jakarta")
YEARS = 3

# Population (2020 census, thousands) as the weight of each regency; the speed factor of its office.
REGENCIES = {
    "36.01": (1272, 1.3),
    "36.02": (1387, 1.8),
    "36.03": (3245, 1.1),
    "36.04": (1623, 1.5),
    "36.71": (1896, 0.8),
    "36.72": (434, 0.9),
    "36.73": (692, 1.0),
    "36.74": (1355, 0.7),
}
SERVICES = {
    "KK_UBAH": 18, "AKTA_LAHIR": 16, "KTP_HILANG": 12, "KIA": 12, "KTP_BARU": 8, "KK_HILANG": 6,
    "KTP_UBAH": 6, "AKTA_MATI": 5, "PINDAH_KELUAR": 5, "PINDAH_DATANG": 5, "KK_BARU": 4,
    "AKTA_KAWIN": 2, "AKTA_CERAI": 1,
}  # fmt: skip
CARDS = {"KTP_BARU", "KTP_HILANG", "KTP_UBAH", "KIA"}  # printed on card stock
CHANNELS_START = {"whatsapp": 30, "web": 25, "operator": 40, "api": 5}
CHANNELS_END = {"whatsapp": 55, "web": 25, "operator": 15, "api": 5}

APPLICATION_COLUMNS = (
    "id", "tracking_number", "service_version_id", "status", "channel", "office_id",
    "kecamatan_id", "applicant_relation", "applicant_phone", "language", "form_data",
    "declarations", "delivery_method", "delivery_address", "consent_recorded", "created_at",
    "submitted_at", "decided_at", "closed_at", "due_date", "decision_reason", "registry_result",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "application_id", "transition", "from_status", "to_status", "actor_kind",
    "actor_label", "note", "data", "at",
)  # fmt: skip


@dataclass
class World:
    """What the generator draws from: regions, services and their versions."""

    kecamatan: dict[str, tuple[list[str], list[float]]]
    versions: dict[str, tuple[int, int, list[str]]]  # code → (version id, SLA days, uploads)


def load_world() -> World:
    from dukcapil.catalog.models import Service
    from dukcapil.regions.models import Kecamatan

    rng = random.Random(7)  # noqa: S311 - synthetic data, not secrets
    kecamatan: dict[str, tuple[list[str], list[float]]] = {}
    for regency in REGENCIES:
        codes = list(Kecamatan.objects.filter(regency=regency).order_by("code")
                     .values_list("code", flat=True))  # fmt: skip
        weights = [rng.paretovariate(1.5) for _ in codes]
        kecamatan[regency] = (codes, weights)
    versions = {}
    for service in Service.objects.select_related("current_version"):
        v = service.current_version
        if v is None or service.code not in SERVICES:
            continue
        uploads = [r["code"] for r in v.requirements if r.get("kind") == "upload"]
        versions[service.code] = (v.pk, v.service_level_days, uploads)
    return World(kecamatan, versions)


@lru_cache(maxsize=20_000)
def _due(day: dt.date, days: int) -> dt.date:
    return add_working_days(day, days)


def _tracking(n: int) -> str:
    body = ""
    for _ in range(8):
        n, r = divmod(n, 32)
        body = ALPHABET[r] + body
    return body + _check_character(body)


class Life:
    """One application's events, drawn at random from ``submitted`` until ``now``."""

    def __init__(self, rng: random.Random, speed: float, now: dt.datetime) -> None:
        self.rng, self.speed, self.now = rng, speed, now
        self.steps: list[Step] = []
        self.status = "draft"

    def hours(self, median: float) -> float:
        return median * self.speed * self.rng.lognormvariate(0, 0.8)

    def go(self, at: dt.datetime, transition: str, target: str, reasons: tuple = ()) -> bool:
        if at > self.now:
            return False
        self.steps.append(Step(transition, self.status, target, at, reasons))
        self.status = target
        return True


def live(life: Life, submitted: dt.datetime, card: bool, uploads: list[str]) -> None:
    rng, t = life.rng, submitted
    h = dt.timedelta(hours=1)
    if not life.go(t, "submit", "submitted"):
        return
    for _attempt in range(3):
        if rng.random() < 0.01:
            life.go(t + life.hours(5) * h, "cancel", "cancelled")
            return
        t += life.hours(6) * h
        if not life.go(t, "claim", "in_review"):
            return
        t += life.hours(1.5) * h
        roll = rng.random()
        if roll < 0.04:
            life.go(t, "reject", "rejected")
            return
        if roll < 0.17 and uploads and _attempt < 2:  # the third review decides
            named = tuple(rng.sample(uploads, 1 if rng.random() < 0.8 else min(2, len(uploads))))
            if not life.go(t, "request_revision", "needs_revision", named):
                return
            answer = rng.random()
            if answer < 0.12:
                life.go(t + dt.timedelta(days=14, hours=1), "expire", "expired")
                return
            if answer < 0.15:
                life.go(t + life.hours(30) * h, "cancel", "cancelled")
                return
            t += min(life.hours(40), 13 * 24) * h  # answered before it would expire
            if not life.go(t, "resubmit", "submitted"):
                return
            continue
        if not life.go(t, "approve", "approved"):
            return
        break
    else:
        return
    if life.status != "approved":
        return
    t += life.hours(5) * h
    if not life.go(t, "issue", "issued"):
        return
    if card:
        t += life.hours(20) * h
        if not life.go(t, "mark_printed", "printed"):
            return
    if rng.random() < 0.4:  # by post
        t += life.hours(4) * h
        if not life.go(t, "ship", "in_delivery"):
            return
        t += life.hours(40) * h
        if rng.random() < 0.08:
            if not life.go(t, "ready_for_pickup", "ready_for_pickup"):
                return
            t += life.hours(48) * h
        life.go(t, "complete", "completed")
    else:
        t += life.hours(3) * h
        if not life.go(t, "ready_for_pickup", "ready_for_pickup"):
            return
        t += life.hours(30) * h
        life.go(t, "complete", "completed")


def _choice_table(weights: dict[str, float]) -> tuple[list[str], list[float]]:
    keys = list(weights)
    return keys, [weights[k] for k in keys]


def _channels_at(fraction: float) -> tuple[list[str], list[float]]:
    keys = list(CHANNELS_START)
    return keys, [
        CHANNELS_START[k] + (CHANNELS_END[k] - CHANNELS_START[k]) * fraction for k in keys
    ]


def days_and_volumes(applications: int, now: dt.datetime) -> list[tuple[dt.date, int]]:
    """How many applications each day of the three years gets: growing, quiet on days off."""
    first = now.date() - dt.timedelta(days=365 * YEARS)
    days = [first + dt.timedelta(days=i) for i in range((now.date() - first).days + 1)]
    weights = [
        (1 + 0.6 * i / len(days)) * (1.0 if is_working_day(d) else 0.25) for i, d in enumerate(days)
    ]
    # Today gets only what the hours already gone of its office day bring (not a whole day's
    # applications crammed into the last hour, all still waiting for their first claim).
    weights[-1] *= _day_gone(now)
    scale = applications / sum(weights)
    volumes, carry = [], 0.0
    for d, w in zip(days, weights, strict=True):
        exact = w * scale + carry
        n = int(exact)
        carry = exact - n
        volumes.append((d, n))
    short = applications - sum(n for _, n in volumes)
    volumes[-2] = (volumes[-2][0], volumes[-2][1] + short)
    return volumes


OPENING_HOUR, OFFICE_HOURS = 7, 11  # submissions come between 07:00 and 18:00


def _day_gone(now: dt.datetime) -> float:
    """The share of today's submission hours already gone at ``now``."""
    opening = now.replace(hour=OPENING_HOUR, minute=0, second=0, microsecond=0)
    return min(max((now - opening).total_seconds() / (OFFICE_HOURS * 3600), 0.0), 1.0)


def _text(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


class Copier:
    """Rows buffered as COPY text and sent in large pieces."""

    def __init__(self, cursor, table: str, columns: tuple[str, ...]) -> None:  # noqa: ANN001
        self.cursor, self.table, self.columns = cursor, table, columns
        self.buffer = io.StringIO()
        self.count = 0

    def add(self, row: tuple) -> None:
        self.add_line("\t".join(map(_text, row)) + "\n")

    def add_line(self, line: str) -> None:
        """A line already in COPY text format (ending in a newline)."""
        self.buffer.write(line)
        self.count += 1
        if self.count % 20_000 == 0 and self.buffer.tell() > 8_000_000:
            self.flush()

    def flush(self) -> None:
        data = self.buffer.getvalue()
        if not data:
            return
        sql = f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
        with self.cursor.copy(sql) as copy:
            copy.write(data)
        self.buffer = io.StringIO()


def _check_columns() -> None:
    """Fail loudly when Application gained a required column the generator does not fill."""
    from dukcapil.applications.models import Application

    required = {
        f.column
        for f in Application._meta.concrete_fields
        if not f.null and not f.primary_key and f.column not in APPLICATION_COLUMNS
    }
    if required:
        raise RuntimeError(f"history generator: fill the new columns {sorted(required)}")


def _without_indexes(cursor, tables: list[str]) -> Callable[[], None]:  # noqa: ANN001
    """Drop the secondary indexes, constraints and triggers of ``tables`` for the load; the
    returned function puts them back (the data is consistent by construction)."""
    restore: list[str] = []
    for table in tables:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f', 'c')",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'p')",
            [table, table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
            restore.append(definition)
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        restore.append(f"ALTER TABLE {table} ENABLE TRIGGER ALL")

    def put_back() -> None:
        for statement in restore:
            cursor.execute(statement)

    return put_back


def generate(
    applications: int = 10_000_000,
    *,
    seed: int = 2026,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, float]:
    """Write ``applications`` applications with their events, and their rollups. Returns
    counts and the seconds spent."""
    if connection.vendor != "postgresql":
        raise RuntimeError("the history generator needs PostgreSQL (COPY)")
    from dukcapil.applications.models import Application, ApplicationEvent

    _check_columns()
    started = time.perf_counter()
    now = (now or dt.datetime.now(JAKARTA)).astimezone(JAKARTA)
    world = load_world()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    regency_keys, regency_weights = _choice_table({k: v[0] for k, v in REGENCIES.items()})
    service_keys, service_weights = _choice_table(SERVICES)
    service_keys = [s for s in service_keys if s in world.versions]
    service_weights = [SERVICES[s] for s in service_keys]
    volumes = days_and_volumes(applications, now)
    tally = Tally()
    app_table, event_table = Application._meta.db_table, ApplicationEvent._meta.db_table
    counts = {"applications": 0, "events": 0}

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {app_table}")  # noqa: S608
        next_app = cursor.fetchone()[0] + 1
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {event_table}")  # noqa: S608
        next_event = cursor.fetchone()[0] + 1
        put_back = _without_indexes(cursor, [app_table, event_table])
        apps = Copier(cursor, app_table, APPLICATION_COLUMNS)
        events = Copier(cursor, event_table, EVENT_COLUMNS)
        streams = _streams(cursor)
        for day_index, (day, volume) in enumerate(volumes):
            channel_keys, channel_weights = _channels_at(day_index / len(volumes))
            regencies = rng.choices(regency_keys, regency_weights, k=volume)
            services = rng.choices(service_keys, service_weights, k=volume)
            channels = rng.choices(channel_keys, channel_weights, k=volume)
            base = dt.datetime(day.year, day.month, day.day, OPENING_HOUR, tzinfo=JAKARTA)
            # Today: only the office hours already gone (``volume`` is scaled to them).
            window = int(min(OFFICE_HOURS * 3600, max((now - base).total_seconds(), 1)))
            for regency, service, channel in zip(regencies, services, channels, strict=True):
                codes, weights = world.kecamatan[regency]
                kecamatan = rng.choices(codes, weights)[0]
                version_id, sla, uploads = world.versions[service]
                submitted = base + dt.timedelta(seconds=rng.randrange(window))
                life = Life(rng, REGENCIES[regency][1], now)
                live(life, submitted, service in CARDS, uploads)
                due = None
                decided = closed = None
                app_id = next_app
                next_app += 1
                earlier: list[Step] = []
                for step in life.steps:
                    if step.transition in ("submit", "resubmit"):
                        due = _due(step.at.date(), sla)
                    elif step.transition in ("approve", "reject"):
                        decided = step.at
                    if step.to_status in ("completed", "rejected", "cancelled", "expired"):
                        closed = step.at
                    contribute(tally, step, Facts(regency, kecamatan, service, channel, due),
                               earlier)  # fmt: skip
                    earlier.append(step)
                    data = "{}"
                    if step.reasons:
                        data = json.dumps({"reasons": [
                            {"requirement": code, "reason": "unreadable", "note": ""}
                            for code in step.reasons
                        ]})  # fmt: skip
                    actor = "citizen" if step.transition in ("submit", "resubmit", "cancel") else (
                        "system" if step.transition == "expire" else "staff")  # fmt: skip
                    # Every text here is ours and free of tabs and backslashes: no escaping.
                    events.add_line(f"{next_event}\t{app_id}\t{step.transition}\t"
                                    f"{step.from_status}\t{step.to_status}\t{actor}\triwayat\t"
                                    f"\t{data}\t{step.at.isoformat()}\n")  # fmt: skip
                    next_event += 1
                apps.add((
                    app_id, _tracking(app_id), version_id, life.status, channel, regency,
                    kecamatan, "self", "", "id", "{}", "{}", "pickup", "{}", False,
                    submitted - dt.timedelta(minutes=10), submitted, decided, closed, due, "",
                    "{}",
                ))  # fmt: skip
                counts["applications"] += 1
                counts["events"] += len(life.steps)
            if day_index % 30 == 0:
                # No application submitted from today on has an event before today: the rows
                # of the days before yesterday are final (a day of margin costs nothing).
                _drain(tally, streams, day - dt.timedelta(days=1))
                elapsed = time.perf_counter() - started
                progress(f"{day.isoformat()}: {counts['applications']:,} applications, "
                         f"{counts['events']:,} events, {elapsed:.0f} s")  # fmt: skip
        apps.flush()
        events.flush()
        counts["seconds_raw"] = time.perf_counter() - started
        progress("indexes and constraints back …")
        put_back()
        for table in (app_table, event_table):
            cursor.execute(f"SELECT max(id) FROM {table}")  # noqa: S608 - our own table
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                           [table, cursor.fetchone()[0]])  # fmt: skip
        counts["seconds_indexes"] = time.perf_counter() - started - counts["seconds_raw"]
        progress("rollups …")
        _drain(tally, streams, dt.date.max)
        for copier in streams.values():
            copier.flush()
        write_rollups(cursor, tally)
        for table in (app_table, event_table, *rollup_tables()):
            cursor.execute(f"ANALYZE {table}")
    counts["seconds"] = time.perf_counter() - started
    return counts


def rollup_tables() -> list[str]:
    return [model._meta.db_table for model in ROLLUPS]


def _streams(cursor) -> dict[type, Copier]:  # noqa: ANN001
    """COPY writers for the empty day- or month-keyed rollup tables: their finished rows leave
    the tally as the generation goes (so that ten million histories fit in memory)."""
    streams = {}
    for model in ROLLUPS:
        if model.KEY[0] not in ("day", "month"):
            continue
        table = model._meta.db_table
        cursor.execute(f"SELECT exists(SELECT 1 FROM {table})")  # noqa: S608 - our own table
        if not cursor.fetchone()[0]:
            streams[model] = Copier(cursor, table, (*model.KEY, *model.COUNTERS))
    return streams


def _drain(tally: Tally, streams: dict[type, Copier], before: dt.date) -> None:
    """Move the rows of days (months) before ``before`` from ``tally`` to their COPY writers,
    and forget the open-state entries that came back to zero (every application leaves a few:
    ten million of them would not fit in memory; a zero adds nothing, now or later)."""
    opened = tally.tables[OpenCount]
    for key in [key for key, values in opened.items() if not values["n"]]:
        del opened[key]
    for model, copier in streams.items():
        data = tally.tables[model]
        bound = before if model.KEY[0] == "day" else before.replace(day=1)
        for key in sorted(k for k in data if k[0] < bound):
            values = data.pop(key)
            numbers = [values.get(c, 0) for c in model.COUNTERS]
            if any(numbers):
                copier.add((*key, *numbers))


def write_rollups(cursor, tally: Tally) -> None:  # noqa: ANN001
    """COPY the tally into empty rollup tables; add it with upserts when they hold rows."""
    for model, rows in as_rows(tally):
        if not rows:
            continue
        table = model._meta.db_table
        cursor.execute(f"SELECT exists(SELECT 1 FROM {table})")  # noqa: S608
        if cursor.fetchone()[0]:
            part = Tally()
            for row in rows:
                part.tables[model][row[: len(model.KEY)]].update(
                    zip(model.COUNTERS, row[len(model.KEY) :], strict=True)
                )
            rollups.write(part)
            continue
        copier = Copier(cursor, table, (*model.KEY, *model.COUNTERS))
        for row in rows:
            copier.add(row)
        copier.flush()


def sample_rollups(applications: int = 400, *, days: int = 60, seed: int = 3) -> int:
    """Only the rollups of a small synthetic history of the last ``days`` days (no applications
    or events are written; any database): for demo pages and screenshots. Returns the events."""
    now = dt.datetime.now(JAKARTA)
    world = load_world()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    regency_keys, regency_weights = _choice_table({k: v[0] for k, v in REGENCIES.items()})
    service_keys = [s for s in SERVICES if s in world.versions]
    service_weights = [SERVICES[s] for s in service_keys]
    channel_keys, channel_weights = _channels_at(1.0)
    tally, count = Tally(), 0
    for _ in range(applications):
        regency = rng.choices(regency_keys, regency_weights)[0]
        service = rng.choices(service_keys, service_weights)[0]
        channel = rng.choices(channel_keys, channel_weights)[0]
        codes, weights = world.kecamatan[regency]
        kecamatan = rng.choices(codes, weights)[0]
        _version, sla, uploads = world.versions[service]
        life = Life(rng, REGENCIES[regency][1], now)
        live(life, now - dt.timedelta(hours=rng.uniform(0.5, 24 * days)), service in CARDS, uploads)
        due, earlier = None, []
        for step in life.steps:
            if step.transition in ("submit", "resubmit"):
                due = _due(step.at.date(), sla)
            contribute(tally, step, Facts(regency, kecamatan, service, channel, due), earlier)
            earlier.append(step)
        count += len(life.steps)
    rollups.write(tally)
    return count
