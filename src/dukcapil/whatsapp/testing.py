"""Helpers for tests that talk to the webhook (signed like Meta signs) and run queued tasks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

from dukcapil.whatsapp.webhook import sign

FIXTURES = Path(__file__).resolve().parent / "tests" / "fixtures"
CITIZEN = "6281200000001"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def post_signed(client: Client, body: bytes, *, secret: str | None = None) -> Any:
    """POST ``body`` to the webhook with the signature Meta would send."""
    signature = sign(body, settings.WHATSAPP_APP_SECRET if secret is None else secret)
    return client.post(
        "/webhooks/whatsapp",
        data=body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
    )


def run_tasks(limit: int = 10_000) -> int:
    """Run the queued Django tasks that are due, in order, in this process (like ``db_worker``);
    a failing task raises."""
    from django_tasks_db.models import DBTaskResult

    ran = 0
    while ran < limit:
        result = DBTaskResult.objects.ready().order_by("enqueued_at").first()
        if result is None:
            return ran
        result.claim("test")
        try:
            value = result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        except Exception as exc:
            result.set_failed(exc)
            raise
        result.set_successful(value)
        ran += 1
    return ran


_counter = iter(range(1, 10**9))


def webhook_body(
    messages: list[dict] | None = None,
    statuses: list[dict] | None = None,
    *,
    contacts: list[dict] | None = None,
) -> bytes:
    """A webhook POST body in Meta's shape, ASCII-escaped as Meta sends it."""
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281200000099",
                     "phone_number_id": settings.WHATSAPP_PHONE_NUMBER_ID},
    }  # fmt: skip
    if messages is not None:
        value["contacts"] = contacts or [
            {"profile": {"name": "Warga"}, "wa_id": m["from"]} for m in messages[:1]
        ]
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    payload = {"object": "whatsapp_business_account",
               "entry": [{"id": "200000000000001",
                          "changes": [{"value": value, "field": "messages"}]}]}  # fmt: skip
    return json.dumps(payload, ensure_ascii=True).encode()


def text_message(body: str, *, sender: str = CITIZEN, wamid: str | None = None) -> dict:
    return {"from": sender, "id": wamid or f"wamid.T-{next(_counter)}", "timestamp": "1767225600",
            "type": "text", "text": {"body": body}}  # fmt: skip


def reply_message(
    reply_id: str, title: str = "", *, kind: str = "list_reply", sender: str = CITIZEN
) -> dict:
    return {"from": sender, "id": f"wamid.T-{next(_counter)}", "timestamp": "1767225600",
            "type": "interactive",
            "interactive": {"type": kind,
                            kind: {"id": reply_id, "title": title or reply_id}}}  # fmt: skip


def media_message(
    media_id: str,
    *,
    kind: str = "image",
    mime_type: str = "image/jpeg",
    sender: str = CITIZEN,
    filename: str = "",
) -> dict:
    media: dict[str, Any] = {"id": media_id, "mime_type": mime_type, "sha256": "x"}
    if filename:
        media["filename"] = filename
    return {"from": sender, "id": f"wamid.T-{next(_counter)}", "timestamp": "1767225600",
            "type": kind, kind: media}  # fmt: skip


def status(wamid: str, name: str, *, callback: str = "", error_code: int | None = None) -> dict:
    item: dict[str, Any] = {"id": wamid, "status": name, "timestamp": "1767225905",
                            "recipient_id": CITIZEN}  # fmt: skip
    if callback:
        item["biz_opaque_callback_data"] = callback
    if error_code is not None:
        item["errors"] = [{"code": error_code, "title": "error"}]
    return item


def fake_messages(fake_url: str, *, to: str = "", since: int = 0) -> list[dict]:
    """What the fake Graph server received, read over HTTP as any client would."""
    import httpx

    response = httpx.get(f"{fake_url}/_fake/messages", params={"to": to, "since": since})
    response.raise_for_status()
    return response.json()["messages"]


def fake_control(fake_url: str, action: str, spec: dict | None = None, **kw: Any) -> dict:
    import httpx

    response = httpx.post(f"{fake_url}/_fake/{action}", json=spec or {}, **kw)
    response.raise_for_status()
    return response.json()
