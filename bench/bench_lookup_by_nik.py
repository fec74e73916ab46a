"""Looking a resident up by NIK through the service layer (``registry.selectors.
get_resident_by_nik``: blind index, the row with family, desa, kecamatan and regency, decrypted),
against a bare primary-key lookup through the same connection."""

from __future__ import annotations

import os
import random
import time

from common import Context, Figure, percentile

ORDER = 20
TITLE = "lookup by NIK among {residents:,} residents"
GOAL_P99_MS = 2.0


def run(context: Context) -> list[Figure]:
    from django.db import connection

    from dukcapil.registry.models import Resident
    from dukcapil.registry.selectors import get_resident_by_nik, nik_index

    lookups = int(os.environ.get("BENCH_LOOKUPS", "20000"))
    rng = random.Random(2026)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM registry_resident")
        low, high = cursor.fetchone()
    if low is None:
        raise SystemExit("lookup_by_nik needs residents: run seed_population first")
    context.shared.setdefault("residents", Resident.objects.count())
    ids = rng.sample(range(low, high + 1), min(lookups, high - low + 1))
    # The NIKs are only known decrypted: read them through the model, as the service does.
    niks = []
    for start in range(0, len(ids), 5000):
        niks += Resident.objects.filter(id__in=ids[start : start + 5000]).values_list(
            "nik", flat=True
        )
    rng.shuffle(niks)

    for nik in niks[:1000]:  # warm up connection, caches and code paths
        get_resident_by_nik(nik)
    service = []
    for nik in niks:
        started = time.perf_counter_ns()
        resident = get_resident_by_nik(nik)
        service.append((time.perf_counter_ns() - started) / 1e6)
        if resident is None:
            raise SystemExit(f"NIK {nik[:4]}… not found")  # the benchmark itself is wrong
    # Where the service's time goes: the very SQL it sends, built once and run bare.
    query = Resident.objects.select_related("family__desa__kecamatan__regency").filter(
        nik_index="0" * 32
    )[:1]
    sql, _ = query.query.sql_with_params()
    indexes = [nik_index(nik) for nik in niks]
    bare_sql, baseline = [], []
    with connection.cursor() as cursor:
        for index in indexes:
            started = time.perf_counter_ns()
            cursor.execute(sql, [index])
            cursor.fetchall()
            bare_sql.append((time.perf_counter_ns() - started) / 1e6)
        for pk in ids:
            started = time.perf_counter_ns()
            cursor.execute("SELECT id FROM registry_resident WHERE id = %s", [pk])
            cursor.fetchone()
            baseline.append((time.perf_counter_ns() - started) / 1e6)
    for timings in (service, bare_sql, baseline):
        timings.sort()
    p50, p99 = percentile(service, 0.50), percentile(service, 0.99)
    b50, b99 = percentile(baseline, 0.50), percentile(baseline, 0.99)
    return [
        Figure("lookups", len(service), ""),
        Figure("service p50", p50, "ms", decimals=3),
        Figure("service p99", p99, "ms", f"< {GOAL_P99_MS:g} ms", p99 < GOAL_P99_MS, decimals=3),
        Figure("primary-key SELECT p50", b50, "ms", decimals=3),
        Figure("primary-key SELECT p99", b99, "ms", decimals=3),
        Figure("service / primary key, p50", p50 / b50, "×", decimals=1),
        Figure("service / primary key, p99", p99 / b99, "×", decimals=1),
        Figure("  the service's SQL alone, p50", percentile(bare_sql, 0.50), "ms", decimals=3),
        Figure("  the service's SQL alone, p99", percentile(bare_sql, 0.99), "ms", decimals=3),
    ]
