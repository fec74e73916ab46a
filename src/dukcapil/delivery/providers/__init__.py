"""Courier providers: one interface (:class:`~.base.CourierProvider`), chosen in settings."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from dukcapil.delivery.providers.base import CourierProvider


def get_provider(code: str | None = None) -> CourierProvider:
    """The provider named ``code`` (default: ``settings.DELIVERY_PROVIDER``)."""
    code = code or settings.DELIVERY_PROVIDER
    try:
        path = settings.DELIVERY_PROVIDERS[code]
    except KeyError:
        raise LookupError(f"unknown courier provider {code!r}") from None
    return import_string(path)()
