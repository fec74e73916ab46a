"""Guards run before an operation: a per-address request limit and a request-body size limit.

Rate limit: a fixed-window counter in Django's cache.

The public status lookup needs a tracking number *and* a birth date; the limit keeps anyone from
trying birth dates (or numbers) by the thousand. The counter lives in the configured cache: the
local-memory default counts per process, a shared cache (Redis, database) counts per deployment.

The address is :func:`dukcapil.core.net.client_ip`: ``REMOTE_ADDR``, or behind
``DUKCAPIL_TRUSTED_PROXIES`` reverse proxies the address the outermost of them saw, never an entry
of ``X-Forwarded-For`` that the client wrote itself.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from dukcapil.api.errors import error_response
from dukcapil.core.net import client_ip

DEFAULT_LIMITS = {"status": (30, 60)}  # 30 lookups a minute from one address


def _limit(name: str) -> tuple[int, int]:
    """``(requests, seconds)`` for ``name`` from ``DUKCAPIL_API_RATE_LIMITS`` or the default."""
    rates = getattr(settings, "DUKCAPIL_API_RATE_LIMITS", {})
    return rates.get(name, DEFAULT_LIMITS[name])


def rate_limited(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """View decorator (``@decorate_view``): 429 with ``Retry-After`` past the limit ``name``."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            requests, seconds = _limit(name)
            now = time.time()
            window = int(now // seconds)
            key = f"api-rate:{name}:{client_ip(request)}:{window}"
            # add() then incr(): atomic in every cache backend that Django ships.
            cache.add(key, 0, timeout=seconds + 1)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, timeout=seconds + 1)
                count = 1
            if count > requests:
                response = error_response(
                    429, _("Terlalu banyak permintaan. Coba lagi sebentar lagi.")
                )
                response["Retry-After"] = str(max(1, math.ceil((window + 1) * seconds - now)))
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def body_limit(max_bytes: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """View decorator (``@decorate_view``): accept a request body up to ``max_bytes``.

    Django refuses bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) for the whole site; a
    submission carries several files of up to 5 MB as base64, so this one operation reads its body
    itself, with its own limit, the way ``HttpRequest.body`` does.
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not hasattr(request, "_body"):
                try:
                    length = int(request.META.get("CONTENT_LENGTH") or 0)
                except ValueError:
                    return error_response(400, _("Header Content-Length tidak sah."))
                if length > max_bytes:
                    return error_response(
                        413,
                        _("Permintaan terlalu besar (paling besar %(mb)s MB).")
                        % {"mb": max_bytes // (1024 * 1024)},
                    )
                # What HttpRequest.body does, without the site-wide limit.
                request._body = request.read()
                request._stream = io.BytesIO(request._body)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
