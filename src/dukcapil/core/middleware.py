"""Indonesian by default on every page, whatever language the browser prefers.

Many phones in Indonesia are set to English; a public service still speaks Indonesian until the
person picks English with the switch on the page (the ``django_language`` cookie). Integrations of
the JSON API choose with ``Accept-Language`` as usual.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

NEGOTIATED_PREFIXES = ("/api/",)


class IndonesianByDefaultMiddleware:
    """Placed before ``LocaleMiddleware``: pages ignore ``Accept-Language``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(NEGOTIATED_PREFIXES):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RefuseNulCharactersMiddleware:
    """A NUL character in the path or the query string is a 400 that says so, before any view
    reads it: no text the system keeps or looks up may hold one (PostgreSQL refuses NUL in text,
    which would otherwise be a 500). Form fields refuse it already (Django's ``CharField``), the
    JSON API's bodies by their schema."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            message = _("Alamat berisi karakter NUL, yang tidak dapat diterima.")
            if request.path.startswith(NEGOTIATED_PREFIXES):
                return JsonResponse({"detail": message, "errors": {}}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
