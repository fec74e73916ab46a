"""Sending the outbox through WhatsApp.

A notification is claimed (``pending → sending``, committed), sent with its id in
``biz_opaque_callback_data``, then booked (``sent`` with its wamid). Inside the citizen's 24-hour
window the text is sent as is; outside it, or when Meta answers 131047, the approved utility
template of the event in the citizen's language. Throttling (130429, 131056), 429 and 5xx are
retried with exponential backoff; 131026 and other permanent errors mark the notification failed.

If a worker dies between the send and its bookkeeping, the row stays ``sending``: a status
webhook carrying its id books it as sent (nothing resent); without one within
``WHATSAPP_STATUS_GRACE_SECONDS`` it is sent again (:func:`recover_interrupted`).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from dukcapil.notifications.models import Notification
from dukcapil.whatsapp import messages
from dukcapil.whatsapp.client import WINDOW_CLOSED, CloudApiClient, GraphError
from dukcapil.whatsapp.models import Conversation, OutboundMessage, StatusUpdate
from dukcapil.whatsapp.throughput import reserve

logger = logging.getLogger(__name__)
CALLBACK_PREFIX = "notification:"
MAX_ATTEMPTS = 12
WINDOW = dt.timedelta(hours=24)


def callback_of(notification_id: int) -> str:
    return f"{CALLBACK_PREFIX}{notification_id}"


def _notification_id(callback: str) -> int | None:
    if callback.startswith(CALLBACK_PREFIX) and callback[len(CALLBACK_PREFIX) :].isdigit():
        return int(callback[len(CALLBACK_PREFIX) :])
    return None


def template_parameters(notification: Notification) -> list[str]:
    """The approved template's body parameters, in order: tracking number, service, status."""
    app = notification.application
    language = notification.language or "id"
    version = app.service_version
    name = version.name_en if language == "en" else version.name_id  # as ServiceVersion.name
    return [app.tracking_display, name, _status_label(language, app.status)]


@functools.lru_cache(maxsize=256)
def _status_label(language: str, status: str) -> str:
    """``Application.get_status_display()`` in ``language`` (a dispatcher formats a thousand
    templates a round: the label is looked up once per language and status)."""
    from dukcapil.applications.models import Application

    with translation.override(language):
        return str(dict(Application._meta.get_field("status").flatchoices).get(status, status))


def payload_for(notification: Notification, *, via: str) -> dict[str, Any]:
    callback = callback_of(notification.pk)
    if via == "template":
        return messages.template(
            notification.recipient, notification.template, notification.language or "id",
            template_parameters(notification), callback=callback,
        )  # fmt: skip
    return messages.text(notification.recipient, notification.body, callback=callback)


def window_open(recipients: Iterable[str], now: dt.datetime) -> set[str]:
    """Recipients who wrote to us in the last 24 hours (free text allowed)."""
    return set(
        Conversation.objects.filter(
            wa_id__in=set(recipients), last_inbound_at__gt=now - WINDOW
        ).values_list("wa_id", flat=True)
    )


def _backoff(attempts: int, *, throttled: bool) -> dt.timedelta:
    seconds = min(2 ** max(attempts, 1) * (4 if throttled else 1), 3600)
    return dt.timedelta(seconds=seconds)


@dataclass
class _Outcome:
    notification: Notification
    via: str
    wamid: str = ""
    error: GraphError | None = None
    payload: dict[str, Any] | None = None
    at: float | None = None


# What a round needs of a claimed notification: its own row, and of its application only what
# the template's parameters show (not the JSON of the form and of the service's requirements).
_CLAIMED_FIELDS = (
    *(f.name for f in Notification._meta.concrete_fields),
    "application__tracking_number", "application__status",
    "application__service_version__name_id", "application__service_version__name_en",
)  # fmt: skip


