"""``dukcapil fake_graph``: the fake Graph API and the WhatsApp simulator page for the demo."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from dukcapil.whatsapp.fake import FakeGraph


class Command(BaseCommand):
    help = "Jalankan tiruan Graph API WhatsApp dan simulator percakapan (demo)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.WHATSAPP_FAKE_PORT)
        parser.add_argument(
            "--webhook-url", default=f"http://127.0.0.1:{settings.PORT}/webhooks/whatsapp"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fake = FakeGraph(
            host=options["host"],
            port=options["port"],
            token=settings.WHATSAPP_ACCESS_TOKEN,
            webhook_url=options["webhook_url"],
            app_secret=settings.WHATSAPP_APP_SECRET,
            phone_number_id=settings.WHATSAPP_PHONE_NUMBER_ID,
        ).start()
        self.stdout.write(f"WhatsApp simulator (fake Graph API): {fake.url}/")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            fake.stop()
