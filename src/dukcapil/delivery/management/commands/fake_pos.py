"""``dukcapil fake_pos``: the fake Pos Indonesia server for the demo (see delivery/POS_API.md)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from dukcapil.delivery.providers.pos.fake import FakePosServer


class Command(BaseCommand):
    help = "Jalankan tiruan API Pos Indonesia (demo): pemesanan, pelacakan, webhook bertanda tangan"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.POS_FAKE_PORT)
        parser.add_argument(
            "--callback-url",
            default=settings.POS_CALLBACK_URL,
            help="where webhooks go unless a booking names its own (default: POS_CALLBACK_URL)",
        )
        parser.add_argument(
            "--autopilot",
            type=float,
            default=0,
            help="move every parcel one step along a normal delivery every SECONDS (0: off)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fake = FakePosServer(
            host=options["host"],
            port=options["port"],
            token=settings.POS_API_TOKEN,
            secret=settings.POS_WEBHOOK_SECRET,
            callback_url=options["callback_url"],
        ).start()
        if options["autopilot"]:
            fake.autopilot(options["autopilot"])
        self.stdout.write(f"Pos Indonesia (tiruan): {fake.url}/")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            fake.stop()
