"""``dukcapil poll_parcels [--every SECONDS]``: track parcels whose webhook did not come."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from dukcapil.delivery.tracking import poll_due_shipments


class Command(BaseCommand):
    help = "Tanyakan status kiriman yang sudah waktunya dilacak (tanpa webhook)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--every", type=float, default=0, help="repeat every SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            new = poll_due_shipments()
            self.stdout.write(f"{new} peristiwa baru")
            if not options["every"]:
                return
            time.sleep(options["every"])
