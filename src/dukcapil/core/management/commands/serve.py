"""``dukcapil serve``: prepare everything a fresh machine needs, then serve the whole system.

Idempotent: a second run finds the database, keys, demo accounts and population in place and
starts in seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from dukcapil.core.crypto import keyring

DEMO_RESIDENTS = 20_000
WEB_THREADS = 4


def web_server_command(*, host: str, port: int, workers: int) -> list[str]:
    """The gunicorn command that serves the app (also what the benchmarks measure)."""
    return [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"), "dukcapil.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(WEB_THREADS),
        "--access-logfile", "-",
    ]  # fmt: skip


class Command(BaseCommand):
    help = "Siapkan basis data dan data demo, lalu layani sistem di http://127.0.0.1:PORT"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--no-demo", action="store_true", help="no demo accounts or residents")
        parser.add_argument("--prepare-only", action="store_true", help="prepare, do not serve")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))

    def handle(self, *args: Any, **options: Any) -> None:
        self.prepare(demo=not options["no_demo"])
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(self.style.SUCCESS(f"\nDukcapil Daring: {url}/"))
        self.stdout.write(f"  Petugas / staff login : {url}/staf/masuk/")
        self.stdout.write(f"  Admin                 : {url}/admin/")
        self.stdout.write(f"  Health                : {url}/healthz")
        self.stdout.write(f"  Verifikasi dokumen    : {url}/verifikasi/")
        if settings.WHATSAPP_USES_FAKE:
            fake = f"http://{options['host']}:{settings.WHATSAPP_FAKE_PORT}/"
            self.stdout.write(f"  WhatsApp (simulator)  : {fake}")
        if settings.POS_USES_FAKE:
            self.stdout.write(
                f"  Pos Indonesia (tiruan): http://127.0.0.1:{settings.POS_FAKE_PORT}/"
            )
        self.stdout.write("")
        if options["prepare_only"]:
            return
        self.serve(host=options["host"], port=options["port"], workers=options["workers"])

    def prepare(self, *, demo: bool) -> None:
        keyring()  # creates the local keys in DUKCAPIL_DATA_DIR/keys on first use
        call_command("migrate", interactive=False, verbosity=0)
        call_command("sync_catalog", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        call_command("documents_setup_keys", stdout=self.stdout)  # demo CA, office certificates
        call_command("collectstatic", interactive=False, verbosity=0)
        if not demo:
            return
        call_command("setup_demo_accounts", stdout=self.stdout)
        from dukcapil.registry.models import Resident

        existing = Resident.objects.count()
        if existing < DEMO_RESIDENTS:
            self.stdout.write(f"Membuat {DEMO_RESIDENTS - existing} penduduk sintetis …")
            call_command("seed_population", residents=DEMO_RESIDENTS - existing)

    def serve(self, *, host: str, port: int, workers: int) -> None:
        """Run the web server, the task worker and the scheduler; stop all when one stops."""
        bin_dir = os.path.dirname(sys.executable)
        commands = [
            web_server_command(host=host, port=port, workers=workers),
            [os.path.join(bin_dir, "dukcapil"), "db_worker", "--interval", "0.5"],
            [os.path.join(bin_dir, "dukcapil"), "scheduler"],
        ]  # fmt: skip
        # The fakes of WhatsApp's Graph API and of Pos Indonesia, when no real one is configured:
        # they speak the same protocol over HTTP and call this server's webhooks.
        if settings.WHATSAPP_USES_FAKE:
            commands.append([
                os.path.join(bin_dir, "dukcapil"), "fake_graph", "--host", host,
                "--port", str(settings.WHATSAPP_FAKE_PORT),
                "--webhook-url", f"http://127.0.0.1:{port}/webhooks/whatsapp",
            ])  # fmt: skip
        if settings.POS_USES_FAKE:
            commands.append([
                os.path.join(bin_dir, "dukcapil"), "fake_pos", "--autopilot", "30",
                "--callback-url", f"http://127.0.0.1:{port}/webhooks/pos",
            ])  # fmt: skip
        sys.stdout.flush()
        children = [subprocess.Popen(c) for c in commands]  # noqa: S603
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and all(c.poll() is None for c in children):
                time.sleep(0.5)
        finally:
            for c in children:
                if c.poll() is None:
                    c.terminate()
            for c in children:
                try:
                    c.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    c.kill()
