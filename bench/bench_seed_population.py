"""``seed-population`` of ``BENCH_RESIDENTS`` (1,000,000) residents, against a plain ``COPY`` of
the very same resident rows into an empty copy of the resident table (same indexes, no foreign
key, nothing to generate or encrypt), with as many parallel streams as the seeder used."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time

from common import Context, Figure

ORDER = 10
TITLE = "seed-population, {residents:,} residents"
PROVINCE_RESIDENTS = 13_000_000
GOAL_SECONDS = 600


def run(context: Context) -> list[Figure]:
    from django.db import connection

    from dukcapil.registry.seeding import RESIDENT_COLUMNS, seed_population

    residents = int(os.environ.get("BENCH_RESIDENTS", "1000000"))
    context.shared["residents"] = residents
    dump_dir = context.work_dir / "rows"
    shutil.rmtree(dump_dir, ignore_errors=True)
    dump_dir.mkdir(parents=True)
    try:
        result = seed_population(
            residents=residents, seed=2026, progress=sys.stderr.isatty(), dump_dir=dump_dir
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        copy_seconds = _plain_copy(
            context.database_url, sorted(dump_dir.glob("*.copy")), RESIDENT_COLUMNS
        )
    finally:
        shutil.rmtree(dump_dir, ignore_errors=True)

    rate = result.per_second
    copy_rate = residents / copy_seconds
    province = PROVINCE_RESIDENTS / rate
    goal_rate = PROVINCE_RESIDENTS / GOAL_SECONDS
    return [
        Figure("residents per second", rate, "/s", f"≥ {goal_rate:,.0f} /s", rate >= goal_rate),
        Figure("families made", result.families, ""),
        Figure("worker processes", result.workers, ""),
        Figure("time", result.seconds, "duration"),
        Figure("plain COPY of the same rows", copy_rate, "/s"),
        Figure("seeding / plain COPY", rate / copy_rate, "×", decimals=2),
        Figure(
            "13 million residents, extrapolated", province, "duration", "< 10 min",
            province < GOAL_SECONDS,
        ),
    ]  # fmt: skip


def _plain_copy(database_url: str, files: list, columns: tuple[str, ...]) -> float:
    """Seconds to ``COPY`` the dumped rows into an empty clone of the resident table, one
    stream per dump file (one per seeding worker), each on its own connection."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute("DROP TABLE IF EXISTS bench_resident_copy")
        admin.execute("CREATE TABLE bench_resident_copy (LIKE registry_resident INCLUDING ALL)")
        admin.execute("CHECKPOINT")
    statement = f"COPY bench_resident_copy ({', '.join(columns)}) FROM STDIN"
    errors: list[BaseException] = []

    def stream(path) -> None:  # noqa: ANN001
        try:
            with psycopg.connect(database_url, autocommit=True) as conn, conn.cursor() as cur:
                cur.execute("SET synchronous_commit TO OFF")  # as the seeder does
                with path.open("rb") as f, cur.copy(statement) as copy:
                    while block := f.read(1 << 20):
                        copy.write(block)
        except BaseException as e:  # noqa: BLE001 - re-raised below
            errors.append(e)

    threads = [threading.Thread(target=stream, args=(path,)) for path in files]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if errors:
        raise errors[0]
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute("DROP TABLE bench_resident_copy")
    return seconds
