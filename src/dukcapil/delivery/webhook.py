"""``POST /webhooks/pos``: Pos Indonesia's signed tracking callbacks (see POS_API.md)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dukcapil.delivery.providers.base import WebhookRefused
from dukcapil.delivery.tracking import receive_webhook

MAX_BODY = 256 * 1024
LOOPBACK = ("127.0.0.1", "::1")


@csrf_exempt  # authenticated by its HMAC signature, not by a session
@require_POST
def pos_webhook(request: HttpRequest) -> JsonResponse:
    if settings.POS_USES_FAKE and request.META.get("REMOTE_ADDR") not in LOOPBACK:
        # The demo secret is public: with the local fake, only the local fake may call.
        return JsonResponse({"error": "the demo Pos webhook accepts local calls only"}, status=403)
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY:
        return JsonResponse({"error": "body too large"}, status=413)
    headers = {"X-Pos-Signature": request.headers.get("X-Pos-Signature", "")}
    try:
        result = receive_webhook(body=request.body, headers=headers, provider_code="pos")
    except WebhookRefused as exc:
        return JsonResponse({"error": str(exc)}, status=exc.status or 400)
    return JsonResponse(result)