def claim(*, limit: int, now: dt.datetime) -> list[Notification]:
    """Take due pending notifications (skipping rows other dispatchers hold), at most one per
    recipient and none to a recipient messaged less than the spacing ago; mark them sending."""
    spacing = dt.timedelta(milliseconds=settings.WHATSAPP_RECIPIENT_SPACING_MS)
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("application__service_version")
            .only(*_CLAIMED_FIELDS)
            .filter(state=Notification.State.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("id")[: limit * 2]
        )
        recent = set(
            OutboundMessage.objects.filter(
                to__in={n.recipient for n in rows}, created_at__gt=now - spacing
            ).values_list("to", flat=True)
        ) if spacing else set()  # fmt: skip
        taken, seen, deferred = [], set(), False
        for n in rows:
            if n.recipient and (n.recipient in seen or n.recipient in recent):
                deferred = True
                continue
            seen.add(n.recipient)
            taken.append(n)
            if len(taken) >= limit:
                break
        ids = [n.pk for n in taken]
        Notification.objects.filter(pk__in=ids).update(
            state=Notification.State.SENDING, send_started_at=now, attempts=F("attempts") + 1
        )
        for n in taken:
            n.state, n.send_started_at, n.attempts = Notification.State.SENDING, now, n.attempts + 1
        if deferred:  # spaced recipients: another round once the spacing has passed
            from dukcapil.notifications.tasks import dispatch_notifications

            dispatch_notifications.using(run_after=now + spacing).enqueue()
    return taken


def dispatch_pending(
    *, limit: int = 500, concurrency: int = 8, client: CloudApiClient | None = None
) -> dict[str, int]:
    """One round: recover interrupted sends, claim due notifications, send them concurrently,
    book the results. Returns counts by outcome."""
    now = timezone.now()
    recover_interrupted(now=now)
    batch = claim(limit=limit, now=now)
    if not batch:
        return {}
    client = client or CloudApiClient(retries=0)
    open_windows = window_open((n.recipient for n in batch), now)
    outcomes = []
    for n in batch:
        if not n.recipient:
            outcomes.append(
                _Outcome(n, "text", error=GraphError("no phone number", http_status=400))
            )
            continue
        via = "template" if n.via == "template" or n.recipient not in open_windows else "text"
        outcomes.append(_Outcome(n, via))
    to_send = [o for o in outcomes if o.error is None]
    # Slots of the number's throughput, shared with every other sending process.
    start = (
        reserve(len(to_send), rate=client.rate, phone_number_id=client.phone_number_id)
        if to_send
        else 0.0
    )
    for i, o in enumerate(to_send):
        o.at = start + i / client.rate

    def send(outcome: _Outcome) -> _Outcome:
        outcome.payload = payload_for(outcome.notification, via=outcome.via)
        try:
            outcome.wamid = client.send(outcome.payload, at=outcome.at)
        except GraphError as exc:
            outcome.error = exc
        return outcome

    collected = client.collect_calls()
    if concurrency > 1 and len(to_send) > 1:
        # Each thread takes the next message from one shared iterator (in order, balanced,
        # without a future and a queue hand-off per message).
        pending = iter(to_send)

        def drain() -> None:
            for o in pending:
                send(o)

        workers = min(concurrency, len(to_send))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(drain) for _ in range(workers)]:
                future.result()
    else:
        for o in to_send:
            send(o)
    client.flush_calls(collected)
    return _book(outcomes, now=timezone.now())


