"""Settings of the server that the HTTP benchmarks load (``DJANGO_SETTINGS_MODULE``, set by
``http_load.served``): the app's own, except the per-address limit of the public status lookup,
which would otherwise answer the one load generator's address with 429 after 30 lookups a minute.
The limit is still counted on every lookup, as in production."""

from dukcapil.settings import *  # noqa: F403

DUKCAPIL_API_RATE_LIMITS = {"status": (1_000_000_000, 60)}
