"""``POST /webhooks/pos``: Pos Indonesia's signed tracking callbacks (see POS_API.md)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dukcapil.delivery.providers.base import WebhookRefused
from dukcapil.delivery.services import receive_webhook

MAX_BODY = 256 * 1024


@csrf_exempt  # authenticated by its HMAC signature, not by a session
@require_POST
def pos_webhook(request: HttpRequest) -> JsonResponse:
    if int(request.headers.get("Content-Length") or 0) > MAX_BODY:
        return JsonResponse({"error": "body too large"}, status=413)
    headers = {"X-Pos-Signature": request.headers.get("X-Pos-Signature", "")}
    try:
        result = receive_webhook(body=request.body, headers=headers, provider_code="pos")
    except WebhookRefused as exc:
        return JsonResponse({"error": str(exc)}, status=exc.status or 400)
    return JsonResponse(result)