def _book(outcomes: list[_Outcome], *, now: dt.datetime) -> dict[str, int]:
    counts: dict[str, int] = {}
    retry_at: dt.datetime | None = None
    with transaction.atomic():
        sent_messages = []
        for o in outcomes:
            n = o.notification
            n.via = o.via
            if o.error is None:
                n.state, n.wamid, n.sent_at = Notification.State.SENT, o.wamid, now
                n.delivery_status = n.delivery_status or "accepted"
                n.last_error_code, n.last_error = None, ""
                sent_messages.append(OutboundMessage(
                    notification=n, to=n.recipient, kind=o.via, wamid=o.wamid,
                    payload=o.payload or {}, text=n.body, status="accepted",
                    attempts=n.attempts, status_at=now,
                ))  # fmt: skip
                outcome = "sent"
            else:
                outcome = _failed(n, o.error, now=now)
                if n.state == Notification.State.PENDING and n.next_attempt_at is not None:
                    retry_at = min(retry_at or n.next_attempt_at, n.next_attempt_at)
            counts[outcome] = counts.get(outcome, 0) + 1
        _book_sent([o for o in outcomes if o.error is None], now=now)
        Notification.objects.bulk_update(
            [o.notification for o in outcomes if o.error is not None],
            ["state", "via", "last_error_code", "last_error", "next_attempt_at",
             "send_started_at"],
        )  # fmt: skip
        OutboundMessage.objects.bulk_create(sent_messages)
        # A status may have arrived before the wamid was booked here.
        early = StatusUpdate.objects.filter(wamid__in=[m.wamid for m in sent_messages])
        for update in early.order_by("id"):
            from dukcapil.whatsapp.services import _apply_status

            _apply_status(update)
        if retry_at is not None:
            from dukcapil.notifications.tasks import dispatch_notifications

            dispatch_notifications.using(run_after=retry_at).enqueue()
        issued = [o.notification.pk for o in outcomes if o.error is None and o.via == "text"
                  and o.notification.template == "status_issued"]  # fmt: skip
        if issued:
            from dukcapil.notifications.tasks import send_issued_documents

            for pk in issued:
                send_issued_documents.enqueue(pk)
        if counts.get("fallback"):
            from dukcapil.notifications.tasks import dispatch_notifications

            dispatch_notifications.enqueue()
    return counts


def _book_sent(sent: list[_Outcome], *, now: dt.datetime) -> None:
    """The sent rows in one statement per 500 (a dispatcher books up to a thousand at once):
    each row's wamid and channel through one UPDATE … FROM a VALUES list that also sets the
    fields common to every sent row (one new row version each, not two)."""
    table = connection.ops.quote_name(Notification._meta.db_table)
    sent_at = connection.ops.adapt_datetimefield_value(now)
    for start in range(0, len(sent), 500):
        chunk = sent[start : start + 500]
        values = ", ".join(["(%s, %s, %s)"] * len(chunk))
        params = [p for o in chunk for p in (o.notification.pk, o.wamid, o.via)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH v(id, wamid, via) AS (VALUES {values}) "  # noqa: S608 (placeholders only)
                f"UPDATE {table} SET wamid = v.wamid, via = v.via, state = %s, sent_at = %s, "
                "last_error_code = NULL, last_error = '', next_attempt_at = NULL, "
                "delivery_status = CASE WHEN delivery_status = '' THEN 'accepted' "
                f"ELSE delivery_status END FROM v WHERE {table}.id = v.id",
                [*params, Notification.State.SENT.value, sent_at],
            )


def _failed(n: Notification, error: GraphError, *, now: dt.datetime) -> str:
    n.last_error_code, n.last_error = error.code, str(error)[:300]
    n.send_started_at = None
    if error.code == WINDOW_CLOSED and n.via != "template":
        n.state, n.via, n.next_attempt_at = Notification.State.PENDING, "template", None
        return "fallback"
    if error.permanent or n.attempts >= MAX_ATTEMPTS:
        n.state = Notification.State.FAILED
        return "failed"
    n.state = Notification.State.PENDING
    n.next_attempt_at = now + _backoff(n.attempts, throttled=error.throttled)
    return "retry"


