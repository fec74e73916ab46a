"""Benchmarks of Dukcapil Daring on PostgreSQL: ``make bench`` (``.venv/bin/python bench/run.py``).

Creates its own database (``dukcapil_bench`` on 127.0.0.1:5432 as ``postgres``, dropped first;
``BENCH_DATABASE_URL`` names another), migrates it, then runs every scenario module of this folder
(``bench_*.py``, in the order of their ``ORDER``) or only those named on the command line::

    .venv/bin/python bench/run.py                    # all
    .venv/bin/python bench/run.py seed_population    # bench_seed_population.py only
    .venv/bin/python bench/run.py --keep-database lookup_by_nik   # on the last run's data
    BENCH_RESIDENTS=100000 .venv/bin/python bench/run.py

A scenario module has ``ORDER`` (int), ``TITLE`` (str) and ``run(context) -> list[Figure]``; it may
leave things in ``context.shared`` for the scenarios after it. The report is printed and written as
JSON to ``var/bench/results.json``. Figures stand next to their goals; nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
OUT_DIR = ROOT / "var" / "bench"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dukcapil_bench"

sys.path.insert(0, str(BENCH_DIR))

from common import Context, Figure, format_report  # noqa: E402


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database, connected to the server's ``postgres`` one."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    name = params["dbname"]
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def scenario_modules(names: list[str]) -> list:
    modules = [importlib.import_module(path.stem) for path in sorted(BENCH_DIR.glob("bench_*.py"))]
    if names:
        wanted = {n.removeprefix("bench_").replace("-", "_") for n in names}
        unknown = wanted - {m.__name__.removeprefix("bench_") for m in modules}
        if unknown:
            raise SystemExit(f"unknown scenario(s): {', '.join(sorted(unknown))}")
        modules = [m for m in modules if m.__name__.removeprefix("bench_") in wanted]
    return sorted(modules, key=lambda m: m.ORDER)


def environment(connection) -> dict:  # noqa: ANN001 - Django connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
        settings = {}
        for name in ("shared_buffers", "max_wal_size", "synchronous_commit", "wal_compression"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": commit,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "postgresql": version.split(",")[0],
        "postgresql_settings": settings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all)")
    parser.add_argument(
        "--keep-database", action="store_true", help="reuse the database of the last run"
    )
    args = parser.parse_args()
    modules = scenario_modules(args.scenarios)

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not args.keep_database:
        recreate_database(url)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DUKCAPIL_DATA_DIR", str(OUT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dukcapil.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    context = Context(database_url=url, work_dir=OUT_DIR)
    results = {"environment": environment(connection), "scenarios": []}
    for module in modules:
        print(f"… {module.__name__.removeprefix('bench_')}", file=sys.stderr, flush=True)
        began = time.perf_counter()
        figures: list[Figure] = module.run(context)
        results["scenarios"].append(
            {
                "name": module.__name__.removeprefix("bench_"),
                "title": module.TITLE.format(**context.shared),
                "seconds": round(time.perf_counter() - began, 1),
                "figures": [f.as_dict() for f in figures],
            }
        )
    results["environment"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["environment"]["total_seconds"] = round(time.perf_counter() - started, 1)
    print(format_report(results))
    out = OUT_DIR / "results.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
