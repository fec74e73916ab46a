"""What this machine does without the app, for the scenarios after this one to be compared with:
pgbench on the same PostgreSQL server (TPC-B-like and select-only, 8 clients, in a database of its
own), and the bare Django ``/ping`` endpoint (full middleware, no database) served by gunicorn as
``dukcapil serve`` serves the app, loaded by wrk."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import http_load
from common import Context, Figure, percentile

ORDER = 30
TITLE = "baselines: pgbench and the bare Django endpoint"
PGBENCH_DATABASE = "dukcapil_pgbench"
PGBENCH_SCALE = 10
PGBENCH_CLIENTS = 8
PGBENCH_THREADS = 2


def run(context: Context) -> list[Figure]:
    pgbench = http_load.require_program(
        "pgbench", apt_package="postgresql-contrib", also="/usr/lib/postgresql/*/bin/pgbench"
    )
    env = _pg_environment(context.database_url)
    _initialise(pgbench, env)
    seconds = http_load.SECONDS
    tpcb = _pgbench(pgbench, env, context.work_dir, "tpcb", [], seconds)
    select = _pgbench(pgbench, env, context.work_dir, "select", ["-S"], seconds)

    with http_load.served(context.work_dir, "ping") as server:
        http_load.wrk(server, "/ping", "ping.lua", seconds=http_load.WARMUP_SECONDS)
        ping = http_load.wrk(server, "/ping", "ping.lua")

    context.shared.update(
        tpcb_tps=tpcb.tps,
        select_tps=select.tps,
        ping_per_second=ping.per_second,
        ping_p50_ms=ping.p50_ms,
        ping_p99_ms=ping.p99_ms,
    )
    return [
        Figure(f"pgbench TPC-B-like, scale {PGBENCH_SCALE}, {PGBENCH_CLIENTS} clients", tpcb.tps,
               "tx/s"),
        Figure("  latency p50", tpcb.p50_ms, "ms", decimals=2),
        Figure("  latency p99", tpcb.p99_ms, "ms", decimals=2),
        Figure(f"pgbench select-only, {PGBENCH_CLIENTS} clients", select.tps, "tx/s"),
        Figure("  latency p50", select.p50_ms, "ms", decimals=3),
        Figure("  latency p99", select.p99_ms, "ms", decimals=3),
        Figure(f"GET /ping, gunicorn {http_load.SERVE_WORKERS}×{http_load.SERVE_THREADS}, "
               f"{http_load.CONNECTIONS} connections", ping.per_second, "req/s"),
        Figure("  latency p50", ping.p50_ms, "ms", decimals=2),
        Figure("  latency p99", ping.p99_ms, "ms", decimals=2),
        Figure("  non-2xx answers", ping.not_ok + ping.socket_errors, ""),
    ]  # fmt: skip


def _pg_environment(database_url: str) -> dict[str, str]:
    """libpq's variables for the benchmark's server, naming pgbench's own database."""
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(database_url)
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    env = {**os.environ, "PGDATABASE": PGBENCH_DATABASE}
    env.update({var: str(params[key]) for key, var in names.items() if params.get(key)})
    return env


def _initialise(pgbench: str, env: dict[str, str]) -> None:
    import psycopg
    from psycopg import sql

    conninfo = f"host={env.get('PGHOST', '')} port={env.get('PGPORT', '')} "
    conninfo += f"user={env.get('PGUSER', '')} dbname=postgres"
    with psycopg.connect(conninfo, password=env.get("PGPASSWORD"), autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [PGBENCH_DATABASE]
        ).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PGBENCH_DATABASE)))
    # -i drops and makes pgbench's four tables again: every run starts from the same data.
    subprocess.run(
        [pgbench, "-i", "-q", "-s", str(PGBENCH_SCALE)], env=env, check=True, capture_output=True
    )


class PgbenchResult:
    def __init__(self, tps: float, latencies_ms: list[float]) -> None:
        self.tps = tps
        latencies_ms.sort()
        self.p50_ms = percentile(latencies_ms, 0.50)
        self.p99_ms = percentile(latencies_ms, 0.99)


def _pgbench(
    pgbench: str, env: dict[str, str], work_dir: Path, name: str, options: list[str], seconds: int
) -> PgbenchResult:
    """One run; latencies from its per-transaction log (``-l``), one file per thread."""
    log_dir = work_dir / "pgbench"
    log_dir.mkdir(exist_ok=True)
    for old in log_dir.glob(f"{name}*"):
        old.unlink()
    done = subprocess.run(
        [pgbench, "-c", str(PGBENCH_CLIENTS), "-j", str(PGBENCH_THREADS), "-T", str(seconds),
         "-l", f"--log-prefix={log_dir / name}", *options],
        env=env, capture_output=True, text=True, timeout=seconds + 120, check=False,
    )  # fmt: skip
    match = re.search(r"^tps = ([\d.]+)", done.stdout, re.MULTILINE)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"pgbench {name} failed:\n{done.stdout}\n{done.stderr}")
    latencies = []
    for path in log_dir.glob(f"{name}*"):
        with path.open() as f:
            for line in f:
                # client_id transaction_no time_us script_no epoch epoch_us
                field = line.split(maxsplit=3)[2]
                if field.isdigit():
                    latencies.append(int(field) / 1000)
    return PgbenchResult(float(match.group(1)), latencies)
