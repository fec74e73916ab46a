"""``dukcapil seed-population --residents N [--regency CODE] [--seed S]``: synthetic residents."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dukcapil.regions.models import Regency
from dukcapil.registry.seeding import SeedingError, seed_population


class Command(BaseCommand):
    help = (
        "Buat penduduk sintetis dalam keluarga lengkap (NIK dan nomor KK sah) di provinsi "
        "yang dilayani, atau di satu kabupaten/kota."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--residents", type=int, required=True, help="jumlah penduduk")
        parser.add_argument("--regency", help="kode kabupaten/kota, mis. 36.03")
        parser.add_argument("--seed", help="benih acak: benih yang sama, orang yang sama")
        parser.add_argument(
            "--workers", type=int, help="proses pembuat baris (bawaan: sesuai CPU bila besar)"
        )
        parser.add_argument("--no-progress", action="store_true", help="tanpa bilah kemajuan")

    def handle(self, *args: Any, **options: Any) -> None:
        regency = options.get("regency")
        if regency:
            regency = regency if "." in regency else f"{regency[:2]}.{regency[2:]}"
            if not Regency.objects.filter(code=regency).exists():
                raise CommandError(f"kabupaten/kota {regency} tidak dikenal")
        if options["residents"] < 1:
            raise CommandError("--residents harus paling sedikit 1")
        try:
            result = seed_population(
                residents=options["residents"],
                regency=regency,
                seed=options.get("seed"),
                progress=not options.get("no_progress") and sys.stderr.isatty(),
                workers=options.get("workers"),
            )
        except SeedingError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            f"{result.residents} penduduk dalam {result.families} keluarga dibuat dalam "
            f"{result.seconds:.1f} s ({result.per_second:,.0f} penduduk/s)."
        )
