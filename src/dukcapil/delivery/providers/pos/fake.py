"""A fake Pos Indonesia that speaks the contract of ``delivery/POS_API.md`` over HTTP.

A small threaded HTTP server for the tests and the demo; no Django inside (it is the other side
of the wire). ``FakePosServer().start()`` serves on a free port of 127.0.0.1; ``scan()`` moves a
parcel (and, if asked, calls the webhook, signed); ``signed_webhook()`` gives the exact request
Pos would send, for a test to deliver through Django's test client.

    python -m dukcapil.delivery.providers.pos.fake --port 8765 --token T --secret S --autopilot 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
CODES = {"BOOKED", "PICKED_UP", "ARRIVED_AT_HUB", "DEPARTED_HUB", "IN_TRANSIT",
         "OUT_FOR_DELIVERY", "DELIVERY_FAILED", "DELIVERED", "RETURNED_TO_SENDER",
         "CANCELLED"}  # fmt: skip
FINAL = {"DELIVERED", "RETURNED_TO_SENDER", "CANCELLED"}
AUTOPILOT = ["BOOKED", "PICKED_UP", "ARRIVED_AT_HUB", "OUT_FOR_DELIVERY", "DELIVERED"]
TARIFF = 10_000


class Refused(Exception):  # noqa: N818
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class FakePosServer:
    def __init__(
        self, *, token: str = "fake-pos-token", secret: str = "fake-pos-secret",  # noqa: S107
        host: str = "127.0.0.1", port: int = 0, callback_url: str = "",
    ) -> None:  # fmt: skip
        self.token, self.secret, self.default_callback = token, secret, callback_url
        self.parcels: dict[str, dict[str, Any]] = {}
        self.by_reference: dict[str, str] = {}
        self.sent_webhooks: list[dict[str, Any]] = []  # every callback sent, with its answer
        self.requests: list[tuple[str, str]] = []  # (method, path) of every API request
        self.fail_next: list[int] = []  # statuses to answer the next API requests with
        self._serial = itertools.count(1)
        self._event_serial = itertools.count(1)
        self._lock = threading.RLock()
        self.httpd = ThreadingHTTPServer((host, port), _handler(self))
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakePosServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakePosServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the API -----------------------------------------------------------------------------

    def _check_party(self, role: str, party: Any) -> None:
        if not isinstance(party, dict):
            raise Refused(400, "invalid_request", f"{role} is required")
        for name in ("name", "phone"):
            if not str(party.get(name) or "").strip():
                raise Refused(400, "invalid_request", f"{role}.{name} is required")
        address = party.get("address")
        if not isinstance(address, dict) or not str(address.get("street") or "").strip():
            raise Refused(400, "invalid_request", f"{role}.address.street is required")
        if not re.fullmatch(r"\d{5}", str(address.get("postal_code") or "")):
            raise Refused(400, "invalid_request", f"{role}.address.postal_code: 5 digits")

    def book(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        reference = str(body.get("reference") or "")
        if not reference:
            raise Refused(400, "invalid_request", "reference is required")
        self._check_party("sender", body.get("sender"))
        self._check_party("recipient", body.get("recipient"))
        with self._lock:
            if reference in self.by_reference:
                return 200, self._booking(self.parcels[self.by_reference[reference]])
            now = dt.datetime.now(WIB)
            resi = f"P{now:%y%m%d}{next(self._serial):07d}"
            parcel = {
                "resi": resi, "reference": reference, "request": body,
                "callback_url": str(body.get("callback_url") or self.default_callback),
                "created_at": now.isoformat(timespec="seconds"), "events": [],
            }  # fmt: skip
            self.parcels[resi] = parcel
            self.by_reference[reference] = resi
            self._append(parcel, {"code": "BOOKED", "location": "Loket korporat"})
            return 201, self._booking(parcel)

    def _booking(self, parcel: dict[str, Any]) -> dict[str, Any]:
        return {"resi": parcel["resi"], "reference": parcel["reference"],
                "status": parcel["events"][-1]["code"], "tariff": TARIFF,
                "created_at": parcel["created_at"]}  # fmt: skip

    def _parcel(self, resi: str) -> dict[str, Any]:
        try:
            return self.parcels[resi]
        except KeyError:
            raise Refused(404, "not_found", f"unknown resi {resi}") from None

    def _append(self, parcel: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
        code = event.get("code")
        if code not in CODES:
            raise Refused(400, "invalid_request", f"unknown code {code}")
        occurred = event.get("occurred_at") or dt.datetime.now(WIB).isoformat(timespec="seconds")
        full = {
            "event_id": f"ev-{next(self._event_serial):06d}", "resi": parcel["resi"],
            "code": code, "occurred_at": occurred, "location": event.get("location", ""),
            "note": event.get("note", ""), "receiver_name": event.get("receiver_name", ""),
        }  # fmt: skip
        parcel["events"].append(full)
        return full

    def cancel(self, resi: str) -> dict[str, Any]:
        with self._lock:
            parcel = self._parcel(resi)
            if parcel["events"][-1]["code"] not in ("BOOKED", "CANCELLED"):
                raise Refused(409, "conflict", "already picked up")
            if parcel["events"][-1]["code"] != "CANCELLED":
                self._append(parcel, {"code": "CANCELLED"})
            return {"resi": resi, "status": "CANCELLED"}

    def events(self, resi: str) -> dict[str, Any]:
        with self._lock:
            parcel = self._parcel(resi)
            return {"resi": resi, "status": parcel["events"][-1]["code"],
                    "events": list(parcel["events"])}  # fmt: skip

    # -- controls (tests and demo) -------------------------------------------------------------

    def scan(self, resi: str, code: str, *, webhook: bool = False, **fields: Any) -> dict:
        """Append an event to a parcel; with ``webhook`` send it to the parcel's callback."""
        with self._lock:
            event = self._append(self._parcel(resi), {"code": code, **fields})
        if webhook:
            self.send_webhook(resi, [event])
        return event

    def signed_webhook(
        self, resi: str, events: list[dict], *, secret: str | None = None, at: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of the callback Pos sends for ``events``."""
        body = json.dumps({"resi": resi, "events": events}).encode()
        timestamp = int(time.time()) if at is None else at
        mac = hmac.new((secret or self.secret).encode(), f"{timestamp}.".encode() + body,
                       hashlib.sha256).hexdigest()  # fmt: skip
        return body, {"Content-Type": "application/json",
                      "X-Pos-Signature": f"t={timestamp},v1={mac}"}  # fmt: skip

    def send_webhook(self, resi: str, events: list[dict]) -> int | None:
        url = self._parcel(resi)["callback_url"]
        if not url:
            return None
        body, headers = self.signed_webhook(resi, events)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = None
        self.sent_webhooks.append({"resi": resi, "events": events, "status": status})
        return status

    def autopilot(self, seconds: float) -> None:
        """Every ``seconds``, move each parcel one step along a normal delivery."""

        def run() -> None:
            while not self._stop.wait(seconds):
                for resi, parcel in list(self.parcels.items()):
                    last = parcel["events"][-1]["code"]
                    if last in FINAL or last not in AUTOPILOT:
                        continue
                    code = AUTOPILOT[AUTOPILOT.index(last) + 1]
                    name = parcel["request"]["recipient"]["name"] if code == "DELIVERED" else ""
                    self.scan(resi, code, webhook=True, receiver_name=name,
                              location="Kantor Pos")  # fmt: skip

        threading.Thread(target=run, daemon=True).start()


def _handler(fake: FakePosServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _answer(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                raise Refused(400, "invalid_request", "body is not JSON") from None
            if not isinstance(body, dict):
                raise Refused(400, "invalid_request", "body must be an object")
            return body

        def _route(self, method: str) -> tuple[int, dict[str, Any]]:
            path = self.path.split("?", 1)[0]
            fake.requests.append((method, path))
            control = re.fullmatch(r"/_fake/shipments/([^/]+)/scan", path)
            if control and method == "POST":
                body = self._body()
                fields = {k: body[k] for k in ("occurred_at", "location", "receiver_name",
                                               "note") if k in body}  # fmt: skip
                with fake._lock:
                    fake._parcel(control[1])
                webhook = bool(body.get("webhook", True))
                return 200, fake.scan(control[1], str(body.get("code")), webhook=webhook, **fields)
            if self.headers.get("Authorization") != f"Bearer {fake.token}":
                raise Refused(401, "unauthorized", "bad or missing token")
            if fake.fail_next:
                status = fake.fail_next.pop(0)
                raise Refused(status, "unavailable", "try again later")
            if method == "POST" and path == "/v1/quotes":
                body = self._body()
                fake._check_party("sender", body.get("sender"))
                fake._check_party("recipient", body.get("recipient"))
                return 200, {"tariff": TARIFF}
            if method == "POST" and path == "/v1/shipments":
                return fake.book(self._body())
            match = re.fullmatch(r"/v1/shipments/([^/]+)/(cancel|events)", path)
            if match and method == "POST" and match[2] == "cancel":
                return 200, fake.cancel(match[1])
            if match and method == "GET" and match[2] == "events":
                return 200, fake.events(match[1])
            raise Refused(404, "not_found", "no such endpoint")

        def _serve(self, method: str) -> None:
            try:
                status, payload = self._route(method)
            except Refused as exc:
                status, payload = exc.status, {"error": {"code": exc.code, "message": exc.message}}
            self._answer(status, payload)

        def do_GET(self) -> None:  # noqa: N802
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake Pos Indonesia API (tests and demo)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default="fake-pos-token")
    parser.add_argument("--secret", default="fake-pos-secret")
    parser.add_argument("--callback-url", default="", help="default webhook target")
    parser.add_argument("--autopilot", type=float, default=0, help="seconds per step (0: off)")
    args = parser.parse_args(argv)
    fake = FakePosServer(token=args.token, secret=args.secret, host=args.host, port=args.port,
                         callback_url=args.callback_url)  # fmt: skip
    if args.autopilot:
        fake.autopilot(args.autopilot)
    print(f"Fake Pos Indonesia on {fake.url}", flush=True)  # noqa: T201
    try:
        fake.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake.httpd.server_close()


if __name__ == "__main__":
    main()
