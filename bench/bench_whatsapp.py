"""WhatsApp: (1) webhook POSTs (single-message payloads, each its own message id, validly signed),
each stored and its processing enqueued, served and loaded as the ``/ping`` baseline; (2) the
notification dispatcher against the fake Graph API (in its own process, over HTTP) with the
per-number rate limit lifted: notifications sent per second, none lost, none sent twice. The
scenario code lives in ``dukcapil.whatsapp.benchmark``."""

from __future__ import annotations

from common import Context, Figure

ORDER = 70
TITLE = "WhatsApp webhook and notification dispatch"


def run(context: Context) -> list[Figure]:
    from dukcapil.whatsapp import benchmark

    return benchmark.run(context, Figure)
