"""The Graph API over HTTP (httpx): send messages, upload and download media.

Base URL, API version, phone number id and token come from settings, so the same client talks to
Meta or to the local fake (:mod:`dukcapil.whatsapp.fake`). Sends are spaced to the number's
throughput; 429, 5xx and Meta's throttling codes are retried with backoff; every call is recorded
as an :class:`~dukcapil.whatsapp.models.ApiCall` (status, duration, error code; never the token).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from dukcapil.whatsapp import messages

# httpx logs every request at INFO: the call log (ApiCall) already records each one.
logging.getLogger("httpx").setLevel(logging.WARNING)

# Meta's codes worth trying again later: throttling (4, 80007, 130429, 131056 pair rate), service
# trouble (1, 2, 131000, 131016, 133004). Everything else is permanent for this message.
RETRY_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004})
THROTTLED = frozenset({4, 80007, 130429, 131056})
WINDOW_CLOSED = 131047
UNDELIVERABLE = 131026
MAX_MEDIA_BYTES = 16 * 1024 * 1024


class GraphError(Exception):
    """A failed Graph API call. ``permanent``: retrying the same request cannot help."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        details: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status
        self.details = details
        self.retry_after = retry_after

    @property
    def permanent(self) -> bool:
        if self.code in RETRY_CODES:
            return False
        if self.http_status is None:  # no answer (network): the request may be tried again
            return False
        return self.http_status != 429 and self.http_status < 500

    @property
    def throttled(self) -> bool:
        return self.code in THROTTLED or self.http_status == 429


