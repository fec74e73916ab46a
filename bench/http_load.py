"""Serving the app as ``dukcapil serve`` does, and loading it with wrk from a separate process.

:func:`served` starts gunicorn with the command of ``dukcapil serve`` (``WEB_WORKERS`` workers, 4
threads each, access log to stdout, here into a file) on a free port of 127.0.0.1 against the
benchmark database, waits for ``/healthz`` and stops it afterwards. Its settings are
``bench/server_settings.py``: the app's own, with the public status rate limit raised so that a
benchmark measures lookups, not 429s.

:func:`wrk` runs one bounded load (``-d`` seconds, only 127.0.0.1) with a script of ``bench/wrk/``
and returns throughput, latency percentiles and the count of non-2xx answers with a sample body.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
WRK_DIR = BENCH_DIR / "wrk"
BIN_DIR = Path(sys.executable).parent

# What ``dukcapil serve`` runs (core/management/commands/serve.py): keep the two the same.
SERVE_WORKERS = int(os.environ.get("WEB_WORKERS", 2))
SERVE_THREADS = 4
# Connections kept open by the load generator: the server's worker threads, each one busy.
CONNECTIONS = int(os.environ.get("BENCH_HTTP_CONNECTIONS", SERVE_WORKERS * SERVE_THREADS))
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", 15))
WARMUP_SECONDS = 3


def _find(name: str, also: str) -> str | None:
    matches = sorted(glob.glob(also)) if also else []
    return shutil.which(name) or (matches[-1] if matches else None)


def require_program(name: str, *, apt_package: str, also: str = "") -> str:
    """The path of ``name`` (else the last match of the glob ``also``); installed with apt when
    missing and this process may (root), else a clear error."""
    found = _find(name, also)
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"… installing {apt_package} for {name}", file=sys.stderr, flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", apt_package], check=True, env=env)
        found = _find(name, also)
        if found:
            return found
    raise SystemExit(f"{name} is needed: apt-get install {apt_package}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_command(port: int) -> list[str]:
    return [
        str(BIN_DIR / "gunicorn"), "dukcapil.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(SERVE_WORKERS),
        "--threads", str(SERVE_THREADS), "--access-logfile", "-",
    ]  # fmt: skip


@contextlib.contextmanager
def served(work_dir: Path, name: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """The app under gunicorn on a free port; yields its base URL. Its output goes to
    ``work_dir/gunicorn-<name>.log``."""
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "server_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")])),
        **(env or {}),
    }
    log_path = work_dir / f"gunicorn-{name}.log"
    base = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            gunicorn_command(port), env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_healthy(base, process, log_path)
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_healthy(base: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start: see {log_path}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /healthz within 60 s: see {log_path}")


@dataclass
class Load:
    requests: int
    seconds: float
    ok: int  # 2xx answers
    not_ok: int  # any other status
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    sample_error: str  # status and body of the first non-2xx answer

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def ok_per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def ok_share(self) -> float:
        answered = self.ok + self.not_ok
        return self.ok / answered if answered else 0.0


def wrk(
    url: str,
    script: str,
    *args: str,
    seconds: int = SECONDS,
    connections: int = CONNECTIONS,
    threads: int = 2,
) -> Load:
    """One run of wrk with ``bench/wrk/<script>`` (its arguments after ``--``)."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("load goes to 127.0.0.1 only")
    program = require_program("wrk", apt_package="wrk")
    command = [
        program, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
        "--timeout", "10s", "-s", script, url, "--", *args,
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=WRK_DIR, capture_output=True, text=True, timeout=seconds + 60
    )
    marker = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or marker is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    data = json.loads(marker.removeprefix("WRK_JSON "))
    sample = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK_SAMPLE ")), "")
    errors = data["errors"]
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        ok=data["ok"],
        not_ok=data["not_ok"],
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        sample_error=sample.removeprefix("WRK_SAMPLE "),
    )
