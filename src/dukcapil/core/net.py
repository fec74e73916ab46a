"""The client's address, for every throttle (identity checks, status lookups, verification, API).

Behind ``DUKCAPIL_TRUSTED_PROXIES`` reverse proxies (0 by default: the server faces the
internet), the address is the one the outermost trusted proxy saw: that many entries from the
right of ``X-Forwarded-For``. Entries further left were written by the client and are never
believed; a header shorter than promised, or an entry that is not an IP address, falls back to
``REMOTE_ADDR``.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.DUKCAPIL_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < proxies:
        return remote
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
