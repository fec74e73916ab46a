"""Processing what Meta delivered: each message once, each (message, status) once, statuses never
backwards. Batches, unknown message types and unknown fields pass without error."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from dukcapil.core.text import without_nul
from dukcapil.whatsapp.models import (
    STATUS_RANK,
    Conversation,
    InboundMessage,
    OutboundMessage,
    StatusUpdate,
    WebhookDelivery,
)

logger = logging.getLogger(__name__)


def _timestamp(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def message_text(message: dict) -> str:
    """What a person would read of an inbound message (for the engine and the operator inbox)."""
    kind = message.get("type")
    body = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        return str(body.get("body", ""))
    if kind == "interactive":
        reply = body.get(body.get("type", ""), {}) if isinstance(body, dict) else {}
        return str(reply.get("title", "")) if isinstance(reply, dict) else ""
    if kind == "button":
        return str(body.get("text", ""))
    if kind in ("image", "document", "video", "audio", "sticker"):
        return str(body.get("caption") or body.get("filename") or f"[{kind}]")
    return f"[{kind}]"


def process_delivery(delivery: WebhookDelivery) -> None:
    """Parse one stored POST and process every entry, change, message and status in it."""
    try:
        # A NUL in a text (which no phone sends, but anyone can post) is dropped: the message
        # is still read, and nothing in it can fail to be stored.
        payload = without_nul(json.loads(bytes(delivery.body)))
    except ValueError as exc:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            processed_at=timezone.now(), error=f"not JSON: {exc}"[:500]
        )
        return
    errors: list[str] = []
    entries = payload.get("entry") if isinstance(payload, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        for change in entry.get("changes") or [] if isinstance(entry, dict) else []:
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value") or {}
            profiles = {
                c.get("wa_id"): (c.get("profile") or {}).get("name", "")
                for c in value.get("contacts") or []
                if isinstance(c, dict)
            }
            for message in value.get("messages") or []:
                try:
                    receive_message(message, profile_name=profiles.get(message.get("from"), ""))
                except Exception as exc:
                    logger.exception("whatsapp message %s failed", message.get("id"))
                    errors.append(f"{message.get('id')}: {exc!r}")
                    _apologise(message)
            for status in value.get("statuses") or []:
                try:
                    receive_status(status)
                except Exception as exc:
                    logger.exception("whatsapp status %s failed", status.get("id"))
                    errors.append(f"{status.get('id')}/{status.get('status')}: {exc!r}")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        processed_at=timezone.now(), error="\n".join(errors)[:2000]
    )


def _conversation(wa_id: str, profile_name: str) -> Conversation:
    conversation, created = Conversation.objects.get_or_create(
        wa_id=wa_id, defaults={"profile_name": profile_name[:120]}
    )
    if not created and profile_name and conversation.profile_name != profile_name[:120]:
        conversation.profile_name = profile_name[:120]
        conversation.save(update_fields=["profile_name", "updated_at"])
    return conversation


def receive_message(message: dict, *, profile_name: str = "") -> InboundMessage | None:
    """Record a citizen's message and let the conversation engine answer it, in one transaction;
    a message id seen before is skipped (``None``)."""
    wamid, wa_id = message.get("id"), message.get("from")
    if not wamid or not wa_id:
        return None
    from dukcapil.whatsapp import conversation as engine

    try:
        with transaction.atomic():
            conv = _conversation(str(wa_id), profile_name)
            inbound = InboundMessage.objects.create(
                wamid=wamid,
                conversation=conv,
                type=str(message.get("type", ""))[:20],
                text=message_text(message),
                payload=message,
                sent_at=_timestamp(message.get("timestamp")),
            )
            conv = Conversation.objects.select_for_update().get(pk=conv.pk)
            conv.last_inbound_at = timezone.now()
            conv.save(update_fields=["last_inbound_at", "updated_at"])
            engine.handle(conversation=conv, inbound=inbound)
            return inbound
    except IntegrityError:
        if InboundMessage.objects.filter(wamid=wamid).exists():
            return None  # a duplicate delivery: processed once already
        raise


def _apologise(message: dict) -> None:
    """A message the engine failed on is kept (so that a redelivery is not handled half) and the
    citizen is told to try again rather than left without an answer."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    from dukcapil.whatsapp import messages, outbox

    wamid, wa_id = message.get("id"), message.get("from")
    if not wamid or not wa_id:
        return
    try:
        with transaction.atomic():
            conv = _conversation(str(wa_id), "")
            InboundMessage.objects.create(
                wamid=wamid, conversation=conv, type=str(message.get("type", ""))[:20],
                text=message_text(message), payload=message,
                sent_at=_timestamp(message.get("timestamp")),
            )  # fmt: skip
            with translation.override(conv.language):
                body = _("Maaf, terjadi gangguan. Mohon kirim pesan Anda sekali lagi.")
            outbox.queue_message(conversation=conv, payload=messages.text(conv.wa_id, body))
    except Exception:
        logger.exception("whatsapp message %s: apology failed", wamid)


