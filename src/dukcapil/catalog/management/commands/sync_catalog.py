from typing import Any

from django.core.management.base import BaseCommand

from dukcapil.catalog.services import sync_catalogue


class Command(BaseCommand):
    help = "Terbitkan versi baru setiap layanan yang berubah di catalog/data/services.json"

    def handle(self, *args: Any, **options: Any) -> None:
        for version in sync_catalogue():
            self.stdout.write(f"{version.service.code}: v{version.version}")
