"""The dashboard's figures, read from the rollups only (never from applications or events).

A page reads a handful of grouped sums over the rollup rows of the chosen period: for a month of
the whole province some ten thousand small rows, whatever the length of the history.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import get_language

from dukcapil.core.working_days import is_working_day
from dukcapil.dashboard.models import (
    FLOW_FIELDS,
    KecamatanDay,
    OpenCount,
    RegencyDay,
    RevisionDay,
    StageDay,
)
from dukcapil.dashboard.rollups import BACKLOG_STATES, BUCKET_HOURS, OPEN_STATES, STAGE_NAMES

AGE_BANDS = ("0-1", "2-3", "4-7", "8+")  # working days since the clock started


@dataclass(frozen=True)
class Scope:
    """Whose figures: the whole province (``regency`` None) or one regency."""

    regency: str | None = None

    def filter(self) -> Q:
        return Q(regency=self.regency) if self.regency else Q()


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @classmethod
    def last_days(cls, days: int = 30, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(today - dt.timedelta(days=days - 1), today)

    def filter(self) -> Q:
        return Q(day__gte=self.start, day__lte=self.end)


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


def _flow_sums() -> dict[str, Sum]:
    return {name: Sum(name) for name in FLOW_FIELDS}


def flows_by(scope: Scope, period: Period, *dimensions: str) -> dict[tuple, dict[str, int]]:
    """Flow counters of the period summed by ``dimensions`` (of ``day``, ``regency``,
    ``service``, ``channel``; or ``kecamatan`` alone with ``regency``/``day``)."""
    model = KecamatanDay if "kecamatan" in dimensions else RegencyDay
    rows = (
        model.objects.filter(scope.filter(), period.filter())
        .values(*dimensions)
        .annotate(**_flow_sums())
        .order_by()
    )
    return {
        tuple(row[d] for d in dimensions): {f: row[f] or 0 for f in FLOW_FIELDS} for row in rows
    }


def earliest_since(today: dt.date, age: int) -> dt.date:
    """The earliest clock-start day whose age on ``today`` is at most ``age`` working days."""
    day, current = today, 0
    while True:
        step = 1 if is_working_day(day) else 0
        if current + step > age:
            return day
        current += step
        day -= dt.timedelta(days=1)


def open_by(scope: Scope, *dimensions: str, today: dt.date | None = None) -> dict[tuple, dict]:
    """The backlog (applications now in an office state) summed by ``dimensions``: per age band
    in working days since the clock started, and past the due day. The per-state counts are
    :func:`states_by`'s (one scan for each: fewer groups to hash than both at once)."""
    today = today or timezone.localdate()
    t1, t3, t7 = (earliest_since(today, k) for k in (1, 3, 7))

    def band(condition: Q) -> Sum:
        return Sum(Case(When(condition, then="n"), default=Value(0)), output_field=IntegerField())

    rows = (
        OpenCount.objects.filter(scope.filter(), status__in=BACKLOG_STATES)
        .values(*dimensions)
        .annotate(
            a01=band(Q(since__gte=t1)),
            a23=band(Q(since__gte=t3, since__lt=t1)),
            a47=band(Q(since__gte=t7, since__lt=t3)),
            a8=band(Q(since__lt=t7)),
            overdue=band(Q(due__lt=today)),
        )
        .order_by()
    )
    result: dict[tuple, dict] = defaultdict(_empty_open)
    for row in rows:
        entry = result[tuple(row[d] for d in dimensions)]
        for key, band_name in zip(("a01", "a23", "a47", "a8"), AGE_BANDS, strict=True):
            entry["ages"][band_name] += row[key] or 0
        entry["overdue"] += row["overdue"] or 0
    for entry in result.values():
        entry["backlog"] = sum(entry["ages"].values())
    return result


def states_by(scope: Scope) -> dict[str, dict[str, int]]:
    """regency → applications now in each open state."""
    rows = (
        OpenCount.objects.filter(scope.filter())
        .values("regency", "status")
        .annotate(total=Sum("n"))
        .order_by()
    )
    result: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(OPEN_STATES, 0))
    for row in rows:
        result[row["regency"]][row["status"]] += row["total"] or 0
    return result


def _empty_open() -> dict:
    return {
        "states": dict.fromkeys(OPEN_STATES, 0),
        "ages": dict.fromkeys(AGE_BANDS, 0),
        "overdue": 0,
        "backlog": 0,
    }


