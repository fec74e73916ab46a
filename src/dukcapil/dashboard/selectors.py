"""The dashboard's figures, read from the rollups only (never from applications or events).

A page reads a handful of grouped sums over the rollup rows of the chosen period: for a month of
the whole province some ten thousand small rows, whatever the length of the history. Each family
of rollups (flows, stage times, revisions) comes in grains (:mod:`dukcapil.dashboard.models`);
:func:`grain_for` picks the first that holds every dimension a read filters or groups by.
"""

from __future__ import annotations

import calendar
import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from dukcapil.core.working_days import is_working_day
from dukcapil.dashboard.buckets import BUCKET_FIELDS, BUCKET_HOURS
from dukcapil.dashboard.models import (
    FLOW_FIELDS,
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
from dukcapil.dashboard.rollups import BACKLOG_STATES, OPEN_STATES, STAGE_NAMES

AGE_BANDS = ("0-1", "2-3", "4-7", "8+")  # working days since the clock started
DIMENSIONS = ("regency", "kecamatan", "service", "channel")

# The grains of each family, the fewest rows per day first: the first holding every dimension
# of a read serves it (a kecamatan × day has fewer rows than regency × service × channel × day).
GRAINS = {
    "flows": (ServiceDay, KecamatanDay, RegencyDay, KecamatanMonth),
    "stages": (StageRegencyDay, StageDay, StageKecamatanDay, StageMonth),
    "revisions": (RevisionServiceDay, RevisionDay, RevisionMonth),
}


@dataclass(frozen=True)
class Scope:
    """Whose figures: the whole province or one regency (``regency``), narrowed to one
    kecamatan, one service and/or one channel."""

    regency: str | None = None
    kecamatan: str | None = None
    service: str | None = None
    channel: str | None = None

    @property
    def filters(self) -> dict[str, str]:
        return {d: getattr(self, d) for d in DIMENSIONS if getattr(self, d)}

    def filter(self) -> Q:
        return Q(**self.filters)

    @property
    def monthly(self) -> bool:
        """A filter below the regency: some breakdowns need the monthly grain, so the page's
        period is widened to whole months (for every figure, so that they add up)."""
        return bool(self.kecamatan or self.service or self.channel)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def last_days(cls, days: int = 30, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today - dt.timedelta(days=days - 1), today)

    def filter(self, unit: str = "day") -> Q:
        if unit == "month":
            return Q(month__gte=self.start.replace(day=1), month__lte=self.end.replace(day=1))
        return Q(day__gte=self.start, day__lte=self.end)

    def widened(self) -> Period:
        """The whole months this period touches."""
        last = calendar.monthrange(self.end.year, self.end.month)[1]
        return Period(self.start.replace(day=1), self.end.replace(day=last))


def grain_for(family: str, dimensions: set[str]) -> Any:
    """The first rollup table of ``family`` that holds every one of ``dimensions`` (``day``: a
    time unit, which every table has, daily or monthly)."""
    dimensions = dimensions - {"day"}
    for model in GRAINS[family]:
        if dimensions <= set(model.KEY):
            return model
    raise ValueError(f"no {family} grain holds {sorted(dimensions)}")


@dataclass(frozen=True)
class Share:
    """A fraction shown as a percentage (hidden for protected viewers when ``den`` < 5)."""

    num: int
    den: int

    @property
    def value(self) -> float | None:
        return self.num / self.den if self.den else None


@dataclass(frozen=True)
class Hours:
    """A quantile read from the duration histogram: at most ``BUCKET_HOURS[bucket]`` hours."""

    bucket: int | None
    of: int = 0  # how many durations the histogram holds

    @property
    def bound(self) -> int | None:
        if self.bucket is None or self.bucket >= len(BUCKET_HOURS):
            return None
        return BUCKET_HOURS[self.bucket]


def quantile_bucket(counts: list[int], fraction: float) -> int | None:
    """The bucket holding the ``fraction`` quantile (nearest rank) of a histogram."""
    total = sum(counts)
    if not total:
        return None
    rank = max(1, -(-int(fraction * total * 1000) // 1000))  # ceil without float noise
    running = 0
    for i, n in enumerate(counts):
        running += n
        if running >= rank:
            return i
    return len(counts) - 1


# ---------------------------------------------------------------------------------------------
# Raw sums


def sums(family: str, scope: Scope, period: Period, dimensions: tuple[str, ...],
         counters: tuple[str, ...]) -> dict[tuple, dict[str, int]]:  # fmt: skip
    """``counters`` of ``family`` in the period summed by ``dimensions`` (of
    :data:`DIMENSIONS`, ``day``, ``stage``, ``requirement``), under ``scope``'s filters. Grouped
    by ``day`` on a monthly grain, the key is the first day of the month."""
    wanted = set(scope.filters) | {d for d in dimensions if d != "day"}
    model = grain_for(family, wanted)
    unit = model.KEY[0]
    columns = [unit if d == "day" else d for d in dimensions]
    # Plain SQL: the ORM's per-value converters cost more than the sums on a page's rows.
    quote = connection.ops.quote_name
    where = [f"{quote(unit)} >= %s", f"{quote(unit)} <= %s"]
    params: list[Any] = [period.start, period.end]
    if unit == "month":
        params = [period.start.replace(day=1), period.end.replace(day=1)]
    for name, value in scope.filters.items():
        where.append(f"{quote(name)} = %s")
        params.append(value)
    group = ", ".join(quote(c) for c in columns)
    sql = (
        f"SELECT {group}{', ' if group else ''}"  # noqa: S608 - names are ours
        + ", ".join(f"SUM({quote(c)})" for c in counters)
        + f" FROM {model._meta.db_table} WHERE {' AND '.join(where)}"
        + (f" GROUP BY {group}" if group else "")
    )
    width = len(columns)
    dated = [i for i, c in enumerate(columns) if c in ("day", "month")]
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            key = row[:width]
            if dated and isinstance(key[dated[0]], str):  # SQLite gives dates as text
                key = tuple(dt.date.fromisoformat(k) if i in dated else k
                            for i, k in enumerate(key))  # fmt: skip
            result[key] = dict(zip(counters, (int(n or 0) for n in row[width:]), strict=True))
    return result


def flows_by(scope: Scope, period: Period, *dimensions: str,
             counters: tuple[str, ...] = FLOW_FIELDS) -> dict[tuple, dict[str, int]]:  # fmt: skip
    """Flow counters of the period summed by ``dimensions``."""
    return sums("flows", scope, period, dimensions, counters)


def earliest_since(today: dt.date, age: int) -> dt.date:
    """The earliest clock-start day whose age on ``today`` is at most ``age`` working days."""
    day, current = today, 0
    while True:
        step = 1 if is_working_day(day) else 0
        if current + step > age:
            return day
        current += step
        day -= dt.timedelta(days=1)


def _empty_open() -> dict:
    return {
        "states": dict.fromkeys(OPEN_STATES, 0),
        "ages": dict.fromkeys(AGE_BANDS, 0),
        "overdue": 0,
        "backlog": 0,
    }


def open_by(scope: Scope, *groupings: tuple[str, ...],
            today: dt.date | None = None) -> list[dict[tuple, dict]]:  # fmt: skip
    """Applications now open summed by each of ``groupings`` (tuples of dimensions): per state,
    and for the backlog (the office states) per age band in working days since the clock
    started, and past the due day. One scan for all groupings on PostgreSQL (grouping sets)."""
    today = today or timezone.localdate()
    t1, t3, t7 = (earliest_since(today, k) for k in (1, 3, 7))
    quote = connection.ops.quote_name
    columns = list(dict.fromkeys(d for grouping in groupings for d in grouping))
    where, params = ["1 = 1"], []
    for name, value in scope.filters.items():
        where.append(f"{quote(name)} = %s")
        params.append(value)
    bands = (
        ("since >= %s", [t1]), ("since >= %s AND since < %s", [t3, t1]),
        ("since >= %s AND since < %s", [t7, t3]), ("since < %s", [t7]), ("due < %s", [today]),
    )  # fmt: skip
    sums = ", ".join(f"SUM(CASE WHEN {condition} THEN n ELSE 0 END)" for condition, _p in bands)
    band_params = [p for _c, ps in bands for p in ps]
    sets = [(*grouping, "status") for grouping in groupings]
    if connection.vendor == "postgresql":
        grouping_sets = ", ".join(f"({', '.join(map(quote, g))})" for g in sets)
        selected = ", ".join(quote(c) for c in [*columns, "status"])
        statements = [(selected, f"GROUPING SETS ({grouping_sets})")]
    else:  # one statement per grouping; the dimensions it leaves out read as NULL, as above
        statements = [
            (", ".join(quote(c) if c in g else "NULL" for c in [*columns, "status"]),
             ", ".join(map(quote, g)))
            for g in sets
        ]  # fmt: skip
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for selected, group_by in statements:
            cursor.execute(
                f"SELECT {selected}, SUM(n), {sums} FROM {OpenCount._meta.db_table} "  # noqa: S608
                f"WHERE {' AND '.join(where)} GROUP BY {group_by}",
                [*band_params, *params],
            )
            rows += cursor.fetchall()
    results: list[dict[tuple, dict]] = [defaultdict(_empty_open) for _g in groupings]
    positions = [[columns.index(d) for d in grouping] for grouping in groupings]
    width = len(columns)
    for row in rows:
        present = [i for i in range(width) if row[i] is not None]
        for result, where_ in zip(results, positions, strict=True):
            if sorted(where_) != present:
                continue
            entry = result[tuple(row[i] for i in where_)]
            status = row[width]
            entry["states"][status] += int(row[width + 1] or 0)
            if status in BACKLOG_STATES:
                ages = entry["ages"]
                for band_name, n in zip(AGE_BANDS, row[width + 2 : width + 6], strict=True):
                    ages[band_name] += int(n or 0)
                entry["overdue"] += int(row[width + 6] or 0)
    for result in results:
        for entry in result.values():
            entry["backlog"] = sum(entry["ages"].values())
    return [dict(result) for result in results]


def _histograms(rows: dict[tuple, dict[str, int]]) -> dict[tuple, dict[str, list[int]]]:
    """(… , stage) → counters, as ( … ) → stage → bucket counts."""
    result: dict[tuple, dict[str, list[int]]] = defaultdict(
        lambda: {s: [0] * len(BUCKET_FIELDS) for s in STAGE_NAMES}
    )
    for (*key, stage), counts in rows.items():
        result[tuple(key)][stage] = [counts[b] for b in BUCKET_FIELDS]
    return result


def stages_by(scope: Scope, period: Period, *dimensions: str) -> dict[tuple, dict[str, dict]]:
    """Per ``dimensions`` and stage: count, median and p90 (as :class:`Hours`)."""
    rows = sums("stages", scope, period, (*dimensions, "stage"), BUCKET_FIELDS)
    return {key: _quantiles(per_stage) for key, per_stage in _histograms(rows).items()}


def _quantiles(per_stage: dict[str, list[int]]) -> dict[str, dict]:
    return {
        stage: {
            "count": sum(counts),
            "median": Hours(quantile_bucket(counts, 0.5), sum(counts)),
            "p90": Hours(quantile_bucket(counts, 0.9), sum(counts)),
            "histogram": counts,
        }
        for stage, counts in per_stage.items()
    }


def revisions_by(scope: Scope, period: Period) -> dict[tuple[str, str], dict[str, int]]:
    """(service, requirement) → ``n`` (requests naming it) and ``first`` (at the application's
    first review); requirement ``REVIEWED`` ("") holds the service's first reviews."""
    return sums("revisions", scope, period, ("service", "requirement"), ("n", "first"))


# ---------------------------------------------------------------------------------------------
# Names


# Names change with a migration (regions) or an administrator's edit (services): regions are read
# once per process, service names at most once a minute.


@lru_cache(maxsize=4)
def _regencies(province: str) -> dict[str, str]:
    from dukcapil.regions.models import Regency

    return dict(Regency.objects.filter(province=province).values_list("code", "name"))


@lru_cache(maxsize=4)
def _kecamatan(province: str) -> dict[str, tuple[str, str]]:
    from dukcapil.regions.models import Kecamatan

    rows = Kecamatan.objects.filter(regency__province=province).order_by("code")
    return {c: (r, n) for c, r, n in rows.values_list("code", "regency", "name")}


def regency_names() -> dict[str, str]:
    return dict(_regencies(settings.DUKCAPIL_PROVINCE_CODE))


def kecamatan_names(scope: Scope) -> dict[str, tuple[str, str]]:
    """kecamatan code → (regency code, name), in code order."""
    rows = _kecamatan(settings.DUKCAPIL_PROVINCE_CODE)
    if scope.kecamatan:
        return {c: v for c, v in rows.items() if c == scope.kecamatan}
    if scope.regency:
        return {c: v for c, v in rows.items() if v[0] == scope.regency}
    return dict(rows)


@lru_cache(maxsize=8)
def _service_names(english: bool, minute: int) -> dict[str, str]:
    from dukcapil.catalog.models import Service

    rows = Service.objects.values_list(
        "code", "current_version__name_en" if english else "current_version__name_id"
    )
    return {code: name or code for code, name in rows}


def service_names() -> dict[str, str]:
    english = (get_language() or "id").startswith("en")
    return dict(_service_names(english, int(time.monotonic() // 60)))


# ---------------------------------------------------------------------------------------------
# Everything a dashboard page shows


@dataclass
class Figures:
    scope: Scope
    period: Period  # the period of the figures (``asked`` widened to months for a filtered page)
    asked: Period
    today: dt.date
    regencies: dict[str, str]
    kecamatan: dict[str, tuple[str, str]]
    services: dict[str, str]
    flows: dict[str, dict[tuple, dict[str, int]]]  # dimension or "day" → key → counters
    open: dict[str, dict[tuple, dict]]  # dimension → key → states, ages, overdue, backlog
    stages: dict[str, dict[tuple, dict[str, dict]]]  # dimension → key → stage → quantiles
    revisions: dict[tuple[str, str], dict[str, int]]
    day_unit: str = "day"  # "month" when even the daily series needs the monthly grain
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def widened(self) -> bool:
        return self.period != self.asked

    @property
    def by_regency(self) -> dict[tuple, dict[str, int]]:
        return self.flows["regency"]

    @property
    def by_service(self) -> dict[tuple, dict[str, int]]:
        return self.flows["service"]

    @property
    def by_channel(self) -> dict[tuple, dict[str, int]]:
        return self.flows["channel"]

    @property
    def by_kecamatan(self) -> dict[tuple, dict[str, int]]:
        return self.flows["kecamatan"]

    @property
    def by_day(self) -> dict[tuple, dict[str, int]]:
        return self.flows["day"]

    @property
    def totals(self) -> dict[str, int]:
        total = dict.fromkeys(FLOW_FIELDS, 0)
        for row in self.by_regency.values():
            for f in FLOW_FIELDS:
                total[f] += row[f]
        return total

    @property
    def open_total(self) -> dict:
        total = _empty_open()
        for entry in self.open["regency"].values():
            _add_open(total, entry)
        return total

    @property
    def stages_total(self) -> dict[str, dict]:
        """Scope-wide quantiles: from the histograms summed over regencies."""
        merged = {s: [0] * len(BUCKET_FIELDS) for s in STAGE_NAMES}
        for per_stage in self.stages["regency"].values():
            for stage, figures in per_stage.items():
                merged[stage] = [
                    a + b for a, b in zip(merged[stage], figures["histogram"], strict=True)
                ]
        return _quantiles(merged)


DAILY = ("received", "completed", "rejected")  # what the daily table and chart show


def dashboard(scope: Scope, period: Period, today: dt.date | None = None, *,
              stage_dimensions: tuple[str, ...] = ("regency",)) -> Figures:  # fmt: skip
    """All figures of a dashboard page for ``scope`` and ``period``; the stage times only by
    ``stage_dimensions`` (the regency for the league, and the breakdown the page shows: a
    histogram has 17 columns, read only where shown)."""
    today = today or timezone.localdate()
    asked = period
    if scope.monthly:
        period = period.widened()
    # Two reads of the flows: by place (regency × kecamatan) and by kind (service × channel).
    places_flows = flows_by(scope, period, "regency", "kecamatan")
    kinds_flows = flows_by(scope, period, "service", "channel")
    day_grain = grain_for("flows", set(scope.filters) | {"day"})
    # The open counts by place and by service × channel (one scan on PostgreSQL).
    places, kinds = open_by(scope, ("regency", "kecamatan"), ("service", "channel"), today=today)
    stages = {d: {} for d in DIMENSIONS}
    for dimension in dict.fromkeys(("regency", *stage_dimensions)):
        stages[dimension] = stages_by(scope, period, dimension)
    return Figures(
        scope=scope,
        period=period,
        asked=asked,
        today=today,
        regencies=regency_names(),
        kecamatan=kecamatan_names(scope),
        services=service_names(),
        flows={
            "regency": _regroup(places_flows, 0),
            "service": _regroup(kinds_flows, 0),
            "channel": _regroup(kinds_flows, 1),
            "kecamatan": _regroup(places_flows, 1),
            "day": flows_by(scope, period, "day", counters=DAILY),
        },
        open={
            "regency": _regroup_open(places, 0),
            "kecamatan": _regroup_open(places, 1),
            "service": _regroup_open(kinds, 0),
            "channel": _regroup_open(kinds, 1),
        },
        stages=stages,
        revisions=revisions_by(scope, period),
        day_unit=day_grain.KEY[0],
    )


def _regroup(rows: dict[tuple, dict[str, int]], index: int) -> dict[tuple, dict[str, int]]:
    result: dict[tuple, dict[str, int]] = {}
    for key, values in rows.items():
        target = result.setdefault((key[index],), dict.fromkeys(FLOW_FIELDS, 0))
        for f in FLOW_FIELDS:
            target[f] += values[f]
    return result


def _add_open(target: dict, entry: dict) -> None:
    for s, n in entry["states"].items():
        target["states"][s] += n
    for b, n in entry["ages"].items():
        target["ages"][b] += n
    target["overdue"] += entry["overdue"]
    target["backlog"] += entry["backlog"]


def _regroup_open(rows: dict[tuple, dict], index: int) -> dict[tuple, dict]:
    result: dict[tuple, dict] = defaultdict(_empty_open)
    for key, entry in rows.items():
        _add_open(result[(key[index],)], entry)
    return dict(result)
