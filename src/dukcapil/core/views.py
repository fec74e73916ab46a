from __future__ import annotations

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 otherwise (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def ping(request: HttpRequest) -> JsonResponse:
    """The least a request can cost: the full middleware stack, no database (the benchmarks'
    baseline for a Django JSON endpoint)."""
    return JsonResponse({"ok": True})


def home(request: HttpRequest) -> HttpResponse:
    """The site's front page is the citizen portal's list of services."""
    from dukcapil.portal.views import home as portal_home

    return portal_home(request)
