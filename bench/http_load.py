"""Serving the app as ``dukcapil serve`` does, and loading it with wrk from a separate process.

:func:`served` starts gunicorn with the command of ``dukcapil serve`` (``WEB_WORKERS`` workers, 4
threads each, access log to stdout, here into a file) on a free port of 127.0.0.1 against the
benchmark database, waits for ``/healthz`` and stops it afterwards. Its settings are
``bench/server_settings.py``: the app's own, with the public status rate limit raised so that a
benchmark measures lookups, not 429s.

:func:`wrk` runs one bounded load (``-d`` seconds, only 127.0.0.1) with a script of ``bench/wrk/``
and returns throughput, latency percentiles and the count of non-2xx answers with a sample body.

wrk keeps its connections open, and which gunicorn worker accepts each one is chance: 8
connections split 4/4 as often as 7/1, and then one worker (one GIL, one core) serves nearly
everything while the other idles, which makes any figure vary by a factor of up to two from run to
run. Many clients spread evenly; so :func:`wrk` checks, as soon as its connections are open, that
each worker holds the same number of them, and starts wrk again when not.
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

# What ``dukcapil serve`` runs (core/management/commands/serve.py): keep the two the same.
SERVE_WORKERS = int(os.environ.get("WEB_WORKERS", 2))
SERVE_THREADS = 4  # WEB_THREADS of dukcapil serve
# Connections kept open by the load generator: the server's worker threads, each one busy.
CONNECTIONS = int(os.environ.get("BENCH_HTTP_CONNECTIONS", SERVE_WORKERS * SERVE_THREADS))
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", 15))
WARMUP_SECONDS = 3
HOLD_SECONDS = 1  # before the first request: time to check how the connections spread


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
    from dukcapil.core.management.commands.serve import web_server_command

    return web_server_command(host="127.0.0.1", port=port, workers=SERVE_WORKERS)


@dataclass(frozen=True)
class Server:
    url: str  # http://127.0.0.1:<port>
    port: int
    pid: int  # gunicorn's arbiter; its children are the workers

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in children.read_text().split()]


@contextlib.contextmanager
def served(work_dir: Path, name: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """The app under gunicorn on a free port; its output in ``work_dir/gunicorn-<name>.log``."""
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "server_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")])),
        **(env or {}),
    }
    log_path = work_dir / f"gunicorn-{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            gunicorn_command(port), env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        server = Server(url=f"http://127.0.0.1:{port}", port=port, pid=process.pid)
        try:
            _wait_healthy(server.url, process, log_path)
            deadline = time.monotonic() + 30
            while len(server.worker_pids()) < SERVE_WORKERS and time.monotonic() < deadline:
                time.sleep(0.1)
            yield server
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
    server: Server,
    path: str,
    script: str,
    *args: str,
    seconds: int = SECONDS,
    connections: int = CONNECTIONS,
    threads: int = 2,
) -> Load:
    """One run of wrk against ``server`` with ``bench/wrk/<script>`` (its arguments after
    ``--``), its connections spread evenly over the gunicorn workers."""
    program = require_program("wrk", apt_package="wrk")
    command = [
        program, "-t", str(threads), "-c", str(connections), "-d", f"{seconds + HOLD_SECONDS}s",
        "--timeout", "10s", "-s", script, f"{server.url}{path}", "--", *args,
    ]  # fmt: skip
    # report.lua holds back the first request of each connection meanwhile.
    env = {
        **os.environ,
        "WRK_HOLD_CONNECTIONS": str(connections // threads),
        "WRK_HOLD_MS": str(HOLD_SECONDS * 1000),
    }
    for _attempt in range(30):
        process = subprocess.Popen(
            command, cwd=WRK_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        if _connections_even(server, connections):
            break
        process.kill()
        process.communicate()
    else:
        raise SystemExit("wrk's connections never spread evenly over the gunicorn workers")
    stdout, stderr = process.communicate(timeout=seconds + 60)
    marker = next((ln for ln in stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if process.returncode != 0 or marker is None:
        raise SystemExit(f"wrk failed ({process.returncode}):\n{stdout}\n{stderr}")
    data = json.loads(marker.removeprefix("WRK_JSON "))
    sample = next((ln for ln in stdout.splitlines() if ln.startswith("WRK_SAMPLE ")), "")
    errors = data["errors"]
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6 - HOLD_SECONDS,
        ok=data["ok"],
        not_ok=data["not_ok"],
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        sample_error=sample.removeprefix("WRK_SAMPLE "),
    )


def _connections_even(server: Server, connections: int) -> bool:
    """Once all ``connections`` are open, whether each worker holds its share."""
    deadline = time.monotonic() + HOLD_SECONDS * 0.8
    while time.monotonic() < deadline:
        counts = _connections_per_worker(server)
        if sum(counts) >= connections:
            return max(counts) - min(counts) <= (1 if connections % len(counts) else 0)
        time.sleep(0.02)
    return False


def _connections_per_worker(server: Server) -> list[int]:
    """Established connections to the server's port held by each worker (from /proc)."""
    established = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state == "01" and int(local.rsplit(":", 1)[1], 16) == server.port:
            established.add(f"socket:[{inode}]")
    counts = []
    for pid in server.worker_pids():
        held = 0
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    held += os.readlink(fd) in established
        counts.append(held)
    return counts
