"""Indonesian by default on every page, whatever language the browser prefers.

Many phones in Indonesia are set to English; a public service still speaks Indonesian until the
person picks English with the switch on the page (the ``django_language`` cookie). Integrations of
the JSON API choose with ``Accept-Language`` as usual.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

NEGOTIATED_PREFIXES = ("/api/",)


class IndonesianByDefaultMiddleware:
    """Placed before ``LocaleMiddleware``: pages ignore ``Accept-Language``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(NEGOTIATED_PREFIXES):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
