"""Reads of the WhatsApp app (the operator inbox), scoped to the staff user's jurisdiction."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dukcapil.accounts.models import ROLES_WITHOUT_PERSONAL_DATA, JurisdictionLevel
from dukcapil.accounts.selectors import scope_to_jurisdiction
from dukcapil.whatsapp.models import Conversation


def inbox(user: Any, *, waiting_only: bool = True) -> QuerySet[Conversation]:
    """Conversations the user may see, those waiting for an officer first. A citizen who asked
    for an officer before proving who they are has no kecamatan yet: province-level staff (who
    see personal data) answer those."""
    scoped = scope_to_jurisdiction(Conversation.objects.all(), user=user)
    if (
        getattr(user, "jurisdiction_level", None) == JurisdictionLevel.PROVINCE
        and user.role not in ROLES_WITHOUT_PERSONAL_DATA
    ):
        scoped = scoped | Conversation.objects.filter(kecamatan__isnull=True)
    if waiting_only:
        scoped = scoped.filter(handover_requested_at__isnull=False)
    return scoped.select_related("resident", "kecamatan").order_by(
        "handover_requested_at", "-updated_at"
    )


def thread(conversation: Conversation, *, limit: int = 100) -> list[dict[str, Any]]:
    """The last messages both ways, oldest first."""
    inbound = conversation.inbound.order_by("-received_at")[:limit]
    outbound = conversation.outbound.select_related("sent_by").order_by("-created_at")[:limit]
    items = [
        {"at": m.received_at, "incoming": True, "text": m.text, "status": ""} for m in inbound
    ] + [
        {"at": m.created_at, "incoming": False, "text": m.text, "status": m.status,
         "by": m.sent_by.get_username() if m.sent_by else ""}
        for m in outbound
    ]  # fmt: skip
    return sorted(items, key=lambda i: i["at"])[-limit:]