def stages_by(scope: Scope, period: Period, *dimensions: str) -> dict[tuple, dict[str, dict]]:
    """Per ``dimensions`` and stage: count, median and p90 (as :class:`Hours`)."""
    histograms: dict[tuple, dict[str, list[int]]] = defaultdict(
        lambda: {s: [0] * (len(BUCKET_HOURS) + 1) for s in STAGE_NAMES}
    )
    rows = (
        StageDay.objects.filter(scope.filter(), period.filter())
        .values(*dimensions, "stage", "bucket")
        .annotate(total=Sum("n"))
        .order_by()
    )
    for row in rows:
        histograms[tuple(row[d] for d in dimensions)][row["stage"]][row["bucket"]] += row["total"]
    return {key: _quantiles(per_stage) for key, per_stage in histograms.items()}


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


def revisions_by(scope: Scope, period: Period) -> dict[tuple[str, str], int]:
    rows = (
        RevisionDay.objects.filter(scope.filter(), period.filter())
        .values("service", "requirement")
        .annotate(total=Sum("n"))
        .order_by()
    )
    return {(r["service"], r["requirement"]): r["total"] for r in rows}


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
    period: Period
    today: dt.date
    regencies: dict[str, str]
    kecamatan: dict[str, tuple[str, str]]
    services: dict[str, str]
    by_regency: dict[tuple, dict[str, int]]
    by_service: dict[tuple, dict[str, int]]
    by_channel: dict[tuple, dict[str, int]]
    by_kecamatan: dict[tuple, dict[str, int]]
    by_day: dict[tuple, dict[str, int]]
    open_by_regency: dict[tuple, dict]
    open_by_kecamatan: dict[tuple, dict]
    open_by_service: dict[tuple, dict]
    open_by_channel: dict[tuple, dict]
    stages_by_regency: dict[tuple, dict[str, dict]]
    stages_total: dict[str, dict]
    revisions: dict[tuple[str, str], int]
    extra: dict[str, Any] = field(default_factory=dict)

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
        for entry in self.open_by_regency.values():
            for s, n in entry["states"].items():
                total["states"][s] += n
            for b, n in entry["ages"].items():
                total["ages"][b] += n
            total["overdue"] += entry["overdue"]
            total["backlog"] += entry["backlog"]
        return total


def dashboard(scope: Scope, period: Period, today: dt.date | None = None) -> Figures:
    """All figures of a dashboard page for ``scope`` and ``period``."""
    today = today or timezone.localdate()
    # One read of the regency × service × channel sums serves the three tables.
    fine = flows_by(scope, period, "regency", "service", "channel")
    # Three reads of the open counts: the backlog by place and by service × channel, the states
    # by regency.
    open_places = open_by(scope, "regency", "kecamatan", today=today)
    open_kinds = open_by(scope, "service", "channel", today=today)
    open_by_regency = _regroup_open(open_places, 0)
    for regency, states in states_by(scope).items():
        open_by_regency.setdefault((regency,), _empty_open())["states"] = states
    stages = stages_by(scope, period, "regency")
    return Figures(
        scope=scope,
        period=period,
        today=today,
        regencies=regency_names(),
        kecamatan=kecamatan_names(scope),
        services=service_names(),
        by_regency=_regroup(fine, 0),
        by_service=_regroup(fine, 1),
        by_channel=_regroup(fine, 2),
        by_kecamatan=flows_by(scope, period, "kecamatan"),
        by_day=flows_by(scope, period, "day"),
        open_by_regency=open_by_regency,
        open_by_kecamatan=_regroup_open(open_places, 1),
        open_by_service=_regroup_open(open_kinds, 0),
        open_by_channel=_regroup_open(open_kinds, 1),
        stages_by_regency=stages,
        stages_total=_merge_stages(stages),
        revisions=revisions_by(scope, period),
    )


def _regroup(rows: dict[tuple, dict[str, int]], index: int) -> dict[tuple, dict[str, int]]:
    result: dict[tuple, dict[str, int]] = {}
    for key, values in rows.items():
        target = result.setdefault((key[index],), dict.fromkeys(FLOW_FIELDS, 0))
        for f in FLOW_FIELDS:
            target[f] += values[f]
    return result


def _regroup_open(rows: dict[tuple, dict], index: int) -> dict[tuple, dict]:
    result: dict[tuple, dict] = defaultdict(_empty_open)
    for key, entry in rows.items():
        target = result[(key[index],)]
        for s, n in entry["states"].items():
            target["states"][s] += n
        for b, n in entry["ages"].items():
            target["ages"][b] += n
        target["overdue"] += entry["overdue"]
        target["backlog"] += entry["backlog"]
    return dict(result)


def _merge_stages(per_regency: dict) -> dict[str, dict]:
    """Province- (or regency-) wide quantiles: from the histograms summed over regencies."""
    merged = {s: [0] * (len(BUCKET_HOURS) + 1) for s in STAGE_NAMES}
    for per_stage in per_regency.values():
        for stage, figures in per_stage.items():
            merged[stage] = [
                a + b for a, b in zip(merged[stage], figures["histogram"], strict=True)
            ]
    return _quantiles(merged)
