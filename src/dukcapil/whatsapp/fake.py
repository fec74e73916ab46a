"""A fake Graph API server for tests and the demo, speaking the Cloud API's HTTP protocol.

Django-independent (standard library only), started in a thread (:class:`FakeGraph`) or as
``dukcapil fake_graph``. It accepts ``POST /{version}/{phone-number-id}/messages`` (checking the
bearer token and Meta's interactive limits), ``POST /{version}/{phone-number-id}/media``,
``GET /{version}/{media-id}`` and the short-lived media URL (token required), answers in Meta's
shapes and error envelope, and sends signed status webhooks (``sent``, ``delivered``, echoing
``biz_opaque_callback_data``) to the app when it knows the app's webhook URL.

Control endpoints under ``/_fake/`` let tests and the simulator page (``GET /``) read what was
sent, add media, make the next sends fail, close a citizen's 24-hour window, and play the citizen:
``POST /_fake/inbound`` turns a message into a signed webhook POST to the app.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import queue
import secrets
import threading
import time
import urllib.request
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

SIMULATOR_PAGE = Path(__file__).resolve().parent / "static" / "whatsapp" / "simulator.html"


def _error(code: int, message: str, details: str = "", http_status: int = 400) -> tuple[int, dict]:
    return http_status, {
        "error": {
            "message": f"(#{code}) {message}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details or message},
            "fbtrace_id": "AFakeTrace",
        }
    }


def _limit_error(payload: dict) -> str:
    """What Meta would refuse in this message body ('' if nothing)."""
    for key in ("messaging_product", "to", "type"):
        if not payload.get(key):
            return f"{key} is required"
    kind = payload["type"]
    body = payload.get(kind)
    if not isinstance(body, dict):
        return f"{kind} object is required"
    if kind == "text" and not 1 <= len(body.get("body", "")) <= 4096:
        return "text.body must have 1 to 4096 characters"
    if kind == "template" and not body.get("name"):
        return "template.name is required"
    if kind == "document" and not (body.get("id") or body.get("link")):
        return "document.id or document.link is required"
    if kind != "interactive":
        return ""
    action = body.get("action") or {}
    if len((body.get("body") or {}).get("text", "")) > (
        1024 if body.get("type") == "button" else 4096
    ):  # noqa: E501
        return "interactive body too long"
    if len((body.get("footer") or {}).get("text", "")) > 60:
        return "footer too long"
    if len((body.get("header") or {}).get("text", "")) > 60:
        return "header too long"
    if body.get("type") == "button":
        buttons = action.get("buttons") or []
        titles = [b.get("reply", {}).get("title", "") for b in buttons]
        if not 1 <= len(buttons) <= 3:
            return "between 1 and 3 buttons"
        if any(not t or len(t) > 20 for t in titles) or len(set(titles)) != len(titles):
            return "button titles: 1 to 20 characters, unique"
        return ""
    if body.get("type") == "list":
        sections = action.get("sections") or []
        rows = [r for s in sections for r in s.get("rows", [])]
        if not 1 <= len(sections) <= 10 or not 1 <= len(rows) <= 10:
            return "a list holds 1 to 10 sections and 1 to 10 rows"
        if len(action.get("button", "")) > 20 or not action.get("button"):
            return "list button label: 1 to 20 characters"
        for r in rows:
            if len(r.get("title", "")) > 24 or len(r.get("description", "")) > 72:
                return "row title over 24 or description over 72 characters"
            if len(r.get("id", "")) > 200:
                return "row id over 200 characters"
        if len(sections) > 1 and any(not s.get("title") for s in sections):
            return "each of several sections needs a title"
        return ""
    return "unknown interactive type"


class FakeGraph:
    """The fake server. ``webhook_url`` and ``app_secret``: where and how to send webhooks."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = "demo-access-token",  # noqa: S107 (the fake's own demo token)
        webhook_url: str = "",
        app_secret: str = "",
        phone_number_id: str = "100000000000001",
        send_statuses: bool = True,
    ) -> None:
        self.token = token
        self.webhook_url = webhook_url
        self.app_secret = app_secret
        self.phone_number_id = phone_number_id
        self.send_statuses = send_statuses
        self.lock = threading.Lock()
        self.sent: list[dict[str, Any]] = []
        self.media: dict[str, tuple[bytes, str, str]] = {}
        self.failures: list[dict[str, Any]] = []
        self.closed_windows: set[str] = set()
        self.webhooks_posted = 0
        self._ids = itertools.count(1)
        self._run = secrets.token_hex(4)
        self._webhooks: queue.Queue[dict | None] = queue.Queue()
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self.httpd = _Server((host, port), Handler)
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeGraph:
        for target in (self.httpd.serve_forever, self._webhook_sender):
            thread = threading.Thread(target=target, daemon=True, name="fake-graph")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._webhooks.put(None)
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- state -----------------------------------------------------------------------------

    def next_id(self, prefix: str) -> str:
        # Unique across restarts of the fake, as Meta's ids are.
        return f"{prefix}{self._run}-{next(self._ids):012d}"

    def add_media(self, content: bytes, mime_type: str, filename: str = "") -> str:
        media_id = str(900_000_000_000_000 + next(self._ids))
        with self.lock:
            self.media[media_id] = (content, mime_type, filename)
        return media_id

    def accept(self, payload: dict) -> tuple[int, dict]:
        """A message send: refused as Meta would, or recorded with a new wamid."""
        with self.lock:
            failure = next(
                (f for f in self.failures if not f.get("to") or f["to"] == payload.get("to")),
                None,
            )
            if failure is not None:
                failure["times"] -= 1
                if failure["times"] <= 0:
                    self.failures.remove(failure)
        if failure is not None:
            return _error(failure["code"], failure.get("message", "Injected failure"),
                          http_status=failure.get("http_status", 400))  # fmt: skip
        problem = _limit_error(payload)
        if problem:
            return _error(131009, "Parameter value is not valid", problem)
        to = str(payload["to"]).lstrip("+")
        if payload["type"] != "template" and to in self.closed_windows:
            return _error(131047, "Re-engagement message", "Message failed to send because "
                          "more than 24 hours have passed since the customer last replied to "
                          "this number.")  # fmt: skip
        wamid = self.next_id("wamid.FAKE-OUT-")
        with self.lock:
            self.sent.append({"id": wamid, "to": to, "payload": payload, "at": time.time()})
        if self.send_statuses and self.webhook_url:
            callback = payload.get("biz_opaque_callback_data", "")
            for name in ("sent", "delivered"):
                item = {"id": wamid, "status": name, "timestamp": str(int(time.time())),
                        "recipient_id": to}  # fmt: skip
                if callback:
                    item["biz_opaque_callback_data"] = callback
                self._webhooks.put({"statuses": [item]})
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": payload["to"], "wa_id": to}],
            "messages": [{"id": wamid}],
        }

    def inbound(self, spec: dict) -> dict:
        """Play the citizen: build a message webhook and POST it (signed) to the app."""
        sender = str(spec.get("from", "6281200000001")).lstrip("+")
        wamid = self.next_id("wamid.FAKE-IN-")
        message: dict[str, Any] = {"from": sender, "id": wamid,
                                   "timestamp": str(int(time.time()))}  # fmt: skip
        kind = spec.get("type", "text")
        if kind == "text":
            message.update(type="text", text={"body": str(spec.get("text", ""))})
        elif kind == "interactive":
            reply_kind = spec.get("kind", "button_reply")
            message.update(type="interactive", interactive={
                "type": reply_kind,
                reply_kind: {"id": spec["reply_id"], "title": spec.get("title", "")}})  # fmt: skip
        elif kind in ("image", "document"):
            media_id = spec.get("media_id")
            if not media_id:
                content = base64.b64decode(spec.get("content_b64", ""))
                media_id = self.add_media(content, spec.get("mime_type", ""),
                                          spec.get("filename", ""))  # fmt: skip
            content, mime, filename = self.media[media_id]
            digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
            media = {"id": media_id, "mime_type": mime, "sha256": digest}
            if kind == "document":
                media["filename"] = filename or "dokumen.pdf"
            message.update(type=kind, **{kind: media})
        else:
            message.update(type=kind, **{kind: spec.get(kind, {})})
        with self.lock:
            self.closed_windows.discard(sender)
        value = {"contacts": [{"profile": {"name": spec.get("name", "Warga")}, "wa_id": sender}],
                 "messages": [message]}  # fmt: skip
        status = self.post_webhook(value)
        return {"id": wamid, "webhook_status": status}

    def webhook_payload(self, value: dict) -> bytes:
        value = {"messaging_product": "whatsapp",
                 "metadata": {"display_phone_number": "6281200000099",
                              "phone_number_id": self.phone_number_id}, **value}  # fmt: skip
        payload = {"object": "whatsapp_business_account",
                   "entry": [{"id": "200000000000001",
                              "changes": [{"value": value, "field": "messages"}]}]}  # fmt: skip
        # Meta signs ASCII-escaped JSON; the fake sends exactly the bytes it signs.
        return json.dumps(payload, ensure_ascii=True).encode("ascii")

    def post_webhook(self, value: dict) -> int:
        if not self.webhook_url:
            return 0
        body = self.webhook_payload(value)
        signature = hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(  # noqa: S310 (our own configured URL)
            self.webhook_url, data=body, method="POST",
            headers={"Content-Type": "application/json",
                     "X-Hub-Signature-256": f"sha256={signature}"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                self.webhooks_posted += 1
                return response.status
        except OSError as exc:
            return getattr(exc, "code", 0) or 0

    def _webhook_sender(self) -> None:
        """Status webhooks in the background, several per POST when they pile up (as Meta)."""
        while True:
            item = self._webhooks.get()
            if item is None:
                return
            statuses = list(item["statuses"])
            while len(statuses) < 100:
                try:
                    more = self._webhooks.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._webhooks.put(None)
                    break
                statuses.extend(more["statuses"])
            self.post_webhook({"statuses": statuses})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # many clients connect at once (the default of 5 resets them)


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeGraph
    protocol_version = "HTTP/1.1"
    # Headers and body are written separately: without this, Nagle's algorithm and the
    # client's delayed ACK hold every answer of a kept-alive connection for ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _authorised(self) -> bool:
        expected = f"Bearer {self.server_fake.token}"
        if hmac.compare_digest(self.headers.get("Authorization", ""), expected):
            return True
        self._send(*_error(190, "Invalid OAuth access token", http_status=401))
        return False

    def do_GET(self) -> None:  # noqa: N802
        fake = self.server_fake
        parts = urlsplit(self.path)
        segments = [s for s in parts.path.split("/") if s]
        query = parse_qs(parts.query)
        if not segments:
            self._send(200, SIMULATOR_PAGE.read_bytes(), "text/html; charset=utf-8")
        elif segments[0] == "_fake" and segments[1:2] == ["messages"]:
            since = int(query.get("since", ["0"])[0])
            to = query.get("to", [""])[0].lstrip("+")
            with fake.lock:
                items = [m for m in fake.sent[since:] if not to or m["to"] == to]
                total = len(fake.sent)
            self._send(200, {"messages": items, "next": total})
        elif segments[0] == "_fake" and segments[1:2] == ["media"] and len(segments) == 3:
            self._media_bytes(segments[2])
        elif segments[0] == "_media" and len(segments) == 2:
            if self._authorised():
                self._media_bytes(segments[1])
        elif len(segments) == 2 and segments[1].isdigit():
            if not self._authorised():
                return
            media = fake.media.get(segments[1])
            if media is None:
                self._send(*_error(100, "Invalid media id", http_status=404))
                return
            content, mime, _name = media
            self._send(200, {
                "messaging_product": "whatsapp",
                "url": f"{fake.url}/_media/{segments[1]}?ext={int(time.time())}&hash=FAKE",
                "mime_type": mime,
                "sha256": base64.b64encode(hashlib.sha256(content).digest()).decode(),
                "file_size": str(len(content)),
                "id": segments[1],
            })  # fmt: skip
        else:
            self._send(*_error(100, "Unknown path", http_status=404))

    def _media_bytes(self, media_id: str) -> None:
        media = self.server_fake.media.get(media_id)
        if media is None:
            self._send(404, b"not found", "text/plain")
        else:
            self._send(200, media[0], media[1] or "application/octet-stream")

    def do_POST(self) -> None:  # noqa: N802, C901
        fake = self.server_fake
        segments = [s for s in urlsplit(self.path).path.split("/") if s]
        body = self._body()
        if segments[:1] == ["_fake"]:
            self._control(segments[1:], body)
        elif len(segments) == 3 and segments[2] == "messages":
            if not self._authorised():
                return
            try:
                payload = json.loads(body)
            except ValueError:
                self._send(*_error(100, "Invalid JSON"))
                return
            self._send(*fake.accept(payload if isinstance(payload, dict) else {}))
        elif len(segments) == 3 and segments[2] == "media":
            if not self._authorised():
                return
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {self.headers.get('Content-Type')}\r\n\r\n".encode() + body
            )
            for part in message.iter_parts():
                if part.get_param("name", header="content-disposition") == "file":
                    media_id = fake.add_media(
                        part.get_payload(decode=True), part.get_content_type(),
                        part.get_filename() or "",
                    )  # fmt: skip
                    self._send(200, {"id": media_id})
                    return
            self._send(*_error(100, "file is required"))
        else:
            self._send(*_error(100, "Unknown path", http_status=404))

    def _control(self, segments: list[str], body: bytes) -> None:
        fake = self.server_fake
        action = segments[0] if segments else ""
        spec = json.loads(body) if body and action != "media" else {}
        if action == "inbound":
            self._send(200, fake.inbound(spec))
        elif action == "media":
            media_id = fake.add_media(body, self.headers.get("Content-Type", ""),
                                      self.headers.get("X-Filename", ""))  # fmt: skip
            self._send(200, {"id": media_id})
        elif action == "fail":
            with fake.lock:
                fake.failures.append({"times": 1, **spec})
            self._send(200, {"ok": True})
        elif action == "window":
            with fake.lock:
                if spec.get("open"):
                    fake.closed_windows.discard(spec["wa_id"])
                else:
                    fake.closed_windows.add(spec["wa_id"])
            self._send(200, {"ok": True})
        elif action == "status":
            self._send(200, {"webhook_status": fake.post_webhook({"statuses": [spec]})})
        elif action == "reset":
            with fake.lock:
                fake.sent.clear()
                fake.failures.clear()
                fake.closed_windows.clear()
            self._send(200, {"ok": True})
        else:
            self._send(404, {"error": "unknown control"})


def main() -> None:  # pragma: no cover - the command line of ``python -m``
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--token", default="demo-access-token")
    parser.add_argument("--webhook-url", default="")
    parser.add_argument("--app-secret", default="")
    args = parser.parse_args()
    fake = FakeGraph(host=args.host, port=args.port, token=args.token,
                     webhook_url=args.webhook_url, app_secret=args.app_secret).start()  # fmt: skip
    print(f"Fake Graph API and WhatsApp simulator: {fake.url}/", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
