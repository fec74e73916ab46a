"""A fixed-window request counter shared by every web process (one upsert per request)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest

from dukcapil.core.net import client_ip
from dukcapil.documents.models import VerificationThrottle


def client_key(request: HttpRequest) -> str:
    # The address is hashed: the table keeps no visitor's address.
    address = client_ip(request)
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def allow(request: HttpRequest) -> bool:
    """Count this request; False once the client made ``DOCUMENTS_VERIFY_LIMIT`` requests in the
    current window of ``DOCUMENTS_VERIFY_WINDOW_SECONDS``."""
    window = int(time.time()) // settings.DOCUMENTS_VERIFY_WINDOW_SECONDS
    table = VerificationThrottle._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (client, period, hits) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (client, period) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [client_key(request), window],
        )
        (count,) = cursor.fetchone()
        if count == 1:  # the first request of a window clears the windows before it
            VerificationThrottle.objects.filter(period__lt=window - 1).delete()
    return count <= settings.DOCUMENTS_VERIFY_LIMIT
