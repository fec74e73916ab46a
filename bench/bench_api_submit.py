"""Submitting applications through the JSON API (``POST /api/v1/applications``) with the API key
of one office: each request a different living head of family of that office's regency (NIK, KK
number, birth date), a lost-KK application (``KK_HILANG``: a declaration and two small PNG files
as base64) and its own ``Idempotency-Key``. Each one is validated, creates the application, its
attachments (row and file), the submit event and the notification job, and stores the answer for
idempotent retries. Served and loaded as the ``/ping`` baseline."""

from __future__ import annotations

import base64
import json
import os
import secrets
import sys

import http_load
from applicants import Applicant, applicants, ensure_heads
from common import Context, Figure

ORDER = 40
TITLE = "API submissions, {submit_service}"
SERVICE = "KK_HILANG"
GOAL_PER_SECOND = 300
GOAL_P99_MS = 100
GOAL_SHARE_OF_TPCB = 0.25
# Enough applicants that none applies twice: the rate aimed at, with room to spare.
APPLICANTS = int(os.environ.get("BENCH_SUBMIT_APPLICANTS", 12_000))
WARMUP_APPLICANTS = 1_000


def run(context: Context) -> list[Figure]:
    from dukcapil.api.keys import create_api_key
    from dukcapil.regions.models import Regency

    context.shared["submit_service"] = SERVICE
    regency, _heads = ensure_heads(APPLICANTS + WARMUP_APPLICANTS)
    people = applicants(regency, APPLICANTS + WARMUP_APPLICANTS)
    issued = create_api_key(office=Regency.objects.get(pk=regency), name="benchmark")
    warmup_file = context.work_dir / "submit-warmup.jsonl"
    bodies_file = context.work_dir / "submit-bodies.jsonl"
    _write_bodies(warmup_file, people[:WARMUP_APPLICANTS])
    _write_bodies(bodies_file, people[WARMUP_APPLICANTS:])
    authorization = f"Bearer {issued.key}"
    run_id = secrets.token_hex(4)
    threads = 2

    path = "/api/v1/applications"
    with http_load.served(context.work_dir, "submit") as server:
        args = [str(warmup_file), authorization, f"warmup-{run_id}", str(threads)]
        http_load.wrk(server, path, "submit.lua", *args,
                      seconds=http_load.WARMUP_SECONDS, threads=threads)  # fmt: skip
        args = [str(bodies_file), authorization, f"bench-{run_id}", str(threads)]
        load = http_load.wrk(server, path, "submit.lua", *args, threads=threads)

    distinct = len(people) - WARMUP_APPLICANTS
    if load.sample_error:
        print(f"  sample error answer: {load.sample_error[:1000]}", file=sys.stderr)
    context.shared.update(submit_per_second=load.ok_per_second, submit_regency=regency)
    rate, p99 = load.ok_per_second, load.p99_ms
    error_rate = 1 - load.ok_share if load.requests else 1.0
    figures = [
        Figure("submissions (201)", load.ok, ""),
        Figure("submissions per second", rate, "/s", f"≥ {GOAL_PER_SECOND} /s",
               rate >= GOAL_PER_SECOND),
        Figure("latency p50", load.p50_ms, "ms", decimals=1),
        Figure("latency p99", p99, "ms", f"< {GOAL_P99_MS} ms", p99 < GOAL_P99_MS, decimals=1),
        Figure("non-2xx answers", error_rate * 100, "%", "0 %", error_rate == 0, decimals=2),
        Figure("socket errors", load.socket_errors, ""),
        Figure("applicants, each at most once" if load.requests <= distinct
               else "applicants (some applied twice)", min(load.requests, distinct), ""),
    ]  # fmt: skip
    if "tpcb_tps" in context.shared:
        share = rate / context.shared["tpcb_tps"]
        figures.append(
            Figure("submissions / pgbench TPC-B tx", share * 100, "%",
                   f"≥ {GOAL_SHARE_OF_TPCB:.0%}", share >= GOAL_SHARE_OF_TPCB, decimals=1)
        )  # fmt: skip
    if "ping_per_second" in context.shared:
        figures.append(
            Figure(
                "submissions / GET /ping",
                rate / context.shared["ping_per_second"] * 100,
                "%",
                decimals=1,
            )
        )
    return figures


def _write_bodies(path, people: list[Applicant]) -> None:  # noqa: ANN001 - Path
    """One JSON request body a line, as an integration would send it."""
    from dukcapil.applications.testing import PNG
    from dukcapil.catalog.selectors import current_version

    version = current_version(SERVICE)
    png = base64.b64encode(PNG).decode()
    uploads = [r["code"] for r in version.requirements
               if r["kind"] == "upload" and not r.get("optional")]  # fmt: skip
    declarations = [r["code"] for r in version.requirements if r["kind"] == "declaration"]
    with path.open("w", encoding="utf-8") as f:
        for person in people:
            body = {
                "service": SERVICE,
                "applicant": {"nik": person.nik, "kk_number": person.kk_number,
                              "birth_date": person.birth_date},
                "applicant_relation": "self",
                "phone": "6281234567890",
                "declarations": declarations,
                "privacy_acknowledged": True,
                "attachments": {code: {"content_base64": png, "filename": f"{code}.png"}
                                for code in uploads},
            }  # fmt: skip
            f.write(json.dumps(body, separators=(",", ":")) + "\n")
