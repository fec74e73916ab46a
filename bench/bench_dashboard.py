"""The province dashboard on a province-scale history: ``BENCH_DASHBOARD_APPLICATIONS``
applications (10 million by default) over three years with their events, written by
:mod:`dukcapil.dashboard.history` with ``COPY``, the rollups built from the same events by the
transitions' own rollup code.

Measured: the generation; the dashboard page ``GET /dasbor/`` of the province monitor (the default
period, the last 30 days, every regency) served in-process by Django's test client, p50 and p95;
and, in the same run, the naive way: the same figures by ``GROUP BY`` over the applications and
their events (flows per regency × service × channel, per kecamatan and per day, open states per
regency, kecamatan, service and channel and
backlog by age, median and p90 of every stage per regency, revisions per
requirement with their first-review rate). The speed-up is the naive median over the page
median. A check compares every one of those figures both ways and counts the differences. A
filtered page (one kecamatan and one channel: the monthly grain) is timed as well.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time

from common import Context, Figure, percentile

ORDER = 90
TITLE = "province dashboard, {dashboard_applications:,} applications over 3 years"
APPLICATIONS = int(os.environ.get("BENCH_DASHBOARD_APPLICATIONS", 10_000_000))
PAGE_REQUESTS = int(os.environ.get("BENCH_DASHBOARD_REQUESTS", 60))
NAIVE_RUNS = int(os.environ.get("BENCH_DASHBOARD_NAIVE_RUNS", 3))
GOAL_P95_MS = 100
GOAL_SPEEDUP = 50


def _log(message: str) -> None:
    print(f"  dashboard: {message}", file=sys.stderr, flush=True)


def run(context: Context) -> list[Figure]:
    counts = _history(context)
    context.shared["dashboard_applications"] = counts["applications"]
    _log(f"generated in {counts['seconds']:.0f} s; timing the page …")

    page_ms, figures = _time_page()
    filtered_ms = _time_page(FILTERED)[0]
    _log(f"page p95 {percentile(sorted(page_ms), 0.95):.1f} ms; timing the naive GROUP BY …")
    naive_ms, naive = _time_naive()
    differences = _agreement(figures, naive)
    for difference in differences[:20]:
        _log(f"differs: {difference}")
    page_median = statistics.median(page_ms)
    naive_median = statistics.median(naive_ms)
    p95 = percentile(sorted(page_ms), 0.95)
    speedup = naive_median / page_median
    return [
        Figure("applications generated", counts["applications"], ""),
        Figure("events generated", counts["events"], ""),
        Figure("generation (COPY, rollups, indexes)", counts["seconds"], "duration"),
        Figure("  of which applications + events", counts["seconds_raw"], "duration"),
        Figure("  of which indexes and constraints", counts["seconds_indexes"], "duration"),
        Figure("dashboard page p50", page_median, "ms", decimals=1),
        Figure("dashboard page p95", p95, "ms", f"< {GOAL_P95_MS} ms", p95 < GOAL_P95_MS,
               decimals=1),
        Figure("naive GROUP BY, median of runs", naive_median, "ms", decimals=0),
        Figure("speed-up over naive (median)", speedup, "×", f"≥ {GOAL_SPEEDUP}×",
               speedup >= GOAL_SPEEDUP, decimals=0),
        Figure("filtered page p95 (kecamatan × channel)", percentile(sorted(filtered_ms), 0.95),
               "ms", decimals=1),
        Figure("figures differing, page vs naive", len(differences), "", "0",
               not differences),
    ]  # fmt: skip


def _history(context: Context) -> dict:
    """Generate the history, or with ``--keep-database`` and ``BENCH_DASHBOARD_REUSE=1`` reuse the
    one a previous run generated (its figures kept next to the results)."""
    import json

    from dukcapil.applications.models import Application
    from dukcapil.dashboard import history

    saved = context.work_dir / "dashboard-history.json"
    if os.environ.get("BENCH_DASHBOARD_REUSE") == "1" and saved.exists():
        counts = json.loads(saved.read_text())
        if Application.objects.count() == counts["applications"]:
            _log(f"reusing the history of {counts['applications']:,} applications")
            return counts
    _log(f"generating {APPLICATIONS:,} applications …")
    counts = history.generate(APPLICATIONS, progress=_log)
    saved.write_text(json.dumps(counts))
    return counts


FILTERED = "/dasbor/kabupaten/36.03/?kecamatan=36.03.01&kanal=whatsapp&per=kecamatan"


def _time_page(url: str = "/dasbor/") -> tuple[list[float], object]:
    from django.test import Client

    from dukcapil.accounts.models import Role, User
    from dukcapil.accounts.testing import login_verified, make_staff
    from dukcapil.dashboard import selectors

    name = "pemantau.bench.dasbor"
    monitor = User.objects.filter(username=name).first() or make_staff(
        Role.PROVINCE_MONITOR, username=name
    )
    client = Client()
    login_verified(client, monitor)
    for _ in range(3):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(PAGE_REQUESTS if url == "/dasbor/" else PAGE_REQUESTS // 2):
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200 and b"Kabupaten Tangerang" in response.content
    scope = selectors.Scope()
    return times, selectors.dashboard(scope, selectors.Period.last_days(30))


_OPEN = (
    "('submitted', 'in_review', 'needs_revision', 'approved', 'issued', 'printed', "
    "'in_delivery', 'ready_for_pickup')"
)
_BACKLOG = "('submitted', 'in_review', 'approved', 'issued', 'printed')"
_REVIEW_ENDS = "('approve', 'reject', 'request_revision')"

# The same figures as the page, by GROUP BY over the applications and their events.
NAIVE = {
    # Flows per regency × service × channel, per kecamatan and per day, in one pass.
    "flows": """
        SELECT a.office_id, sv.service_id, a.channel, a.kecamatan_id,
          (e.at AT TIME ZONE 'Asia/Jakarta')::date AS day,
          GROUPING(a.office_id, sv.service_id, a.channel, a.kecamatan_id,
                   (e.at AT TIME ZONE 'Asia/Jakarta')::date),
          count(*) FILTER (WHERE e.transition = 'submit'),
          count(*) FILTER (WHERE e.transition = 'complete'),
          count(*) FILTER (WHERE e.transition = 'reject'),
          count(*) FILTER (WHERE e.transition = 'cancel' AND e.from_status <> 'draft'),
          count(*) FILTER (WHERE e.transition = 'expire'),
          count(*) FILTER (WHERE e.transition = 'request_revision'),
          count(*) FILTER (WHERE e.transition = 'approve'),
          count(*) FILTER (WHERE e.transition = 'issue'),
          count(*) FILTER (WHERE e.transition = 'issue'
                           AND (e.at AT TIME ZONE 'Asia/Jakarta')::date <= a.due_date),
          count(*) FILTER (WHERE e.transition = 'ship'),
          count(*) FILTER (WHERE e.transition = 'complete' AND e.from_status = 'in_delivery'),
          count(*) FILTER (WHERE e.transition = 'ready_for_pickup'
                           AND e.from_status = 'in_delivery')
        FROM applications_applicationevent e
        JOIN applications_application a ON a.id = e.application_id
        JOIN catalog_serviceversion sv ON sv.id = a.service_version_id
        WHERE e.at >= %(start)s AND e.at < %(end)s
        GROUP BY GROUPING SETS ((a.office_id, sv.service_id, a.channel), (a.kecamatan_id),
                                ((e.at AT TIME ZONE 'Asia/Jakarta')::date))""",
    # Open applications per state, backlog by age (since the last clock start) and overdue, by
    # regency × kecamatan and by service × channel.
    "open": f"""
        SELECT a.office_id, a.kecamatan_id, sv.service_id, a.channel, a.status,
          GROUPING(a.office_id, a.kecamatan_id, sv.service_id, a.channel), count(*),
          count(*) FILTER (WHERE a.status IN {_BACKLOG} AND c.since >= %(t1)s),
          count(*) FILTER (WHERE a.status IN {_BACKLOG} AND c.since >= %(t3)s
                           AND c.since < %(t1)s),
          count(*) FILTER (WHERE a.status IN {_BACKLOG} AND c.since >= %(t7)s
                           AND c.since < %(t3)s),
          count(*) FILTER (WHERE a.status IN {_BACKLOG} AND c.since < %(t7)s),
          count(*) FILTER (WHERE a.status IN {_BACKLOG} AND a.due_date < %(today)s)
        FROM applications_application a
        JOIN catalog_serviceversion sv ON sv.id = a.service_version_id
        CROSS JOIN LATERAL (
          SELECT (max(s.at) AT TIME ZONE 'Asia/Jakarta')::date AS since
          FROM applications_applicationevent s
          WHERE s.application_id = a.id
            AND s.transition IN ('submit', 'resubmit', 'request_revision')) c
        WHERE a.status IN {_OPEN}
        GROUP BY GROUPING SETS ((a.office_id, a.kecamatan_id, a.status),
                                (sv.service_id, a.channel, a.status))""",
    # Median and p90 of each stage by regency (the stage breakdown of the default page).
    "stages": f"""
        SELECT a.office_id, x.stage, count(*),
          percentile_disc(0.5) WITHIN GROUP (ORDER BY x.took),
          percentile_disc(0.9) WITHIN GROUP (ORDER BY x.took)
        FROM (SELECT e.application_id,
                CASE WHEN e.transition IN {_REVIEW_ENDS} THEN 'review'
                     WHEN e.transition = 'issue' THEN 'signing'
                     WHEN e.transition = 'mark_printed' THEN 'printing'
                     ELSE 'delivery' END AS stage,
                extract(epoch FROM e.at - (
                  SELECT max(s.at) FROM applications_applicationevent s
                  WHERE s.application_id = e.application_id AND s.at <= e.at AND s.id <> e.id
                    AND s.transition = ANY(CASE
                      WHEN e.transition IN {_REVIEW_ENDS} THEN ARRAY['submit', 'resubmit']
                      WHEN e.transition = 'issue' THEN ARRAY['approve']
                      WHEN e.transition = 'mark_printed' THEN ARRAY['issue']
                      ELSE ARRAY['ship'] END))) / 3600 AS took
              FROM applications_applicationevent e
              WHERE e.at >= %(start)s AND e.at < %(end)s
                AND (e.transition IN ('approve', 'reject', 'request_revision', 'issue',
                                      'mark_printed')
                     OR (e.transition IN ('complete', 'ready_for_pickup')
                         AND e.from_status = 'in_delivery'))) x
        JOIN applications_application a ON a.id = x.application_id
        WHERE x.took IS NOT NULL
        GROUP BY 1, 2""",
    # Requirements sent back, all and at the application's first review.
    "revisions": f"""
        SELECT sv.service_id, r.requirement, count(*),
          count(*) FILTER (WHERE NOT EXISTS (
            SELECT 1 FROM applications_applicationevent p
            WHERE p.application_id = e.application_id AND p.transition IN {_REVIEW_ENDS}
              AND (p.at, p.id) < (e.at, e.id)))
        FROM applications_applicationevent e
        JOIN applications_application a ON a.id = e.application_id
        JOIN catalog_serviceversion sv ON sv.id = a.service_version_id
        CROSS JOIN LATERAL (SELECT DISTINCT x->>'requirement' AS requirement
                            FROM jsonb_array_elements(e.data->'reasons') x) r
        WHERE e.transition = 'request_revision' AND e.at >= %(start)s AND e.at < %(end)s
        GROUP BY 1, 2""",
    # The revision rate's denominator: first reviews per service.
    "reviewed": f"""
        SELECT sv.service_id, count(*)
        FROM applications_applicationevent e
        JOIN applications_application a ON a.id = e.application_id
        JOIN catalog_serviceversion sv ON sv.id = a.service_version_id
        WHERE e.transition IN {_REVIEW_ENDS} AND e.at >= %(start)s AND e.at < %(end)s
          AND NOT EXISTS (
            SELECT 1 FROM applications_applicationevent p
            WHERE p.application_id = e.application_id AND p.transition IN {_REVIEW_ENDS}
              AND (p.at, p.id) < (e.at, e.id))
        GROUP BY 1""",
}


def _time_naive() -> tuple[list[float], dict[str, list]]:
    from django.db import connection
    from django.utils import timezone

    from dukcapil.dashboard.selectors import Period, earliest_since

    period = Period.last_days(30)
    zone = timezone.get_current_timezone()
    params = {
        "start": dt.datetime.combine(period.start, dt.time(), zone),
        "end": dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), zone),
        "today": period.end,
        **{f"t{k}": earliest_since(period.end, k) for k in (1, 3, 7)},
    }
    times, results = [], {}
    for _ in range(NAIVE_RUNS):
        began = time.perf_counter()
        with connection.cursor() as cursor:
            for name, sql in NAIVE.items():
                cursor.execute(sql, params)
                results[name] = cursor.fetchall()
        times.append((time.perf_counter() - began) * 1000)
        _log(f"naive run: {times[-1]:.0f} ms")
    return times, results


def _agreement(f, naive: dict[str, list]) -> list[str]:  # noqa: ANN001 - selectors.Figures
    """Where the page's figures and the naive ones differ (empty: they agree)."""
    from dukcapil.catalog.models import Service
    from dukcapil.dashboard.buckets import bucket_of

    codes = dict(Service.objects.values_list("id", "code"))
    differences = []

    def check(what: str, page: object, naive_value: object) -> None:
        if page != naive_value:
            differences.append(f"{what}: page {page} ≠ naive {naive_value}")

    flows = {"regency": {}, "kecamatan": {}, "day": {}}
    names = ("received", "completed", "rejected", "cancelled", "expired", "revision_requested",
             "approved", "issued", "issued_on_time", "shipped", "delivered_first_time",
             "returned")  # fmt: skip
    for office, _service, _channel, kecamatan, day, grouping, *counts in naive["flows"]:
        values = dict(zip(names, counts, strict=True))
        if grouping == 0b00011:  # office, service, channel
            target = flows["regency"].setdefault(office, dict.fromkeys(names, 0))
            for k, n in values.items():
                target[k] += n
        elif grouping == 0b11101:
            flows["kecamatan"][kecamatan] = values
        else:
            flows["day"][day] = values
    for office, values in flows["regency"].items():
        check(f"flows {office}", {k: f.by_regency[(office,)][k] for k in names}, values)
    for kecamatan, values in flows["kecamatan"].items():
        check(f"flows {kecamatan}", {k: f.by_kecamatan[(kecamatan,)][k] for k in names}, values)
    for day, values in flows["day"].items():
        check(f"flows {day}", {k: f.by_day[(day,)][k] for k in ("received", "completed")},
              {k: values[k] for k in ("received", "completed")})  # fmt: skip

    states, ages = {}, {}
    for _office, kecamatan, service, channel, status, grouping, n, *bands in naive["open"]:
        if grouping == 0b0011:
            key = ("kecamatan", kecamatan)
        else:
            key = ("channel", channel)
            states.setdefault(("service", codes[service]), {}).setdefault(status, 0)
            states[("service", codes[service])][status] += n
            entry = ages.setdefault(("service", codes[service]), [0] * 5)
            ages[("service", codes[service])] = [a + b for a, b in zip(entry, bands, strict=True)]
        states.setdefault(key, {}).setdefault(status, 0)
        states[key][status] += n
        entry = ages.setdefault(key, [0] * 5)
        ages[key] = [a + b for a, b in zip(entry, bands, strict=True)]
    for (dimension, code), per_state in states.items():
        page = f.open[dimension].get((code,))
        check(f"states {code}", {s: page["states"][s] for s in per_state} if page else None,
              per_state)  # fmt: skip
        page_ages = [*page["ages"].values(), page["overdue"]] if page else None
        check(f"ages {code}", page_ages, ages[(dimension, code)])

    for office, stage, n, p50, p90 in naive["stages"]:
        page = f.stages["regency"][(office,)][stage]
        check(f"stage {office} {stage}",
              (page["count"], page["median"].bucket, page["p90"].bucket),
              (n, bucket_of(float(p50)), bucket_of(float(p90))))  # fmt: skip

    naive_revisions = {(codes[s], r): {"n": n, "first": first}
                       for s, r, n, first in naive["revisions"]}  # fmt: skip
    naive_revisions |= {(codes[s], ""): {"n": 0, "first": n} for s, n in naive["reviewed"]}
    check("revisions", dict(sorted(f.revisions.items())), dict(sorted(naive_revisions.items())))
    return differences
