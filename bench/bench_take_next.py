""" "Take next" by 8 verifiers at once: the queue of one office filled with submitted applications
(inserted in bulk: the setup is not measured), then 8 processes, each a verifier of that office
with its own database connection, call ``workflow.claim_next`` until the queue is empty. Then
every application is checked to have been claimed exactly once (one claim event, none left
submitted)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import secrets
import time

from common import Context, Figure, percentile

ORDER = 50
TITLE = "take next: {take_next_workers} verifiers, {take_next_applications:,} applications"
WORKERS = 8
APPLICATIONS = int(os.environ.get("BENCH_CLAIMS", 5_000))
GOAL_PER_SECOND = 1000
TIME_LIMIT = 120  # seconds: a worker stops then even if the queue is not empty
SERVICE = "KK_HILANG"


def run(context: Context) -> list[Figure]:
    from django.db import connection

    from dukcapil.accounts.models import Role
    from dukcapil.accounts.testing import make_staff

    context.shared.update(take_next_workers=WORKERS, take_next_applications=APPLICATIONS)
    office = _quiet_office(avoid=context.shared.get("submit_regency"))
    first_id, last_id = _fill_queue(office, APPLICATIONS)
    # As autovacuum leaves a table between bursts: the new rows' visibility settled, statistics
    # fresh (the setup, not measured).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE applications_application")
        cursor.execute("VACUUM ANALYZE applications_applicationevent")
    run_id = secrets.token_hex(3)
    verifiers = [
        make_staff(
            Role.VERIFIER, regency=office, with_totp=False, username=f"bench-{run_id}-{n}"
        ).pk
        for n in range(WORKERS)
    ]

    spawn = multiprocessing.get_context("spawn")  # each a fresh Django, its own connection
    barrier = spawn.Barrier(WORKERS + 1)
    results = spawn.Queue()
    processes = [
        spawn.Process(target=_claim_until_empty, args=(user_id, barrier, results), daemon=True)
        for user_id in verifiers
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=120)
    reports = [results.get(timeout=TIME_LIMIT + 120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    errors = [r["error"] for r in reports if r["error"]]
    if errors:
        raise SystemExit(f"a verifier process failed:\n{errors[0]}")

    latencies = sorted(ms for r in reports for ms in r["latencies_ms"])
    seconds = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    claims = len(latencies)
    rate = claims / seconds
    once, twice, left = _verify(office, first_id, last_id)
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    return [
        Figure("claims", claims, ""),
        Figure("claims per second, whole run", rate, "/s", f"≥ {GOAL_PER_SECOND:,} /s",
               rate >= GOAL_PER_SECOND),
        Figure("time to empty the queue", seconds, "duration"),
        Figure("claim latency p50", p50, "ms", decimals=2),
        Figure("claim latency p99", p99, "ms", decimals=2),
        Figure("applications claimed exactly once", once, "", f"{APPLICATIONS:,}",
               once == APPLICATIONS),
        Figure("applications claimed more than once", twice, "", "0", twice == 0),
        Figure("applications left submitted", left, "", "0", left == 0),
    ]  # fmt: skip


def _quiet_office(avoid: str | None) -> str:
    """A regency of the served province whose queue holds nothing yet (not the one the
    submissions went to)."""
    from django.conf import settings

    from dukcapil.applications.models import Application, Status
    from dukcapil.regions.models import Regency

    busy = set(
        Application.objects.filter(status__in=(Status.SUBMITTED, Status.IN_REVIEW))
        .values_list("office_id", flat=True)
        .distinct()
    )
    served = Regency.objects.filter(
        province_id=settings.DUKCAPIL_PROVINCE_CODE, kecamatan_set__isnull=False
    ).distinct()
    for code in served.order_by("code").values_list("code", flat=True):
        if code not in busy and code != avoid:
            return code
    raise SystemExit("take_next needs a regency with an empty queue")


def _fill_queue(office: str, count: int) -> tuple[int, int]:
    """``count`` submitted applications in ``office``'s queue, due over the next two weeks;
    the first and last id."""
    from django.utils import timezone

    from dukcapil.applications.models import Application, ApplicationEvent, Channel, Status
    from dukcapil.applications.tracking import new_tracking_number
    from dukcapil.catalog.selectors import current_version
    from dukcapil.regions.models import Kecamatan
    from dukcapil.registry.models import Resident

    rng = random.Random(2026)
    version = current_version(SERVICE)
    kecamatan = list(Kecamatan.objects.filter(regency_id=office).values_list("code", flat=True))
    applicants = list(Resident.objects.values_list("id", flat=True)[:count])
    numbers: set[str] = set()
    while len(numbers) < count:
        numbers.add(new_tracking_number())
    now, today = timezone.now(), timezone.localdate()
    rows = [
        Application(
            tracking_number=number,
            service_version=version,
            status=Status.SUBMITTED,
            channel=Channel.API,
            office_id=office,
            kecamatan_id=rng.choice(kecamatan),
            applicant_id=applicants[i % len(applicants)] if applicants else None,
            applicant_relation="self",
            submitted_at=now - dt.timedelta(seconds=count - i),
            due_date=today + dt.timedelta(days=rng.randrange(14)),
        )
        for i, number in enumerate(sorted(numbers))
    ]
    made = Application.objects.bulk_create(rows, batch_size=2000)
    # Each with the history that submit() leaves (its event, counted in the dashboard's rollups),
    # which the transitions after it read.
    events = ApplicationEvent.objects.bulk_create(
        [
            ApplicationEvent(
                application=app, transition="submit", from_status=Status.DRAFT,
                to_status=Status.SUBMITTED, actor_kind="api", actor_label="benchmark setup",
                at=app.submitted_at,
            )
            for app in made
        ],
        batch_size=2000,
    )  # fmt: skip
    _count_in_dashboard(made, events)
    return made[0].pk, made[-1].pk


def _count_in_dashboard(applications: list, events: list) -> None:  # noqa: ANN001
    """The submissions in the dashboard's rollups, as its transition effect would have counted
    them one by one."""
    from dukcapil.dashboard import rollups

    tally = rollups.Tally()
    for app, event in zip(applications, events, strict=True):
        rollups.contribute(tally, rollups.step_of(event), rollups.facts_of(app), [])
    rollups.write(tally)


def _claim_until_empty(user_id: int, barrier, results) -> None:  # noqa: ANN001 - mp objects
    """In a verifier's process: claim the next application until there is none."""
    import traceback

    report = {"latencies_ms": [], "started": 0.0, "ended": 0.0, "error": ""}
    try:
        import django

        django.setup()
        from django.db import connection

        from dukcapil.accounts.models import User
        from dukcapil.applications import workflow
        from dukcapil.applications.actors import Actor

        actor = Actor.staff(User.objects.get(pk=user_id))
        connection.ensure_connection()
        barrier.wait(timeout=120)
        latencies = report["latencies_ms"]
        # CLOCK_MONOTONIC: one clock for all processes of the machine.
        report["started"] = started = time.monotonic()
        while time.monotonic() - started < TIME_LIMIT:
            began = time.perf_counter_ns()
            application = workflow.claim_next(actor=actor)
            if application is None:
                break
            latencies.append((time.perf_counter_ns() - began) / 1e6)
        report["ended"] = time.monotonic()
    except BaseException:  # noqa: BLE001 - reported to the parent, which stops the benchmark
        report["error"] = traceback.format_exc()
    results.put(report)


def _verify(office: str, first_id: int, last_id: int) -> tuple[int, int, int]:
    """How many of the benchmark's applications have exactly one claim event, how many more
    than one, and how many are still submitted."""
    from django.db.models import Count

    from dukcapil.applications.models import Application, ApplicationEvent, Status

    ours = {"application__office_id": office, "application__id__range": (first_id, last_id)}
    claims = (
        ApplicationEvent.objects.filter(transition="claim", **ours)
        .values("application_id")
        .annotate(n=Count("id"))
    )
    once = sum(1 for row in claims if row["n"] == 1)
    twice = sum(1 for row in claims if row["n"] > 1)
    left = Application.objects.filter(
        office_id=office, id__range=(first_id, last_id), status=Status.SUBMITTED
    ).count()
    return once, twice, left
