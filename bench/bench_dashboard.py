"""The province dashboard on a province-scale history: ``BENCH_DASHBOARD_APPLICATIONS``
applications (10 million by default) over three years with their events, written by
:mod:`dukcapil.dashboard.history` with ``COPY``, the rollups built from the same events by the
transitions' own rollup code.

Measured: the generation; the dashboard page ``GET /dasbor/`` of the province monitor (the default
period, the last 30 days, every regency) served in-process by Django's test client, p50 and p95;
and, in the same run, the naive way: the same figures by ``GROUP BY`` over the applications and
their events (flows per regency × service × channel, per kecamatan and per day, open states and
backlog, review-time quantiles, revisions per requirement). The speed-up is the naive median over
the page median. A check compares the received count of both ways.
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

    page_ms, received_page = _time_page()
    _log(f"page p95 {percentile(sorted(page_ms), 0.95):.1f} ms; timing the naive GROUP BY …")
    naive_ms, received_naive = _time_naive()
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
        Figure("received in period, page = naive", float(received_page == received_naive), "",
               "1", received_page == received_naive),
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


def _time_page() -> tuple[list[float], int]:
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
        assert client.get("/dasbor/").status_code == 200
    times = []
    for _ in range(PAGE_REQUESTS):
        began = time.perf_counter()
        response = client.get("/dasbor/")
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200 and b"Kota Serang" in response.content
    f = selectors.dashboard(selectors.Scope(), selectors.Period.last_days(30))
    return times, f.totals["received"]


NAIVE = {
    "flows": """
        SELECT a.office_id, sv.service_id, a.channel,
          count(*) FILTER (WHERE e.transition = 'submit'),
          count(*) FILTER (WHERE e.transition = 'complete'),
          count(*) FILTER (WHERE e.transition = 'reject'),
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
        WHERE e.at >= %(start)s AND e.at < %(end)s GROUP BY 1, 2, 3""",
    "kecamatan": """
        SELECT a.kecamatan_id, count(*) FILTER (WHERE e.transition = 'submit'),
          count(*) FILTER (WHERE e.transition = 'complete'),
          count(*) FILTER (WHERE e.transition = 'reject')
        FROM applications_applicationevent e
        JOIN applications_application a ON a.id = e.application_id
        WHERE e.at >= %(start)s AND e.at < %(end)s GROUP BY 1""",
    "days": """
        SELECT (e.at AT TIME ZONE 'Asia/Jakarta')::date,
          count(*) FILTER (WHERE e.transition = 'submit'),
          count(*) FILTER (WHERE e.transition = 'complete')
        FROM applications_applicationevent e
        WHERE e.at >= %(start)s AND e.at < %(end)s GROUP BY 1""",
    "open": """
        SELECT a.office_id, a.kecamatan_id, a.status, count(*),
          count(*) FILTER (WHERE a.due_date < %(today)s),
          count(*) FILTER (WHERE a.submitted_at < %(old)s)
        FROM applications_application a
        WHERE a.status IN ('submitted', 'in_review', 'needs_revision', 'approved', 'issued',
                           'printed', 'in_delivery', 'ready_for_pickup')
        GROUP BY 1, 2, 3""",
    "review": """
        SELECT a.office_id,
          percentile_disc(0.5) WITHIN GROUP (ORDER BY x.took),
          percentile_disc(0.9) WITHIN GROUP (ORDER BY x.took)
        FROM (SELECT e.application_id, e.at - (
                SELECT max(s.at) FROM applications_applicationevent s
                WHERE s.application_id = e.application_id
                  AND s.transition IN ('submit', 'resubmit') AND s.at <= e.at) AS took
              FROM applications_applicationevent e
              WHERE e.transition IN ('approve', 'reject', 'request_revision')
                AND e.at >= %(start)s AND e.at < %(end)s) x
        JOIN applications_application a ON a.id = x.application_id
        GROUP BY 1""",
    "revisions": """
        SELECT sv.service_id, r->>'requirement', count(*)
        FROM applications_applicationevent e
        JOIN applications_application a ON a.id = e.application_id
        JOIN catalog_serviceversion sv ON sv.id = a.service_version_id
        CROSS JOIN LATERAL jsonb_array_elements(e.data->'reasons') r
        WHERE e.transition = 'request_revision' AND e.at >= %(start)s AND e.at < %(end)s
        GROUP BY 1, 2""",
}


def _time_naive() -> tuple[list[float], int]:
    from django.db import connection
    from django.utils import timezone

    from dukcapil.dashboard.selectors import Period, earliest_since

    period = Period.last_days(30)
    zone = timezone.get_current_timezone()
    params = {
        "start": dt.datetime.combine(period.start, dt.time(), zone),
        "end": dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), zone),
        "today": period.end,
        "old": dt.datetime.combine(earliest_since(period.end, 7), dt.time(), zone),
    }
    times, received = [], 0
    for _ in range(NAIVE_RUNS):
        began = time.perf_counter()
        with connection.cursor() as cursor:
            for name, sql in NAIVE.items():
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                if name == "flows":
                    received = sum(r[3] for r in rows)
        times.append((time.perf_counter() - began) * 1000)
        _log(f"naive run: {times[-1]:.0f} ms")
    return times, received