def recover_interrupted(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Sends cut off before their bookkeeping (worker killed): booked as sent if a status webhook
    carrying their id arrived, otherwise (after the grace time) sent again."""
    now = now or timezone.now()
    grace = dt.timedelta(seconds=settings.WHATSAPP_STATUS_GRACE_SECONDS)
    result = {"confirmed": 0, "resent": 0}
    with transaction.atomic():
        stuck = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=Notification.State.SENDING, send_started_at__lt=now - grace)
            .order_by("id")[:1000]
        )
        for n in stuck:
            update = StatusUpdate.objects.filter(callback_data=callback_of(n.pk)).first()
            if update is not None:
                _confirm(n, update)
                result["confirmed"] += 1
            else:
                n.state, n.send_started_at = Notification.State.PENDING, None
                n.save(update_fields=["state", "send_started_at"])
                result["resent"] += 1
    return result


def _confirm(n: Notification, update: StatusUpdate) -> None:
    """Book a send we only know of from its status webhook."""
    n.state, n.wamid, n.sent_at = Notification.State.SENT, update.wamid, timezone.now()
    n.send_started_at = None
    n.save(update_fields=["state", "wamid", "sent_at", "send_started_at"])
    if not OutboundMessage.objects.filter(wamid=update.wamid).exists():
        OutboundMessage.objects.create(
            notification=n, to=n.recipient, kind=n.via or "text", wamid=update.wamid,
            payload={}, text=n.body, status="accepted", attempts=n.attempts,
        )  # fmt: skip


def on_status(*, update: StatusUpdate, message: OutboundMessage | None) -> None:
    """A status webhook: the notification's delivery status moves forward; a send interrupted
    before its bookkeeping is booked; 131047 falls back to the template; a failure for good
    marks the notification failed."""
    from dukcapil.whatsapp.models import STATUS_RANK

    notification_id = message.notification_id if message is not None else None
    notification_id = notification_id or _notification_id(update.callback_data)
    if notification_id is None:
        return
    n = Notification.objects.select_for_update().filter(pk=notification_id).first()
    if n is None:
        return
    if n.state == Notification.State.SENDING:
        _confirm(n, update)
    if n.wamid and n.wamid != update.wamid:
        return  # a status of an earlier, superseded send
    if STATUS_RANK.get(update.status, -1) > STATUS_RANK.get(n.delivery_status, -1):
        n.delivery_status = update.status
        n.save(update_fields=["delivery_status"])
    if update.status != "failed":
        return
    from dukcapil.notifications.tasks import dispatch_notifications
    from dukcapil.whatsapp.client import RETRY_CODES, THROTTLED

    n.last_error_code = update.error_code
    if update.error_code == WINDOW_CLOSED and n.via != "template":
        n.state, n.via, n.next_attempt_at, n.wamid = (
            Notification.State.PENDING,
            "template",
            None,
            "",
        )
        dispatch_notifications.enqueue()
    elif update.error_code in RETRY_CODES and n.attempts < MAX_ATTEMPTS:
        n.state, n.wamid = Notification.State.PENDING, ""
        n.next_attempt_at = timezone.now() + _backoff(
            n.attempts, throttled=update.error_code in THROTTLED
        )
        dispatch_notifications.using(run_after=n.next_attempt_at).enqueue()
    else:
        n.state = Notification.State.FAILED
    n.save(update_fields=["state", "via", "next_attempt_at", "wamid", "last_error_code"])


def send_issued_documents(*, notification_id: int, client: CloudApiClient | None = None) -> int:
    """Inside the window, the signed PDFs follow the "issued" message as document messages (the
    same bytes as the portal's download); outside it the template alone says they are ready.
    Sent once per notification; the number sent."""
    from dukcapil.documents.selectors import document_files

    n = Notification.objects.select_related("application").filter(pk=notification_id).first()
    if n is None or OutboundMessage.objects.filter(notification=n, kind="document").exists():
        return 0
    client = client or CloudApiClient()
    sent = 0
    for file in document_files(n.application):
        try:
            wamid = client.send_document(n.recipient, file.content, filename=file.filename,
                                         caption=file.caption,
                                         callback=f"document:{n.pk}")  # fmt: skip
        except GraphError as exc:
            logger.warning("document of notification %s not sent: %s", n.pk, exc)
            continue
        OutboundMessage.objects.create(
            notification=n, to=n.recipient, kind="document", wamid=wamid, status="accepted",
            payload={"type": "document", "document": {"filename": file.filename}},
            text=f"[{file.filename}]",
        )  # fmt: skip
        sent += 1
    return sent


def periodic() -> dict[str, int]:
    """For ``dukcapil scheduler``: book or free sends cut off by a killed worker, then enqueue a
    dispatch round for whatever is pending (a lost job leaves nothing behind for long)."""
    from dukcapil.notifications.tasks import dispatch_notifications

    result = recover_interrupted()
    if Notification.objects.filter(state=Notification.State.PENDING).exists():
        dispatch_notifications.enqueue()
        result["dispatch_enqueued"] = 1
    return result
