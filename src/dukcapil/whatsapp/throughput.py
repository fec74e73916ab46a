"""The business number's throughput, kept by every sending process together.

Meta allows a number 80 messages per second by default (up to 1,000 when upgraded). A sender
reserves slots for the messages it is about to send in one short transaction on the number's
:class:`~dukcapil.whatsapp.models.SendingSlot` row, then sends each at its slot; so several
workers never exceed the number's rate between them. Reserve outside a longer transaction (the
row stays locked until that transaction ends).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import IntegrityError, transaction

from dukcapil.whatsapp.models import SendingSlot


def reserve(count: int, *, rate: float | None = None, phone_number_id: str | None = None) -> float:
    """Reserve ``count`` consecutive sending slots; the epoch time of the first. Message ``i``
    of the batch goes at ``start + i / rate``."""
    rate = rate or settings.WHATSAPP_MESSAGES_PER_SECOND
    key = phone_number_id or settings.WHATSAPP_PHONE_NUMBER_ID
    for _attempt in range(3):
        try:
            with transaction.atomic():
                slot = SendingSlot.objects.select_for_update().filter(pk=key).first()
                if slot is None:
                    slot = SendingSlot.objects.create(phone_number_id=key)
                start = max(time.time(), slot.next_free)
                slot.next_free = start + count / rate
                slot.save(update_fields=["next_free"])
                return start
        except IntegrityError:  # another process created the row at the same moment
            continue
    raise RuntimeError(f"no sending slot for {key}")


def wait_until(when: float) -> None:
    delay = when - time.time()
    if delay > 0:
        time.sleep(delay)