class RateLimiter:
    """Spaces calls to ``rate`` per second across the threads of a process."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


_limiters: dict[tuple[str, int], RateLimiter] = {}
_limiters_lock = threading.Lock()
_http: httpx.Client | None = None
_transport: httpx.HTTPTransport | None = None
_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=50)


def limiter_for(phone_number_id: str, rate: int) -> RateLimiter:
    with _limiters_lock:
        key = (phone_number_id, rate)
        if key not in _limiters:
            _limiters[key] = RateLimiter(rate)
        return _limiters[key]


def http_client() -> httpx.Client:
    global _http
    if _http is None:
        _http = httpx.Client(timeout=_TIMEOUT, limits=_LIMITS)
    return _http


def http_transport() -> httpx.HTTPTransport:
    """The kept-alive connections of message sends: the hot path of the dispatcher (up to 1,000
    a second) goes to httpx's transport directly, without the client's auth, redirect, cookie
    and event-hook layers that a JSON POST to the Graph API does not use."""
    global _transport
    if _transport is None:
        _transport = httpx.HTTPTransport(limits=_LIMITS)
    return _transport


@dataclass(frozen=True)
class Media:
    content: bytes
    mime_type: str
    sha256: str
    file_size: int


class CloudApiClient:
    """One business phone number's view of the Graph API."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        version: str | None = None,
        token: str | None = None,
        phone_number_id: str | None = None,
        messages_per_second: int | None = None,
        retries: int = 2,
        backoff: float = 0.5,
        record: bool = True,
    ) -> None:
        self.base_url = (base_url or settings.WHATSAPP_API_BASE_URL).rstrip("/")
        self.version = version or settings.WHATSAPP_API_VERSION
        self.token = settings.WHATSAPP_ACCESS_TOKEN if token is None else token
        self.phone_number_id = phone_number_id or settings.WHATSAPP_PHONE_NUMBER_ID
        self.rate = messages_per_second or settings.WHATSAPP_MESSAGES_PER_SECOND
        self.limiter = limiter_for(self.phone_number_id, self.rate)
        self.retries = retries
        self.backoff = backoff
        self.record = record
        self._collected: list[Any] | None = None

    # -- sending ---------------------------------------------------------------------------

    def send(self, payload: dict[str, Any], *, at: float | None = None) -> str:
        """POST a message body (see :mod:`messages`) and return its ``wamid``. Raises
        :class:`GraphError` (after retrying what may be retried). ``at``: the sending slot
        reserved for it (:mod:`throughput`); without one, this process spaces its sends."""
        from dukcapil.whatsapp.throughput import wait_until

        url = f"{self.base_url}/{self.version}/{self.phone_number_id}/messages"
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        attempt = 0
        while True:
            if at is not None and attempt == 0:
                wait_until(at)
            else:
                self.limiter.acquire()
            try:
                data = self._post_json(url, body)
                return data["messages"][0]["id"]
            except GraphError as exc:
                if exc.permanent or attempt >= self.retries:
                    raise
                delay = (
                    exc.retry_after if exc.retry_after is not None else self.backoff * 2**attempt
                )
                time.sleep(min(delay, 30.0))
                attempt += 1

    def send_text(self, to: str, body: str, *, callback: str = "") -> str:
        return self.send(messages.text(to, body, callback=callback))

    def send_buttons(self, to: str, body: str, choices: list[messages.Row], **kw: Any) -> str:
        return self.send(messages.buttons(to, body, choices, **kw))

    def send_list(self, to: str, body: str, rows: list[messages.Row], **kw: Any) -> str:
        return self.send(messages.list_message(to, body, rows, **kw))

    def send_template(
        self, to: str, name: str, language: str, parameters: list[str], *, callback: str = ""
    ) -> str:
        return self.send(messages.template(to, name, language, parameters, callback=callback))

    def send_document(
        self, to: str, content: bytes, *, filename: str, caption: str = "",
        mime_type: str = "application/pdf", callback: str = "",
    ) -> str:  # fmt: skip
        """Upload a file (an issued PDF) and send it as a document message."""
        media_id = self.upload_media(content, mime_type=mime_type, filename=filename)
        return self.send(
            messages.document(to, media_id=media_id, filename=filename, caption=caption,
                              callback=callback)
        )  # fmt: skip

    # -- media -----------------------------------------------------------------------------

    def upload_media(self, content: bytes, *, mime_type: str, filename: str) -> str:
        url = f"{self.base_url}/{self.version}/{self.phone_number_id}/media"
        response = self._call(
            "POST",
            url,
            data={"messaging_product": "whatsapp", "type": mime_type},
            files={"file": (filename, content, mime_type)},
        )
        return str(response.json()["id"])

    def download_media(self, media_id: str, *, max_bytes: int = MAX_MEDIA_BYTES) -> Media:
        """``GET /{media-id}`` for a short-lived URL, then ``GET`` that URL with the token."""
        info = self._call("GET", f"{self.base_url}/{self.version}/{media_id}").json()
        try:
            size = int(info.get("file_size") or 0)
        except (TypeError, ValueError):
            size = 0
        if size > max_bytes:
            raise GraphError("media too large", code=None, http_status=413)
        response = self._call("GET", info["url"])
        content = response.content
        if len(content) > max_bytes:
            raise GraphError("media too large", code=None, http_status=413)
        return Media(
            content=content,
            mime_type=str(info.get("mime_type", "")),
            sha256=str(info.get("sha256", "")),
            file_size=size or len(content),
        )

    # -- the call log ----------------------------------------------------------------------

    def collect_calls(self) -> list[Any]:
        """From now on keep the call log in memory (threads need no database connection);
        :meth:`flush_calls` writes it in one statement."""
        self._collected = []
        return self._collected

    def flush_calls(self, collected: list[Any]) -> None:
        from dukcapil.whatsapp.models import ApiCall

        self._collected = None
        ApiCall.objects.bulk_create(collected, batch_size=1000)

    # -- the wire --------------------------------------------------------------------------

    def _call(self, method: str, url: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        started = time.perf_counter()
        status_code = error_code = None
        error = ""
        try:
            response = http_client().request(method, url, headers=headers, **kw)
            status_code = response.status_code
            if response.status_code >= 400:
                exc = _graph_error(response)
                error_code, error = exc.code, str(exc)
                raise exc
            return response
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise GraphError(error) from exc
        finally:
            if self.record:
                self._record(method, url, status_code, error_code, error, started)

    def _post_json(self, url: str, body: bytes) -> Any:
        """POST a JSON body on :func:`http_transport`; the parsed answer. Errors and the call
        log as :meth:`_call`."""
        started = time.perf_counter()
        status_code = error_code = None
        error = ""
        request = httpx.Request(
            "POST", url, content=body, extensions={"timeout": _TIMEOUT.as_dict()},
            headers={"Authorization": f"Bearer {self.token}",
                     "Content-Type": "application/json"},
        )  # fmt: skip
        try:
            response = http_transport().handle_request(request)
            try:
                response.read()
            finally:
                response.close()
            status_code = response.status_code
            if status_code >= 400:
                exc = _graph_error(response)
                error_code, error = exc.code, str(exc)
                raise exc
            return json.loads(response.content)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise GraphError(error) from exc
        finally:
            if self.record:
                self._record("POST", url, status_code, error_code, error, started)

    def _record(
        self, method: str, url: str, status_code: int | None, error_code: int | None,
        error: str, started: float,
    ) -> None:  # fmt: skip
        from dukcapil.whatsapp.models import ApiCall

        parts = urlsplit(url)  # the query may carry a signed media hash: left out
        call = ApiCall(
            method=method,
            path=parts.path[:300],
            status_code=status_code,
            error_code=error_code,
            error=error[:300],
            duration_ms=int((time.perf_counter() - started) * 1000),
        )
        if self._collected is not None:
            self._collected.append(call)
        else:
            call.save()


def _graph_error(response: httpx.Response) -> GraphError:
    """Meta's error envelope: branch on ``error.code`` and ``error_data.details``."""
    try:
        body = response.json().get("error") or {}
    except ValueError:
        body = {}
    retry_after = response.headers.get("Retry-After")
    code = body.get("code")
    return GraphError(
        str(body.get("message") or f"HTTP {response.status_code}")[:300],
        code=code if isinstance(code, int) else None,
        http_status=response.status_code,
        details=str((body.get("error_data") or {}).get("details", ""))[:300],
        retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
    )
