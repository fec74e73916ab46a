"""The Cloud API webhook: Meta's verification handshake and signed POSTs.

A valid POST is stored as the raw bytes Meta signed and answered at once; a background task
(:func:`dukcapil.whatsapp.tasks.process_delivery`) parses and processes it. Meta retries until it
gets a 200 and may deliver the same update twice, so processing is idempotent (see
:mod:`dukcapil.whatsapp.services`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac

import psycopg
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from psycopg import sql

from dukcapil.whatsapp.models import WebhookDelivery

SIGNATURE_HEADER = "HTTP_X_HUB_SIGNATURE_256"
MAX_BODY_BYTES = 32 * 1024 * 1024


def sign(body: bytes, secret: str) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends for ``body`` (also used by the fake)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_is_valid(body: bytes, header: str, secret: str) -> bool:
    """HMAC-SHA256 of the raw bytes, compared in constant time. No secret: nothing is valid."""
    if not secret or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(sign(body, secret), header)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _handshake(request)
    header = request.META.get(SIGNATURE_HEADER, "")
    if not header:
        return HttpResponse("missing signature", status=401, content_type="text/plain")
    body = _raw_body(request)  # before any parsing: the signature covers exactly these bytes
    if body is None:
        return HttpResponse("too large", status=413, content_type="text/plain")
    if not signature_is_valid(body, header, settings.WHATSAPP_APP_SECRET):
        return HttpResponse("bad signature", status=403, content_type="text/plain")
    store_and_enqueue(body)
    return HttpResponse("ok", content_type="text/plain")


def store_and_enqueue(body: bytes) -> None:
    """Store the raw body and enqueue its processing, both committed before the caller answers.

    On PostgreSQL this is one statement (a CTE inserting the delivery and its
    ``process_delivery`` job; one round trip, atomic on its own, server-side prepared), the
    same rows that ``WebhookDelivery.objects.create`` and ``process_delivery.enqueue`` write:
    the webhook is the hot path of the app. Elsewhere (SQLite) through the ORM."""
    from dukcapil.whatsapp.tasks import process_delivery

    if connection.vendor != "postgresql":
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(body=body)
            process_delivery.enqueue(delivery.pk)
        return
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:  # server-side binding, prepared
        cursor.execute(_store_sql(), (body,), prepare=True)


@functools.cache
def _store_sql() -> sql.Composed:
    """The statement of :func:`store_and_enqueue`, built once: the job's fixed columns (task
    path, queue, backend, priority) as literals, its id a random UUID like the model's default,
    ``run_after`` django_tasks_db's "none" (9999-01-01)."""
    from django_tasks_db.models import DBTaskResult

    from dukcapil.whatsapp.tasks import process_delivery as task

    run_after = task.run_after or dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
    return sql.SQL(
        "WITH d AS (INSERT INTO {deliveries} (body, received_at, error)"
        " VALUES (%b, now(), '') RETURNING id)"
        " INSERT INTO {jobs} (id, status, enqueued_at, args_kwargs, priority, task_path,"
        " worker_ids, queue_name, backend_name, run_after, exception_class_path, traceback)"
        " SELECT gen_random_uuid(), 'READY', now(),"
        " jsonb_build_object('args', jsonb_build_array(d.id), 'kwargs', '{{}}'::jsonb),"
        " {priority}, {path}, '[]'::jsonb, {queue}, {backend}, {run_after}, '', '' FROM d"
    ).format(
        deliveries=sql.Identifier(WebhookDelivery._meta.db_table),
        jobs=sql.Identifier(DBTaskResult._meta.db_table),
        priority=sql.Literal(task.priority), path=sql.Literal(task.module_path),
        queue=sql.Literal(task.queue_name), backend=sql.Literal(task.backend),
        run_after=sql.Literal(run_after),
    )  # fmt: skip


def _raw_body(request: HttpRequest) -> bytes | None:
    """The raw body, up to :data:`MAX_BODY_BYTES`. Meta batches up to 1,000 updates in one POST,
    more than Django's default limit for request bodies; a refused batch would be retried by
    Meta for days."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > MAX_BODY_BYTES:
        return None
    try:
        return request.body
    except RequestDataTooBig:
        return request.read(MAX_BODY_BYTES)


def _handshake(request: HttpRequest) -> HttpResponse:
    token = settings.WHATSAPP_VERIFY_TOKEN
    given = request.GET.get("hub.verify_token", "")
    if (
        request.GET.get("hub.mode") == "subscribe"
        and token
        and hmac.compare_digest(given.encode(), token.encode())
    ):
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    return HttpResponse("forbidden", status=403, content_type="text/plain")
