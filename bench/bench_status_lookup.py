"""The public status lookup (``GET /api/v1/applications/{tracking_number}/status?birth_date=…``)
of existing applications with their history, served and loaded as the ``/ping`` baseline. The
per-address rate limit is raised for the benchmark's server (``server_settings.py``) but still
counted on every request; a 429 would show as a non-2xx answer."""

from __future__ import annotations

import os
import random
import sys

import http_load
from common import Context, Figure

ORDER = 60
TITLE = "public status lookup, {status_applications:,} applications"
LOOKUPS = int(os.environ.get("BENCH_STATUS_APPLICATIONS", 5_000))
MINIMUM = 500  # made in setup when the database has fewer submitted applications with history
GOAL_SHARE_OF_PING = 0.40


def run(context: Context) -> list[Figure]:
    paths = _paths(LOOKUPS)
    context.shared["status_applications"] = len(paths)
    paths_file = context.work_dir / "status-paths.txt"
    paths_file.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
    threads = 2

    args = [str(paths_file), str(threads)]
    with http_load.served(context.work_dir, "status") as server:
        http_load.wrk(server, "", "paths.lua", *args, seconds=http_load.WARMUP_SECONDS,
                      threads=threads)  # fmt: skip
        load = http_load.wrk(server, "", "paths.lua", *args, threads=threads)

    if load.sample_error:
        print(f"  sample error answer: {load.sample_error[:1000]}", file=sys.stderr)
    rate = load.ok_per_second
    figures = [
        Figure("lookups answered 200", load.ok, ""),
        Figure("lookups per second", rate, "req/s"),
        Figure("latency p50", load.p50_ms, "ms", decimals=2),
        Figure("latency p99", load.p99_ms, "ms", decimals=2),
        Figure("2xx answers", load.ok_share * 100, "%", "100 %", load.not_ok == 0,
               decimals=2),
        Figure("socket errors", load.socket_errors, ""),
    ]  # fmt: skip
    if "ping_per_second" in context.shared:
        share = rate / context.shared["ping_per_second"]
        figures.append(
            Figure("lookups / GET /ping", share * 100, "%", f"≥ {GOAL_SHARE_OF_PING:.0%}",
                   share >= GOAL_SHARE_OF_PING, decimals=1)
        )  # fmt: skip
    return figures


def _paths(count: int) -> list[str]:
    """Status paths of up to ``count`` applications that have a history (at least their submit
    event), chosen at random; some are made first when there are too few."""
    from dukcapil.applications.models import Application

    with_history = Application.objects.filter(
        applicant__isnull=False, events__transition="submit"
    ).exclude(status="draft")
    if with_history.count() < MINIMUM:
        _make_applications(MINIMUM)
    rows = list(
        with_history.order_by("?").values_list("tracking_number", "applicant__birth_date")[:count]
    )
    random.Random(2026).shuffle(rows)
    return [
        f"/api/v1/applications/{number}/status?birth_date={birth.isoformat()}"
        for number, birth in rows
    ]


def _make_applications(count: int) -> None:
    """``count`` lost-KK applications submitted through the service, as the API would."""
    from applicants import ensure_heads, heads_of

    from dukcapil.applications import services
    from dukcapil.applications.actors import Actor
    from dukcapil.applications.testing import PNG

    print(f"… submitting {count:,} applications for the lookups", file=sys.stderr, flush=True)
    regency, _heads = ensure_heads(count)
    actor = Actor.api(regency, "benchmark setup")
    files = [("laporan_kehilangan", PNG, "laporan.png"), ("ktp_kepala", PNG, "ktp.png")]
    for resident in heads_of(regency).select_related("family__desa__kecamatan")[:count]:
        services.submit_application(
            service_code="KK_HILANG", applicant=resident, channel="api", actor=actor,
            declarations=["pernyataan"], privacy_acknowledged=True, attachments=files,
        )  # fmt: skip
