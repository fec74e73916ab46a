"""Document numbers: per document type, regency and date, never handed out twice.

The format of each type is configuration (``settings.DOCUMENTS_NUMBER_FORMATS``): the akta format
of the regional offices (``3673-LT-29112026-0001``) is common but not national law.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection

from dukcapil.documents.models import NumberSequence


def next_serial(*, document_type: str, regency: str, day: dt.date) -> int:
    """The next serial for (type, regency, day): one ``INSERT … ON CONFLICT DO UPDATE …
    RETURNING``, so two signing officials at the same moment never get the same serial. The row
    stays locked until the caller's transaction ends; a rolled-back signing leaves no gap taken."""
    table = NumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (document_type, regency, day, last_serial) "  # noqa: S608
            "VALUES (%s, %s, %s, 1) ON CONFLICT (document_type, regency, day) DO UPDATE SET "
            f"last_serial = {table}.last_serial + 1 RETURNING last_serial",
            [document_type, regency, day],
        )
        (serial,) = cursor.fetchone()
    return serial


def format_number(*, document_type: str, regency: str, day: dt.date, serial: int) -> str:
    template = settings.DOCUMENTS_NUMBER_FORMATS[document_type]
    return template.format(regency=regency.replace(".", ""), date=day, serial=serial)


def assign_number(*, document_type: str, regency: str, day: dt.date) -> str:
    """A new number for a document of ``document_type`` issued by ``regency`` on ``day``."""
    serial = next_serial(document_type=document_type, regency=regency, day=day)
    return format_number(document_type=document_type, regency=regency, day=day, serial=serial)
