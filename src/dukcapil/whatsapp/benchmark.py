"""The WhatsApp figures of ``make bench`` (called by ``bench/bench_whatsapp.py``; needs the bench
folder's ``http_load`` on the path and a PostgreSQL benchmark database).

1. Webhook POSTs per second: single-message payloads, each with its own message id, ASCII-escaped
   and signed as Meta sends them, loaded with wrk against gunicorn as ``dukcapil serve`` runs it;
   each one checked, stored and its processing enqueued. Compared with ``GET /ping`` of the same
   run; p99 against Meta's median of 250 ms.
2. Dispatcher capacity: pending notifications sent through the fake Graph API (a separate
   process, over HTTP) with the throughput limit lifted; every notification's id travels in
   ``biz_opaque_callback_data``, so the fake's log shows any lost or duplicated send.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

WEBHOOKS = int(os.environ.get("BENCH_WEBHOOK_BODIES", 20_000))
NOTIFICATIONS = int(os.environ.get("BENCH_NOTIFICATIONS", 5_000))
GOAL_SHARE_OF_PING = 0.30
GOAL_P99_MS = 250
GOAL_DISPATCH_PER_SECOND = 1_000


def run(context: Any, figure: type) -> list[Any]:
    return _webhooks(context, figure) + _dispatch(context, figure)


def _webhook_lines(count: int, run_id: str) -> list[str]:
    from django.conf import settings

    from dukcapil.whatsapp.webhook import sign

    lines = []
    for i in range(count):
        message = {"from": f"62812{i % 10_000_000:08d}", "id": f"wamid.BENCH-{run_id}-{i}",
                   "timestamp": str(int(time.time())), "type": "text",
                   "text": {"body": "Halo, saya mau cek status permohonan \U0001f64f"}}  # fmt: skip
        payload = {"object": "whatsapp_business_account", "entry": [{"id": "200000000000001",
                   "changes": [{"field": "messages", "value": {
                       "messaging_product": "whatsapp",
                       "metadata": {"display_phone_number": "6281200000099",
                                    "phone_number_id": settings.WHATSAPP_PHONE_NUMBER_ID},
                       "contacts": [{"profile": {"name": "Warga"}, "wa_id": message["from"]}],
                       "messages": [message]}}]}]}  # fmt: skip
        body = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
        lines.append(f"{sign(body.encode(), settings.WHATSAPP_APP_SECRET)}\t{body}")
    return lines


def _webhooks(context: Any, figure: type) -> list[Any]:
    import http_load
    from django_tasks_db.models import DBTaskResult

    from dukcapil.whatsapp.models import WebhookDelivery

    run_id = str(int(time.time()))
    bodies = context.work_dir / "webhook-bodies.txt"
    bodies.write_text("\n".join(_webhook_lines(WEBHOOKS, run_id)) + "\n", encoding="ascii")
    stored_before = WebhookDelivery.objects.count()
    jobs_before = DBTaskResult.objects.filter(task_path__endswith="process_delivery").count()
    threads = 2
    with http_load.served(context.work_dir, "webhook") as server:
        http_load.wrk(server, "/webhooks/whatsapp", "webhook.lua", str(bodies), str(threads),
                      seconds=http_load.WARMUP_SECONDS, threads=threads)  # fmt: skip
        load = http_load.wrk(server, "/webhooks/whatsapp", "webhook.lua", str(bodies),
                             str(threads), threads=threads)  # fmt: skip
    stored = WebhookDelivery.objects.count() - stored_before
    jobs = DBTaskResult.objects.filter(task_path__endswith="process_delivery").count() - jobs_before
    if load.sample_error:
        print(f"  sample error answer: {load.sample_error[:500]}", file=sys.stderr)
    figures = [
        figure("webhook POSTs per second", load.ok_per_second, "req/s"),
        figure("  latency p50", load.p50_ms, "ms", decimals=2),
        figure("  latency p99", load.p99_ms, "ms", f"< {GOAL_P99_MS} ms",
               load.p99_ms < GOAL_P99_MS, decimals=2),
        figure("  non-2xx answers", load.not_ok + load.socket_errors, "", "0",
               load.not_ok + load.socket_errors == 0),
        figure("  stored = enqueued", stored, "", "= enqueued", stored == jobs),
    ]  # fmt: skip
    if "ping_per_second" in context.shared:
        share = load.ok_per_second / context.shared["ping_per_second"]
        figures.append(figure("  webhook / GET /ping", share * 100, "%",
                              f"≥ {GOAL_SHARE_OF_PING:.0%}", share >= GOAL_SHARE_OF_PING,
                              decimals=1))  # fmt: skip
    # The queued processing is not part of this figure: leave no work behind for other scenarios.
    DBTaskResult.objects.filter(task_path__endswith="process_delivery").delete()
    return figures


def _pending_notifications(count: int) -> list[int]:
    """Ids of ``count`` pending notifications, each to its own number (made when missing)."""
    from dukcapil.notifications.models import Notification

    have = Notification.objects.filter(state=Notification.State.PENDING).count()
    if have < count:
        _make_notifications(count - have)
    ids = list(
        Notification.objects.filter(state=Notification.State.PENDING)
        .order_by("id")
        .values_list("id", flat=True)[:count]
    )
    for i, pk in enumerate(ids):
        Notification.objects.filter(pk=pk).update(recipient=f"62813{i:08d}", via="",
                                                  next_attempt_at=None)  # fmt: skip
    return ids


def _make_notifications(count: int) -> None:
    from applicants import ensure_heads, heads_of

    from dukcapil.applications import services
    from dukcapil.applications.actors import Actor
    from dukcapil.applications.testing import PNG

    print(f"… submitting {count:,} applications for their notifications", file=sys.stderr,
          flush=True)  # fmt: skip
    regency, _heads = ensure_heads(count)
    actor = Actor.api(regency, "benchmark setup")
    files = [("laporan_kehilangan", PNG, "laporan.png"), ("ktp_kepala", PNG, "ktp.png")]
    for resident in heads_of(regency).select_related("family__desa__kecamatan")[:count]:
        services.submit_application(
            service_code="KK_HILANG", applicant=resident, channel="api", actor=actor,
            declarations=["pernyataan"], privacy_acknowledged=True, attachments=files,
            phone="6281300000000",
        )  # fmt: skip


def _dispatch(context: Any, figure: type) -> list[Any]:
    import httpx
    from django.conf import settings

    from dukcapil.notifications import dispatch
    from dukcapil.notifications.models import Notification
    from dukcapil.whatsapp.client import CloudApiClient

    ids = _pending_notifications(NOTIFICATIONS)
    port = _free_port()
    fake = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "dukcapil.whatsapp.fake", "--port", str(port),
         "--token", "bench-token"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url)
        settings.WHATSAPP_RECIPIENT_SPACING_MS = 0
        client = CloudApiClient(base_url=url, token="bench-token", messages_per_second=1_000_000,  # noqa: S106
                                retries=0)  # fmt: skip
        started = time.perf_counter()
        rounds = 0
        while True:
            counts = dispatch.dispatch_pending(limit=1000, concurrency=8, client=client)
            rounds += 1
            if not counts:
                break
        seconds = time.perf_counter() - started
        sent = httpx.get(f"{url}/_fake/messages", timeout=60).json()["messages"]
    finally:
        fake.terminate()
        fake.wait(timeout=10)
    callbacks = [m["payload"].get("biz_opaque_callback_data", "") for m in sent]
    wanted = {dispatch.callback_of(pk) for pk in ids}
    received = [c for c in callbacks if c in wanted]
    duplicated = len(received) - len(set(received))
    booked = Notification.objects.filter(pk__in=ids, state=Notification.State.SENT).count()
    lost = len(ids) - len(set(received))
    rate = len(set(received)) / seconds if seconds else 0.0
    return [
        figure(f"dispatch: {len(ids):,} notifications, limit lifted, 8 connections", rate,
               "msg/s", f"≥ {GOAL_DISPATCH_PER_SECOND:,}", rate >= GOAL_DISPATCH_PER_SECOND),
        figure("  rounds (claim, send, book)", rounds, ""),
        figure("  lost (not received by the fake)", lost, "", "0", lost == 0),
        figure("  sent twice", duplicated, "", "0", duplicated == 0),
        figure("  booked as sent", booked, "", f"= {len(ids):,}", booked == len(ids)),
    ]  # fmt: skip


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str) -> None:
    import httpx

    for _ in range(100):
        try:
            httpx.get(f"{url}/_fake/messages", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the fake Graph API did not start")
