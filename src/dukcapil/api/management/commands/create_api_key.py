"""``create_api_key --office 36.73 --name "SIAK bridge"``: make a key and print it, once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dukcapil.api.keys import create_api_key
from dukcapil.regions.models import Regency


class Command(BaseCommand):
    help = "Buat kunci API untuk satu kantor (kabupaten/kota); kunci hanya ditampilkan sekali."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--office", required=True, help="Kode kabupaten/kota, mis. 36.73")
        parser.add_argument("--name", required=True, help="Nama integrasi, mis. 'SIAK bridge'")

    def handle(self, *args: Any, office: str, name: str, **options: Any) -> None:
        regency = Regency.objects.filter(code=office.strip()).first()
        if regency is None:
            raise CommandError(f"Kabupaten/kota {office} tidak dikenal.")
        if not name.strip():
            raise CommandError("Nama tidak boleh kosong.")
        issued = create_api_key(office=regency, name=name)
        self.stderr.write(
            f"Kunci API '{issued.api_key.name}' untuk {regency} ({regency.code}), awalan "
            f"{issued.api_key.prefix}. Simpan sekarang: kunci ini tidak dapat ditampilkan lagi."
        )
        self.stdout.write(issued.key)
