"""Replies of a conversation: written in the transaction that handled the citizen's message, sent
in order by a task after it commits (a rolled-back turn sends nothing)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from dukcapil.whatsapp import messages
from dukcapil.whatsapp.client import CloudApiClient, GraphError
from dukcapil.whatsapp.models import Conversation, OutboundMessage, StatusUpdate
from dukcapil.whatsapp.throughput import reserve

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def queue_message(
    *, conversation: Conversation, payload: dict[str, Any], sent_by: Any = None,
    enqueue: bool = True,
) -> OutboundMessage:  # fmt: skip
    """Write a message to send and enqueue the conversation's sender (inside the transaction);
    ``enqueue=False`` when the caller enqueues once for several messages."""
    from dukcapil.whatsapp.tasks import send_queued

    message = OutboundMessage.objects.create(
        conversation=conversation,
        to=conversation.wa_id,
        kind=payload["type"],
        payload=payload,
        text=messages.summary(payload),
        sent_by=sent_by,
    )
    if enqueue:
        send_queued.enqueue(conversation.pk)
    return message


def send_queued(*, conversation_id: int, client: CloudApiClient | None = None) -> int:
    """Send the conversation's queued messages in order; the number sent. A message refused for
    good is marked failed; a temporary failure stops here and is retried by the next run."""
    client = client or CloudApiClient()
    sent = 0
    waiting = OutboundMessage.objects.filter(conversation_id=conversation_id, status="queued")
    count = waiting.count()
    if not count:
        return 0
    # Slots of the number's throughput, reserved before the conversation is locked.
    start = reserve(count, rate=client.rate, phone_number_id=client.phone_number_id)
    with transaction.atomic():
        # One sender per conversation at a time, so replies arrive in the order written.
        Conversation.objects.select_for_update().filter(pk=conversation_id).first()
        queued = OutboundMessage.objects.filter(
            conversation_id=conversation_id, status="queued"
        ).order_by("id")
        for i, message in enumerate(queued):
            message.attempts += 1
            try:
                at = start + i / client.rate if i < count else None
                message.wamid = client.send(message.payload, at=at)
                message.status = "accepted"
                sent += 1
            except GraphError as exc:
                message.error_code = exc.code
                if not exc.permanent and message.attempts < MAX_ATTEMPTS:
                    message.save(update_fields=["attempts", "error_code"])
                    logger.warning("whatsapp reply %s not sent yet: %s", message.pk, exc)
                    from dukcapil.whatsapp.tasks import send_queued as task

                    delay = min(2**message.attempts, 300)
                    run_after = timezone.now() + dt.timedelta(seconds=delay)
                    task.using(run_after=run_after).enqueue(conversation_id)
                    break
                message.status = "failed"
            message.status_at = timezone.now()
            message.save(update_fields=["attempts", "wamid", "status", "status_at", "error_code"])
            catch_up_statuses(message)
    return sent


def catch_up_statuses(message: OutboundMessage) -> None:
    """Apply status webhooks that arrived before the message's wamid was written."""
    from dukcapil.whatsapp.services import _apply_status

    if message.wamid:
        for update in StatusUpdate.objects.filter(wamid=message.wamid).order_by("id"):
            _apply_status(update)
