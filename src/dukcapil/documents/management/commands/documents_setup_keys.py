"""``dukcapil documents_setup_keys``: the local demo CA and a signing certificate for every office
of the served province, in ``DOCUMENTS_KEY_DIR`` (``./var/signing``). Idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from dukcapil.documents.demo_ca import ensure_office_key
from dukcapil.regions.models import Regency


class Command(BaseCommand):
    help = "Buat CA demo dan sertifikat penandatangan setiap Disdukcapil (hanya untuk demo)"

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DOCUMENTS_KEY_STORE != "dukcapil.documents.keystore.Pkcs12KeyStore" or (
            not settings.DOCUMENTS_CREATE_DEMO_KEYS
        ):
            self.stdout.write("Kunci penandatangan dikelola di luar sistem; tidak ada yang dibuat.")
            return
        directory = settings.DOCUMENTS_KEY_DIR
        passphrase = settings.DOCUMENTS_PKCS12_PASSPHRASE.encode() or None
        ensure_office_key(directory, "", passphrase=passphrase)
        offices = Regency.objects.filter(province_id=settings.DUKCAPIL_PROVINCE_CODE)
        created = [
            r.code for r in offices if ensure_office_key(directory, r.code, passphrase=passphrase)
        ]
        if created:
            self.stdout.write(
                f"Sertifikat penandatangan demo dibuat di {directory}: {', '.join(created)}"
            )