def receive_status(status: dict) -> StatusUpdate | None:
    """Record a status once per (message id, status) and move our message (and its notification)
    forward; an older status arriving late changes nothing."""
    wamid, name = status.get("id"), status.get("status")
    if not wamid or not name:
        return None
    errors = status.get("errors") or []
    error_code = errors[0].get("code") if errors and isinstance(errors[0], dict) else None
    try:
        with transaction.atomic():
            update = StatusUpdate.objects.create(
                wamid=wamid,
                status=str(name)[:10],
                timestamp=_timestamp(status.get("timestamp")),
                error_code=error_code if isinstance(error_code, int) else None,
                callback_data=str(status.get("biz_opaque_callback_data", ""))[:512],
                payload=status,
            )
            _apply_status(update)
            return update
    except IntegrityError:
        if StatusUpdate.objects.filter(wamid=wamid, status=str(name)[:10]).exists():
            return None
        raise


def _apply_status(update: StatusUpdate) -> None:
    message = OutboundMessage.objects.select_for_update().filter(wamid=update.wamid).first()
    if message is not None and STATUS_RANK.get(update.status, -1) > STATUS_RANK.get(
        message.status, -1
    ):
        message.status = update.status
        message.status_at = update.timestamp or timezone.now()
        fields = ["status", "status_at"]
        if update.error_code is not None:
            message.error_code = update.error_code
            fields.append("error_code")
        message.save(update_fields=fields)
    from dukcapil.notifications.dispatch import on_status

    on_status(update=update, message=message)


def reply_as_officer(*, conversation: Conversation, user: Any, text: str) -> OutboundMessage:
    """An officer's reply from the inbox, sent on WhatsApp (queued in this transaction)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from dukcapil.whatsapp import messages, outbox

    text = text.strip()
    if not text:
        raise ValidationError(_("Tulis balasan dulu."))
    if len(text) > messages.TEXT_MAX:
        raise ValidationError(_("Balasan paling panjang 4096 karakter."))
    with transaction.atomic():
        return outbox.queue_message(
            conversation=conversation, payload=messages.text(conversation.wa_id, text),
            sent_by=user,
        )  # fmt: skip


def close_handover(*, conversation: Conversation, user: Any) -> None:
    """The officer is done: the automatic service answers the citizen again."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    from dukcapil.whatsapp import messages, outbox

    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(pk=conversation.pk)
        conv.handover_requested_at = None
        conv.state = Conversation.State.IDLE
        conv.data = {}
        conv.save(update_fields=["handover_requested_at", "state", "data", "updated_at"])
        with translation.override(conv.language):
            body = _("Petugas telah selesai membantu Anda. Ketik *menu* untuk layanan otomatis.")
        outbox.queue_message(conversation=conv, payload=messages.text(conv.wa_id, body),
                             sent_by=user)  # fmt: skip


def requeue_stalled(*, older_than: dt.timedelta = dt.timedelta(minutes=5)) -> dict[str, int]:
    """A periodic job: deliveries and replies whose job was lost (a worker killed while running
    it) are enqueued again. Processing is idempotent (message ids, (message id, status)), and a
    reply still queued has not been accepted by the Graph API."""
    from dukcapil.whatsapp.tasks import process_delivery, send_queued

    before = timezone.now() - older_than
    deliveries = list(
        WebhookDelivery.objects.filter(
            processed_at__isnull=True, received_at__lt=before
        ).values_list("pk", flat=True)[:1000]
    )
    conversations = set(
        OutboundMessage.objects.filter(status="queued", created_at__lt=before)
        .exclude(conversation=None)
        .values_list("conversation_id", flat=True)[:1000]
    )
    with transaction.atomic():
        for pk in deliveries:
            process_delivery.enqueue(pk)
        for pk in conversations:
            send_queued.enqueue(pk)
    return {"deliveries": len(deliveries), "conversations": len(conversations)}
