"""Signing documents: approved applications of one office (made through the real services: the
setup is not measured) are signed and issued by 2 worker processes at once (2 cores), each a
signing official of that office calling ``documents.services.sign_application`` — render, number,
PAdES signature, file, supersession, ``workflow.issue`` — until its share is done. Figures: signed
documents per second over the whole run (wall clock: other load on the machine lowers it), the
workers' CPU time per document, and the peak memory (max RSS) of a worker. Then every
signed PDF is checked to carry a signature (a sample validated with pyHanko) and a unique number.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time

from common import Context, Figure, percentile

ORDER = 70
TITLE = "documents: {documents_applications} applications signed by {documents_workers} workers"
WORKERS = 2
APPLICATIONS = int(os.environ.get("BENCH_DOCUMENT_APPLICATIONS", 120))
SERVICES = ("KK_HILANG", "AKTA_LAHIR", "AKTA_KAWIN")
GOAL_PER_SECOND = 20
GOAL_MEMORY_MB = 200
OFFICE = "36.73"


def run(context: Context) -> list[Figure]:
    from dukcapil.accounts.models import Role
    from dukcapil.accounts.testing import make_staff
    from dukcapil.documents.keystore import get_key_store

    context.shared.update(documents_applications=APPLICATIONS, documents_workers=WORKERS)
    ids = _approved_applications(APPLICATIONS)
    get_key_store().signer(OFFICE)  # the demo keys exist before the workers start
    officials = [
        make_staff(Role.SIGNING_OFFICIAL, regency=OFFICE, with_totp=False).pk
        for _ in range(WORKERS)
    ]
    spawn = multiprocessing.get_context("spawn")  # each a fresh Django, its own connection
    barrier = spawn.Barrier(WORKERS + 1)
    results = spawn.Queue()
    shares = [ids[i::WORKERS] for i in range(WORKERS)]
    processes = [
        spawn.Process(target=_sign_share, args=(user, share, barrier, results), daemon=True)
        for user, share in zip(officials, shares, strict=True)
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=300)
    reports = [results.get(timeout=1800) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    errors = [r["error"] for r in reports if r["error"]]
    if errors:
        raise SystemExit(f"a signing worker failed:\n{errors[0]}")

    seconds = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    documents = sum(r["documents"] for r in reports)
    rate = documents / seconds
    peak_mb = max(r["max_rss_kb"] for r in reports) / 1024
    latencies = sorted(ms for r in reports for ms in r["latencies_ms"])
    # The workers' own CPU time (the database's is not in it): what a document costs whatever
    # else the machine is doing, and the rate two otherwise idle cores would give.
    cpu_ms = 1000 * sum(r["cpu_seconds"] for r in reports) / documents
    valid, numbers, unique = _verify(ids)
    return [
        Figure("documents signed", documents, ""),
        Figure("signed documents per second, 2 workers", rate, "/s", f"≥ {GOAL_PER_SECOND} /s",
               rate >= GOAL_PER_SECOND, decimals=1),
        Figure("worker CPU time per signed document", cpu_ms, "ms", decimals=1),
        Figure("rate 2 idle cores would give (worker CPU only)", 2000 / cpu_ms, "/s",
               decimals=1),
        Figure("peak memory of a signing worker", peak_mb, "MB", f"< {GOAL_MEMORY_MB} MB",
               peak_mb < GOAL_MEMORY_MB),
        Figure("one application (all its documents) p50", percentile(latencies, 0.5), "ms"),
        Figure("one application (all its documents) p99", percentile(latencies, 0.99), "ms"),
        Figure("sample validated by pyHanko against the CA", valid, "", "all", valid == 10),
        Figure("numbers unique", unique, "", f"{numbers:,}", unique == numbers),
    ]  # fmt: skip


def _approved_applications(count: int) -> list[int]:
    from dukcapil.documents.testing import approved_application

    return [approved_application(SERVICES[i % len(SERVICES)]).pk for i in range(count)]


def _sign_share(user_id: int, ids: list[int], barrier, results) -> None:  # noqa: ANN001 - mp
    """In a signing official's process: sign and issue each application of ``ids``."""
    import traceback

    report = {"documents": 0, "latencies_ms": [], "started": 0.0, "ended": 0.0, "error": "",
              "max_rss_kb": 0, "cpu_seconds": 0.0}  # fmt: skip
    try:
        import django

        django.setup()
        from django.db import connection

        from dukcapil.accounts.models import User
        from dukcapil.applications.actors import Actor
        from dukcapil.applications.models import Application
        from dukcapil.documents.keystore import get_key_store
        from dukcapil.documents.models import IssuedDocument
        from dukcapil.documents.services import sign_application

        actor = Actor.staff(User.objects.get(pk=user_id))
        get_key_store().signer(OFFICE)
        connection.ensure_connection()
        barrier.wait(timeout=300)
        cpu_before = time.process_time()
        report["started"] = time.monotonic()
        for pk in ids:
            began = time.perf_counter_ns()
            application = Application.objects.get(pk=pk)
            sign_application(application=application, actor=actor)
            report["latencies_ms"].append((time.perf_counter_ns() - began) / 1e6)
        report["ended"] = time.monotonic()
        report["cpu_seconds"] = time.process_time() - cpu_before
        report["documents"] = IssuedDocument.objects.filter(
            application_id__in=ids, signed_by_id=user_id
        ).count()
        report["max_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except BaseException:  # noqa: BLE001 - reported to the parent, which stops the benchmark
        report["error"] = traceback.format_exc()
    results.put(report)


def _verify(ids: list[int]) -> tuple[int, int, int]:
    """How many of a sample of 10 signed PDFs pyHanko validates; numbers given and unique."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from dukcapil.documents.keystore import get_key_store
    from dukcapil.documents.models import IssuedDocument

    documents = IssuedDocument.objects.filter(application_id__in=ids).order_by("pk")
    numbers = list(documents.values_list("number", flat=True))
    roots = get_key_store().trust_roots()
    valid = 0
    for document in documents[:: max(1, len(numbers) // 10)][:10]:
        with document.pdf.open("rb") as f:
            (signature,) = PdfFileReader(io.BytesIO(f.read())).embedded_signatures
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
        valid += bool(status.bottom_line)
    return valid, len(numbers), len(set(n for n in numbers if n))
